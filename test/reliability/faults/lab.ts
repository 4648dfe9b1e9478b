/**
 * One scenario's world: a sim of its own (test/fixtures/e2e.yml, `web` on web:1 behind an ALB,
 * time scale 40), the faults injected through its control API, and what the world ended in,
 * read from the sim's own state once the service has settled (faults cleared first, so reading
 * the state is never faulted, and the call log copied before it).
 */
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs'
import { startSim, type CallRecord, type ImageBehaviour, type Sim } from '@fargate-promote/sim'
import { repoRoot } from '../../e2e/run-action.js'

export const IMAGE = 'registry.example.com/shop/web'
export const TIME_SCALE = 40

/** Declared behaviours the matrix deploys by tag marker. */
export const BEHAVIOURS: Record<string, ImageBehaviour> = {
  // Healthy for a minute and a half of sim time, then exits 1: a crash loop after healthy.
  '-latecrash': { exitAfterMs: 90_000, exitCode: 1 },
  // Healthy, then its health endpoint flips between 503 and 200 every 10 sim seconds.
  '-flapping': { flapEveryMs: 10_000 }
}

export interface Lab {
  sim: Sim
  /** The target group of `web` whose targets must all be healthy once settled. */
  group: string
  /** The alarms settling sets back to OK. */
  alarms: string[]
  /** `POST /_sim/faults`; throws if the sim refuses the rule. */
  fault(rule: Record<string, unknown>): Promise<void>
  /** `POST /_sim/alarms/<name>`. */
  alarm(name: string, state: 'OK' | 'ALARM'): Promise<void>
  close(): Promise<void>
}

async function control(sim: Sim, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  if (!response.ok) throw new Error(`${method} /_sim${path}: ${await response.text()}`)
}

/**
 * The default lab: the e2e scenario. `virtual`: an empty sim on virtual time at that scale (a
 * rehearsal seeds it from its config), whose `web` is behind `group`.
 */
export async function openLab(virtual?: { timeScale: number; group: string }): Promise<Lab> {
  const sim = await startSim({
    ...(virtual === undefined
      ? { scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: TIME_SCALE }
      : { virtualTime: true, timeScale: virtual.timeScale }),
    behaviours: BEHAVIOURS,
    log: () => undefined
  })
  return {
    sim,
    group: virtual?.group ?? 'web-staging-blue',
    alarms: virtual === undefined ? ['web-staging-5xx'] : [],
    fault: rule => control(sim, 'POST', '/faults', rule),
    alarm: (name, state) => control(sim, 'POST', `/alarms/${name}`, { state }),
    close: () => sim.stop()
  }
}

interface DumpedDeployment {
  id: string
  status: string
  taskDefinition: string
  rolloutState?: string
}
interface DumpedService {
  arn: string
  desiredCount: number
  taskDefinition: string
  deployments: DumpedDeployment[]
}
interface DumpedTask {
  lastStatus: string
  startedBy?: string
}
interface DumpedTarget {
  health: { state: string }
}
interface Dump {
  ecs: { services: DumpedService[]; tasks: DumpedTask[] }
  elbv2: { targetGroups: { TargetGroupName: string; Targets: DumpedTarget[] }[] }
}

/** What AWS was left in, for `web`. */
export interface WebState {
  /** Settled: one deployment, COMPLETED, desired tasks running, every target healthy. */
  settled: boolean
  /** The service's task definition (the live revision once settled). */
  live: string
  /** The live revision's image. */
  image: string
  /** How it looked when the wait ended, for the table. */
  detail: string
}

function webOf(dump: Dump, group: string): Omit<WebState, 'image'> {
  const service = dump.ecs.services.find(s => s.arn.endsWith('/web'))
  if (service === undefined) return { settled: false, live: '', detail: 'no web service' }
  const [only, ...others] = service.deployments
  const running = dump.ecs.tasks.filter(
    task => task.lastStatus === 'RUNNING' && task.startedBy === only?.id
  ).length
  const targets = dump.elbv2.targetGroups.find(g => g.TargetGroupName === group)
  const states = (targets?.Targets ?? []).map(target => target.health.state)
  const healthy = states.filter(state => state === 'healthy').length
  const settled =
    only !== undefined &&
    others.length === 0 &&
    only.rolloutState === 'COMPLETED' &&
    running === service.desiredCount &&
    healthy === service.desiredCount &&
    states.every(state => state === 'healthy')
  const revision = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1)
  const detail =
    `${service.deployments.map(d => `${revision(d.taskDefinition)} ${d.status} ${d.rolloutState ?? ''}`).join(', ')}; ` +
    `${running}/${service.desiredCount} running; targets ${states.join(',') || 'none'}`
  return { settled, live: service.taskDefinition, detail }
}

/**
 * Waits (polling the sim's state, never a fixed sleep) until `web` settles, for at most
 * `timeoutMs` of real time: long enough for ECS's own rollbacks and a crash loop to show.
 */
export async function settle(lab: Lab, timeoutMs = 20_000): Promise<WebState> {
  await control(lab.sim, 'DELETE', '/faults')
  for (const name of lab.alarms) await control(lab.sim, 'POST', `/alarms/${name}`, { state: 'OK' })
  const deadline = Date.now() + timeoutMs
  let state = webOf(lab.sim.world.dump() as unknown as Dump, lab.group)
  // Settled must hold for a while: a crash loop looks settled between two crashes.
  let settledSince = state.settled ? Date.now() : undefined
  while (Date.now() < deadline) {
    if (settledSince !== undefined && Date.now() - settledSince > 3_000) break
    await new Promise(resolve => setTimeout(resolve, 50))
    state = webOf(lab.sim.world.dump() as unknown as Dump, lab.group)
    if (!state.settled) settledSince = undefined
    else settledSince ??= Date.now()
  }
  return { ...state, image: await imageOf(lab, state.live) }
}

async function imageOf(lab: Lab, taskDefinition: string): Promise<string> {
  if (taskDefinition === '') return ''
  const ecs = new ECSClient({
    endpoint: lab.sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  try {
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))
    return described.taskDefinition?.containerDefinitions?.[0]?.image ?? ''
  } finally {
    ecs.destroy()
  }
}

/** The final status of each GitHub deployment of `environment`, oldest deployment first. */
export function githubDeployments(lab: Lab): { id: number; environment: string; final: string }[] {
  const dump = lab.sim.world.github.dump() as {
    repositories: {
      deployments: { id: number; environment: string; statuses: { state: string }[] }[]
    }[]
  }
  return dump.repositories.flatMap(repo =>
    repo.deployments.map(d => ({
      id: d.id,
      environment: d.environment,
      final: d.statuses.at(-1)?.state ?? 'none'
    }))
  )
}

/** `Operation` of each call, in order; failed ones as `Operation!status`. */
export function callLine(calls: CallRecord[]): string {
  return calls
    .map(call => `${call.operation}${call.status >= 400 ? `!${call.error ?? call.status}` : ''}`)
    .join(' ')
}
