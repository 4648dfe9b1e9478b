/**
 * staging-gate's adapter run in-process against the simulator: real AWS SDK clients and Octokit
 * over HTTP, real rollouts put on staging the way deploy-fargate does (a revision tagged with
 * version and commit), real alarms and GitHub deployments. Asserts what the action reported
 * (outputs, summary, log, report file) and what it wrote on GitHub (the check run).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Deployment,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs'
import {
  setDeploymentState,
  startDeploymentRecord,
  type GitHubClient
} from '@fargate-promote/promotion'
import { startSim, type Sim } from '@fargate-promote/sim'
import { workflowPath } from '@fargate-promote/promotion'
import { actionEnv, pointAtSim, removeActionEnvFiles } from '../../../test/support/action-env.js'
import { repoRoot } from '../../../test/e2e/run-action.js'

const SHA = '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f'
const TOKEN = 'ghs_gatesimulatortoken'

let sim: Sim
let ecs: ECSClient
let github: GitHubClient
let run: () => Promise<void>
const scratch = mkdtempSync(join(tmpdir(), 'staging-gate-test-'))

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  pointAtSim(sim.url)
  process.env.RUNNER_TEMP = scratch
  ecs = new ECSClient({
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  })
  // Imported after pointAtSim: @actions/github reads GITHUB_API_URL when it is first loaded.
  const { getOctokit } = await import('@actions/github')
  github = getOctokit('test-token', { baseUrl: `${sim.url}/github` })
  ;({ run } = await import('../src/main.js'))
}, 60_000)

afterAll(async () => {
  ecs.destroy()
  await sim.stop()
  removeActionEnvFiles()
  rmSync(scratch, { recursive: true, force: true })
  delete process.env.RUNNER_TEMP
})

beforeEach(async () => {
  await sim.reset()
})

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function service(name = 'web') {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: [name] })
  )
  const found = services?.[0]
  if (!found) throw new Error(`no service ${name}`)
  return found
}

/**
 * Puts a new revision on staging as deploy-fargate would: tagged version and commit (`null`:
 * no commit tag, as a revision registered by other tools).
 */
async function deploy(options: {
  image: string
  version: string
  commit?: string | null
  name?: string
}): Promise<string> {
  const name = options.name ?? 'web'
  const current = await service(name)
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: current.taskDefinition })
  )
  const input: RegisterTaskDefinitionCommandInput = {
    family: taskDefinition!.family!,
    cpu: taskDefinition!.cpu,
    memory: taskDefinition!.memory,
    networkMode: taskDefinition!.networkMode,
    requiresCompatibilities: taskDefinition!.requiresCompatibilities,
    executionRoleArn: taskDefinition!.executionRoleArn,
    containerDefinitions: taskDefinition!.containerDefinitions!.map(container => ({
      ...container,
      image: options.image
    })),
    tags: [
      { key: 'version', value: options.version },
      ...(options.commit === null ? [] : [{ key: 'commit', value: options.commit ?? SHA }])
    ]
  }
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(input))
  const arn = registered.taskDefinition!.taskDefinitionArn!
  await ecs.send(
    new UpdateServiceCommand({ cluster: 'staging', service: name, taskDefinition: arn })
  )
  return arn
}

async function waitFor(
  what: string,
  done: (deployments: Deployment[]) => boolean,
  name = 'web'
): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (done((await service(name)).deployments ?? [])) return
    await sleep(50)
  }
  throw new Error(`timed out waiting until ${what}`)
}

const completed = (deployments: Deployment[]) =>
  deployments.length === 1 && deployments[0]?.rolloutState === 'COMPLETED'

async function recordStagingDeployment(sha: string, state: 'success' | 'failure' = 'success') {
  const record = await startDeploymentRecord(
    {
      owner: 'acme',
      repo: 'shop',
      ref: sha,
      environment: 'staging',
      description: 'deploy to staging',
      payload: { cluster: 'staging', service: 'web' }
    },
    { github }
  )
  await setDeploymentState(record, { state, description: state }, { github })
}

interface CheckRun {
  name: string
  headSha: string
  conclusion: string
  detailsUrl: string | null
  output: { title: string; summary: string }
  annotations: { path: string; annotation_level: string; title: string; message: string }[]
}

