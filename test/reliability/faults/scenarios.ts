/**
 * The fault matrix (issue 18 item 1): each row a target run against a lab with one fault
 * injected through the sim, the result it must reach, and the invariants of invariants.ts.
 * Faults are bounded by `count` (and `fraction` + `seed`), not by wall-clock windows; triggers
 * wait for a line of the run's output, never for a time. `quick` rows run in `npm test`.
 */
import type { CallRecord } from '@fargate-promote/sim'
import { noUpdateAfterCancel, type Judged } from './invariants.js'
import type { Lab } from './lab.js'
import { openRehearsalLab, rehearseRelease, type RehearsalLab } from './rehearsal.js'
import {
  cliDeploy,
  cliRollback,
  deploy,
  deployVerifyRollback,
  gate,
  rollback,
  verify,
  type Outcome,
  type Trigger
} from './runs.js'

export type Target =
  'deploy-fargate' | 'rollback' | 'health-verify' | 'staging-gate' | 'cli' | 'rehearsal'

export interface Scenario extends Judged {
  id: string
  target: Target
  /** The fault, as the table shows it. */
  fault: string
  quick?: boolean
  /** A known product defect this row shows; the row is expected to fail until it is fixed. */
  defect?: string
  /** The lab the row runs in (default: openLab, the e2e scenario). */
  open?(): Promise<Lab>
  run(lab: Lab): Promise<Outcome>
  /** Invariants of this row beyond (a)-(d), from the sim's call log and the outcome. */
  extra?(calls: CallRecord[], outcome: Outcome): string[]
}

const throttle = (lab: Lab, count: number) =>
  Promise.all([
    lab.fault({ service: 'ecs', error: 'ThrottlingException', fraction: 0.3, seed: 7, count }),
    lab.fault({ service: 'elbv2', error: 'Throttling', fraction: 0.3, seed: 11, count })
  ])

const cancel = (marker: string): Trigger => ({ marker, then: 'cancel' })

/** A restart of the sim with its state kept, down for `downMs` real ms (40 sim ms each). */
const restart =
  (downMs: number) =>
  async (lab: Lab): Promise<void> => {
    await lab.sim.restart(() => new Promise(resolve => setTimeout(resolve, downMs)))
  }

const alarm = (lab: Lab) => lab.alarm('web-staging-5xx', 'ALARM')

async function deregisterTargets(lab: Lab): Promise<void> {
  const { DeregisterTargetsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } =
    await import('@aws-sdk/client-elastic-load-balancing-v2')
  const elb = new ElasticLoadBalancingV2Client({
    endpoint: lab.sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  try {
    const dump = lab.sim.world.dump() as {
      elbv2: { targetGroups: { TargetGroupArn: string; TargetGroupName: string }[] }
    }
    const group = dump.elbv2.targetGroups.find(g => g.TargetGroupName === 'web-staging-blue')
    const TargetGroupArn = group?.TargetGroupArn ?? ''
    const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn }))
    const Targets = (health.TargetHealthDescriptions ?? []).map(d => ({
      Id: d.Target?.Id ?? '',
      Port: d.Target?.Port
    }))
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn, Targets }))
  } finally {
    elb.destroy()
  }
}

