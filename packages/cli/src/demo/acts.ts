import type { RehearsalResult } from '@fargate-promote/rehearsal'
import { act6 } from './canary.js'
import { actionStep, deployments, liveImage } from './observe.js'
import { rehearseStep, release, waitSim, type Stage } from './stage.js'

/** One claim of the story, checked against what the simulator and its GitHub ended in. */
export interface Check {
  act: number
  claim: string
  observed: string
  pass: boolean
}

const STAGING = '.github/workflows/staging.yml'
const PRODUCTION = '.github/workflows/production.yml'

function check(act: number, claim: string, observed: string, pass: boolean): Check {
  return { act, claim, observed, pass }
}

const short = (image: string) =>
  image.replace(/^.*\//, '').replace(/@sha256:(.{12}).*/, '@sha256:$1…')
const outcome = (result: RehearsalResult) => result.conclusion
/** An image a build pushed: referenced by digest (the seeded release is a tag). */
const byDigest = (image: string) => image.includes('@sha256:')

async function act1(stage: Stage): Promise<Check[]> {
  stage.say(
    '\n━━ Act 1 — release 1.1.0: feature branch → dev, main → staging, approved into production'
  )
  await stage.git('checkout', '-q', '-b', 'feature/1.1.0')
  await release(stage, '1.1.0', '')
  const dev = await rehearseStep(stage, {
    title: '1.1.0 → dev',
    workflow: '.github/workflows/dev.yml',
    event: 'push',
    branch: 'feature/1.1.0'
  })
  await stage.git('checkout', '-q', 'main')
  await stage.git('merge', '-q', '--ff-only', 'feature/1.1.0')
  const staging = await rehearseStep(stage, {
    title: '1.1.0 → staging',
    workflow: STAGING,
    event: 'push',
    branch: 'main'
  })
  const stagingImage = await liveImage(stage, 'staging')
  await waitSim(stage, 10, 'staging soaks before promotion (soak: 10m)')
  const production = await rehearseStep(stage, {
    title: '1.1.0 → production',
    workflow: PRODUCTION,
    event: 'workflow_dispatch',
    branch: 'main',
    approve: ['production']
  })
  const productionImage = await liveImage(stage, 'production')
  const approval = production.jobs.find(
    j => j.environment?.name === 'production' && j.environment.approval
  )?.environment?.approval
  return [
    check(1, 'dev deploys the feature branch', outcome(dev), dev.conclusion === 'success'),
    check(
      1,
      'staging deploys main, verified, integration tests pass',
      outcome(staging),
      staging.conclusion === 'success'
    ),
    check(
      1,
      'the gate approves, a reviewer approves, the wait timer runs',
      approval
        ? `${approval.decision} by ${approval.by}, wait ${approval.waitTimerMs / 60_000} min`
        : 'no approval',
      approval?.decision === 'approved' && approval.waitTimerMs > 0
    ),
    check(
      1,
      "production runs staging's exact digest, monitored, success",
      `${outcome(production)}: ${short(productionImage)}`,
      production.conclusion === 'success' &&
        productionImage === stagingImage &&
        productionImage.includes('@sha256:')
    )
  ]
}

async function act2(stage: Stage): Promise<Check[]> {
  stage.say('\n━━ Act 2 — release 1.2.0 crashes on staging')
  const before = await liveImage(stage, 'staging')
  const productionBefore = await liveImage(stage, 'production')
  await release(stage, '1.2.0', '-crash')
  const staging = await rehearseStep(stage, {
    title: '1.2.0 → staging',
    workflow: STAGING,
    event: 'push',
    branch: 'main'
  })
  const reason =
    actionStep(staging, 'deploy/deploy', 'deploy-fargate')?.outputs['failure-reason'] ?? ''
  stage.say(`  stopped-task reason: ${reason || '(none reported)'}`)
  const after = await liveImage(stage, 'staging')
  const version = stage.releases.get('1.2.0')?.version ?? ''
  const production = await rehearseStep(stage, {
    title: 'promote 1.2.0',
    workflow: PRODUCTION,
    event: 'workflow_dispatch',
    branch: 'main',
    inputs: { version },
    approve: ['production']
  })
  const gate = actionStep(production, 'gate', 'staging-gate')
  return [
    check(
      2,
      'the staging deploy fails with the stopped-task reason',
      `${outcome(staging)}: ${reason.slice(0, 90)}`,
      staging.conclusion === 'failure' && /exit|stopped|Essential/i.test(reason)
    ),
    // 1.1.0 is a built image (by digest), not the seeded 1.0.0 that nothing replaced.
    check(2, 'staging is back on 1.1.0', short(after), after === before && byDigest(before)),
    check(
      2,
      'the gate refuses to promote 1.2.0; production untouched',
      `approved=${gate?.outputs.approved ?? '?'}, production ${short(await liveImage(stage, 'production'))}`,
      gate?.outputs.approved === 'false' &&
        (await liveImage(stage, 'production')) === productionBefore
    )
  ]
}

async function act3(stage: Stage): Promise<Check[]> {
  stage.say('\n━━ Act 3 — release 1.3.0 is stable on staging but serves errors in production')
  const good = await liveImage(stage, 'production')
  // Healthy on staging; in production one request in five fails (the simulator's
  // `-fails-in-production` behaviour, from the Dockerfile's label): errors only production brings out.
  await release(stage, '1.3.0', '-fails-in-production')
  const staging = await rehearseStep(stage, {
    title: '1.3.0 → staging',
    workflow: STAGING,
    event: 'push',
    branch: 'main'
  })
  await waitSim(stage, 10, 'staging soaks (soak: 10m)')
  const production = await rehearseStep(stage, {
    title: '1.3.0 → production',
    workflow: PRODUCTION,
    event: 'workflow_dispatch',
    branch: 'main',
    approve: ['production']
  })
  const monitor = production.jobs
    .find(j => j.key === 'deploy/deploy')
    ?.steps.find(s => s.id === 'monitor')
  const caught = monitor?.annotations.find(a => a.level === 'error')?.message ?? ''
  stage.say(`  monitoring: ${caught || '(no failure reported)'}`)
  const after = await liveImage(stage, 'production')
  const records = await deployments(stage, 'production')
  return [
    check(3, '1.3.0 passes staging', outcome(staging), staging.conclusion === 'success'),
    check(
      3,
      'monitoring catches the 500s; the run fails',
      `${outcome(production)}, monitoring ${monitor?.state ?? 'did not run'}: ${caught.slice(0, 80)}`,
      production.conclusion === 'failure' && monitor?.state === 'failure' && /500/.test(caught)
    ),
    check(
      3,
      'the automatic rollback restores 1.1.0',
      short(after),
      after === good && byDigest(good)
    ),
    check(
      3,
      'GitHub records the rollback, and 1.3.0 as rolled back for its failed checks',
      `${records[0]?.state ?? 'none'}; ${records[1]?.state ?? 'none'}: ${records[1]?.description ?? ''}`,
      records[0]?.state === 'success' &&
        /^Rolled back: .*failed its checks/.test(records[1]?.description ?? '')
    )
  ]
}

const EMERGENCY_REASON = 'INC-2041: checkout 5xx since 1.3.0; 1.3.1 fixes it'

async function act4(stage: Stage): Promise<Check[]> {
  stage.say('\n━━ Act 4 — emergency release 1.3.1, with a reason')
  const productionBefore = await liveImage(stage, 'production')
  await release(stage, '1.3.1', '')
  const staging = await rehearseStep(stage, {
    title: '1.3.1 → staging',
    workflow: STAGING,
    event: 'push',
    branch: 'main'
  })
  const stagingImage = await liveImage(stage, 'staging')
  const production = await rehearseStep(stage, {
    title: 'emergency 1.3.1 → production',
    workflow: PRODUCTION,
    event: 'workflow_dispatch',
    branch: 'main',
    inputs: { emergency: 'true', reason: EMERGENCY_REASON },
    approve: ['production']
  })
  const gate = actionStep(production, 'gate', 'staging-gate')
  const [record] = await deployments(stage, 'production')
  const approval = production.jobs.find(j => j.environment?.name === 'production')?.environment
    ?.approval
  return [
    check(4, '1.3.1 on staging (no soak)', outcome(staging), staging.conclusion === 'success'),
    check(
      4,
      'soak skipped, recorded as a bypass by the gate and on the GitHub deployment',
      `emergency=${gate?.outputs.emergency ?? '?'}; ${record?.description ?? 'no record'}`,
      gate?.outputs.emergency === 'true' &&
        record?.payload.emergency?.reason === EMERGENCY_REASON &&
        record.description.startsWith('EMERGENCY (')
    ),
    check(
      4,
      'approval still required',
      approval ? `${approval.decision} by ${approval.by}` : 'none',
      approval?.decision === 'approved'
    ),
    check(
      4,
      'production runs 1.3.1',
      short(await liveImage(stage, 'production')),
      production.conclusion === 'success' &&
        (await liveImage(stage, 'production')) === stagingImage &&
        stagingImage !== productionBefore &&
        byDigest(stagingImage)
    )
  ]
}

async function act5(stage: Stage, target: string): Promise<Check[]> {
  stage.say('\n━━ Act 5 — a manual rollback to a named version')
  const version = stage.releases.get('1.1.0')?.version ?? ''
  const rollback = await rehearseStep(stage, {
    title: `roll production back to 1.1.0 (${version})`,
    workflow: '.github/workflows/rollback.yml',
    event: 'workflow_dispatch',
    branch: 'main',
    inputs: {
      environment: 'production',
      to: version,
      reason: 'Back to 1.1.0 while 1.3.1 is investigated'
    },
    approve: ['production']
  })
  const after = await liveImage(stage, 'production')
  return [
    check(
      5,
      `production back on 1.1.0 (${version})`,
      `${outcome(rollback)}: ${short(after)}`,
      rollback.conclusion === 'success' && after === target
    )
  ]
}

export const ACT_TITLES = [
  'release 1.1.0 to production',
  '1.2.0 crashes on staging',
  '1.3.0 errors caught in production',
  'emergency 1.3.1',
  'manual rollback',
  'canary aborts 1.4.0'
]

/** Plays the acts up to `last`; acts before `first` set the stage quietly. */
export async function playActs(
  stage: Stage,
  first: number,
  last: number,
  quietStage: (quiet: boolean) => void
): Promise<Check[]> {
  const checks: Check[] = []
  let good = ''
  const acts = [act1, act2, act3, act4, (s: Stage) => act5(s, good), act6]
  for (let n = 1; n <= last; n++) {
    quietStage(n < first)
    const found = await (acts[n - 1] as (s: Stage) => Promise<Check[]>)(stage)
    if (n === 1) good = await liveImage(stage, 'production')
    if (n >= first) checks.push(...found)
  }
  quietStage(false)
  return checks
}
