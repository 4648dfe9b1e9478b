/**
 * Blast radius of a FAILED 10 % canary (issue 17): the real deploy() of packages/ecs with
 * strategy canary rolls out an `-errors` release (every 5th request answers 500) on the sim,
 * while the sim's traffic generator sends steady production requests (3 per sim second) through
 * the production listener. Per run it measures, all times in SIM time:
 *
 *   canary share   requests answered by the new revision / all requests, from the moment the
 *                  weights reader saw the new group's weight leave 0 to the moment it saw it back
 *                  at 0 — once from the traffic generator's per-revision answers (client side)
 *                  and once from the sim's own target-group records (the RequestCount the
 *                  listener proxy logs per target group, which CloudWatch serves). Goal <= 12 %.
 *   after abort    requests that reached the new revision after the weights were seen back at
 *                  100 % old, until 30 sim s after deploy() returned (rollback over): client and
 *                  target-group records. Goal 0.
 *   delay          from the end of the first bad metrics minute (the first whole minute, i.e.
 *                  starting after the weights moved, with 5XX on the new target group, from the
 *                  sim's per-minute target-group records) to the production listener rule seen
 *                  back at 100 % old. Goal <= one analysis interval (60 s) + 10 s.
 * and cross-checks the analysis' own figures (deploy() → followProgressive's blastRadius) against
 * the sim's: its requestsToNew must equal every request the new target group ever got.
 *
 * The weights are read by a reader of our own, independent of the product: DescribeRules on the
 * production listener rule every POLL_MS real ms (as progressive-follow-sim.test.ts does with
 * the listener), each reading stamped with the sim's time. A move happened between the reading
 * before it was seen and the reading that saw it; the figures use the reading that saw it, and
 * the table shows that uncertainty (the reader's step).
 *
 * The stack (ALB, listener, two target groups, a settled BLUE_GREEN service web:1, traffic) is
 * the ECS tests' fixture, at its time scale (30: a sim minute is 2 real s), plus a listener rule
 * that becomes the production rule, so ECS and the product move weights on a real rule. The
 * deploy options are deploy-fargate's defaults for `strategy: canary` (canary 10 % for 5 m,
 * bake 5 m, max-error-rate 5 %, min-requests 20, poll-interval 5 s, circuit breaker on).
 *
 * Run: npx tsx test/bench/canary-blast-radius.ts [--runs N] [--json]
 * (default 5; about 7 real s a run). With --json the tables go to stderr and one JSON object of
 * every run's figures to stdout.
 * Exits 0 whether or not the goals are met (the summary says which); 1 on an error, including a
 * canary that was not rolled back, since then nothing here can be measured.
 */
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import {
  CreateRuleCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { scaledClock } from '@fargate-promote/common'
import {
  deploy,
  loadBalancerDimension,
  targetGroupDimension,
  type DeployOptions,
  type DeployResult
} from '@fargate-promote/ecs'
import { revisionTotal, simTimeAt, type TrafficCounts } from '@fargate-promote/sim'
import {
  SCALE,
  realSleep,
  stack,
  weightOf,
  type Stack
} from '../../packages/ecs/__tests__/progressive-follow-fixtures.js'

/** Real ms between two readings of the production rule (0.6 sim s at scale 30). */
const POLL_MS = 20
/** Sim ms of traffic still counted after deploy() returned, to see nothing reaches the new revision. */
const AFTER_MS = 30_000
const MINUTE_MS = 60_000
const GOAL_CANARY_SHARE = 0.12
const GOAL_DELAY_MS = MINUTE_MS + 10_000
const NEW_REVISION = 'web:2'
const OLD_REVISION = 'web:1'
const BAD_IMAGE = 'shop:v2-errors'

interface Options {
  runs: number
  json: boolean
}

/** What the sim's target-group records say of both groups at one moment. */
interface GroupTotals {
  toNew: number
  toOld: number
}

/** Client answers and target-group records at one reading of the rule. */
interface Snapshot {
  at: number
  client: TrafficCounts
  groups: GroupTotals
}

interface Reading {
  at: number
  weightNew: number
}

interface Watch {
  /** First reading with the new group's weight above 0, and the reading before it. */
  up?: Snapshot
  beforeUp?: Reading
  /** First reading back at 0 after `up`, and the reading before it. */
  down?: Snapshot
  beforeDown?: Reading
  maxWeightNew: number
  readings: number
}

interface RunFigures {
  outcome: string
  reason: string
  canaryShareClient: number
  canaryShareGroups: number
  canaryRequestsToNew: number
  canaryRequests: number
  afterClient: number
  afterGroups: number
  productShare: number
  productToNew: number
  productTotal: number
  groupsToNewEver: number
  /** Of those, in minutes already over (published to CloudWatch) when deploy() returned. */
  groupsToNewPublished: number
  clientToNewEver: number
  maxWeightNew: number
  /** Sim epoch ms. */
  weightsUpAt: number
  firstBadMinuteEnd: number
  weightsBackAt: number
  delayMs: number
  /** Sim ms between the reading before a move and the one that saw it (up, down). */
  upStepMs: number
  downStepMs: number
  realMs: number
  readings: number
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } }
  })
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got '${values.runs}'`)
  }
  return { runs, json: values.json }
}

/** Lower median, as in the other benchmarks, so the figures compare with theirs. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}

function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

/** deploy-fargate's defaults for `strategy: canary` (actions/deploy-fargate/action.yml). */
function deployOptions(rule: string): DeployOptions {
  return {
    cluster: 'prod',
    services: ['web'],
    taskDefinition: { kind: 'current' },
    images: { app: BAD_IMAGE },
    environment: {},
    tags: { version: BAD_IMAGE },
    forceNewDeployment: false,
    circuitBreaker: true,
    alarms: [],
    wait: true,
    timeoutMs: 30 * MINUTE_MS,
    pollIntervalMs: 5_000,
    waitForTargetHealth: 'auto',
    onFailure: 'rollback',
    dryRun: false,
    progressive: {
      settings: {
        kind: 'canary',
        canaryPercent: 10,
        canaryBakeMinutes: 5,
        stepPercent: 10,
        stepBakeMinutes: 5,
        bakeTimeMinutes: 5,
        productionListenerRuleArn: rule
      },
      thresholds: { maxErrorRate: 0.05, minRequests: 20 },
      pauses: 'continue-on-pass'
    }
  }
}

/**
 * A listener rule matching every path, forwarding as the listener does now (all to `old`):
 * the production rule ECS and the product move weights on from here.
 */
async function productionRule(s: Stack, old: string, fresh: string): Promise<string> {
  const out = await s.elb.send(
    new CreateRuleCommand({
      ListenerArn: s.listenerArn,
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: old, Weight: 100 },
              { TargetGroupArn: fresh, Weight: 0 }
            ]
          }
        }
      ]
    })
  )
  const arn = out.Rules?.[0]?.RuleArn
  if (arn === undefined) throw new Error('CreateRule returned no rule ARN')
  return arn
}

/** The percent of the rule's forward weight on `group`, read with DescribeRules. */
async function ruleShare(
  elb: ElasticLoadBalancingV2Client,
  rule: string,
  group: string
): Promise<number> {
  const out = await elb.send(new DescribeRulesCommand({ RuleArns: [rule] }))
  const forward = out.Rules?.[0]?.Actions?.find(a => a.Type === 'forward')
  const groups = forward?.ForwardConfig?.TargetGroups ?? []
  const total = groups.reduce((sum, g) => sum + (g.Weight ?? 0), 0)
  const mine = groups.find(g => g.TargetGroupArn === group)?.Weight ?? 0
  return total === 0 ? 0 : (mine / total) * 100
}

/** The sim's own per-minute records of what the listener proxied to one target group. */
function groupMinutes(s: Stack, group: string) {
  const lb = loadBalancerDimension(s.loadBalancer)
  return s.sim.world.elb.albTraffic(lb, targetGroupDimension(group))
}

function groupTotals(s: Stack, groups: { old: string; new: string }): GroupTotals {
  const sum = (group: string) => groupMinutes(s, group).reduce((n, m) => n + m.requests, 0)
  return { toNew: sum(groups.new), toOld: sum(groups.old) }
}

/**
 * Reads the production rule every POLL_MS real ms until stopped; at the readings that see the
 * new group's weight leave 0 and come back to 0, snapshots the client counts and the groups'.
 */
function watchWeights(
  s: Stack,
  reader: ElasticLoadBalancingV2Client,
  rule: string,
  groups: { old: string; new: string }
): { stop(): Promise<Watch> } {
  const watch: Watch = { maxWeightNew: 0, readings: 0 }
  let running = true
  const loop = (async () => {
    let previous: Reading | undefined
    while (running) {
      const weightNew = await ruleShare(reader, rule, groups.new)
      const at = simTimeAt(s.sim.clock)
      const snapshot = (): Snapshot => ({
        at,
        client: s.traffic.counts(),
        groups: groupTotals(s, groups)
      })
      watch.readings++
      watch.maxWeightNew = Math.max(watch.maxWeightNew, weightNew)
      if (weightNew > 0 && watch.up === undefined) {
        watch.up = snapshot()
        watch.beforeUp = previous
      } else if (weightNew === 0 && watch.up !== undefined && watch.down === undefined) {
        watch.down = snapshot()
        watch.beforeDown = previous
      }
      previous = { at, weightNew }
      await realSleep(POLL_MS)
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return watch
    }
  }
}

/** All answers the client got in a window (every revision, the ELB's own and network errors). */
function answered(later: TrafficCounts, earlier: TrafficCounts): number {
  return later.completed - earlier.completed
}

/**
 * The end of the first whole minute, starting at or after the last reading before the weights
 * moved, in which the new target group answered 5XX. The analysis may fail a step before such a
 * minute ends (its errors already break the threshold whatever the rest brings): then the
 * minute the weights moved in is taken.
 */
function firstBadMinuteEnd(s: Stack, group: string, movedAfter: number): number {
  const minutes = groupMinutes(s, group).filter(m => m.targetCodes['5XX'] > 0)
  const first =
    minutes.find(m => m.minute * MINUTE_MS >= movedAfter) ??
    minutes.find(m => (m.minute + 1) * MINUTE_MS > movedAfter)
  if (first === undefined) throw new Error('the new target group never had a whole minute with 5XX')
  return (first.minute + 1) * MINUTE_MS
}

function progressiveOf(result: DeployResult) {
  const progressive = result.services[0]?.progressive
  if (progressive === undefined) {
    throw new Error(`deploy() returned no progressive result: ${JSON.stringify(result)}`)
  }
  return progressive
}

async function once(): Promise<RunFigures> {
  const startedReal = Date.now()
  const s = await stack()
  const reader = new ElasticLoadBalancingV2Client({
    endpoint: s.sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret' },
    maxAttempts: 1
  })
  try {
    // ECS swaps the pair on every deployment: production is the group with the higher weight.
    const old = (await weightOf(s, s.blue)) === 100 ? s.blue : s.green
    const groups = { old, new: old === s.blue ? s.green : s.blue }
    const rule = await productionRule(s, groups.old, groups.new)
    const watcher = watchWeights(s, reader, rule, groups)
    const clock = scaledClock({ origin: s.sim.clock.origin, scale: SCALE })
    const { ecs, elb, cloudwatch, log: logger } = s
    const result = await deploy(deployOptions(rule), { ecs, elb, cloudwatch, clock, log: logger })
    const returnedAt = simTimeAt(s.sim.clock)
    await realSleep(AFTER_MS / SCALE)
    const watch = await watcher.stop()
    const end: Snapshot = {
      at: simTimeAt(s.sim.clock),
      client: s.traffic.counts(),
      groups: groupTotals(s, groups)
    }
    const progressive = progressiveOf(result)
    if (result.status !== 'rolled-back') {
      throw new Error(
        `the -errors canary was not rolled back: status ${result.status}, ${progressive.reason}\n${s.log.text()}`
      )
    }
    const { up, down, beforeUp, beforeDown } = watch
    if (
      up === undefined ||
      down === undefined ||
      beforeUp === undefined ||
      beforeDown === undefined
    ) {
      throw new Error(
        `the reader did not see the weights move to the new group and back (max ${watch.maxWeightNew} %)`
      )
    }
    const canaryToNew =
      revisionTotal(down.client, NEW_REVISION) - revisionTotal(up.client, NEW_REVISION)
    const canaryAll = answered(down.client, up.client)
    const groupsToNew = down.groups.toNew - up.groups.toNew
    const groupsAll = groupsToNew + down.groups.toOld - up.groups.toOld
    const badEnd = firstBadMinuteEnd(s, groups.new, beforeUp.at)
    return {
      outcome: progressive.outcome,
      reason: progressive.reason,
      canaryShareClient: canaryAll === 0 ? 0 : canaryToNew / canaryAll,
      canaryShareGroups: groupsAll === 0 ? 0 : groupsToNew / groupsAll,
      canaryRequestsToNew: canaryToNew,
      canaryRequests: canaryAll,
      afterClient:
        revisionTotal(end.client, NEW_REVISION) - revisionTotal(down.client, NEW_REVISION),
      afterGroups: end.groups.toNew - down.groups.toNew,
      productShare: progressive.blastRadius.share,
      productToNew: progressive.blastRadius.requestsToNew,
      productTotal: progressive.blastRadius.requestsTotal,
      groupsToNewEver: end.groups.toNew,
      groupsToNewPublished: groupMinutes(s, groups.new)
        .filter(m => (m.minute + 1) * MINUTE_MS <= returnedAt)
        .reduce((n, m) => n + m.requests, 0),
      clientToNewEver: revisionTotal(end.client, NEW_REVISION),
      maxWeightNew: watch.maxWeightNew,
      weightsUpAt: up.at,
      firstBadMinuteEnd: badEnd,
      weightsBackAt: down.at,
      delayMs: down.at - badEnd,
      upStepMs: up.at - beforeUp.at,
      downStepMs: down.at - beforeDown.at,
      realMs: Date.now() - startedReal,
      readings: watch.readings
    }
  } finally {
    reader.destroy()
    await s.stop()
  }
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`
const seconds = (ms: number) => (ms / 1000).toFixed(1)
/** Sim time of day: the minute boundaries matter, the date does not. */
const clockTime = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 23)

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i]!.length)))
  const pad = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
  return [pad(header), ...rows.map(pad)].join('\n')
}

