import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import {
  ConfigurationError,
  FakeClock,
  MemoryLogger,
  type ProxySettings,
  type UnusableProxy
} from '@fargate-promote/common'
import { startCountingProxy, type CountingProxy } from '../../../test/support/counting-proxy.js'
import { checkProxyUse, proxyFor, proxyProblems, unusableProxyFor } from '../src/http-proxy.js'
import {
  bypassesProxy,
  ChecksSchema,
  createHttpAgents,
  destroyHttpAgents,
  probeHttp,
  runHealthChecks,
  sampleLoad,
  type HttpCheckSpec
} from '../src/index.js'
import { startServer, type TestServer } from './helpers/server.js'

function httpCheck(fields: string): HttpCheckSpec {
  return ChecksSchema.parse(YAML.parse(`- name: web\n  http: { ${fields} }`))[0] as HttpCheckSpec
}

const clock = new FakeClock()

describe('bypassesProxy (NO_PROXY, as curl reads it)', () => {
  const url = (text: string) => new URL(text)
  it.each([
    ['*', 'http://anything.example/', true],
    ['example.com', 'http://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://example.com/', true],
    ['.example.com', 'https://a.b.example.com/', true],
    ['*.example.com', 'https://api.example.com/', true],
    ['example.com', 'https://badexample.com/', false],
    ['EXAMPLE.com', 'https://Api.Example.COM/', true],
    ['other.org, example.com', 'https://example.com/', true],
    ['other.org example.com', 'https://example.com/', true],
    ['other.org,,', 'https://example.com/', false],
    ['127.0.0.1', 'http://127.0.0.1:8080/', true],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080/', true],
    ['127.0.0.1:8081', 'http://127.0.0.1:8080/', false],
    ['example.com:443', 'https://example.com/', true],
    ['example.com:80', 'https://example.com/', false],
    ['::1', 'http://[::1]:3000/', true],
    ['[::1]:3000', 'http://[::1]:3000/', true],
    ['[::1]:3001', 'http://[::1]:3000/', false],
    ['localhost', 'http://127.0.0.1/', false],
    ['', 'http://example.com/', false],
    // CIDR networks (curl ≥ 7.86), IPv4 and IPv6.
    ['10.0.0.0/8', 'http://10.1.2.3/', true],
    ['10.0.0.0/8', 'http://11.1.2.3/', false],
    ['192.168.0.0/16', 'https://192.168.1.5/', true],
    ['192.168.0.0/16', 'https://192.169.1.5/', false],
    ['other.org, 172.16.0.0/12', 'http://172.31.255.1:8080/', true],
    ['10.0.0.5/32', 'http://10.0.0.5/', true],
    ['fd00::/8', 'http://[fd12:3456::1]/', true],
    ['fd00::/8', 'http://[fe80::1]/', false],
    ['fd00::/8', 'http://10.1.2.3/', false],
    ['10.0.0.0/8', 'http://[fd00::1]/', false],
    ['10.0.0.0/33', 'http://10.1.2.3/', false],
    ['10.0.0.0/x', 'http://10.1.2.3/', false],
    ['10.0.0.0/8', 'http://10.example/', false],
    // An IP address is compared as an address, never by suffix.
    ['0.0.1', 'http://10.0.0.1/', false],
    ['.0.0.1', 'http://10.0.0.1/', false],
    ['0.1', 'http://10.0.0.1/', false],
    ['10.0.0.1', 'http://10.0.0.1/', true],
    ['0:0:0:0:0:0:0:1', 'http://[::1]/', true],
    ['::2', 'http://[::1]/', false],
    // A trailing dot on either side changes nothing (curl ignores it on both).
    ['example.com', 'https://example.com./', true],
    ['example.com', 'https://api.example.com./', true],
    ['example.com.', 'https://example.com/', true],
    ['.example.com.', 'https://api.example.com/', true],
    ['example.com.', 'https://badexample.com/', false],
    ['.', 'https://example.com/', false]
  ])('NO_PROXY=%j, %s → direct: %s', (noProxy, target, direct) => {
    expect(bypassesProxy(url(target), noProxy)).toBe(direct)
  })

  it('takes no NO_PROXY as every host through the proxy', () => {
    expect(bypassesProxy(url('http://example.com/'), undefined)).toBe(false)
  })
})

