/**
 * health-verify's adapter run in-process against the simulator: real AWS SDK clients over HTTP,
 * real task containers and a real listener proxy on loopback. Asserts what the action reported
 * (outputs, report file, summary, log, annotations) and which AWS requests it made.
 */
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration
} from '@aws-sdk/client-ecs'
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { startSim, type Sim } from '@fargate-promote/sim'
import { actionEnv, pointAtSim, removeActionEnvFiles } from '../../../test/support/action-env.js'
import { repoRoot } from '../../../test/e2e/run-action.js'

let sim: Sim
let ecs: ECSClient
let sqs: SQSClient
let run: () => Promise<void>
const scratch = mkdtempSync(join(tmpdir(), 'hv-test-'))

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  pointAtSim(sim.url)
  // Reports land here and go with it; one test checks the os.tmpdir() fallback.
  process.env.RUNNER_TEMP = scratch
  const config = {
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  }
  ecs = new ECSClient(config)
  sqs = new SQSClient(config)
  ;({ run } = await import('../src/main.js'))
}, 60_000)

afterAll(async () => {
  ecs.destroy()
  sqs.destroy()
  await sim.stop()
  removeActionEnvFiles()
  delete process.env.RUNNER_TEMP
  rmSync(scratch, { recursive: true, force: true })
})

beforeEach(async () => {
  await sim.reset()
})

/** One HTTP exchange on a fresh connection, so nothing keeps the test process alive. */
function send(
  method: string,
  url: string,
  body?: unknown
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request(
      url,
      {
        method,
        agent: false,
        headers: payload ? { 'content-type': 'application/json' } : {}
      },
      res => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}

async function listenerUrl(): Promise<string> {
  const { text } = await send('GET', `${sim.url}/_sim/listeners`)
  const { listeners } = JSON.parse(text) as { listeners: { url: string }[] }
  const url = listeners[0]?.url
  if (url === undefined) throw new Error('the sim has no listener')
  return url.replace(/\/$/, '')
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Registers web with another image tag and rolls it out with UpdateService, as a deploy would. */
async function deployWeb(tag: string, deploymentConfiguration?: DeploymentConfiguration) {
  const { taskDefinition: live } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: 'web' })
  )
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: live!.family!,
      cpu: live!.cpu,
      memory: live!.memory,
      networkMode: live!.networkMode,
      requiresCompatibilities: live!.requiresCompatibilities,
      executionRoleArn: live!.executionRoleArn,
      containerDefinitions: live!.containerDefinitions!.map(container => ({
        ...container,
        image: `registry.example.com/shop/web:${tag}`
      }))
    })
  )
  const arn = registered.taskDefinition!.taskDefinitionArn!
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'staging',
      service: 'web',
      taskDefinition: arn,
      deploymentConfiguration
    })
  )
  return arn
}

async function rolledOut(arn: string): Promise<boolean> {
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })
  )
  const deployments = services?.[0]?.deployments ?? []
  return (
    deployments.length === 1 &&
    deployments[0]?.taskDefinition === arn &&
    deployments[0].rolloutState === 'COMPLETED'
  )
}

function operations(): string[] {
  return [...new Set(sim.calls().map(call => `${call.service}:${call.operation}`))].sort()
}

function readReport(path: string | undefined) {
  return JSON.parse(readFileSync(path ?? '', 'utf8')) as {
    healthy: boolean
    failedChecks: string[]
    checks: { name: string; ok: boolean; lastDetail: string }[]
    samples: { check: string; ok: boolean; time: string; latencyMs?: number }[]
  }
}

const fast = { interval: '100ms', timeout: '20s', 'consecutive-successes': '2' }