function runTable(runs: RunFigures[]): string {
  const header = [
    'run',
    'canary share client',
    'canary share TG',
    'new/all (client)',
    'req/sim s',
    'after abort client/TG',
    'analysis blast radius',
    'weights up',
    'first bad min end',
    'weights back',
    'delay s',
    'reader step up/down s',
    'real s'
  ]
  const rows = runs.map((r, i) => [
    String(i + 1),
    percent(r.canaryShareClient),
    percent(r.canaryShareGroups),
    `${r.canaryRequestsToNew}/${r.canaryRequests}`,
    (r.canaryRequests / ((r.weightsBackAt - r.weightsUpAt) / 1000)).toFixed(2),
    `${r.afterClient}/${r.afterGroups}`,
    `${percent(r.productShare)} (${r.productToNew}/${r.productTotal})`,
    clockTime(r.weightsUpAt),
    clockTime(r.firstBadMinuteEnd),
    clockTime(r.weightsBackAt),
    seconds(r.delayMs),
    `${seconds(r.upStepMs)}/${seconds(r.downStepMs)}`,
    seconds(r.realMs)
  ])
  return formatTable(header, rows)
}

interface Figure {
  label: string
  values: number[]
  format: (value: number) => string
  goal: string
  /** Every run within the goal (undefined: no goal, shown for reference). */
  pass?: (value: number) => boolean
}

