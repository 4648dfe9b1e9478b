/**
 * HTTP checks behind a proxy, through the real bundle (actions/health-verify/dist/index.js): a
 * self-hosted runner sets HTTP_PROXY / HTTPS_PROXY / NO_PROXY, and the checks must honour them.
 * The proxy is a local one that counts what it forwarded. The CLI reads them from its own env.
 * Build the bundle first: node scripts/build.mjs health-verify
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js'
import { listenerUrl } from '../support/sim-listener.js'
import { runCli, simEnv } from './cli-support.js'
import { repoRoot, runAction, type ActionRun } from './run-action.js'

let sim: Sim
let proxy: CountingProxy

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
  proxy = await startCountingProxy({ credentials: 'runner:pr0xy-s3cret' })
})

afterEach(async () => {
  await proxy.close()
})

async function verifyWith(env: Record<string, string>, timeout = '10s'): Promise<ActionRun> {
  const base = await listenerUrl(sim.url)
  const result = await runAction({
    action: 'health-verify',
    inputs: { url: `${base}/health`, interval: '100ms', timeout },
    simUrl: sim.url,
    env
  })
  if (result.outputs.report) rmSync(dirname(result.outputs.report), { recursive: true })
  return result
}

/** Every line of the step's log that shows the password: only its registration as a secret. */
function linesWithPassword(result: ActionRun): string[] {
  return `${result.stdout}\n${result.stderr}\n${result.summary}`
    .split('\n')
    .filter(line => line.includes('pr0xy-s3cret'))
}

const proxyUrl = () => `http://runner:pr0xy-s3cret@127.0.0.1:${proxy.port}`

test('with HTTP_PROXY the url check goes through the proxy and passes', async () => {
  const result = await verifyWith({ HTTP_PROXY: proxyUrl() })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.healthy).toBe('true')
  expect(proxy.forwarded.length).toBeGreaterThan(0)
  expect(proxy.forwarded.every(line => line.endsWith('/health'))).toBe(true)
  expect(proxy.refused).toBe(0)
  expect(result.stdout).toContain(`via proxy http://127.0.0.1:${proxy.port}`)
  expect(linesWithPassword(result)).toEqual(['::add-mask::pr0xy-s3cret'])
}, 60_000)

test('with NO_PROXY covering the target the check goes directly', async () => {
  const result = await verifyWith({ http_proxy: proxyUrl(), NO_PROXY: 'localhost,127.0.0.1' })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.healthy).toBe('true')
  expect(proxy.forwarded).toEqual([])
}, 60_000)

test('a proxy that refuses connections fails the check, named without its credentials', async () => {
  const gone = await startCountingProxy()
  await gone.close()
  const result = await verifyWith(
    { HTTP_PROXY: `http://runner:pr0xy-s3cret@127.0.0.1:${gone.port}` },
    '1s'
  )
  expect(result.exitCode).toBe(1)
  expect(result.outputs.healthy).toBe('false')
  expect(result.summary).toContain(
    `request failed: connect ECONNREFUSED 127.0.0.1:${gone.port} via proxy http://127.0.0.1:${gone.port}`
  )
  expect(linesWithPassword(result)).toEqual(['::add-mask::pr0xy-s3cret'])
}, 60_000)

test('an unusable HTTPS_PROXY no check goes through is only a warning', async () => {
  const result = await verifyWith({ HTTPS_PROXY: 'socks5://runner:pr0xy-s3cret@127.0.0.1:1080' })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.healthy).toBe('true')
  const warnings = result.stdout.split('\n').filter(line => line.startsWith('::warning'))
  expect(warnings).toEqual([
    '::warning::HTTPS_PROXY=socks5://***@127.0.0.1:1080 is not an http(s) proxy and is ignored: no HTTP check goes through it.'
  ])
  expect(linesWithPassword(result)).toEqual(['::add-mask::pr0xy-s3cret'])
}, 60_000)

test('an unusable HTTP_PROXY the check needs is refused with the bad inputs, in one run', async () => {
  const result = await verifyWith(
    { HTTP_PROXY: 'socks5://runner:pr0xy-s3cret@127.0.0.1:1080' },
    'soon'
  )
  expect(result.exitCode).toBe(1)
  expect(result.outputs.healthy).toBeUndefined()
  const errors = result.stdout.split('\n').filter(line => line.startsWith('::error'))
  expect(errors.join('\n')).toContain(
    "variable HTTP_PROXY is 'socks5://***@127.0.0.1:1080', which is not an http or https proxy URL, and HTTP check 'http' would go through it. Set it to http://host:port, add 127.0.0.1 to NO_PROXY, or unset it."
  )
  expect(errors.join('\n')).toContain("Input 'timeout': 'soon' is not a duration.")
  expect(linesWithPassword(result)).toEqual(['::add-mask::pr0xy-s3cret'])
}, 60_000)

test('the CLI takes the proxies from its environment too', async () => {
  const base = await listenerUrl(sim.url)
  const app = mkdtempSync(`${tmpdir()}/fp-proxy-`)
  try {
    const args = ['verify', '--url', `${base}/health`, '--interval', '100ms', '--timeout', '10s']
    const through = await runCli(args, {
      env: simEnv(sim.url, { HTTP_PROXY: proxyUrl() }),
      cwd: app
    })
    expect(through.code).toBe(0)
    expect(proxy.forwarded.length).toBeGreaterThan(0)
    const forwarded = proxy.forwarded.length
    const direct = await runCli(args, {
      env: simEnv(sim.url, { HTTP_PROXY: proxyUrl(), no_proxy: '127.0.0.1' }),
      cwd: app
    })
    expect(direct.code).toBe(0)
    expect(proxy.forwarded.length).toBe(forwarded)
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
}, 60_000)
