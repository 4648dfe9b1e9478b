import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import {
  DEFAULT_PORT,
  SERVICE,
  createApp,
  main,
  portFrom,
  start,
  stop,
  versionFrom
} from '../src/server.js'

/** One request to a listening server: status, headers and the parsed JSON body. */
function call(server, path, { method = 'GET' } = {}) {
  const { port } = server.address()
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('end', () => {
        const body = text === '' ? undefined : JSON.parse(text)
        resolve({ status: res.statusCode, headers: res.headers, body })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the routes', () => {
  let server
  before(async () => {
    server = await start({ port: 0, host: '127.0.0.1', version: '1.1.0' })
  })
  after(() => stop(server))

  it('GET /health answers 200 with status ok and the version', async () => {
    const answer = await call(server, '/health')
    assert.equal(answer.status, 200)
    assert.match(answer.headers['content-type'], /^application\/json/)
    assert.equal(answer.headers['cache-control'], 'no-store')
    assert.deepEqual(answer.body, { status: 'ok', version: '1.1.0' })
  })

  it('GET /health ignores a query string', async () => {
    const answer = await call(server, '/health?probe=alb')
    assert.equal(answer.status, 200)
    assert.equal(answer.body.status, 'ok')
  })

  it('GET / names the service and its version', async () => {
    const answer = await call(server, '/')
    assert.equal(answer.status, 200)
    assert.equal(answer.body.service, SERVICE)
    assert.equal(answer.body.version, '1.1.0')
    assert.equal(typeof answer.body.message, 'string')
  })

  it('HEAD /health answers 200 without a body', async () => {
    const answer = await call(server, '/health', { method: 'HEAD' })
    assert.equal(answer.status, 200)
    assert.equal(answer.body, undefined)
  })

  it('an unknown path is 404 and names the path', async () => {
    const answer = await call(server, '/admin')
    assert.equal(answer.status, 404)
    assert.deepEqual(answer.body, { error: 'not found', path: '/admin' })
  })

  it('another method on a known path is 405 with Allow', async () => {
    const answer = await call(server, '/health', { method: 'POST' })
    assert.equal(answer.status, 405)
    assert.equal(answer.headers.allow, 'GET, HEAD')
    assert.equal(answer.body.method, 'POST')
  })
})

describe('the version', () => {
  it('comes from APP_VERSION', () => {
    assert.equal(versionFrom({ APP_VERSION: '1.3.1' }), '1.3.1')
    assert.equal(versionFrom({ APP_VERSION: ' 1.2.0 \n' }), '1.2.0')
  })

  it('is dev without APP_VERSION', () => {
    assert.equal(versionFrom({}), 'dev')
    assert.equal(versionFrom({ APP_VERSION: '  ' }), 'dev')
  })

  it('is read from the environment when the app is created without one', async () => {
    const saved = process.env.APP_VERSION
    process.env.APP_VERSION = '9.9.9'
    const server = createApp()
    try {
      await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
      assert.equal((await call(server, '/health')).body.version, '9.9.9')
    } finally {
      if (saved === undefined) delete process.env.APP_VERSION
      else process.env.APP_VERSION = saved
      await stop(server)
    }
  })
})

describe('the port', () => {
  it('is PORT, or 8080 without it', () => {
    assert.equal(portFrom({ PORT: '3000' }), 3000)
    assert.equal(portFrom({ PORT: '0' }), 0)
    assert.equal(portFrom({}), DEFAULT_PORT)
    assert.equal(portFrom({ PORT: '' }), DEFAULT_PORT)
  })

  it('refuses what is not a port number', () => {
    for (const bad of ['http', '-1', '65536', '80.5', '8080x']) {
      assert.throws(() => portFrom({ PORT: bad }), /PORT must be a port number from 0 to 65535/)
    }
  })

  it('start fails when the port is taken', async () => {
    const first = await start({ port: 0, host: '127.0.0.1', version: 'x' })
    try {
      const { port } = first.address()
      await assert.rejects(start({ port, host: '127.0.0.1', version: 'x' }), { code: 'EADDRINUSE' })
    } finally {
      await stop(first)
    }
  })
})

describe('main (npm start)', () => {
  it('listens on PORT, serves APP_VERSION and stops on SIGTERM', async () => {
    const lines = []
    const signals = new EventEmitter()
    const { server, stopped } = await main({
      env: { PORT: '0', APP_VERSION: '1.1.0' },
      log: fields => lines.push(fields),
      signals
    })
    const { port } = server.address()
    assert.deepEqual(lines[0], { event: 'listening', port, version: '1.1.0' })
    assert.equal((await call(server, '/health')).body.version, '1.1.0')

    signals.emit('SIGTERM', 'SIGTERM')
    await stopped
    assert.deepEqual(
      lines.slice(1).map(line => line.event),
      ['stopping', 'stopped']
    )
    assert.equal(lines[1].signal, 'SIGTERM')
    assert.equal(server.listening, false)
    assert.equal(signals.listenerCount('SIGTERM'), 0)
    assert.equal(signals.listenerCount('SIGINT'), 0)
  })

  it('fails on a bad PORT before it listens', async () => {
    await assert.rejects(main({ env: { PORT: 'eighty' }, log: () => {} }), /PORT must be/)
  })
})
