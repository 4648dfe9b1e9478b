import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  alternateGroupOf,
  INFRASTRUCTURE_ROLE,
  startSimTraffic,
  type TrafficCounts
} from '@fargate-promote/rehearsal'
import { actionStep, deployments, liveTaskDefinition } from './observe.js'
import { rehearseStep, release, waitSim, type Stage } from './stage.js'

/** One claim of the story (acts.ts's Check). */
interface Claim {
  act: number
  claim: string
  observed: string
  pass: boolean
}

const ACT = 6
const PRODUCTION_GROUP = 'shop-production-web'

interface ListenerView {
  LoadBalancerArn: string
  ListenerArn: string
  DefaultActions: {
    ForwardConfig?: { TargetGroups: { TargetGroupArn: string; Weight: number }[] }
  }[]
}

/** Production's listener and target groups, as the sim's ELBv2 holds them now. */
async function production(stage: Stage) {
  const state = (await (await fetch(`${stage.sim.url}/_sim/state`)).json()) as {
    elbv2: {
      loadBalancers: { LoadBalancerName: string; LoadBalancerArn: string }[]
      targetGroups: { TargetGroupName: string; TargetGroupArn: string }[]
      listeners: ListenerView[]
    }
  }
  const { elbv2 } = state
  const lb = elbv2.loadBalancers.find(l => l.LoadBalancerName === 'shop-production')
  const listener = elbv2.listeners.find(l => l.LoadBalancerArn === lb?.LoadBalancerArn)
  const arn = (name: string) =>
    elbv2.targetGroups.find(t => t.TargetGroupName === name)?.TargetGroupArn ?? ''
  const weights = Object.fromEntries(
    (listener?.DefaultActions[0]?.ForwardConfig?.TargetGroups ?? []).map(g => [
      g.TargetGroupArn,
      g.Weight
    ])
  )
  return {
    listenerArn: listener?.ListenerArn ?? '',
    group: arn(PRODUCTION_GROUP),
    alternate: arn(alternateGroupOf(PRODUCTION_GROUP)),
    weights
  }
}

/**
 * The config change the platform team commits: production deploys as a canary. The service is
 * not set up for it yet, so the ARNs of the alternate target group, the listener and the role
 * (the infrastructure code's outputs; here, the simulator's) go in the file, and deploy-fargate
 * switches the service over in the same UpdateService.
 */
async function canaryConfig(stage: Stage): Promise<void> {
  const where = await production(stage)
  const file = join(stage.dir, '.github/fargate-promote.yml')
  const text = await readFile(file, 'utf8')
  const settings = [
    '    # A canary: 10 % of production traffic for 10 minutes, judged every minute.',
    '    strategy: canary',
    '    canary-percent: 10%',
    '    canary-bake: 10m',
    '    bake-time: 1m',
    '    max-error-rate: 5%',
    '    min-requests: 10',
    `    alternate-target-group: ${where.alternate}`,
    `    production-listener-rule: ${where.listenerArn}`,
    `    infrastructure-role: ${INFRASTRUCTURE_ROLE}`
  ]
  const changed = text.replace(/^( {4}monitor: 15m\n)/m, `$1${settings.join('\n')}\n`)
  if (changed === text) throw new Error('The sample config has no production `monitor: 15m`.')
  await writeFile(file, changed)
  await stage.git('add', '.github/fargate-promote.yml')
  await stage.git('commit', '-q', '-m', 'production: canary deployments')
}

/** The highest share of production traffic the deploy step saw on the new revision. */
function highestStep(log: string): number {
  const shares = [...log.matchAll(/production traffic ([\d.]+)% new/g)].map(m => Number(m[1]))
  return Math.max(0, ...shares)
}