function summaryTable(runs: RunFigures[]): { text: string; missed: string[] } {
  const figures: Figure[] = [
    {
      label: 'canary share, client answers',
      values: runs.map(r => r.canaryShareClient),
      format: percent,
      goal: '<= 12%',
      pass: v => v <= GOAL_CANARY_SHARE
    },
    {
      label: 'canary share, sim target groups',
      values: runs.map(r => r.canaryShareGroups),
      format: percent,
      goal: '<= 12%',
      pass: v => v <= GOAL_CANARY_SHARE
    },
    {
      label: 'to new after abort, client',
      values: runs.map(r => r.afterClient),
      format: String,
      goal: '0',
      pass: v => v === 0
    },
    {
      label: 'to new after abort, sim target group',
      values: runs.map(r => r.afterGroups),
      format: String,
      goal: '0',
      pass: v => v === 0
    },
    {
      label: 'first bad minute end -> weights 100% old (sim s)',
      values: runs.map(r => r.delayMs),
      format: seconds,
      goal: '<= 70.0',
      pass: v => v <= GOAL_DELAY_MS
    },
    {
      label: "analysis' blast radius (whole minutes followed)",
      values: runs.map(r => r.productShare),
      format: percent,
      goal: '-'
    },
    {
      label: 'real time per run (s)',
      values: runs.map(r => r.realMs),
      format: seconds,
      goal: '-'
    }
  ]
  const missed: string[] = []
  const rows = figures.map(f => {
    const ok = f.pass === undefined ? undefined : f.values.every(f.pass)
    if (ok === false) missed.push(f.label)
    return [
      f.label,
      f.format(median(f.values)),
      f.format(Math.min(...f.values)),
      f.format(Math.max(...f.values)),
      f.goal,
      ok === undefined ? '' : ok ? 'pass' : 'MISSED'
    ]
  })
  const header = ['figure', 'median', 'min', 'max', 'goal', 'verdict']
  return { text: formatTable(header, rows), missed }
}