function checkRuns(): CheckRun[] {
  const dump = sim.world.github.dump() as {
    repositories: { fullName: string; checkRuns: CheckRun[] }[]
  }
  return dump.repositories.flatMap(repo => repo.checkRuns)
}

function awsOperations(): string[] {
  return sim
    .calls()
    .filter(call => call.service !== 'github')
    .map(call => call.operation)
}

function report(path: string | undefined): Record<string, unknown> {
  expect(path).toBeDefined()
  expect(path!.startsWith(scratch)).toBe(true)
  return JSON.parse(readFileSync(path!, 'utf8')) as Record<string, unknown>
}

const base = { cluster: 'staging', 'checks-timeout': '2s' }

describe('staging-gate', () => {
  test('approves the workflow commit once it has soaked, is healthy and was deployed to staging', async () => {
    const arn = await deploy({ image: 'registry.example.com/shop/web:1.1.0', version: '1.1.0' })
    await waitFor('the candidate is live', completed)
    await recordStagingDeployment(SHA)
    await sleep(1500)
    const env = actionEnv({
      ...base,
      service: 'web',
      'min-soak': '1s',
      alarms: 'web-staging-5xx',
      checks: '- name: web service\n  ecs-service: { cluster: staging, service: web }\n',
      'github-token': TOKEN
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBeUndefined()
      expect(outputs.approved).toBe('true')
      expect(outputs.image).toMatch(/^registry\.example\.com\/shop\/web@sha256:[0-9a-f]{64}$/)
      expect(JSON.parse(outputs.images!)).toEqual({ web: outputs.image })
      expect(outputs['task-definition-arn']).toBe(arn)
      expect(outputs.version).toBe('1.1.0')
      expect(outputs.sha).toBe(SHA)
      expect(Number(outputs['soaked-for'])).toBeGreaterThanOrEqual(1)
      expect(outputs['remaining-soak']).toBe('0')
      expect(outputs.emergency).toBe('false')
      expect(outputs['emergency-reason']).toBe('')
      expect(outputs['check-run-id']).toMatch(/^\d+$/)
      const json = report(outputs.report)
      expect(json).toMatchObject({ approved: true, mode: 'approved', sha: SHA })
      expect((json.checks as { name: string }[]).map(check => check.name)).toEqual([
        'identity (web)',
        'stability (web)',
        'soak (web)',
        'health: web service',
        'alarms',
        'github deployment',
        'protected branch'
      ])

      const summary = env.summary()
      expect(summary.indexOf('APPROVED')).toBeLessThan(summary.indexOf('<table>'))
      expect(summary).toContain('github deployment')
      expect(summary).toContain(outputs.image)
      expect(summary).toContain('web:2')
      expect(summary).toContain(SHA)
      expect(summary).not.toContain('What to do next')
      expect(env.stdout()).toContain("Candidate: the workflow's commit")
      expect(env.stdout()).toContain(`::add-mask::${TOKEN}`)
      const log = env
        .stdout()
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
      expect(log).not.toContain(TOKEN)
      expect(log).toMatch(/Wrote check run \d+ \(success\) on 5f3c9a1e2b7d with 0 annotation/)

      const [checkRun, ...others] = checkRuns()
      expect(others).toHaveLength(0)
      expect(checkRun).toMatchObject({ name: 'staging-gate', headSha: SHA, conclusion: 'success' })
      expect(checkRun!.detailsUrl).toBe('https://github.com/acme/shop/actions/runs/4242')
      expect(checkRun!.output.title).toContain('Approved')
      expect(checkRun!.annotations).toEqual([])
    } finally {
      env.restore()
    }
  }, 90_000)

  test('blocks a candidate that has not soaked yet and says how long is left', async () => {
    await deploy({ image: 'registry.example.com/shop/web:1.1.0', version: '1.1.0' })
    await waitFor('the candidate is live', completed)
    const env = actionEnv({ ...base, service: 'web', version: '1.1.0', 'min-soak': '1h' })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs.approved).toBe('false')
      expect(outputs.emergency).toBe('false')
      expect(Number(outputs['remaining-soak'])).toBeGreaterThan(3500)
      expect(outputs.image).toMatch(/@sha256:/)
      expect(env.stdout()).toMatch(
        /staging-gate failed: blocked by soak \(web\) \(soaked .* of 1h; 59m \d+s to go/
      )
      const summary = env.summary()
      expect(summary).toContain('BLOCKED: 1 of 3 checks failed for 1.1.0')
      expect(summary).toContain('What to do next')
      expect(summary).toMatch(/Re-run the gate after \d{4}-/)
      expect(summary).toContain('to go')
      // No token: nothing is read from or written to GitHub.
      expect(checkRuns()).toEqual([])
      expect(report(outputs.report)).toMatchObject({ approved: false, mode: 'blocked' })
    } finally {
      env.restore()
    }
  }, 90_000)

  test.each([
    ['another version', { version: '2.0.0' }, /version differ/],
    [
      'another image digest',
      { image: `registry.example.com/shop/web@sha256:${'a'.repeat(64)}` },
      /image differ/
    ],
    ['another commit', { sha: 'abcdef1' }, /commit differ/]
  ])(
    'blocks when staging runs %s than the candidate',
    async (_what, candidate, detail) => {
      const env = actionEnv({ ...base, service: 'web', 'min-soak': '0s', ...candidate })
      try {
        await run()
        const outputs = env.outputs()
        expect(env.exitCode()).toBe(1)
        expect(outputs.approved).toBe('false')
        expect(outputs.image).toBeUndefined()
        expect(outputs.images).toBe('{}')
        expect(env.stdout()).toMatch(/staging-gate failed: blocked by identity \(web\)/)
        expect(env.stdout()).toMatch(detail)
        expect(env.summary()).toContain('Deploy ')
        expect(env.summary()).toContain('registry.example.com/shop/web@sha256:')
      } finally {
        env.restore()
      }
    },
    60_000
  )

  test('blocks while staging is rolling back a crashing release', async () => {
    await deploy({ image: 'registry.example.com/shop/web:1.2.0-crash', version: '1.2.0' })
    await waitFor('ECS rolls back', deployments =>
      deployments.some(d => /rolling back/i.test(d.rolloutStateReason ?? ''))
    )
    const env = actionEnv({ ...base, service: 'web', version: '1.2.0', 'min-soak': '0s' })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.outputs().approved).toBe('false')
      expect(env.stdout()).toMatch(/stability \(web\) \(service web is rolling back/)
    } finally {
      env.restore()
    }
  }, 90_000)

  test('blocks while a staging alarm is firing', async () => {
    const response = await fetch(`${sim.url}/_sim/alarms/web-staging-5xx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'ALARM', reason: '5xx rate above 5% for 3 minutes' })
    })
    expect(response.status).toBe(200)
    const env = actionEnv({
      ...base,
      service: 'web',
      version: '1.0.0',
      'min-soak': '0s',
      alarms: 'web-staging-5xx'
    })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.outputs().approved).toBe('false')
      expect(env.stdout()).toMatch(/staging-gate failed: blocked by alarms \(.*web-staging-5xx/)
      expect(env.summary()).toContain('Resolve the staging alarms')
    } finally {
      env.restore()
    }
  }, 60_000)

  test('cancelled while checking: approves nothing, records a cancelled check run, fails', async () => {
    await fetch(`${sim.url}/_sim/alarms/web-staging-5xx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'ALARM', reason: '5xx rate above 5%' })
    })
    const env = actionEnv({
      ...base,
      'checks-timeout': '5m',
      service: 'web',
      version: '1.0.0',
      'min-soak': '0s',
      alarms: 'web-staging-5xx',
      'github-token': 'test-token'
    })
    // The runner's SIGINT, once the alarm has been read and found firing.
    const since = sim.calls().at(-1)?.seq ?? 0
    let stop = false
    const cancel = (async () => {
      while (!stop) {
        if (sim.calls().some(c => c.seq > since && c.operation === 'DescribeAlarms')) {
          process.emit('SIGINT', 'SIGINT')
          return
        }
        await sleep(2)
      }
    })()
    const startedAt = Date.now()
    const listeners = process.listenerCount('SIGINT')
    try {
      await run().finally(() => (stop = true))
      await cancel
      // Well inside the 5 minutes the check could have taken (and the runner's 7.5 s window).
      expect(Date.now() - startedAt).toBeLessThan(7_500)
      expect(env.exitCode()).toBe(1)
      expect(env.outputs().approved).toBe('false')
      expect(env.stdout()).toContain(
        'staging-gate failed: cancelled before every check had a verdict; nothing is approved.'
      )
      expect(env.summary()).toContain('CANCELLED: no verdict for 1.0.0; nothing is approved')
      const record = checkRuns().at(-1)
      expect(record?.conclusion).toBe('cancelled')
      expect(record?.output.title).toBe('Cancelled: no verdict for 1.0.0; nothing is approved')
      // The gate stopped listening once it had reported.
      expect(process.listenerCount('SIGINT')).toBe(listeners)
    } finally {
      env.restore()
    }
  }, 60_000)

  test('approves several services with a JSON image output, checks read from a file', async () => {
    const checksFile = join(scratch, 'checks.yml')
    writeFileSync(
      checksFile,
      '- name: worker\n  ecs-service: { cluster: staging, service: worker }\n'
    )
    const env = actionEnv({
      ...base,
      services: 'web\nworker',
      version: '1.0.0',
      'min-soak': '0s',
      checks: checksFile,
      'alarm-prefix': 'web-staging-'
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBeUndefined()
      expect(outputs.approved).toBe('true')
      const images = JSON.parse(outputs.images!) as Record<string, string>
      expect(Object.keys(images)).toEqual(['web/web', 'worker/worker'])
      expect(JSON.parse(outputs.image!)).toEqual(images)
      expect(images['worker/worker']).toMatch(/^registry\.example\.com\/shop\/worker@sha256:/)
      expect(env.summary()).toContain('alarms by prefix')
      expect(env.summary()).toContain('health: worker')
    } finally {
      env.restore()
    }
  }, 60_000)

  test('an emergency bypass approves, and is recorded in the outputs, summary, log and check run', async () => {
    await deploy({ image: 'registry.example.com/shop/web:1.3.0', version: '1.3.0' })
    await waitFor('the candidate is live', completed)
    process.env.GITHUB_WORKFLOW_REF = 'acme/shop/.github/workflows/promote.yml@refs/heads/main'
    const env = actionEnv({
      ...base,
      service: 'web',
      sha: SHA.slice(0, 7),
      'min-soak': '1h',
      emergency: 'true',
      'emergency-reason': 'Hotfix for INC-42: checkout is down',
      'emergency-actors': 'alice, @OctoCat',
      'github-token': TOKEN
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBeUndefined()
      expect(outputs.approved).toBe('true')
      expect(outputs.emergency).toBe('true')
      expect(outputs['emergency-reason']).toBe('Hotfix for INC-42: checkout is down')
      expect(outputs.sha).toBe(SHA)
      expect(report(outputs.report)).toMatchObject({
        mode: 'emergency',
        emergency: { reason: 'Hotfix for INC-42: checkout is down', actor: 'OctoCat' }
      })
      expect(env.stdout()).toMatch(/::warning::EMERGENCY BYPASS by OctoCat/)
      expect(env.stdout()).toContain('::warning title=Bypassed check%3A soak (web)::')
      expect(env.stdout()).toContain('::warning title=Bypassed check%3A github deployment::')

      const summary = env.summary()
      expect(summary.startsWith('<h2>🚨 EMERGENCY BYPASS')).toBe(true)
      expect(summary.indexOf('Hotfix for INC-42')).toBeLessThan(summary.indexOf('<table>'))
      expect(summary).toContain('fail (bypassed)')
      expect(summary).toContain('Follow up after the bypass')

      const [checkRun] = checkRuns()
      expect(checkRun).toMatchObject({ name: 'staging-gate', headSha: SHA, conclusion: 'neutral' })
      expect(checkRun!.output.title).toMatch(/^EMERGENCY BYPASS by OctoCat/)
      expect(checkRun!.output.summary).toContain('Hotfix for INC-42')
      expect(checkRun!.annotations.map(a => [a.path, a.annotation_level, a.title])).toEqual([
        ['.github/workflows/promote.yml', 'warning', 'staging gate: soak (web)'],
        ['.github/workflows/promote.yml', 'warning', 'staging gate: github deployment']
      ])
    } finally {
      delete process.env.GITHUB_WORKFLOW_REF
      env.restore()
    }
  }, 90_000)

  test('a bypass that cannot be recorded on the commit fails the step', async () => {
    delete process.env.GITHUB_ACTOR
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'github',
        operation: 'POST /repos/acme/shop/check-runs',
        status: 500
      })
    })
    const env = actionEnv({
      ...base,
      service: 'web',
      version: '1.0.0',
      'min-soak': '1h',
      emergency: 'true',
      'emergency-reason': 'incident',
      'require-github-deployment': 'false',
      'github-token': TOKEN
    })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.outputs().emergency).toBe('true')
      // An unrecorded bypass approves nothing.
      expect(env.outputs().approved).toBe('false')
      expect(env.stdout()).toContain(
        'staging-gate failed: the emergency bypass could not be recorded'
      )
      expect(env.stdout()).toContain('::warning title=Check run not written::')
      expect(env.summary()).toContain('No check run was written')
      expect(env.summary()).toContain('EMERGENCY BYPASS by an unknown actor: incident')
      expect(checkRuns()).toEqual([])
    } finally {
      process.env.GITHUB_ACTOR = 'octocat'
      env.restore()
    }
  }, 60_000)

  const bad: [string, Record<string, string>, RegExp][] = [
    [
      'emergency without a reason',
      { emergency: 'true' },
      /Input 'emergency-reason': not given\. Give why this release cannot wait/
    ],
    [
      'an actor not on the list',
      { emergency: 'true', 'emergency-reason': 'incident', 'emergency-actors': 'alice\nbob' },
      /Input 'emergency-actors': 'octocat' may not bypass/
    ],
    [
      'emergency without a token',
      { emergency: 'true', 'emergency-reason': 'incident', 'github-token': '' },
      /Input 'github-token': is required when 'emergency' is true/
    ],
    ['min-soak without a unit', { 'min-soak': '15' }, /Input 'min-soak'.*'15' is not a duration/],
    [
      'an unknown staging service',
      { service: 'missing' },
      /Input 'service': 'missing' is not an active service/
    ],
    [
      'an unknown cluster',
      { cluster: 'nowhere' },
      /Input 'cluster': 'nowhere' is not an ECS cluster/
    ],
    ['malformed checks', { checks: '- name: [oops' }, /Input 'checks'/],
    [
      'a checks file that does not exist',
      { checks: 'no/such/checks.yml' },
      /Input 'checks': cannot read/
    ],
    ['a sha that is not one', { sha: 'main' }, /Input 'sha': 'main' is not a commit SHA/],
    ['a malformed image', { image: 'Registry/UPPER:1' }, /Input 'image'/],
    [
      'service and services',
      { services: 'web\nworker' },
      /Input 'service': was given together with 'services'/
    ],
    [
      'unknown staging services',
      { service: '', services: 'web\nghost\nphantom' },
      /Input 'services': 'ghost', 'phantom' are not active services of cluster 'staging'/
    ],
    [
      'more than 10 services',
      { service: '', services: Array.from({ length: 11 }, (_, i) => `s${i}`).join('\n') },
      /at most 10/
    ],
    ['no service', { service: '' }, /Input 'service': not given\. Give the staging service/],
    ['a service twice', { service: '', services: 'web\nweb' }, /'web' twice/],
    [
      'require-github-deployment without a token',
      { 'require-github-deployment': 'true', 'github-token': '' },
      /Input 'require-github-deployment': is true but 'github-token' is empty/
    ],
    [
      'an alarm check name taken twice',
      {
        checks: '- name: alarms\n  ecs-service: { cluster: staging, service: web }',
        alarms: 'web-staging-5xx'
      },
      /Input 'checks': check 'alarms' has the name of the gate's own alarm check/
    ]
  ]
  test.each(bad)(
    'bad input: %s fails before any check and writes no check run',
    async (_what, inputs, message) => {
      const env = actionEnv({ ...base, service: 'web', 'github-token': TOKEN, ...inputs })
      try {
        await run()
        expect(env.exitCode()).toBe(1)
        expect(env.stdout()).toMatch(message)
        expect(env.stdout()).toContain('staging-gate failed:')
        expect(env.stdout()).toContain('title=Configuration error')
        expect(env.outputs()).toEqual({})
        expect(checkRuns()).toEqual([])
        expect(awsOperations().every(operation => operation === 'DescribeServices')).toBe(true)
      } finally {
        env.restore()
      }
    },
    30_000
  )

  test('without GITHUB_REPOSITORY the GitHub deployment cannot be required', async () => {
    delete process.env.GITHUB_REPOSITORY
    const env = actionEnv({ ...base, service: 'web', 'github-token': TOKEN })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.stdout()).toMatch(/GITHUB_REPOSITORY \(''\) is not owner\/repo/)
      expect(awsOperations()).toEqual([])
    } finally {
      process.env.GITHUB_REPOSITORY = 'acme/shop'
      env.restore()
    }
  })

  test('without GITHUB_REPOSITORY no check run is written, and the log says so', async () => {
    delete process.env.GITHUB_REPOSITORY
    const env = actionEnv({
      ...base,
      service: 'web',
      version: '1.0.0',
      'min-soak': '0s',
      'require-github-deployment': 'false',
      'github-token': TOKEN
    })
    try {
      await run()
      expect(env.exitCode()).toBeUndefined()
      expect(env.stdout()).toContain('No staging-gate check run was written: GITHUB_REPOSITORY')
      expect(checkRuns()).toEqual([])
    } finally {
      process.env.GITHUB_REPOSITORY = 'acme/shop'
      env.restore()
    }
  }, 60_000)

  test('an AWS error other than a missing cluster is a failure, not a configuration error', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'ecs',
        operation: 'DescribeServices',
        error: 'AccessDeniedException',
        status: 400,
        message: 'not authorized to perform ecs:DescribeServices'
      })
    })
    const env = actionEnv({ ...base, service: 'web', version: '1.0.0' })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.stdout()).toMatch(
        /staging-gate failed: AccessDeniedException: .*ecs:DescribeServices/
      )
      expect(env.stdout()).not.toContain('Configuration error')
    } finally {
      env.restore()
    }
  })

  test('a staging service being deleted is bad input', async () => {
    await ecs.send(new DeleteServiceCommand({ cluster: 'staging', service: 'worker', force: true }))
    const env = actionEnv({ ...base, service: 'worker', version: '1.0.0' })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.stdout()).toMatch(
        /Input 'service': 'worker \((DRAINING|INACTIVE)\)' is not an active service/
      )
    } finally {
      env.restore()
    }
  })

  test('bad input: no candidate when nothing is given and GITHUB_SHA is unset', async () => {
    delete process.env.GITHUB_SHA
    const env = actionEnv({ ...base, service: 'web' })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.stdout()).toMatch(/No candidate to gate: inputs 'version', 'sha' and 'image'/)
      expect(awsOperations()).toEqual([])
    } finally {
      process.env.GITHUB_SHA = SHA
      env.restore()
    }
  })

  test('the report and the step still work when the check run has no commit to go on', async () => {
    // A revision without a commit tag, and a workflow commit that is not a full SHA.
    await deploy({ image: 'registry.example.com/shop/web:1.0.1', version: '1.0.0', commit: null })
    await waitFor('the commit-less revision is live', completed)
    process.env.GITHUB_SHA = SHA.slice(0, 7)
    delete process.env.RUNNER_TEMP
    delete process.env.GITHUB_RUN_ID
    const env = actionEnv({
      ...base,
      service: 'web',
      version: '1.0.0',
      'min-soak': '0s',
      'require-github-deployment': 'false',
      'github-token': TOKEN,
      // Without any commit the branch cannot be checked (that blocks: see the unit tests).
      'protected-branch': 'none'
    })
    try {
      await run()
      expect(env.exitCode()).toBeUndefined()
      expect(env.outputs().approved).toBe('true')
      expect(env.outputs()['check-run-id']).toBeUndefined()
      expect(env.stdout()).toContain('No staging-gate check run was written: no full commit SHA')
      const path = env.outputs().report!
      expect(path.startsWith(join(tmpdir(), 'staging-gate-local-'))).toBe(true)
      expect(existsSync(path)).toBe(true)
      rmSync(path)
    } finally {
      process.env.GITHUB_SHA = SHA
      process.env.RUNNER_TEMP = scratch
      process.env.GITHUB_RUN_ID = '4242'
      env.restore()
    }
  }, 60_000)
})

describe('workflowPath', () => {
  test.each([
    ['acme/shop/.github/workflows/promote.yml@refs/heads/main', '.github/workflows/promote.yml'],
    ['other/repo/.github/workflows/promote.yml@refs/heads/main', undefined],
    ['acme/shop/@refs/heads/main', undefined],
    [undefined, undefined]
  ])('%s is %s', (ref, path) => {
    expect(workflowPath(ref, 'acme/shop')).toBe(path)
  })
})
