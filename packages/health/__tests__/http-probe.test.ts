import { execFileSync } from 'node:child_process'
import * as YAML from 'yaml'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { FakeClock } from '@fargate-promote/common'
import {
  createHttpAgents,
  destroyHttpAgents,
  displayUrl,
  httpShorthand,
  MAX_BODY_BYTES,
  ChecksSchema,
  probeHttp,
  type HttpCheckSpec
} from '../src/index.js'
import { delay, startServer, type TestServer } from './helpers/server.js'

function httpCheck(fields: string): HttpCheckSpec {
  return ChecksSchema.parse(YAML.parse(`- name: web\n  http: { ${fields} }`))[0] as HttpCheckSpec
}

const clock = new FakeClock()

describe('probeHttp against a local server', () => {
  let server: TestServer
  const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = []
  let flaky = 0
  let chunksWritten = 0

  beforeAll(async () => {
    server = await startServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
        const url = new URL(req.url ?? '/', 'http://x')
        const path = url.pathname
        const status = /^\/status\/(\d+)$/.exec(path)
        if (status) {
          res.writeHead(Number(status[1]))
          res.end('status page with Bearer s3cret inside')
        } else if (path === '/json') {
          res.setHeader('content-type', 'application/json')
          res.end(
            JSON.stringify({
              status: 'up',
              checks: { database: 'ok', cache: 'down' },
              version: 'v12.3',
              replicas: 3,
              items: [{ id: 'a' }]
            })
          )
        } else if (path === '/text') {
          res.end('service is ready')
        } else if (path === '/slow') {
          const timer = setTimeout(() => res.end('late'), Number(url.searchParams.get('ms')))
          res.on('close', () => clearTimeout(timer))
        } else if (path === '/huge') {
          // 5 MiB in 64 KiB chunks, paced so the probe's early hang-up is observable.
          const chunk = Buffer.alloc(64 * 1024, 'a')
          const total = (5 * 1024 * 1024) / chunk.length
          chunksWritten = 0
          const write = () => {
            if (res.destroyed) return
            if (chunksWritten === total - 1) {
              chunksWritten++
              res.end(Buffer.concat([chunk.subarray(0, chunk.length - 3), Buffer.from('END')]))
              return
            }
            chunksWritten++
            res.write(chunk)
            setTimeout(write, 2)
          }
          write()
        } else if (path === '/redirect') {
          res.writeHead(302, { location: url.searchParams.get('to') ?? '/text' })
          res.end()
        } else if (path === '/see-other') {
          res.writeHead(303, { location: '/text' })
          res.end()
        } else if (path === '/loop') {
          res.writeHead(301, { location: '/loop' })
          res.end()
        } else if (path === '/bad-location') {
          res.writeHead(302, { location: 'http://[::1' })
          res.end()
        } else if (path === '/ftp') {
          res.writeHead(302, { location: 'ftp://127.0.0.1/file' })
          res.end()
        } else if (path === '/cut') {
          res.writeHead(200, { 'content-length': '1000' })
          res.write('partial')
          setTimeout(() => res.socket?.destroy(), 5)
        } else if (path === '/flaky') {
          flaky++
          res.writeHead(flaky % 2 === 0 ? 200 : 503)
          res.end()
        } else {
          res.writeHead(404)
          res.end()
        }
      })
    })
  })

  afterAll(async () => {
    await server.close()
  })

  it.each<[number, string, boolean]>([
    [200, '', true],
    [204, '', true],
    [301, 'expect-status: [2xx], follow-redirects: false', false],
    [404, '', false],
    [503, '', false],
    [503, 'expect-status: [200, 503]', true],
    [418, "expect-status: ['400-499']", true],
    [500, "expect-status: ['400-499']", false],
    [302, 'expect-status: [3xx], follow-redirects: false', true]
  ])('status %i with %s passes: %s', async (status, fields, ok) => {
    const spec = httpCheck(`url: '${server.url}/status/${status}'${fields ? `, ${fields}` : ''}`)
    const sample = await probeHttp(spec, { clock })
    expect(sample).toMatchObject({ check: 'web', type: 'http', ok, status, at: clock.now() })
    if (!ok) expect(sample.detail).toMatch(new RegExp(`^expected status .*, got ${status}`))
  })

  it('reports a failing status without the body or header values', async () => {
    const spec = httpCheck(
      `url: '${server.url}/status/500', headers: { Authorization: Bearer s3cret }`
    )
    const sample = await probeHttp(spec, { clock })
    expect(sample.detail).toBe('expected status 2xx, got 500 Internal Server Error')
    expect(JSON.stringify(sample)).not.toContain('s3cret')
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer s3cret')
  })

  it.each<[string, boolean, string]>([
    ['ready', true, '200 OK in'],
    ['not-there', false, 'body does not contain "not-there"']
  ])('body-contains %s', async (needle, ok, detail) => {
    const sample = await probeHttp(
      httpCheck(`url: '${server.url}/text', body-contains: ${needle}`),
      {
        clock
      }
    )
    expect(sample.ok).toBe(ok)
    expect(sample.detail).toContain(detail)
  })

  it.each<[string, boolean, string]>([
    ['{ path: $.checks.database, equals: ok }', true, '200 OK'],
    [
      '{ path: $.checks.cache, equals: ok }',
      false,
      'json $.checks.cache: expected "ok", got "down"'
    ],
    ['{ path: "$[\'status\']", in: [up, degraded] }', true, '200 OK'],
    [
      '{ path: $.status, in: [degraded] }',
      false,
      'json $.status: expected one of ["degraded"], got "up"'
    ],
    ['{ path: $.version, matches: "^v12\\\\." }', true, '200 OK'],
    [
      '{ path: $.version, matches: "^v13" }',
      false,
      'json $.version: "v12.3" does not match /^v13/'
    ],
    ['{ path: $.replicas, matches: "^[1-9]$" }', true, '200 OK'],
    [
      '{ path: $.checks, matches: "ok" }',
      false,
      'json $.checks: {"database":"ok","cache":"down"} does not match /ok/'
    ],
    ['{ path: $.replicas, equals: 3 }', true, '200 OK'],
    ["{ path: '$.items[0].id', equals: a }", true, '200 OK'],
    ["{ path: '$.items[1].id' }", false, 'json $.items[1].id: $.items[1] is missing'],
    ['{ path: $.checks }', true, '200 OK'],
    ['{ path: $.checks, equals: { database: ok, cache: down } }', true, '200 OK']
  ])('json assertion %s', async (assertion, ok, detail) => {
    const spec = httpCheck(`url: '${server.url}/json', json: [${assertion}]`)
    const sample = await probeHttp(spec, { clock })
    expect(sample.ok).toBe(ok)
    expect(sample.detail).toContain(detail)
  })

  it('fails json assertions on a body that is not JSON', async () => {
    const spec = httpCheck(`url: '${server.url}/text', json: [{ path: $.a }]`)
    const sample = await probeHttp(spec, { clock })
    expect(sample.ok).toBe(false)
    expect(sample.detail).toMatch(/^body is not JSON \(/)
  })

  it('times out a slow endpoint over the whole request', async () => {
    const spec = httpCheck(`url: '${server.url}/slow?ms=2000', timeout: 80ms`)
    const started = performance.now()
    const sample = await probeHttp(spec, { clock })
    const elapsed = performance.now() - started
    expect(sample).toMatchObject({ ok: false, detail: 'timed out after 80ms' })
    expect(sample.latencyMs).toBeUndefined()
    expect(elapsed).toBeGreaterThanOrEqual(75)
    expect(elapsed).toBeLessThan(1000)
  })

  it('measures latency per request with a monotonic clock', async () => {
    const sample = await probeHttp(httpCheck(`url: '${server.url}/slow?ms=30'`), { clock })
    expect(sample.ok).toBe(true)
    expect(sample.latencyMs).toBeGreaterThanOrEqual(30)
    expect(sample.latencyMs).toBeLessThan(1000)
  })

  it('fails on max-latency', async () => {
    const sample = await probeHttp(
      httpCheck(`url: '${server.url}/slow?ms=40', max-latency: 10ms`),
      { clock }
    )
    expect(sample.ok).toBe(false)
    expect(sample.detail).toMatch(/^latency \d+ ms exceeds max-latency 10ms$/)
  })

  it('stops reading a 5 MiB body at 1 MiB', async () => {
    const head = await probeHttp(httpCheck(`url: '${server.url}/huge', body-contains: aaaa`), {
      clock
    })
    expect(head.ok).toBe(true)
    expect(head.detail).toMatch(/^200 OK in \d+ ms; body truncated at 1 MiB$/)
    await delay(50)
    // The server paces 80 chunks 2 ms apart; the probe hung up after about 16 of them.
    expect(chunksWritten).toBeLessThan(60)

    const tail = await probeHttp(httpCheck(`url: '${server.url}/huge', body-contains: END`), {
      clock
    })
    expect(tail.ok).toBe(false)
    expect(tail.detail).toBe('body does not contain "END" (only the first 1 MiB was read)')
    expect(MAX_BODY_BYTES).toBe(1024 * 1024)
  })

  it('follows a redirect to the same host', async () => {
    const sample = await probeHttp(httpCheck(`url: '${server.url}/redirect?to=/text'`), { clock })
    expect(sample).toMatchObject({ ok: true, status: 200 })
    expect(sample.detail).toMatch(/^200 OK in \d+ ms after 1 redirect$/)
  })

  it('refuses a redirect to another host unless allowed, naming the Location', async () => {
    const to = `http://localhost:${server.port}/text`
    const refused = await probeHttp(
      httpCheck(`url: '${server.url}/redirect?to=${encodeURIComponent(to)}'`),
      { clock }
    )
    expect(refused.ok).toBe(false)
    expect(refused.detail).toBe(
      `redirect to ${to} refused: another host than 127.0.0.1 (set allow-cross-host-redirects: true to follow it)`
    )

    const allowed = await probeHttp(
      httpCheck(
        `url: '${server.url}/redirect?to=${encodeURIComponent(to)}', allow-cross-host-redirects: true, headers: { X-Key: k1 }`
      ),
      { clock }
    )
    expect(allowed).toMatchObject({ ok: true, status: 200 })
    const last = seen.at(-1)
    expect(last?.headers.host).toBe(`localhost:${server.port}`)
    // Headers meant for the first host are not sent to the second.
    expect(last?.headers['x-key']).toBeUndefined()
  })

  it.each<[string, string]>([
    ['/loop', 'more than 5 redirects; the last went to'],
    ['/bad-location', "redirect to an invalid Location 'http://[::1'"],
    ['/ftp', 'redirect to ftp://127.0.0.1/file refused: not http or https']
  ])('fails redirect %s', async (path, detail) => {
    const sample = await probeHttp(httpCheck(`url: '${server.url}${path}'`), { clock })
    expect(sample.ok).toBe(false)
    expect(sample.detail).toContain(detail)
  })

  it('turns a POST into a GET on 303 and sends the body otherwise', async () => {
    const post = await probeHttp(
      httpCheck(`url: '${server.url}/see-other', method: POST, body: { a: 1 }`),
      { clock }
    )
    expect(post.ok).toBe(true)
    const [first, second] = seen.slice(-2)
    expect(first).toMatchObject({ method: 'POST', body: '{"a":1}' })
    expect(first?.headers['content-length']).toBe('7')
    expect(second).toMatchObject({ method: 'GET', body: '' })
    expect(second?.headers['content-type']).toBeUndefined()
  })

  it('sends HEAD without reading a body', async () => {
    const sample = await probeHttp(httpCheck(`url: '${server.url}/text', method: HEAD`), { clock })
    expect(sample).toMatchObject({ ok: true, status: 200 })
    expect(seen.at(-1)?.method).toBe('HEAD')
  })

  it('fails when the connection drops mid-body', async () => {
    const sample = await probeHttp(httpCheck(`url: '${server.url}/cut'`), { clock })
    expect(sample.ok).toBe(false)
    expect(sample.detail).toMatch(/aborted|closed|ECONNRESET|socket hang up/)
  })

  it('fails with the error code when nothing listens', async () => {
    const gone = await startServer(() => undefined)
    await gone.close()
    const sample = await probeHttp(httpCheck(`url: '${gone.url}/'`), { clock })
    expect(sample.ok).toBe(false)
    expect(sample.detail).toMatch(/^request failed: .*ECONNREFUSED/)
  })

  it('retries once on a fresh connection when a reused keep-alive socket was closed', async () => {
    let requests = 0
    const closing = await startServer((req, res) => {
      requests++
      // The second request on a connection finds it closed, as after a server's keep-alive timeout.
      const onSocket = ((req.socket as unknown as { served?: number }).served ?? 0) + 1
      ;(req.socket as unknown as { served?: number }).served = onSocket
      if (onSocket > 1) {
        req.socket.destroy()
        return
      }
      res.end('ok')
    })
    const spec = httpCheck(`url: '${closing.url}/'`)
    const agents = createHttpAgents(spec, 1)
    try {
      const first = await probeHttp(spec, { clock, agents })
      const second = await probeHttp(spec, { clock, agents })
      expect([first.ok, second.ok]).toEqual([true, true])
      expect(requests).toBe(3)
      expect(closing.connections()).toBe(2)
    } finally {
      destroyHttpAgents(agents)
      await closing.close()
    }
  })

  it('checks the one-URL shorthand the same way', async () => {
    const spec = httpShorthand({ url: `${server.url}/flaky`, expectStatus: '200' })
    const results = [await probeHttp(spec, { clock }), await probeHttp(spec, { clock })]
    expect(results.map(r => r.status).sort()).toEqual([200, 503])
  })
})

describe('probeHttp over TLS', () => {
  let dir: string
  let server: https.Server
  let url: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'health-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem')
      ],
      { stdio: 'ignore' }
    )
    server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('secure')
    )
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it('verifies certificates unless insecure-tls is set', async () => {
    const verified = await probeHttp(httpCheck(`url: '${url}'`), { clock })
    expect(verified.ok).toBe(false)
    expect(verified.detail).toMatch(/^request failed: .*(self.signed|certificate)/i)
    const insecure = await probeHttp(
      httpCheck(`url: '${url}', insecure-tls: true, body-contains: secure`),
      {
        clock
      }
    )
    expect(insecure).toMatchObject({ ok: true, status: 200 })
  })
})

describe('displayUrl', () => {
  it('drops credentials from a URL', () => {
    expect(displayUrl('https://user:hunter2@example.com/health?x=1')).toBe(
      'https://example.com/health?x=1'
    )
  })
})
