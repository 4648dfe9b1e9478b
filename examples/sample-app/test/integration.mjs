// The integration test staging.yml runs against the deployed environment, once, after the
// deploy was verified (the config's `tests.integration: node test/integration.mjs`, run by
// test-suite.yml as a health-verify command check: its exit code decides, the end of this output
// is in the job summary).
//
//   FARGATE_PROMOTE_URL          the environment's URL (required), e.g. http://127.0.0.1:27102
//   FARGATE_PROMOTE_VERSION      the release deployed there (printed next to what answers)
//   FARGATE_PROMOTE_ENVIRONMENT  its name (printed)
//   INTEGRATION_REQUESTS         how many requests to send (default 10, 1 to 1000)
//
// It asks $FARGATE_PROMOTE_URL/health that many times, one after another, and passes only when
// every answer is 200 with a JSON body whose `status` is "ok": one error in ten requests is a
// failure (exit 1), with each failed answer listed. Behind a load balancer the requests spread
// over the tasks, so ten requests see a service whose tasks each fail one request in five.
//
// Only `status` is required of the body, so the test passes against this service
// (`{status, version}`) and against the simulator's stand-in container in a rehearsal
// (`{status, checks, image, task, version}`).
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { pathToFileURL } from 'node:url'

const DEFAULT_REQUESTS = 10
const TIMEOUT_MS = 5_000
const MAX_BODY = 64 * 1024

/** The settings from the environment, or an Error saying what is wrong with them. */
export function settingsFrom(env) {
  const base = env.FARGATE_PROMOTE_URL?.trim() ?? ''
  if (base === '') {
    throw new Error(
      'FARGATE_PROMOTE_URL is not set: run this against a deployed environment, e.g. FARGATE_PROMOTE_URL=http://127.0.0.1:27102 node test/integration.mjs'
    )
  }
  let url
  try {
    url = new URL(`${base.replace(/\/+$/, '')}/health`)
  } catch {
    throw new Error(`FARGATE_PROMOTE_URL is not a URL: '${base}'`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`FARGATE_PROMOTE_URL must be an http(s) URL, not '${base}'`)
  }
  const count = env.INTEGRATION_REQUESTS?.trim() || String(DEFAULT_REQUESTS)
  const requests = Number(count)
  if (!/^\d+$/.test(count) || requests < 1 || requests > 1000) {
    throw new Error(`INTEGRATION_REQUESTS must be a whole number from 1 to 1000, not '${count}'`)
  }
  return {
    url,
    requests,
    version: env.FARGATE_PROMOTE_VERSION?.trim() || undefined,
    environment: env.FARGATE_PROMOTE_ENVIRONMENT?.trim() || undefined
  }
}

/** One GET: the status and the body text (at most 64 KiB), or an Error. */
function get(url) {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers: { accept: 'application/json' } }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', chunk => {
        if (body.length < MAX_BODY) body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode, body }))
      res.on('error', reject)
    })
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/** What is wrong with one answer, or undefined when it is a healthy one. */
export function problemWith(answer) {
  let json
  try {
    json = JSON.parse(answer.body)
  } catch {
    json = undefined
  }
  const status = json !== null && typeof json === 'object' ? json.status : undefined
  if (answer.status !== 200) {
    const said = status === undefined ? '' : ` (status "${String(status)}")`
    return `HTTP ${answer.status}${said}, expected 200`
  }
  if (json === undefined) return 'HTTP 200 but the body is not JSON'
  if (status !== 'ok') return `HTTP 200 but status is ${JSON.stringify(status)}, expected "ok"`
  return undefined
}

/** Sends the requests; resolves with every answer's verdict. Never throws. */
export async function probe({ url, requests }) {
  const results = []
  for (let i = 1; i <= requests; i++) {
    try {
      const answer = await get(url)
      let version
      try {
        version = JSON.parse(answer.body).version
      } catch {
        version = undefined
      }
      results.push({ i, status: answer.status, version, problem: problemWith(answer) })
    } catch (error) {
      results.push({ i, problem: `request failed: ${error.message}` })
    }
  }
  return results
}

/** Runs the test, prints what it saw, and resolves with the exit code. */
export async function run(env = process.env, out = console) {
  let settings
  try {
    settings = settingsFrom(env)
  } catch (error) {
    out.error(`integration: ${error.message}`)
    return 1
  }
  const where = settings.environment === undefined ? '' : ` (${settings.environment})`
  const release = settings.version === undefined ? '' : `, release ${settings.version}`
  out.log(`integration: GET ${settings.url.href}${where}${release}, ${settings.requests} requests`)
  const results = await probe(settings)
  const failed = results.filter(result => result.problem !== undefined)
  const versions = [...new Set(results.map(r => r.version).filter(v => typeof v === 'string'))]
  if (versions.length > 0) out.log(`integration: versions answering: ${versions.join(', ')}`)
  if (failed.length === 0) {
    out.log(`integration: passed, ${results.length}/${results.length} answers 200 with status "ok"`)
    return 0
  }
  for (const result of failed) out.error(`integration: request ${result.i}: ${result.problem}`)
  out.error(
    `integration: FAILED, ${failed.length} of ${results.length} requests to ${settings.url.href} did not answer 200 with status "ok"`
  )
  return 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run()
}