describe('proxyFor', () => {
  const httpsProxy = new URL('http://tls-proxy:3128')
  const httpProxy = new URL('http://plain-proxy:3128')

  it('sends https URLs to HTTPS_PROXY and http URLs to HTTP_PROXY, without falling back', () => {
    const both = { httpsProxy, httpProxy }
    expect(proxyFor(new URL('https://a.example/'), both)).toBe(httpsProxy)
    expect(proxyFor(new URL('http://a.example/'), both)).toBe(httpProxy)
    expect(proxyFor(new URL('https://a.example/'), { httpProxy })).toBeUndefined()
    expect(proxyFor(new URL('http://a.example/'), { httpsProxy })).toBeUndefined()
    expect(proxyFor(new URL('http://a.example/'), undefined)).toBeUndefined()
    expect(proxyFor(new URL('http://a.example/'), { httpProxy, noProxy: 'xample' })).toBe(httpProxy)
    expect(
      proxyFor(new URL('http://a.example/'), { httpProxy, noProxy: 'a.example' })
    ).toBeUndefined()
  })
})

const socks: UnusableProxy = {
  variable: 'HTTPS_PROXY',
  shown: 'socks5://***@proxy:1080',
  secrets: ['pw']
}
const badHttp: UnusableProxy = { variable: 'http_proxy', shown: 'ftp://proxy', secrets: [] }

describe('unusable proxy variables', () => {
  const checks = [
    httpCheck("url: 'https://api.example.com/health'"),
    { ...httpCheck("url: 'https://10.1.2.3/health'"), name: 'inner' },
    { type: 'ecs-service' as const, name: 'svc', cluster: 'c', service: 's' }
  ]

  it('are used by no request whose host NO_PROXY lists', () => {
    const settings: ProxySettings = { unusable: { 'https:': socks }, noProxy: '10.0.0.0/8' }
    expect(unusableProxyFor(new URL('https://a.example/'), settings)).toBe(socks)
    expect(unusableProxyFor(new URL('https://10.9.9.9/'), settings)).toBeUndefined()
    expect(unusableProxyFor(new URL('http://a.example/'), settings)).toBeUndefined()
    expect(unusableProxyFor(new URL('http://a.example/'), undefined)).toBeUndefined()
    expect(proxyFor(new URL('https://a.example/'), settings)).toBeUndefined()
  })

  it('are a configuration error naming the variable, the checks and what to do when a check needs them', () => {
    const settings: ProxySettings = { unusable: { 'https:': socks, 'http:': badHttp } }
    const { errors, warnings } = proxyProblems(checks, settings)
    expect(errors.map(error => error.message)).toEqual([
      "variable HTTPS_PROXY is 'socks5://***@proxy:1080', which is not an http or https proxy URL, and HTTP check 'web', 'inner' would go through it. Set it to http://host:port, add api.example.com,10.1.2.3 to NO_PROXY, or unset it."
    ])
    expect(errors[0]).toBeInstanceOf(ConfigurationError)
    expect(warnings).toEqual([
      'http_proxy=ftp://proxy is not an http(s) proxy and is ignored: no HTTP check goes through it.'
    ])
  })

  it('are only a warning when NO_PROXY sends every check that would use them directly', () => {
    const settings: ProxySettings = {
      unusable: { 'https:': socks },
      noProxy: 'example.com,10.0.0.0/8'
    }
    expect(proxyProblems(checks, settings)).toEqual({
      errors: [],
      warnings: [
        'HTTPS_PROXY=socks5://***@proxy:1080 is not an http(s) proxy and is ignored: no HTTP check goes through it.'
      ]
    })
    expect(() => checkProxyUse(checks, settings)).not.toThrow()
  })

  it('are nothing without unusable variables', () => {
    expect(proxyProblems(checks, { httpsProxy: new URL('http://p:1') })).toEqual({
      errors: [],
      warnings: []
    })
    expect(proxyProblems(checks, undefined)).toEqual({ errors: [], warnings: [] })
  })

  it('checkProxyUse throws every problem together', () => {
    const settings: ProxySettings = { unusable: { 'https:': socks, 'http:': badHttp } }
    const both = [...checks, { ...httpCheck("url: 'http://plain.example/'"), name: 'plain' }]
    expect(() => checkProxyUse(both, settings)).toThrow(
      /^2 problems:\n- variable HTTPS_PROXY .*\n- variable http_proxy is 'ftp:\/\/proxy', which is not an http or https proxy URL, and HTTP check 'plain' would go through it\./
    )
    expect(() => checkProxyUse(checks, { unusable: { 'https:': socks } })).toThrow(
      ConfigurationError
    )
  })
})

