import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import { FakeClock, MemoryLogger, type ProxySettings } from '@fargate-promote/common'
import { startCountingProxy, type CountingProxy } from '../../../test/support/counting-proxy.js'
import { bypassesProxy, proxyFor } from '../src/http-proxy.js'
import {
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
    ['', 'http://example.com/', false]
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