/** Where the product's figures and the sim's disagree: worth a look even when goals are met. */
function crossChecks(runs: RunFigures[]): string[] {
  const notes: string[] = []
  runs.forEach((r, i) => {
    const run = `run ${i + 1}`
    if (r.productToNew !== r.groupsToNewEver) {
      const published =
        r.productToNew === r.groupsToNewPublished
          ? `; it equals the sim's count over the minutes already over when deploy() returned (${r.groupsToNewPublished}): the minute still in progress, in which the weights went back, is left out`
          : `; ${r.groupsToNewPublished} in the minutes already over when deploy() returned`
      notes.push(
        `${run}: the analysis counted ${r.productToNew} requests to the new revision, the sim's target group ${r.groupsToNewEver}${published}`
      )
    }
    if (r.clientToNewEver !== r.groupsToNewEver) {
      notes.push(
        `${run}: the client got ${r.clientToNewEver} answers from ${NEW_REVISION}, the sim's target group counted ${r.groupsToNewEver} requests`
      )
    }
    if (r.maxWeightNew !== 10) {
      notes.push(
        `${run}: the rule's highest weight on the new group was ${r.maxWeightNew} %, not 10 %`
      )
    }
  })
  return notes
}

function machine(): string {
  const cores = cpus()
  const model = cores[0]?.model.trim() ?? 'unknown cpu'
  const load = loadavg()
    .map(l => l.toFixed(2))
    .join(' ')
  return `machine: ${model}, ${cores.length} cores, node ${process.version}, load average ${load}`
}