describe('HTTP checks through a proxy', () => {
  let target: TestServer
  let proxy: CountingProxy

  beforeAll(async () => {
    target = await startServer((req, res) => {
      if (req.url === '/elsewhere') {
        res.writeHead(302, { location: 'http://localhost:' + target.port + '/health' }).end()
        return
      }
      res.end('ok')
    })
  })

  afterAll(async () => {
    await target.close()
  })

  beforeEach(async () => {
    proxy = await startCountingProxy()
  })

  afterEach(async () => {
    await proxy.close()
  })

  const viaProxy = (): ProxySettings => ({ httpProxy: new URL(proxy.url) })

  it('goes through HTTP_PROXY: the check passes and the proxy forwarded the request', async () => {
    const spec = httpCheck(`url: '${target.url}/health', body-contains: ok`)
    const sample = await probeHttp(spec, { clock, proxy: viaProxy() })
    expect(sample).toMatchObject({ ok: true, status: 200 })
    expect(sample.detail).toMatch(new RegExp(`^200 OK in \\d+ ms via proxy ${proxy.url}$`))
    expect(proxy.forwarded).toEqual([`GET ${target.url}/health`])
    expect(proxy.tunnels).toEqual([])
  })

  it('reaches hosts listed in NO_PROXY directly', async () => {
    const spec = httpCheck(`url: '${target.url}/health'`)
    const proxySettings = { ...viaProxy(), noProxy: 'example.org, 127.0.0.1' }
    const sample = await probeHttp(spec, { clock, proxy: proxySettings })
    expect(sample).toMatchObject({ ok: true, status: 200 })
    expect(sample.detail).not.toContain('via proxy')
    expect(proxy.forwarded).toEqual([])
  })

  it('goes directly without proxy settings', async () => {
    const sample = await probeHttp(httpCheck(`url: '${target.url}/health'`), { clock })
    expect(sample).toMatchObject({ ok: true, status: 200 })
    expect(proxy.forwarded).toEqual([])
  })

  it('decides per host when following a redirect', async () => {
    const spec = httpCheck(`url: '${target.url}/elsewhere', allow-cross-host-redirects: true`)
    const proxySettings = { ...viaProxy(), noProxy: 'localhost' }
    const sample = await probeHttp(spec, { clock, proxy: proxySettings })
    expect(sample).toMatchObject({ ok: true, status: 200 })
    expect(sample.detail).toMatch(/after 1 redirect$/)
    expect(proxy.forwarded).toEqual([`GET ${target.url}/elsewhere`])
  })

  it('refuses to send a request that an unusable proxy variable would take (a redirect)', async () => {
    const spec = httpCheck(`url: '${target.url}/elsewhere', allow-cross-host-redirects: true`)
    const settings: ProxySettings = {
      unusable: { 'http:': badHttp },
      noProxy: `127.0.0.1:${target.port}`
    }
    const sample = await probeHttp(spec, { clock, proxy: settings })
    expect(sample.ok).toBe(false)
    expect(sample.detail).toBe(
      `not sent to localhost:${target.port}: variable http_proxy is 'ftp://proxy', which is not an http or https proxy URL. Set it to http://host:port, add localhost to NO_PROXY, or unset it.`
    )
  })

  it('fails clearly when the proxy refuses connections, naming it without credentials', async () => {
    const gone = await startCountingProxy()
    await gone.close()
    const proxyUrl = new URL(`http://probe-user:hunter2@127.0.0.1:${gone.port}`)
    const spec = httpCheck(`url: '${target.url}/health'`)
    const sample = await probeHttp(spec, { clock, proxy: { httpProxy: proxyUrl } })
    expect(sample.ok).toBe(false)
    expect(sample.detail).toBe(
      `request failed: connect ECONNREFUSED 127.0.0.1:${gone.port} via proxy http://127.0.0.1:${gone.port}`
    )
  })

  it('sends the credentials of the proxy URL, and says when the proxy rejects them', async () => {
    const guarded = await startCountingProxy({ credentials: 'probe-user:p@ss word' })
    try {
      const spec = httpCheck(`url: '${target.url}/health'`)
      const good = new URL(`http://probe-user:p%40ss%20word@127.0.0.1:${guarded.port}`)
      const passed = await probeHttp(spec, { clock, proxy: { httpProxy: good } })
      expect(passed).toMatchObject({ ok: true, status: 200 })
      expect(guarded.forwarded).toHaveLength(1)
      const bad = new URL(`http://probe-user:wrong-secret@127.0.0.1:${guarded.port}`)
      const refused = await probeHttp(spec, { clock, proxy: { httpProxy: bad } })
      expect(refused.ok).toBe(false)
      expect(refused.detail).toBe(
        `expected status 2xx, got 407 Proxy Authentication Required via proxy http://127.0.0.1:${guarded.port}`
      )
      expect(refused.detail).not.toContain('wrong-secret')
      expect(guarded.refused).toBe(1)
    } finally {
      await guarded.close()
    }
  })

  it('sends every request of a load batch through the proxy, over kept-alive connections', async () => {
    const spec = httpCheck(`url: '${target.url}/health'`)
    const agents = createHttpAgents(spec, 2, viaProxy())
    try {
      const samples = await sampleLoad(spec, { requests: 6, concurrency: 2 }, { clock, agents })
      expect(samples.every(sample => sample.ok)).toBe(true)
      expect(proxy.forwarded).toHaveLength(6)
    } finally {
      destroyHttpAgents(agents)
    }
  })

  it('runHealthChecks sends every round through the proxy of its deps', async () => {
    const report = await runHealthChecks(
      {
        checks: [httpCheck(`url: '${target.url}/health'`)],
        mode: 'verify',
        timeoutMs: 60_000,
        intervalMs: 1_000,
        consecutiveSuccesses: 3
      },
      { clock: new FakeClock(), log: new MemoryLogger(), proxy: viaProxy() }
    )
    expect(report.healthy).toBe(true)
    expect(proxy.forwarded).toHaveLength(3)
  })
})