describe('health-verify', () => {
  test('a healthy service passes every kind of check through its real listener', async () => {
    const base = await listenerUrl()
    const withCredentials = base.replace('http://', 'http://probe:url-pa55word@')
    const checks = `
- name: web
  http:
    url: ${withCredentials}/health
    headers: { x-api-key: top-secret-key-123 }
    expect-status: 200
    json: [{ path: $.status, equals: ok }]
- name: service
  ecs-service: { cluster: staging, service: web }
- name: targets
  target-group: { target-group: web-staging-blue }
- name: alarms
  cloudwatch-alarm: { alarms: [web-staging-5xx] }
- name: orders
  sqs-queue: { queue: orders-staging }
`
    const env = actionEnv({ ...fast, checks })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBeUndefined()
      expect(outputs.healthy).toBe('true')
      expect(outputs['failed-checks']).toBe('[]')
      expect(Number(outputs['p50-ms'])).toBeGreaterThan(0)
      expect(Number(outputs['p95-ms'])).toBeGreaterThanOrEqual(Number(outputs['p50-ms']))
      expect(Number(outputs['p99-ms'])).toBeGreaterThanOrEqual(Number(outputs['p95-ms']))
      expect(outputs['error-rate']).toBe('0')

      expect(outputs.report?.startsWith(`${scratch}/health-verify-`)).toBe(true)
      const report = readReport(outputs.report)
      expect(report.healthy).toBe(true)
      expect(report.checks.map(c => [c.name, c.ok])).toEqual([
        ['web', true],
        ['service', true],
        ['targets', true],
        ['alarms', true],
        ['orders', true]
      ])
      for (const name of ['web', 'service', 'targets', 'alarms', 'orders']) {
        expect(report.samples.filter(s => s.check === name).length).toBeGreaterThanOrEqual(2)
      }

      // Only reads, and exactly the services the checks need.
      expect(sim.calls().filter(call => call.mutating)).toEqual([])
      expect(operations()).toEqual([
        'cloudwatch:DescribeAlarms',
        'ecs:DescribeServices',
        'ecs:DescribeTasks',
        'ecs:ListTasks',
        'elbv2:DescribeTargetGroups',
        'elbv2:DescribeTargetHealth',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl'
      ])

      const summary = env.summary()
      expect(summary).toContain('✅ HEALTHY: 5 of 5 checks passed (verify)')
      for (const name of ['web', 'service', 'targets', 'alarms', 'orders']) {
        expect(summary).toContain(`<td>${name}</td>`)
      }
      expect(summary).toContain('web-staging-blue')
      expect(summary).not.toContain('<details>')

      // Secrets: registered with the runner before anything else, then never printed.
      const stdout = env.stdout()
      expect(stdout.indexOf('::add-mask::top-secret-key-123')).toBe(0)
      expect(stdout).toContain('::add-mask::url-pa55word')
      const leaks = stdout
        .split('\n')
        .filter(line => /top-secret-key-123|url-pa55word/.test(line))
        .filter(line => !line.startsWith('::add-mask::'))
      expect(leaks).toEqual([])
      for (const text of [summary, readFileSync(outputs.report!, 'utf8')]) {
        expect(text).not.toContain('top-secret-key-123')
        expect(text).not.toContain('url-pa55word')
      }
      expect(stdout).toContain('verify: 5 checks from input')
      expect(stdout).toContain('HEALTHY: all 5 checks passed')
    } finally {
      env.restore()
    }
  }, 60_000)

  test('the url shorthand checks one endpoint without YAML and makes no AWS call', async () => {
    delete process.env.RUNNER_TEMP
    const env = actionEnv({
      ...fast,
      url: `${await listenerUrl()}/health`,
      'expect-status': '200,204',
      'body-contains': '"status":"ok"'
    })
    try {
      await run()
      expect(env.exitCode()).toBeUndefined()
      expect(env.outputs().healthy).toBe('true')
      expect(env.summary()).toContain('<td>http</td>')
      expect(env.summary()).toContain(`GET ${await listenerUrl()}/health`)
      expect(sim.calls()).toEqual([])
      // Outside a runner the report goes to the OS temp dir.
      const report = env.outputs().report ?? ''
      expect(dirname(dirname(report))).toBe(tmpdir())
      expect(report).toMatch(/\/health-verify-[^/]+\/report\.json$/)
      rmSync(dirname(report), { recursive: true })
    } finally {
      env.restore()
      process.env.RUNNER_TEMP = scratch
    }
  }, 30_000)

  test.each([
    ['actions/health-verify/__tests__/fixtures/checks.yml', ['ecs', 'elbv2', 'cloudwatch']],
    ['actions/health-verify/__tests__/fixtures/checks.json', ['ecs', 'sqs']]
  ])(
    'checks read from the file %s',
    async (file, services) => {
      const env = actionEnv({ ...fast, checks: file })
      try {
        await run()
        expect(env.exitCode()).toBeUndefined()
        expect(env.outputs().healthy).toBe('true')
        // No http check: no latency outputs rather than made-up ones.
        expect(env.outputs()['p50-ms']).toBeUndefined()
        expect(env.outputs()['error-rate']).toBeUndefined()
        expect([...new Set(sim.calls().map(call => call.service))].sort()).toEqual(
          [...services].sort()
        )
        expect(env.stdout()).toContain(`from file ${file}`)
      } finally {
        env.restore()
      }
    },
    30_000
  )

  test('an -unhealthy image rolled out with UpdateService fails http, the service and its targets', async () => {
    const base = await listenerUrl()
    // Replace both tasks at once and keep the circuit breaker out of the way, so the service
    // stays on the broken image.
    await deployWeb('1.1.0-unhealthy', {
      minimumHealthyPercent: 0,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: false, rollback: false }
    })
    await waitFor('the broken tasks to serve', async () => {
      const { status } = await send('GET', `${base}/health`)
      return status !== 200
    })
    const checks = `
- name: web
  http: { url: '${base}/health' }
- name: service
  ecs-service: { cluster: staging, service: web }
- name: targets
  target-group: { target-group: web-staging-blue }
`
    const env = actionEnv({ checks, interval: '200ms', timeout: '2s' })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs.healthy).toBe('false')
      expect(JSON.parse(outputs['failed-checks'] ?? '')).toEqual(['web', 'service', 'targets'])
      expect(Number(outputs['error-rate'])).toBe(1)
      const report = readReport(outputs.report)
      expect(report.checks.find(c => c.name === 'web')?.lastDetail).toMatch(/50[23]/)

      const stdout = env.stdout()
      for (const name of ['web', 'service', 'targets']) {
        expect(stdout).toContain(`::error title=Health check ${name} failed::`)
      }
      expect(stdout).toContain('health-verify failed: UNHEALTHY: web did not pass 3 rounds')

      const summary = env.summary()
      expect(summary).toContain('❌ UNHEALTHY: 0 of 3 checks passed (verify)')
      expect(summary).toContain('Reason: web did not pass 3 rounds in a row within 2s')
      expect(summary.match(/<details>/g)).toHaveLength(3)
      expect(summary).toContain('Failed samples')
    } finally {
      env.restore()
    }
  }, 90_000)

  test('an -errors image under load sampling breaks max-error-rate', async () => {
    const arn = await deployWeb('1.2.0-errors')
    await waitFor('the -errors rollout', () => rolledOut(arn))
    const base = await listenerUrl()
    const env = actionEnv({
      url: `${base}/health`,
      interval: '300ms',
      timeout: '1s',
      'consecutive-successes': '1',
      requests: '20',
      concurrency: '4',
      'max-error-rate': '5%',
      'p95-latency': '5s'
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs.healthy).toBe('false')
      expect(outputs['failed-checks']).toBe('["http"]')
      // The image fails every 5th application request.
      expect(Number(outputs['error-rate'])).toBeCloseTo(0.2, 1)
      const report = readReport(outputs.report)
      expect(report.samples.length % 20).toBe(0)
      expect(report.samples.length).toBeGreaterThanOrEqual(40)
      expect(report.checks[0]?.lastDetail).toMatch(
        /20 requests, 4 failed .*error rate 20% exceeds 5%/
      )
      const summary = env.summary()
      expect(summary).toContain('20 requests per round, 4 at a time')
      expect(summary).toContain('Thresholds: p95 ≤ 5000 ms, error rate ≤ 5%')
    } finally {
      env.restore()
    }
  }, 90_000)

  test('an alarm going off mid-monitor stops the run early', async () => {
    const base = await listenerUrl()
    const checks = `
- name: web
  http: { url: '${base}/health' }
- name: alarms
  cloudwatch-alarm: { alarms: [web-staging-5xx] }
`
    const env = actionEnv({ checks, mode: 'monitor', duration: '20s', interval: '100ms' })
    const flip = setTimeout(() => {
      void send('POST', `${sim.url}/_sim/alarms/web-staging-5xx`, {
        state: 'ALARM',
        reason: 'Threshold Crossed: 5xx rate above 1%'
      })
    }, 800)
    const started = Date.now()
    try {
      await run()
      expect(Date.now() - started).toBeLessThan(10_000)
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs['failed-checks']).toBe('["alarms"]')
      const report = readReport(outputs.report)
      expect(report.checks.find(c => c.name === 'web')?.ok).toBe(true)
      expect(report.checks.find(c => c.name === 'alarms')?.lastDetail).toContain('web-staging-5xx')
      const summary = env.summary()
      expect(summary).toContain('❌ UNHEALTHY: 1 of 2 checks passed (monitor)')
      expect(summary).toContain('stopped early')
      expect(summary).toContain('Latency over time')
      expect(summary).toMatch(/<td>web<\/td><td>[▁▂▃▄▅▆▇█]+<\/td>/)
      expect(env.stdout()).toContain('::error title=Health check alarms failed::')
    } finally {
      clearTimeout(flip)
      env.restore()
    }
  }, 60_000)

  test('a quiet monitor run is healthy and draws the latency of every http check', async () => {
    const env = actionEnv({
      url: `${await listenerUrl()}/health`,
      mode: 'monitor',
      duration: '1s',
      interval: '200ms',
      'failure-limit': '1',
      'p95-latency': '2s',
      'p99-latency': '3s',
      'max-error-rate': '0.5'
    })
    try {
      await run()
      expect(env.exitCode()).toBeUndefined()
      expect(env.outputs().healthy).toBe('true')
      const summary = env.summary()
      expect(summary).toContain('✅ HEALTHY: 1 of 1 checks passed (monitor)')
      expect(summary).toContain('Thresholds: p95 ≤ 2000 ms, p99 ≤ 3000 ms, error rate ≤ 50%')
      expect(summary).toContain('for 1s · failure limit 1')
      expect(summary).toMatch(/<td>http<\/td><td>[▁▂▃▄▅▆▇█]+<\/td>/)
    } finally {
      env.restore()
    }
  }, 30_000)

  /** Waits until the action logged `text`, then sends SIGINT as the runner does on cancel. */
  async function cancelWhen(env: ReturnType<typeof actionEnv>, text: string): Promise<number> {
    await waitFor(`'${text}' in the log`, () => Promise.resolve(env.stdout().includes(text)))
    process.emit('SIGINT')
    return Date.now()
  }

  test('cancellation (SIGINT) mid-monitor: outputs, summary and annotation of the partial run, step failed', async () => {
    const listeners = process.listenerCount('SIGINT')
    const env = actionEnv({
      url: `${await listenerUrl()}/health`,
      mode: 'monitor',
      duration: '10m',
      interval: '100ms'
    })
    try {
      const running = run()
      const cancelledAt = await cancelWhen(env, '✓ http passing')
      await running
      // The interval sleep is cut short: nothing waits out the 10 minutes.
      expect(Date.now() - cancelledAt).toBeLessThan(3_000)
      expect(process.listenerCount('SIGINT')).toBe(listeners)
      expect(env.exitCode()).toBe(1)

      const outputs = env.outputs()
      expect(outputs.healthy).toBe('false')
      // The check did not fail: it was cut short.
      expect(outputs['failed-checks']).toBe('[]')
      expect(Number(outputs['p50-ms'])).toBeGreaterThan(0)
      expect(outputs['error-rate']).toBe('0')
      const report = JSON.parse(readFileSync(outputs.report ?? '', 'utf8')) as {
        healthy: boolean
        cancelled: boolean
        reason: string
        samples: unknown[]
      }
      expect(report).toMatchObject({ healthy: false, cancelled: true })
      expect(report.samples.length).toBeGreaterThanOrEqual(1)
      expect(report.reason).toMatch(/^cancelled after \d+ rounds? \(\d+m?s\): http passed /)

      const summary = env.summary()
      expect(summary).toContain(
        '⏹️ CANCELLED: no verdict, 0 of 1 checks passed before the run was cancelled (monitor)'
      )
      expect(summary).toContain(`Reason: ${report.reason}`)
      expect(summary).toContain('the results below are partial, and the step fails.')
      expect(summary).toContain('<td>⏹️ cancelled</td>')
      expect(summary).not.toContain('<details>')
      // The samples gathered so far still draw the sparkline.
      expect(summary).toMatch(/<td>http<\/td><td>[▁▂▃▄▅▆▇█]+<\/td>/)

      const stdout = env.stdout()
      expect(stdout).toContain(`::error title=Cancelled::health-verify was ${report.reason}`)
      expect(stdout).toContain('CANCELLED: cancelled after ')
      expect(stdout).toContain(
        '::error::health-verify failed: cancelled before every check reached a verdict; see the job summary'
      )
      expect(stdout).not.toContain('Health check http failed')
    } finally {
      env.restore()
    }
  }, 30_000)

  test('a cancelled run fails the step even with fail-on-unhealthy false, and shows the failed rounds so far', async () => {
    const env = actionEnv({
      url: `${await listenerUrl()}/health`,
      'expect-status': '201',
      mode: 'monitor',
      duration: '10m',
      interval: '100ms',
      'failure-limit': '1000',
      'fail-on-unhealthy': 'false'
    })
    try {
      const running = run()
      await cancelWhen(env, '✗ http failing')
      await running
      expect(env.exitCode()).toBe(1)
      expect(env.outputs().healthy).toBe('false')
      expect(env.outputs()['failed-checks']).toBe('[]')
      expect(env.outputs()['error-rate']).toBe('1')
      const summary = env.summary()
      expect(summary).toContain('⏹️ CANCELLED: no verdict, 0 of 1 checks passed')
      expect(summary).toContain('<summary>⏹️ http: expected status 201, got 200')
      expect(summary).toContain('Failed samples')
      expect(summary).not.toContain('fail-on-unhealthy is false')
      const stdout = env.stdout()
      expect(stdout).toContain('::error title=Cancelled::health-verify was cancelled after ')
      expect(stdout).not.toContain('::warning')
    } finally {
      env.restore()
    }
  }, 30_000)

  test('an unreachable endpoint under load trips a monitor run at once', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise(resolve => closed.close(resolve))
    const env = actionEnv({
      url: `http://127.0.0.1:${port}/health`,
      mode: 'monitor',
      duration: '5s',
      interval: '500ms',
      requests: '25',
      concurrency: '5'
    })
    try {
      await run()
      const outputs = env.outputs()
      expect(env.exitCode()).toBe(1)
      expect(outputs['failed-checks']).toBe('["http"]')
      // Refused connections have no latency: no percentile is made up.
      expect(outputs['p50-ms']).toBeUndefined()
      expect(outputs['error-rate']).toBe('1')
      expect(readReport(outputs.report).samples).toHaveLength(25)
      const summary = env.summary()
      expect(summary).toContain('Failed samples (last 20 of 25)')
      expect(summary).toContain('ECONNREFUSED')
      expect(summary).toContain('<td>http</td><td>—</td><td>—</td><td>—</td><td>0</td>')
    } finally {
      env.restore()
    }
  }, 30_000)

  test('messages in the dead-letter queue fail the queue check', async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders-staging-dlq' }))
    for (const id of [1, 2]) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `{"order":${id}}` }))
    }
    const env = actionEnv({
      checks: '- name: orders\n  sqs-queue: { queue: orders-staging }',
      interval: '200ms',
      timeout: '1s'
    })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      expect(env.outputs()['failed-checks']).toBe('["orders"]')
      const report = readReport(env.outputs().report)
      expect(report.checks[0]?.lastDetail).toBe(
        'dead-letter queue orders-staging-dlq holds 2 messages'
      )
      expect(env.stdout()).toContain('::error title=Health check orders failed::')
    } finally {
      env.restore()
    }
  }, 30_000)

  test('max-age reads the queue age from CloudWatch GetMetricData, as the sim computes it', async () => {
    const cloudwatch = new CloudWatchClient({
      endpoint: sim.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
    })
    const ageNow = async () => {
      const { MetricDataResults } = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 600_000),
          EndTime: new Date(),
          ScanBy: 'TimestampDescending',
          MetricDataQueries: [
            {
              Id: 'age',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/SQS',
                  MetricName: 'ApproximateAgeOfOldestMessage',
                  Dimensions: [{ Name: 'QueueName', Value: 'orders-staging' }]
                },
                Period: 60,
                Stat: 'Maximum'
              }
            }
          ]
        })
      )
      return MetricDataResults?.[0]?.Values?.[0] ?? 0
    }
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders-staging' }))
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"order":1}' }))
    const deadline = Date.now() + 20_000
    // At 40x a sim minute passes every 1.5 s: wait until CloudWatch reports an age over 2 minutes.
    while ((await ageNow()) <= 120) {
      if (Date.now() > deadline) throw new Error('the queue age never passed 2 minutes')
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    cloudwatch.destroy()
    const env = actionEnv({
      checks: '- name: orders\n  sqs-queue: { queue: orders-staging, max-age: 1m }',
      interval: '200ms',
      timeout: '1s'
    })
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      const detail = readReport(env.outputs().report).checks[0]?.lastDetail
      expect(detail).toMatch(/^oldest message is \d+m( \d+s)? old, more than max-age 1m$/)
    } finally {
      env.restore()
    }
  }, 60_000)

  test('fail-on-unhealthy false reports unhealthy but lets the step succeed with a warning', async () => {
    const env = actionEnv({
      url: `${await listenerUrl()}/health`,
      'expect-status': '201',
      interval: '200ms',
      timeout: '1s',
      'fail-on-unhealthy': 'false'
    })
    try {
      await run()
      expect(env.exitCode()).toBeUndefined()
      expect(env.outputs().healthy).toBe('false')
      expect(env.outputs()['failed-checks']).toBe('["http"]')
      const stdout = env.stdout()
      expect(stdout).toContain('::warning title=Health check http failed::')
      expect(stdout).toContain(
        '::warning title=Service unhealthy::UNHEALTHY, but fail-on-unhealthy is false'
      )
      expect(stdout).not.toContain('::error')
      expect(stdout).not.toContain('health-verify failed')
      expect(env.summary()).toContain('fail-on-unhealthy is false: the step succeeds anyway.')
    } finally {
      env.restore()
    }
  }, 30_000)

  const awsChecks = `
- name: service
  ecs-service: { cluster: staging, service: web }
- name: alarms
  cloudwatch-alarm: { alarms: [web-staging-5xx] }
`
  const brokenJson = join(scratch, 'broken.json')
  writeFileSync(brokenJson, '[\n  { "name": "a" "ecs-service": {} }\n]\n')

  test.each<[string, Record<string, string>, RegExp]>([
    [
      'invalid YAML',
      { checks: '- name: a\n  http: { url: http://x' },
      /Input 'checks' \(line 2\): not valid YAML at column \d+/
    ],
    [
      'an unknown check type',
      { checks: '- name: a\n  ping: { host: x }' },
      /line 1, \[0\]: check 'a' has no type\. Give exactly one of: http, ecs-service, target-group, cloudwatch-alarm, sqs-queue, command\.%0A {2}line 2, \[0\]\.ping: unknown key 'ping'/
    ],
    [
      'an unknown field',
      { checks: "- name: a\n  http: { url: 'http://127.0.0.1/', retries: 3 }" },
      /Input 'checks' \(line 2, field '\[0\]\.http\.retries'\): unknown key 'retries'/
    ],
    [
      'duplicate names',
      { checks: `${awsChecks}- name: service\n  ecs-service: { cluster: staging, service: x }` },
      /check 'service' is defined twice/
    ],
    ['an invalid URL', { url: 'not a url' }, /Input 'url': 'not a url' is not a valid URL/],
    ['a non-http scheme', { url: 'ftp://example.com/x' }, /Input 'url'.*uses 'ftp:'/],
    [
      'expect-status out of range',
      { url: 'http://127.0.0.1/', 'expect-status': '700' },
      /Input 'expect-status': '700' is outside 100-599/
    ],
    [
      'an unparsable JSON path',
      {
        checks:
          "- name: a\n  http: { url: 'http://127.0.0.1/', json: [{ path: '$.items[', equals: 1 }] }"
      },
      /Input 'checks' \(line 2, field '\[0\]\.http\.json\[0\]\.path'\): '\$\.items\[' is not a supported JSON path/
    ],
    [
      'a negative failure-limit',
      { checks: awsChecks, mode: 'monitor', duration: '1m', 'failure-limit': '-1' },
      /Input 'failure-limit': '-1' is not a whole number from 0 to 10000/
    ],
    [
      'max-error-rate above 1',
      { url: 'http://127.0.0.1/', 'max-error-rate': '1.5' },
      /Input 'max-error-rate': '1.5' is not a fraction from 0 to 1/
    ],
    [
      'max-error-rate above 100%',
      { url: 'http://127.0.0.1/', 'max-error-rate': '150%' },
      /Input 'max-error-rate': '150%25' is not a fraction/
    ],
    [
      'a p95-latency that is no duration',
      { url: 'http://127.0.0.1/', 'p95-latency': 'fast' },
      /Input 'p95-latency'/
    ],
    [
      'a zero p99-latency',
      { url: 'http://127.0.0.1/', 'p99-latency': '0ms' },
      /Input 'p99-latency': '0ms' is not a duration from 1ms to 10m/
    ],
    [
      'a duration shorter than the interval',
      { checks: awsChecks, mode: 'monitor', duration: '1s', interval: '5s' },
      /Input 'duration': 1s is shorter than 'interval' \(5s\)/
    ],
    ['neither checks nor url', {}, /Input 'checks': not given\. Give a YAML list of checks/],
    [
      'both checks and url',
      { checks: awsChecks, url: 'http://127.0.0.1/' },
      /Input 'checks': was given together with 'url'/
    ],
    [
      'expect-status without url',
      { checks: awsChecks, 'expect-status': '200' },
      /Input 'expect-status': only applies to 'url'/
    ],
    [
      'monitor without a duration',
      { checks: awsChecks, mode: 'monitor' },
      /Input 'duration': not given\. Give how long to watch with mode 'monitor'/
    ],
    [
      'a duration in verify mode',
      { checks: awsChecks, duration: '5m' },
      /Input 'duration': only applies to mode 'monitor'/
    ],
    [
      'an unknown mode',
      { checks: awsChecks, mode: 'watch' },
      /Input 'mode': 'watch' is not one of 'verify', 'monitor'/
    ],
    [
      'a timeout shorter than the interval',
      { checks: awsChecks, timeout: '5s', interval: '1m' },
      /Input 'timeout': 5s is shorter than 'interval' \(1m\)/
    ],
    [
      'load sampling without http checks',
      { checks: awsChecks, requests: '10' },
      /Input 'requests': applies to http checks, but input 'checks' has none/
    ],
    [
      'concurrency without requests',
      { url: 'http://127.0.0.1/', concurrency: '4' },
      /Input 'concurrency': 4 only applies when 'requests' is more than 1/
    ],
    [
      'zero consecutive-successes',
      { checks: awsChecks, 'consecutive-successes': '0' },
      /Input 'consecutive-successes'/
    ],
    [
      'a fail-on-unhealthy that is no boolean',
      { checks: awsChecks, 'fail-on-unhealthy': 'yes' },
      /Input 'fail-on-unhealthy': 'yes' is not true or false/
    ],
    [
      'a missing checks file',
      { checks: 'test/fixtures/missing-checks.yml' },
      /Input 'checks': cannot read 'test\/fixtures\/missing-checks\.yml': ENOENT/
    ],
    [
      'a checks file with broken JSON',
      { checks: brokenJson },
      /Input 'checks': '.*broken\.json' is not valid JSON at line 2, column \d+/
    ]
  ])('bad input: %s fails before any request and names it', async (_what, inputs, message) => {
    const env = actionEnv(inputs)
    try {
      await run()
      expect(env.exitCode()).toBe(1)
      const stdout = env.stdout()
      expect(stdout).toMatch(message)
      expect(stdout).toContain('::error title=Configuration error::health-verify failed: ')
      expect(sim.calls()).toEqual([])
      expect(env.outputs()).toEqual({})
      expect(env.summary()).toBe('')
    } finally {
      env.restore()
    }
  })
})
