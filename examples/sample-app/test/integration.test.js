// The integration test (test/integration.mjs) run as staging.yml runs it: a process with
// FARGATE_PROMOTE_URL, against this service, against a stand-in of the simulator's container,
// and against services that fail in the ways it must catch.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { start, stop } from '../src/server.js'

const SCRIPT = fileURLToPath(new URL('./integration.mjs', import.meta.url))

/** Runs the integration test with these variables; resolves with its exit code and output. */
function integration(env) {
  return new Promise(resolve => {
    const clean = { ...process.env }
    for (const name of Object.keys(clean)) {
      if (name.startsWith('FARGATE_PROMOTE_') || name === 'INTEGRATION_REQUESTS') delete clean[name]
    }
    execFile(process.execPath, [SCRIPT], { env: { ...clean, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr })
    })
  })
}

/** A server answering each request with `respond(n)` (n counts from 1): [status, body]. */
async function fake(respond) {
  let n = 0
  const paths = []
  const server = createServer((req, res) => {
    paths.push(req.url)
    const [status, body] = respond(++n)
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(text)
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, paths, url: `http://127.0.0.1:${server.address().port}` }
}

/** What the simulator's container answers on every path but /env (packages/sim). */
function simHealth(status) {
  const healthy = status >= 200 && status < 400
  return {
    status: healthy ? 'ok' : 'unhealthy',
    checks: { database: healthy ? 'ok' : 'failing' },
    image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.1.0',
    task: '0f3c9a1b2c3d4e5f',
    version: '1.1.0'
  }
}

describe('integration test', () => {
  it('passes against this service', async () => {
    const server = await start({ port: 0, host: '127.0.0.1', version: '1.1.0' })
    try {
      const url = `http://127.0.0.1:${server.address().port}`
      const run = await integration({
        FARGATE_PROMOTE_URL: url,
        FARGATE_PROMOTE_VERSION: '1.1.0',
        FARGATE_PROMOTE_ENVIRONMENT: 'staging'
      })
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /GET http:\/\/127\.0\.0\.1:\d+\/health \(staging\), release 1\.1\.0/)
      assert.match(run.stdout, /passed, 10\/10 answers 200 with status "ok"/)
      assert.match(run.stdout, /versions answering: 1\.1\.0/)
    } finally {
      await stop(server)
    }
  })

  it("passes against the simulator's healthy container, and asks /health", async () => {
    const sim = await fake(() => [200, simHealth(200)])
    try {
      const run = await integration({
        FARGATE_PROMOTE_URL: `${sim.url}/`,
        INTEGRATION_REQUESTS: '3'
      })
      assert.equal(run.code, 0, run.stderr)
      assert.deepEqual(sim.paths, ['/health', '/health', '/health'])
    } finally {
      sim.server.close()
    }
  })

  it('fails when one request in five answers 500 (an -errors release)', async () => {
    const sim = await fake(n =>
      n % 5 === 0
        ? [500, { status: 'error', message: 'injected failure', task: 't1' }]
        : [200, simHealth(200)]
    )
    try {
      const run = await integration({ FARGATE_PROMOTE_URL: sim.url })
      assert.equal(run.code, 1)
      assert.match(run.stderr, /request 5: HTTP 500 \(status "error"\), expected 200/)
      assert.match(run.stderr, /request 10: HTTP 500/)
      assert.match(run.stderr, /FAILED, 2 of 10 requests to http:\/\/127\.0\.0\.1:\d+\/health/)
    } finally {
      sim.server.close()
    }
  })

  it('fails when the service is unhealthy (503)', async () => {
    const sim = await fake(() => [503, simHealth(503)])
    try {
      const run = await integration({ FARGATE_PROMOTE_URL: sim.url, INTEGRATION_REQUESTS: '2' })
      assert.equal(run.code, 1)
      assert.match(run.stderr, /request 1: HTTP 503 \(status "unhealthy"\), expected 200/)
    } finally {
      sim.server.close()
    }
  })

  it('fails on a 200 whose body is not a healthy status', async () => {
    const sim = await fake(n => (n === 1 ? [200, 'OK'] : [200, { status: 'degraded' }]))
    try {
      const run = await integration({ FARGATE_PROMOTE_URL: sim.url, INTEGRATION_REQUESTS: '2' })
      assert.equal(run.code, 1)
      assert.match(run.stderr, /request 1: HTTP 200 but the body is not JSON/)
      assert.match(run.stderr, /request 2: HTTP 200 but status is "degraded", expected "ok"/)
    } finally {
      sim.server.close()
    }
  })

  it('fails when nothing answers', async () => {
    const sim = await fake(() => [200, simHealth(200)])
    const url = sim.url
    await new Promise(resolve => sim.server.close(resolve))
    const run = await integration({ FARGATE_PROMOTE_URL: url, INTEGRATION_REQUESTS: '1' })
    assert.equal(run.code, 1)
    assert.match(run.stderr, /request 1: request failed: connect ECONNREFUSED/)
  })

  it('fails with a clear message without a usable URL or count', async () => {
    const cases = [
      [{}, /FARGATE_PROMOTE_URL is not set/],
      [{ FARGATE_PROMOTE_URL: 'not a url' }, /FARGATE_PROMOTE_URL is not a URL: 'not a url'/],
      [{ FARGATE_PROMOTE_URL: 'ftp://example.com' }, /must be an http\(s\) URL/],
      [
        { FARGATE_PROMOTE_URL: 'http://127.0.0.1:1', INTEGRATION_REQUESTS: 'many' },
        /INTEGRATION_REQUESTS must be a whole number from 1 to 1000, not 'many'/
      ]
    ]
    for (const [env, message] of cases) {
      const run = await integration(env)
      assert.equal(run.code, 1)
      assert.match(run.stderr, message)
    }
  })
})
