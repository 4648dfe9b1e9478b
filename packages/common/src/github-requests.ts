import { formatDuration } from './duration.js'
import { silentLogger, type Logger } from './logger.js'

/**
 * How the actions and the CLI talk to GitHub's API, whatever Octokit they build (the actions'
 * @actions/github, the CLI's @octokit/rest): the retry and throttling plugins' settings, one
 * timeout per request, and a step that found GitHub down trying its other requests once.
 */

/** What the use cases need of Octokit: `request(route, parameters)`. */
export interface GitHubRequestClient {
  request(
    route: string,
    parameters?: Record<string, unknown>
  ): Promise<{ status: number; data: unknown }>
}

/** How long one GitHub API request may take, retries and rate-limit waits included. */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000

/**
 * A rate-limited request is retried only when GitHub asks for a wait that fits in the request's
 * timeout, at most twice; a longer wait fails the request with GitHub's own rate-limit error,
 * which says more than a timeout would.
 */
export const MAX_RATE_LIMIT_RETRIES = 2

/**
 * How many writes (POST, PATCH, PUT, DELETE) a GitHub client sends without waiting, and how often
 * it may send one more after that: GitHub's documented secondary limit on content-creating
 * requests is 80 a minute, and this bucket stays under it (at most 40 + 40 in any minute). A step
 * records five or six writes and `environments apply` a few dozen: neither waits. The throttling
 * plugin's default, a second between any two writes (GitHub's advice for clients that make
 * many), cost each of them a second per write. GitHub's 500 an hour counts every request made
 * with the token, which one client cannot keep; a 403 or 429 that names a rate limit is retried
 * when GitHub's wait fits in the request's timeout (MAX_RATE_LIMIT_RETRIES), and fails with
 * GitHub's message when it does not.
 */
export const GITHUB_WRITE_BURST = 40
export const GITHUB_WRITE_REFILL_MS = 1_500

export interface GitHubRequestOptions {
  timeoutMs?: number
  /** Where rate-limit waits and an outage are reported. */
  log?: Logger
}

/** The throttling plugin's limiter library (bottleneck): the caller loads it with the plugin. */
export interface LimiterLibrary<Group> {
  Group: new (options: Record<string, unknown>) => Group
}

/**
 * The plugin passes every write through this group before sending it: a bucket of
 * GITHUB_WRITE_BURST writes, one more every GITHUB_WRITE_REFILL_MS (a write never waits longer,
 * well inside a request's timeout, which counts the wait). One per client: a process that makes
 * two (an action's recorder and its gate, tests) does not share a budget between them.
 */
function writeGroup<Group>(limiter: LimiterLibrary<Group>): Group {
  return new limiter.Group({
    reservoir: GITHUB_WRITE_BURST,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: GITHUB_WRITE_REFILL_MS,
    reservoirIncreaseMaximum: GITHUB_WRITE_BURST
  })
}

/**
 * The options of Octokit's throttling plugin (writes within GITHUB_WRITE_BURST and
 * GITHUB_WRITE_REFILL_MS; 403/429 rate-limit answers retried when GitHub's wait fits) and retry
 * plugin (server errors), for `new Octokit(...)`.
 */
export function githubPluginOptions<Group>(
  options: GitHubRequestOptions & { limiter: LimiterLibrary<Group> }
) {
  const timeoutMs = options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS
  const log = options.log ?? silentLogger
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retries: number
    ) => {
      const fits = retryAfter * 1000 < timeoutMs && retries < MAX_RATE_LIMIT_RETRIES
      log.warning(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${fits ? `retrying after ${retryAfter}s` : `not retrying (GitHub asks to wait ${retryAfter}s)`}`
      )
      return fits
    }
  const write = writeGroup(options.limiter)
  return {
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      write
    },
    // Rate limits (403, 429) belong to the throttling plugin, which waits as GitHub says when it
    // fits (onLimit); the retry plugin would retry a 429 after 1 s whatever retry-after asks.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] }
  }
}

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>

/**
 * The fetch `octokit` was built with: @actions/github's goes through the runner's proxy
 * (HTTPS_PROXY, NO_PROXY), and a self-hosted runner behind one reaches GitHub only through it.
 * Global fetch when it has none (the CLI's @octokit/rest).
 */
function defaultFetch(octokit: GitHubRequestClient): Fetch {
  const defaults = (
    octokit.request as { endpoint?: { DEFAULTS?: { request?: { fetch?: unknown } } } }
  ).endpoint?.DEFAULTS?.request?.fetch
  return typeof defaults === 'function' ? (defaults as Fetch) : fetch
}

/**
 * `base`, with an aborted request always failing as an AbortError of this realm: Octokit passes
 * that on as it is, where it wraps anything else (a TimeoutError, a DOMException from another
 * realm) as a 500 that the retry plugin would retry for 14 s after the deadline has passed.
 */
function abortable(base: Fetch): Fetch {
  return async (url, init) => {
    try {
      return await base(url, init)
    } catch (error) {
      if (init?.signal?.aborted !== true) throw error
      throw Object.assign(new Error('the request was aborted', { cause: error }), {
        name: 'AbortError'
      })
    }
  }
}

/**
 * GitHub answered a server error, or nothing at all (a timeout, a dropped connection): not a
 * refusal of this one request (4xx), so GitHub may have carried it out.
 */
export function failedWithoutRefusal(error: unknown): boolean {
  const status = (error as { status?: unknown } | undefined)?.status
  return typeof status !== 'number' || status >= 500
}

function isOutage(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || failedWithoutRefusal(error)
}

/**
 * Requests through `octokit` (built with githubPluginOptions and both plugins), each within its
 * own timeout: fetch has none, and a GitHub API that stops answering would otherwise hold the
 * step until the job times out. Once a request has failed after its retries (GitHub answering
 * 5xx, or not at all), GitHub is down for this run: later requests are tried once until one is
 * answered, or a run that records four things would wait 14 s of retries on each while its real
 * work waits (records are best effort).
 */
export function resilientGitHub(
  octokit: GitHubRequestClient,
  options: GitHubRequestOptions = {}
): GitHubRequestClient {
  const timeoutMs = options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS
  const log = options.log ?? silentLogger
  // Wrapped, not replaced: the request option would otherwise bypass the runner's proxy.
  const fetchWithAbort = abortable(defaultFetch(octokit))
  let down = false
  return {
    async request(route, parameters = {}) {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), timeoutMs)
      const { signal } = controller
      // The caller's own request options (a create sent without retries) are kept.
      const asked = (parameters.request ?? {}) as Record<string, unknown>
      try {
        const answer = await octokit.request(route, {
          ...parameters,
          request: { ...asked, signal, fetch: fetchWithAbort, ...(down && { retries: 0 }) }
        })
        down = false
        return answer
      } catch (error) {
        // One 5xx to a request sent without retries says less than a failure after retries.
        const triedOnce = asked.retries === 0 && !signal.aborted
        if (!down && !triedOnce && isOutage(error, signal)) {
          down = true
          log.warning(
            `GitHub failed ${route} after retries; its other requests in this step are tried once`
          )
        }
        if (!signal.aborted) throw error
        throw new Error(`GitHub did not answer ${route} within ${formatDuration(timeoutMs)}`, {
          cause: error
        })
      } finally {
        clearTimeout(timer)
      }
    }
  }
}