function share(counts: TrafficCounts, revision: string): { to: number; total: number } {
  const sum = (statuses: Record<string, number> | undefined) =>
    Object.values(statuses ?? {}).reduce((a, b) => a + b, 0)
  const total = Object.values(counts.byRevision).reduce((a, s) => a + sum(s), 0)
  return { to: sum(counts.byRevision[revision]), total }
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`

/** Act 6: a canary in production aborts a release that fails one request in five. */
export async function act6(stage: Stage): Promise<Claim[]> {
  stage.say('\n━━ Act 6 — production goes canary; 1.4.0 fails 20 % of its requests there')
  await canaryConfig(stage)
  const before = await production(stage)
  const previous = await liveTaskDefinition(stage, 'production')
  await release(stage, '1.4.0', '-fails-in-production')
  const staging = await rehearseStep(stage, {
    title: '1.4.0 → staging',
    workflow: '.github/workflows/staging.yml',
    event: 'push',
    branch: 'main'
  })
  await waitSim(stage, 10, 'staging soaks (soak: 10m)')
  const url = stage.config.config.environments.production?.url ?? ''
  stage.say(`  steady production traffic on ${url}: 60 requests a simulated minute`)
  const traffic = await startSimTraffic({
    productRoot: stage.productRoot,
    url,
    timeScale: stage.sim.time.scale,
    hostEnv: stage.hostEnv
  })
  let counts: TrafficCounts
  let result
  try {
    result = await rehearseStep(stage, {
      title: '1.4.0 → production (canary)',
      workflow: '.github/workflows/production.yml',
      event: 'workflow_dispatch',
      branch: 'main',
      approve: ['production']
    })
  } finally {
    counts = await traffic.stop()
  }
  const deploy = actionStep(result, 'deploy/deploy', 'deploy-fargate')
  const reason = deploy?.outputs['failure-reason'] ?? ''
  stage.say(`  canary analysis: ${reason || '(no failure reported)'}`)
  return claims(stage, { staging: staging.conclusion, deploy, reason, before, previous, counts })
}

async function claims(
  stage: Stage,
  seen: {
    staging: string
    deploy: ReturnType<typeof actionStep>
    reason: string
    before: Awaited<ReturnType<typeof production>>
    previous: string
    counts: TrafficCounts
  }
): Promise<Claim[]> {
  const { deploy, reason, before, previous, counts } = seen
  const after = await production(stage)
  const live = await liveTaskDefinition(stage, 'production')
  const { calls } = (await (
    await fetch(`${stage.sim.url}/_sim/calls?service=ecs&operation=StopServiceDeployment`)
  ).json()) as { calls: { params: { stopType?: string } }[] }
  const stopped = calls.some(c => c.params.stopType === 'ROLLBACK')
  const step = highestStep(deploy?.log ?? '')
  const blast = Number(deploy?.outputs['blast-radius'] ?? NaN)
  const bad = Object.keys(counts.byRevision).filter(r => r !== revisionOf(previous))
  const reached = bad.reduce((n, r) => n + share(counts, r).to, 0)
  const { total } = share(counts, revisionOf(previous))
  const [record] = await deployments(stage, 'production')
  const weightsBack =
    after.weights[before.group] === 100 && (after.weights[before.alternate] ?? 0) === 0
  return [
    {
      act: ACT,
      claim: '1.4.0 passes staging',
      observed: seen.staging,
      pass: seen.staging === 'success'
    },
    {
      act: ACT,
      claim: 'the canary is aborted at its first step (10%) by the analysis',
      observed: `${deploy?.outputs.status ?? '?'} at ${step}%${stopped ? ', StopServiceDeployment ROLLBACK' : ''}: ${reason.slice(0, 70)}`,
      pass:
        deploy?.outputs.status === 'rolled-back' &&
        step === 10 &&
        stopped &&
        reason.startsWith('The analysis failed')
    },
    {
      act: ACT,
      claim: 'production traffic back at 100% on the previous revision',
      observed: `listener weights ${JSON.stringify(Object.values(after.weights))}`,
      pass: weightsBack
    },
    {
      act: ACT,
      claim: 'the blast radius: at most 12% of production requests reached 1.4.0',
      observed: `${percent(blast)} (deploy-fargate); traffic: ${reached} of ${total} requests`,
      pass: blast > 0 && blast <= 0.12 && reached > 0 && reached <= 0.12 * total
    },
    {
      act: ACT,
      claim: 'the service runs the previous task definition',
      observed: live.replace(/^.*task-definition\//, ''),
      pass: live === previous && live !== ''
    },
    {
      act: ACT,
      claim: 'GitHub records the production deployment as failure, with the analysis',
      observed: `${record?.state ?? 'none'}: ${(record?.description ?? '').slice(0, 70)}`,
      pass: record?.state === 'failure' && /analysis/i.test(record.description)
    }
  ]
}

/** `family:revision` of a task definition ARN, as the traffic counts name revisions. */
function revisionOf(arn: string): string {
  return arn.replace(/^.*task-definition\//, '')
}
