// shop-web: the sample service Fargate Promote's demo promotes. Plain Node.js, no dependencies.
//
//   GET /health  200 {"status":"ok","version":"1.1.0"}   what the load balancer and the checks ask
//   GET /        200 {"service":"shop-web","version":"1.1.0","message":"…"}
//   anything else 404 (405 for another method on a known path)
//
// The version is the APP_VERSION environment variable (set by the task definition or the image).
// `npm start` listens on PORT (default 8080) and stops cleanly on SIGTERM, which ECS sends
// before it stops a task.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'

export const SERVICE = 'shop-web'
export const DEFAULT_PORT = 8080

const ROUTES = new Set(['/', '/health'])

/** The port to listen on: PORT when set (0 to 65535), else 8080. */
export function portFrom(env) {
  const text = env.PORT?.trim()
  if (text === undefined || text === '') return DEFAULT_PORT
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`PORT must be a port number from 0 to 65535, not '${env.PORT}'.`)
  }
  return port
}

/** The release this process serves: APP_VERSION, else `dev` (a local run). */
export function versionFrom(env) {
  const version = env.APP_VERSION?.trim()
  return version === undefined || version === '' ? 'dev' : version
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers
  })
  res.end(text)
}

/** Answers one request: the routing of the whole service. */
export function answer(req, res, { version }) {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  if (!ROUTES.has(path)) return send(res, 404, { error: 'not found', path })
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(
      res,
      405,
      { error: 'method not allowed', method: req.method },
      { allow: 'GET, HEAD' }
    )
  }
  if (path === '/health') return send(res, 200, { status: 'ok', version })
  return send(res, 200, { service: SERVICE, version, message: 'Welcome to the shop.' })
}

/** The HTTP server, not listening yet. */
export function createApp({ version = versionFrom(process.env) } = {}) {
  return createServer((req, res) => answer(req, res, { version }))
}

/** Listens on `port` (0: any free port) and resolves with the listening server. */
export function start({ port = portFrom(process.env), host, version } = {}) {
  const server = createApp(version === undefined ? {} : { version })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

/** Stops accepting connections, ends idle keep-alive ones, and resolves once all are closed. */
export function stop(server) {
  return new Promise((resolve, reject) => {
    server.close(error => (error ? reject(error) : resolve()))
    server.closeIdleConnections()
  })
}

/** One JSON line on stdout per event: what CloudWatch Logs (awslogs) stores and searches. */
export function jsonLog(fields) {
  console.log(JSON.stringify({ time: new Date().toISOString(), service: SERVICE, ...fields }))
}

/**
 * `npm start`: listen, say where, and stop on SIGTERM or SIGINT. Resolves with the server and
 * a promise of its end (`stopped`), so a test can run it like a process.
 */
export async function main({ env = process.env, log = jsonLog, signals = process } = {}) {
  const version = versionFrom(env)
  const server = await start({ port: portFrom(env), version })
  log({ event: 'listening', port: server.address().port, version })
  const stopped = new Promise(resolve => {
    const shutdown = signal => {
      signals.off('SIGTERM', shutdown)
      signals.off('SIGINT', shutdown)
      log({ event: 'stopping', signal })
      stop(server).then(
        () => {
          log({ event: 'stopped' })
          resolve()
        },
        error => {
          log({ event: 'stop failed', error: String(error) })
          process.exitCode = 1
          resolve()
        }
      )
    }
    signals.on('SIGTERM', shutdown)
    signals.on('SIGINT', shutdown)
  })
  return { server, stopped }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(error => {
    console.error(`shop-web could not start: ${error.message}`)
    process.exitCode = 1
  })
}