describe('HTTPS checks through a proxy (CONNECT tunnel)', () => {
  let dir: string
  let server: https.Server
  let url: string
  let proxy: CountingProxy

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'health-proxy-tls-'))
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem')],
        ...['-out', join(dir, 'cert.pem')]
      ],
      { stdio: 'ignore' }
    )
    server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('secure')
    )
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
    proxy = await startCountingProxy()
  })

  afterAll(async () => {
    await proxy.close()
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it('tunnels to the target with CONNECT and still verifies its certificate', async () => {
    const proxySettings = { httpsProxy: new URL(proxy.url) }
    const verified = await probeHttp(httpCheck(`url: '${url}'`), { clock, proxy: proxySettings })
    expect(verified.ok).toBe(false)
    expect(verified.detail).toMatch(/^request failed: .*(self.signed|certificate).* via proxy /i)
    const insecure = await probeHttp(
      httpCheck(`url: '${url}', insecure-tls: true, body-contains: secure`),
      { clock, proxy: proxySettings }
    )
    expect(insecure).toMatchObject({ ok: true, status: 200 })
    expect(proxy.tunnels).toEqual([new URL(url).host, new URL(url).host])
    expect(proxy.forwarded).toEqual([])
  })

  it('does not send https URLs to HTTP_PROXY', async () => {
    const before = proxy.tunnels.length
    const sample = await probeHttp(httpCheck(`url: '${url}', insecure-tls: true`), {
      clock,
      proxy: { httpProxy: new URL(proxy.url) }
    })
    expect(sample.ok).toBe(true)
    expect(proxy.tunnels.length).toBe(before)
  })
})