async function main(): Promise<number> {
  const options = parseOptions()
  const out = options.json ? log : (line: string) => console.log(line)
  out(machine())
  out(
    `sim time scale ${SCALE} (a sim minute is ${(MINUTE_MS / SCALE / 1000).toFixed(1)} real s); the fixture's traffic (3 requests per sim s nominal) through the production listener; canary 10 %, image ${BAD_IMAGE} (every 5th request 500); rule read every ${POLL_MS} real ms (${seconds(POLL_MS * SCALE)} sim s); old revision ${OLD_REVISION}, new ${NEW_REVISION}`
  )
  const runs: RunFigures[] = []
  for (let i = 0; i < options.runs; i++) {
    log(`run ${i + 1} of ${options.runs}…`)
    const figures = await once()
    log(`  ${figures.outcome}: ${figures.reason}`)
    runs.push(figures)
  }
  out('')
  out('Per run (times of day in sim time, durations in sim seconds unless "real"):')
  out(runTable(runs))
  out('')
  const summary = summaryTable(runs)
  out(summary.text)
  const notes = crossChecks(runs)
  out('')
  out(
    notes.length === 0
      ? `cross-check: in every run the analysis' requests to the new revision = the sim's target-group count = the client's answers from ${NEW_REVISION}`
      : `CROSS-CHECK MISMATCH:\n  ${notes.join('\n  ')}`
  )
  out(
    summary.missed.length === 0
      ? `RESULT: every goal met in all ${runs.length} runs`
      : `RESULT: GOAL MISSED: ${summary.missed.join('; ')}`
  )
  if (options.json) {
    const goals = { canaryShare: GOAL_CANARY_SHARE, afterAbort: 0, delayMs: GOAL_DELAY_MS }
    console.log(JSON.stringify({ scale: SCALE, goals, runs }))
  }
  return 0
}

try {
  process.exitCode = await main()
} catch (error) {
  log(
    `canary-blast-radius failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
  )
  process.exitCode = 1
}
