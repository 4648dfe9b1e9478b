import { randomBytes } from 'node:crypto'
import type { GitHubApi, GitHubRequest, GitHubResponse, SimClock } from '../contract.js'
import { applyPush, applySeed } from './declare.js'
import { GitHubError, notFound, requiresAuthentication } from './responses.js'
import { ROUTES, match } from './router.js'
import { createWorld, dumpWorld } from './state.js'
import { applyAnswered, applyWaiting } from './waiting-runs.js'

export interface SimGitHubApi extends GitHubApi {
  /** Point a branch at a sha (otherwise every branch resolves to a stable fake sha). */
  setBranch(fullName: string, branch: string, sha: string): void
}

const RATE_LIMIT = 5000
const HOUR_MS = 3_600_000
const NAME = /^[A-Za-z0-9_.-]+$/

function header(request: GitHubRequest, name: string): string | undefined {
  const key = Object.keys(request.headers).find(k => k.toLowerCase() === name)
  return key === undefined ? undefined : request.headers[key]
}

function requestId(): string {
  const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase()
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}`
}

/**
 * An in-memory GitHub REST API for any owner/repo: deployments, checks, environments, commit
 * ancestry (compare), users and teams, and the workflow runs the world declares waiting.
 */
/** The headers every answer carries, with an hourly rate-limit window that is never exhausted. */
function commonHeadersOf(clock: SimClock) {
  let windowStart = clock.now()
  let used = 0
  return {
    next(): Record<string, string> {
      const now = clock.now()
      if (now - windowStart >= HOUR_MS) {
        windowStart = now
        used = 0
      }
      used++
      return {
        'x-github-request-id': requestId(),
        'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': String(RATE_LIMIT),
        'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)),
        'x-ratelimit-used': String(used),
        'x-ratelimit-reset': String(Math.ceil((windowStart + HOUR_MS) / 1000)),
        'x-ratelimit-resource': 'core'
      }
    },
    reset() {
      used = 0
    }
  }
}

export function createGitHubApi(deps: { clock: SimClock }): SimGitHubApi {
  const world = createWorld(deps.clock)
  const common = commonHeadersOf(deps.clock)

  const route = (request: GitHubRequest): GitHubResponse => {
    let segments: string[]
    try {
      segments = request.path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent)
    } catch {
      throw notFound()
    }
    const method = request.method.toUpperCase()
    if (isMutatingMethod(method) && !header(request, 'authorization')) {
      throw requiresAuthentication()
    }
    for (const r of ROUTES) {
      if (r.method !== method) continue
      const params = match(r.pattern, segments)
      if (!params) continue
      if (!r.repo) return r.handler({ request, params, world })
      const owner = params.owner as string
      const name = params.repo as string
      if (!NAME.test(owner) || !NAME.test(name)) throw notFound()
      const repo = world.repo(owner, name)
      return r.handler({
        request,
        params,
        world,
        repo,
        apiBase: `${request.baseUrl}/repos/${repo.owner}/${repo.name}`,
        htmlBase: `https://github.com/${repo.owner}/${repo.name}`
      })
    }
    throw notFound()
  }

  return {
    // Anything but a GitHubError is a sim bug: it rejects, so the server answers 500.
    handle: request =>
      Promise.resolve().then(() => {
        const headers = common.next()
        let response: GitHubResponse
        try {
          response = route(request)
        } catch (error) {
          if (!(error instanceof GitHubError)) throw error
          response = error.response
        }
        return { ...response, headers: { ...headers, ...response.headers } }
      }),
    isMutating: method => isMutatingMethod(method.toUpperCase()),
    reset() {
      world.reset()
      common.reset()
      return Promise.resolve()
    },
    dump: () => dumpWorld(world),
    seed: seed => applySeed(world, seed),
    push: push => applyPush(world, push),
    waiting: run => applyWaiting(world, run),
    answered: run => applyAnswered(world, run),
    setBranch(fullName, branch, sha) {
      const [owner, name] = fullName.split('/')
      if (owner === undefined || name === undefined) throw new Error(`not owner/repo: ${fullName}`)
      world.repo(owner, name).refs.setBranch(branch, sha)
    }
  }
}

function isMutatingMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE'
}
