/**
 * `npm run local -- <action>`: scripts/local-action.mjs run as a child process, as a developer
 * runs it. It runs the action's TypeScript source with @github/local-action (its stand-ins for
 * @actions/core) against the simulator, seeded with the sample world the generated
 * actions/<name>/.env.example files are written for. Asserts the exit code, what it prints
 * (outputs, job summary) and the state the simulator ended in.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient
} from '@aws-sdk/client-ecs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'

interface ScriptRun {
  exitCode: number | null
  stdout: string
  stderr: string
}

const work = mkdtempSync(join(tmpdir(), 'e2e-local-action-'))
const sims: Sim[] = []

afterAll(async () => {
  await Promise.all(sims.map(sim => sim.stop()))
  rmSync(work, { recursive: true, force: true })
})

/** A simulator of this test (virtual time, as --sim requires at a time scale above 1). */
async function testSim(): Promise<Sim> {
  const sim = await startSim({ timeScale: 20, virtualTime: true })
  sims.push(sim)
  return sim
}

function runScript(script: string, args: string[], timeoutMs = 100_000): Promise<ScriptRun> {
  const env: Record<string, string | undefined> = { ...process.env }
  delete env.NODE_OPTIONS
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts', script), ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} ${args.join(' ')} did not finish\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', exitCode => {
      clearTimeout(timer)
      resolve({ exitCode, stdout, stderr })
    })
  })
}

/** The script for one action, with its own --out directory (tests run at the same time). */
async function local(action: string, ...args: string[]): Promise<ScriptRun & { out: string }> {
  const out = mkdtempSync(join(work, `${action}-`))
  return { ...(await runScript('local-action.mjs', [action, '--out', out, ...args])), out }
}

async function liveRevision(sim: Sim): Promise<{ taskDefinition: string; image?: string }> {
  const ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  try {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
    )
    const taskDefinition = services?.[0]?.taskDefinition ?? ''
    const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))
    return { taskDefinition, image: described.taskDefinition?.containerDefinitions?.[0]?.image }
  } finally {
    ecs.destroy()
  }
}

describe('npm run local', () => {
  test('the committed .env.example of every action is the one action.yml generates', async () => {
    const run = await runScript('env-example.mjs', ['--check'])
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    const example = readFileSync(join(repoRoot, 'actions/deploy-fargate/.env.example'), 'utf8')
    expect(example).toMatch(/^INPUT_POLL-INTERVAL=$/m)
    expect(example).toMatch(/^INPUT_IMAGES=web=registry\.example\.com\/shop\/web:1\.2\.0$/m)
    expect(example).toMatch(/^AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:4566 /m)
  })

  test('an unknown action is a usage error naming the actions', async () => {
    const run = await runScript('local-action.mjs', ['deploy'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain("local-action: there is no action 'deploy'")
    expect(run.stderr).toContain('deploy-fargate, health-verify, rollback, staging-gate')
  })

  test.concurrent(
    'deploy-fargate on a running sim (--sim): seeds the sample world and deploys web:3',
    async () => {
      const sim = await testSim()
      const run = await local('deploy-fargate', '--sim', sim.url)
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain(`Simulator: ${sim.url}\n`)
      expect(run.stdout).toMatch(/task-definition-arn.*task-definition\/web:3/)
      expect(run.stdout).toContain('Deployment succeeded: staging/web')
      expect(run.stdout).toMatch(/deploy-fargate succeeded\.\n$/)
      expect(await liveRevision(sim)).toEqual({
        taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
        image: 'registry.example.com/shop/web:1.2.0'
      })
    },
    120_000
  )

  test.concurrent(
    'a bad input in --env FILE fails with the error and changes nothing',
    async () => {
      const sim = await testSim()
      const example = readFileSync(join(repoRoot, 'actions/deploy-fargate/.env.example'), 'utf8')
      const file = join(work, 'bad.env')
      writeFileSync(file, example.replace(/^INPUT_TIMEOUT=$/m, 'INPUT_TIMEOUT=5 minutes'))
      const run = await local('deploy-fargate', '--sim', sim.url, '--env', file)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        "::error title=Configuration error::deploy-fargate failed: Input 'timeout': '5 minutes' is not a duration."
      )
      expect(run.stdout).toMatch(/deploy-fargate failed \(exit code 1\)\.\n$/)
      // Seeding the sample world goes through the control API, which the call log leaves out.
      expect(sim.calls().filter(call => call.mutating)).toEqual([])
      expect((await liveRevision(sim)).taskDefinition).toBe(
        'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2'
      )
    },
    120_000
  )

  test.concurrent(
    'a failed action (the staging gate blocks) exits 1 with the reason',
    async () => {
      const sim = await testSim()
      const example = readFileSync(join(repoRoot, 'actions/staging-gate/.env.example'), 'utf8')
      const file = join(work, 'blocked.env')
      writeFileSync(file, example.replace(/^INPUT_VERSION=.*$/m, 'INPUT_VERSION=9.9.9'))
      const run = await local('staging-gate', '--sim', sim.url, '--env', file)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(/::error::staging-gate failed: blocked by identity/)
      expect(run.stdout).toMatch(/'approved'\s+│ 'false'/)
      expect(run.stdout).toContain('BLOCKED')
    },
    120_000
  )

  test.concurrent(
    'health-verify with a sim of its own: healthy, and the sim is stopped afterwards',
    async () => {
      const run = await local('health-verify')
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toMatch(/'healthy'\s+│ 'true'/)
      expect(run.stdout).toContain('HEALTHY')
      const url = /Simulator: (http:\/\/127\.0\.0\.1:\d+) \(started for this run\)/.exec(
        run.stdout
      )?.[1]
      expect(url).toBeDefined()
      // Stopped: nothing answers on its port, or another process that took the port since.
      const origin = /^FARGATE_PROMOTE_SIM_CLOCK=(\d+),20$/m.exec(
        readFileSync(join(run.out, '.env'), 'utf8')
      )?.[1]
      expect(origin).toBeDefined()
      const answer = await fetch(`${url}/_sim/clock`).then(
        async response => (await response.json()) as { origin: number },
        () => undefined
      )
      expect(answer?.origin).not.toBe(Number(origin))
    },
    120_000
  )
})
