/**
 * The real bundle (actions/deploy-fargate/dist/index.js) cancelled as the runner cancels it
 * (SIGINT) while RegisterTaskDefinition is slow (the sim holds it 5 s): the call is abandoned, no
 * UpdateService is ever sent, no GitHub deployment is created, and the step reports `cancelled`
 * long before the runner would escalate to SIGTERM. The post step then has nothing to undo.
 * Build it first: node scripts/build.mjs deploy-fargate
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction } from './run-action.js'

const bundle = join(repoRoot, 'actions/deploy-fargate/dist/index.js')
const REGISTER_LATENCY_MS = 5_000
let sim: Sim

beforeAll(async () => {
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run node scripts/build.mjs deploy-fargate first.`)
  }
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

async function githubDeployments(): Promise<unknown[]> {
  const answer = await fetch(
    `${sim.url}/github/repos/acme/shop/deployments?environment=production`,
    { headers: { authorization: 'token ghs_e2e' } }
  )
  return (await answer.json()) as unknown[]
}

test('SIGINT during a slow RegisterTaskDefinition: cancelled, no UpdateService, no GitHub deployment', async () => {
  const fault = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    body: JSON.stringify({
      service: 'ecs',
      operation: 'RegisterTaskDefinition',
      latencyMs: REGISTER_LATENCY_MS
    })
  })
  expect(fault.status).toBe(201)
  // SIGINT once the sim holds the call (a fault fires when the call arrives, before its delay).
  let child: { kill(signal: NodeJS.Signals): boolean } | undefined
  let sigintAt = 0
  let exited = false
  const cancelWhenHeld = async (): Promise<void> => {
    for (;;) {
      if (exited) return // it ended before the call was held: the expectations below say how
      const listed = (await (await fetch(`${sim.url}/_sim/faults`)).json()) as {
        faults: { fired: number }[]
      }
      if ((listed.faults[0]?.fired ?? 0) > 0 && child !== undefined) break
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    sigintAt = Date.now()
    child.kill('SIGINT')
  }
  const running = runAction({
    action: 'deploy-fargate',
    inputs: {
      cluster: 'staging',
      service: 'web',
      images: 'web=registry.example.com/shop/web:1.1.0',
      'poll-interval': '100ms',
      timeout: '2m',
      'github-token': 'ghs_e2e',
      environment: 'production'
    },
    simUrl: sim.url,
    onStdout: (_chunk, process) => {
      child ??= process
    },
    timeoutMs: 60_000
  })
  const ended = () => (exited = true)
  running.then(ended, ended)
  const [main] = await Promise.all([running, cancelWhenHeld()])
  expect(sigintAt).toBeGreaterThan(0)
  // It exited by itself, failing as a cancelled step does, before the held call would answer.
  expect(main.signal).toBeNull()
  expect(main.exitCode).toBe(1)
  expect(Date.now() - sigintAt).toBeLessThan(REGISTER_LATENCY_MS)
  expect(main.outputs.status).toBe('cancelled')
  expect(main.stdout).toContain('nothing changed in ECS')
  expect(main.summary).toContain('nothing changed')
  expect(main.state.phase).toBeUndefined()

  // The sim may still finish the abandoned call: wait it out, then no update follows it.
  await new Promise(resolve => setTimeout(resolve, REGISTER_LATENCY_MS))
  const operations = sim.calls().map(call => call.operation)
  expect(operations).toContain('RegisterTaskDefinition')
  expect(operations).not.toContain('UpdateService')
  expect(await githubDeployments()).toEqual([])

  // The post step has nothing to undo.
  const before = sim.calls().length
  const post = await runAction({
    action: 'deploy-fargate',
    entry: 'dist/post/index.js',
    inputs: {},
    simUrl: sim.url,
    state: main.state
  })
  expect(post.exitCode).toBe(0)
  expect(
    sim
      .calls()
      .slice(before)
      .filter(call => call.mutating)
  ).toEqual([])
}, 90_000)