/** Resolves once the sim accepted `operation` (a condition on its call log, not a time). */
async function accepted(lab: Lab, operation: string): Promise<void> {
  const deadline = Date.now() + 120_000
  while (!lab.sim.calls().some(call => call.operation === operation && call.status < 400)) {
    if (Date.now() > deadline) throw new Error(`${operation} was never accepted`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** The deploy job of the rehearsed release (deploy.yml's `deploy`) has started. */
const DEPLOY_JOB = 'deploy/deploy ▶ running'

const REHEARSAL = {
  target: 'rehearsal',
  records: true,
  open: openRehearsalLab
} as const
const rehearsed = (tag: string, trigger?: Trigger) => (lab: Lab) =>
  rehearseRelease(lab as RehearsalLab, tag, trigger)

const BAKE = { alarms: 'web-staging-5xx' }
const DEPLOY = { target: 'deploy-fargate', records: true } as const

export const SCENARIOS: readonly Scenario[] = [
  // deploy-fargate: AWS faults during a healthy rollout.
  {
    ...DEPLOY,
    id: 'deploy/throttle-30pct',
    fault: 'ECS and ELBv2 throttle 30% of calls (next 40 each)',
    expect: 'success',
    quick: true,
    run: async lab => (await throttle(lab, 40), deploy(lab, '1.1.0'))
  },
  {
    ...DEPLOY,
    id: 'deploy/5xx-burst',
    fault: 'ECS answers 500 to the next 2 calls (within the SDK retries)',
    expect: 'success',
    run: async lab => (
      await lab.fault({ service: 'ecs', status: 500, count: 2 }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/5xx-burst-before-change',
    fault: 'ECS answers 500 to the next 4 calls (more than the SDK retries, before any change)',
    expect: 'either',
    githubDown: true,
    run: async lab => (
      await lab.fault({ service: 'ecs', status: 500, count: 4 }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/outage-while-watching',
    fault:
      'DescribeServices answers 503 to the next 15 calls (about 5 polls) once the watch starts',
    expect: 'success',
    // Set once watching: set before, the burst meets the deploy's first read (before any change).
    run: lab =>
      deploy(
        lab,
        '1.1.0',
        {},
        {
          marker: 'Watching web',
          then: lab =>
            lab.fault({ service: 'ecs', operation: 'DescribeServices', status: 503, count: 15 })
        }
      )
  },
  {
    ...DEPLOY,
    id: 'deploy/latency-2s',
    fault: '2 s added to every ECS and ELBv2 call',
    expect: 'success',
    run: async lab => (
      await Promise.all([
        lab.fault({ service: 'ecs', latencyMs: 2_000 }),
        lab.fault({ service: 'elbv2', latencyMs: 2_000 })
      ]),
      deploy(lab, '1.1.0', { 'poll-interval': '1s' })
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/connection-resets',
    fault: 'ECS drops the connection on 30% of calls (next 10)',
    expect: 'success',
    run: async lab => (
      await lab.fault({ service: 'ecs', reset: 'connection', fraction: 0.3, seed: 3, count: 10 }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/sim-restart-while-watching',
    fault: 'the sim restarts (state kept) when the watch starts, down 1 s (40 sim s)',
    expect: 'success',
    run: lab => deploy(lab, '1.1.0', {}, { marker: 'Watching web', then: restart(1_000) })
  },
  // deploy-fargate: the release itself goes bad after it looked healthy.
  {
    target: 'health-verify',
    id: 'pipeline/crash-after-healthy',
    fault: 'release healthy, its tasks exit 1 90 sim s after they start: deploy, verify, rollback',
    expect: 'failure',
    records: true,
    rollsBack: true,
    run: lab => deployVerifyRollback(lab, '1.2.0-latecrash')
  },
  {
    ...DEPLOY,
    id: 'deploy/flapping-health',
    fault: 'the health endpoint flaps every 10 sim s (alarm web-staging-5xx watched)',
    expect: 'failure',
    run: lab => deploy(lab, '1.2.0-flapping', BAKE)
  },
  {
    ...DEPLOY,
    id: 'deploy/alarm-during-bake',
    fault: 'web-staging-5xx goes to ALARM once the new tasks run (alarm web-staging-5xx watched)',
    expect: 'failure',
    quick: true,
    run: lab => deploy(lab, '1.1.0', BAKE, { marker: 'IN_PROGRESS 2/2 running', then: alarm })
  },
  // deploy-fargate: GitHub's API fails.
  {
    ...DEPLOY,
    id: 'deploy/github-5xx-burst',
    fault: "GitHub's API answers 502 to the next 2 calls",
    expect: 'success',
    run: async lab => (
      await lab.fault({ service: 'github', status: 502, count: 2 }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/github-create-answer-lost',
    fault: 'GitHub creates the deployment, then answers the create 502 (the answer lost)',
    expect: 'success',
    quick: true,
    // The fault fired: a create carried out but answered 502, then the lookup.
    extra: calls => {
      const lost = calls.findIndex(call => call.error === 'AnswerLost')
      const lookedUp = calls.some(
        (call, i) => i > lost && call.operation === 'GET /repos/acme/shop/deployments'
      )
      return lost >= 0 && lookedUp ? [] : ['the lost answer was not injected, or not looked up']
    },
    run: async lab => (
      await lab.fault({
        service: 'github',
        operation: 'POST /repos/acme/shop/deployments',
        status: 502,
        count: 1,
        after: true
      }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/github-rate-limit-403',
    fault:
      "GitHub's API answers 403, x-ratelimit-remaining 0, reset in 60 s, to the next call (not waited for, by design: a record may be missing)",
    expect: 'success',
    githubDown: true,
    run: async lab => (
      await lab.fault({ service: 'github', status: 403, count: 1 }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/github-rate-limit-429',
    fault:
      "GitHub's API answers 429 with retry-after 60 to the next call (not waited for, by design: a record may be missing)",
    expect: 'success',
    githubDown: true,
    run: async lab => (
      await lab.fault({ service: 'github', status: 429, count: 1 }),
      deploy(lab, '1.1.0')
    )
  },
  {
    ...DEPLOY,
    id: 'deploy/github-down',
    fault: "GitHub's API answers 503 to every call",
    expect: 'either',
    githubDown: true,
    run: async lab => (await lab.fault({ service: 'github', status: 503 }), deploy(lab, '1.1.0'))
  },
  // deploy-fargate: the runner cancels the job (SIGINT, SIGTERM 7.5 s later, then the post step).
  {
    ...DEPLOY,
    id: 'deploy/cancel-during-register',
    fault: 'cancelled during a slow RegisterTaskDefinition (3 s)',
    expect: 'failure',
    cancelled: true,
    githubDown: true,
    run: async lab => (
      await lab.fault({ service: 'ecs', operation: 'RegisterTaskDefinition', latencyMs: 3_000 }),
      deploy(lab, '1.1.0', {}, cancel('::endgroup::'))
    ),
    extra: noUpdateAfterCancel
  },
  {
    ...DEPLOY,
    id: 'deploy/cancel-while-watching',
    fault: 'cancelled once the watch of the rollout starts',
    expect: 'failure',
    cancelled: true,
    quick: true,
    run: lab => deploy(lab, '1.1.0-slow', {}, cancel('Watching web'))
  },
  {
    ...DEPLOY,
    id: 'deploy/cancel-during-bake',
    fault: 'cancelled during the bake, new tasks running (alarm web-staging-5xx watched)',
    expect: 'failure',
    cancelled: true,
    run: lab => deploy(lab, '1.1.0', BAKE, cancel('IN_PROGRESS 2/2 running'))
  },
  {
    ...DEPLOY,
    id: 'deploy/cancel-during-rollback',
    fault: 'a crashing release cancelled while ECS rolls it back',
    expect: 'failure',
    cancelled: true,
    run: lab => deploy(lab, '2.0.0-crash', {}, cancel('rollback IN_PROGRESS'))
  },
  // rollback (web:2 live, back to web:1).
  {
    target: 'rollback',
    records: true,
    id: 'rollback/throttle-30pct',
    fault: 'ECS and ELBv2 throttle 30% of calls (next 40 each)',
    expect: 'success',
    run: async lab => {
      const outcome = rollback(lab, { marker: '', then: () => throttle(lab, 40).then() })
      return outcome
    }
  },
  {
    target: 'rollback',
    records: true,
    id: 'rollback/5xx-burst',
    fault: 'ECS answers 500 to the next 2 calls of the rollback',
    expect: 'success',
    run: lab =>
      rollback(lab, {
        marker: '',
        then: () => lab.fault({ service: 'ecs', status: 500, count: 2 })
      })
  },
  {
    target: 'rollback',
    records: true,
    id: 'rollback/sim-restart',
    fault: 'the sim restarts (state kept) once the rollback watches, down 1 s',
    expect: 'success',
    run: lab => rollback(lab, { marker: 'Watching web', then: restart(1_000) })
  },
  {
    target: 'rollback',
    records: true,
    id: 'rollback/cancel-while-watching',
    fault: 'the rollback is cancelled once it watches the rollout',
    expect: 'failure',
    cancelled: true,
    run: lab => rollback(lab, cancel('Watching web'))
  },
  // health-verify of web:1.
  {
    target: 'health-verify',
    id: 'verify/throttle-30pct',
    fault:
      'ECS, ELBv2 and CloudWatch throttle 30% of calls (next 40 each); timeout 30 s (the SDK backs off in real time)',
    expect: 'success',
    run: async lab => (
      await throttle(lab, 40),
      await lab.fault({
        service: 'cloudwatch',
        error: 'Throttling',
        fraction: 0.3,
        seed: 5,
        count: 40
      }),
      verify(lab, { timeout: '30s' })
    )
  },
  {
    target: 'health-verify',
    id: 'verify/alarm-fires',
    fault: 'web-staging-5xx goes to ALARM once sampling starts',
    expect: 'failure',
    quick: true,
    run: lab => verify(lab, {}, { marker: '✓ alarms passing', then: alarm })
  },
  {
    target: 'health-verify',
    id: 'verify/targets-deregistered',
    fault: "web's targets deregistered once sampling starts",
    expect: 'failure',
    breaksService: true,
    run: lab => verify(lab, {}, { marker: '✓ alarms passing', then: deregisterTargets })
  },
  {
    target: 'health-verify',
    id: 'verify/cancelled',
    fault: 'cancelled while sampling',
    expect: 'failure',
    cancelled: true,
    run: lab => verify(lab, {}, cancel('✓ alarms passing'))
  },
  // staging-gate for 1.0.0 on staging.
  {
    target: 'staging-gate',
    id: 'gate/github-5xx-burst',
    fault: "GitHub's API answers 502 to the next 2 calls",
    expect: 'success',
    quick: true,
    run: async lab => (await lab.fault({ service: 'github', status: 502, count: 2 }), gate(lab))
  },
  {
    target: 'staging-gate',
    id: 'gate/github-rate-limit-429',
    fault:
      "GitHub's API answers 429 with retry-after 60 to the next call (not waited for: the gate blocks, fail-closed)",
    expect: 'either',
    run: async lab => (await lab.fault({ service: 'github', status: 429, count: 1 }), gate(lab))
  },
  {
    target: 'staging-gate',
    id: 'gate/github-down',
    fault: "GitHub's API answers 503 to every call",
    expect: 'failure',
    run: async lab => (await lab.fault({ service: 'github', status: 503 }), gate(lab))
  },
  {
    target: 'staging-gate',
    id: 'gate/throttle-30pct',
    fault: 'ECS, ELBv2 and CloudWatch throttle 30% of calls (next 40 each)',
    expect: 'success',
    run: async lab => (
      await throttle(lab, 40),
      await lab.fault({
        service: 'cloudwatch',
        error: 'Throttling',
        fraction: 0.3,
        seed: 5,
        count: 40
      }),
      gate(lab)
    )
  },
  // The CLI.
  {
    target: 'cli',
    records: true,
    id: 'cli/throttle-30pct',
    fault: 'ECS and ELBv2 throttle 30% of calls (next 40 each)',
    expect: 'success',
    run: async lab => (await throttle(lab, 40), cliDeploy(lab, '1.1.0'))
  },
  {
    target: 'cli',
    records: true,
    id: 'cli/sim-restart-while-watching',
    fault: 'the sim restarts (state kept) when the watch starts, down 1 s',
    expect: 'success',
    run: lab => cliDeploy(lab, '1.1.0', { marker: 'Watching web', then: restart(1_000) })
  },
  {
    target: 'cli',
    records: true,
    id: 'cli/cancel-while-watching',
    fault: 'Ctrl-C once the watch starts',
    expect: 'failure',
    cancelled: true,
    run: lab => cliDeploy(lab, '1.1.0-slow', cancel('Watching web'))
  },
  {
    target: 'cli',
    records: true,
    id: 'cli/github-5xx-burst',
    fault: "GitHub's API answers 502 to the next 2 calls",
    expect: 'success',
    run: async lab => (
      await lab.fault({ service: 'github', status: 502, count: 2 }),
      cliDeploy(lab, '1.1.0')
    )
  },
  {
    target: 'cli',
    records: true,
    id: 'cli/github-down',
    fault: "GitHub's API answers 503 to every call",
    expect: 'either',
    githubDown: true,
    run: async lab => (await lab.fault({ service: 'github', status: 503 }), cliDeploy(lab, '1.1.0'))
  },
  // The CLI's rollback (web:2 live, back to web:1).
  {
    target: 'cli',
    records: true,
    id: 'cli/rollback-throttle-30pct',
    fault: 'ECS and ELBv2 throttle 30% of calls of the rollback (next 40 each)',
    expect: 'success',
    run: lab => cliRollback(lab, { marker: '', then: () => throttle(lab, 40).then() })
  },
  {
    target: 'cli',
    records: true,
    id: 'cli/rollback-cancel-while-watching',
    fault: 'Ctrl-C once the rollback watches the rollout',
    expect: 'failure',
    cancelled: true,
    run: lab => cliRollback(lab, cancel('Watching web'))
  },
  // A rehearsed promotion: `fargate-promote rehearse` of release.yml (the shipped deploy.yml for
  // staging with a 5 min monitoring window and rollback-on-failure; rehearsal.ts).
  {
    ...REHEARSAL,
    id: 'rehearse/throttle-30pct',
    fault: 'ECS and ELBv2 throttle 30% of calls (next 40 each); time scale 15',
    expect: 'success',
    open: () => openRehearsalLab(15),
    run: async lab => (await throttle(lab, 40), rehearsed('1.1.0')(lab))
  },
  {
    ...REHEARSAL,
    id: 'rehearse/describe-services-5xx-burst',
    fault:
      'DescribeServices answers 503 to the next 6 calls once ECS accepted the UpdateService (two polls, retries spent)',
    expect: 'success',
    run: rehearsed('1.1.0', {
      marker: DEPLOY_JOB,
      then: async lab => (
        await accepted(lab, 'UpdateService'),
        await lab.fault({ service: 'ecs', operation: 'DescribeServices', status: 503, count: 6 })
      )
    })
  },
  {
    ...REHEARSAL,
    id: 'rehearse/github-5xx-burst',
    fault: "GitHub's API answers 502 to the next 2 calls once the deploy job starts",
    expect: 'success',
    run: rehearsed('1.1.0', {
      marker: DEPLOY_JOB,
      then: lab => lab.fault({ service: 'github', status: 502, count: 2 })
    })
  },
  {
    ...REHEARSAL,
    id: 'rehearse/crash-after-healthy',
    fault:
      'release healthy, its tasks exit 1 90 sim s after they start: the monitoring window fails, rollback.yml runs',
    expect: 'failure',
    rollsBack: true,
    run: rehearsed('1.2.0-latecrash')
  },
  {
    ...REHEARSAL,
    id: 'rehearse/cancel-while-deploying',
    quick: true,
    fault: "Ctrl-C (the command's abort signal) once ECS accepted the UpdateService",
    expect: 'failure',
    cancelled: true,
    // A release that succeeds when left alone: only the cancellation can end it otherwise.
    run: rehearsed('1.1.0', {
      marker: DEPLOY_JOB,
      then: async (lab, stop) => (await accepted(lab, 'UpdateService'), stop())
    }),
    extra: (_calls, outcome) =>
      outcome.status.startsWith('cancelled')
        ? []
        : [`Ctrl-C did not cancel the rehearsal: it concluded ${outcome.status}`]
  }
]
