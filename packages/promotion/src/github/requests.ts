import type { GitHubClient } from './client.js'

/*
 * Octokit throws for statuses >= 400 (RequestError with `.status`); other clients (test fakes,
 * a plain fetch wrapper) resolve with the status. Both shapes are read here, once.
 */

type Answer = { status: number; data: unknown }

/** The HTTP status of a thrown Octokit RequestError, or undefined for any other error. */
export function statusOfError(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** GitHub's message from an answer body (`{ message }`), or ''. */
function messageOf(data: unknown): string {
  const message = (data as { message?: unknown } | null)?.message
  return typeof message === 'string' ? `: ${message}` : ''
}

/**
 * The answer to a request, or undefined when GitHub answers with one of the `expected` error
 * statuses (404 for a missing environment, user or team; 303 for a branch policy that exists
 * already). Any other error status is thrown.
 */
export async function requestExpecting(
  github: GitHubClient,
  route: string,
  parameters: Record<string, unknown>,
  expected: readonly number[]
): Promise<Answer | undefined> {
  let answer: Answer
  try {
    answer = await github.request(route, parameters)
  } catch (error) {
    if (expected.includes(statusOfError(error) ?? 0)) return undefined
    throw error
  }
  if (expected.includes(answer.status)) return undefined
  if (answer.status >= 400) {
    throw new Error(`GitHub answered ${route} with HTTP ${answer.status}${messageOf(answer.data)}.`)
  }
  return answer
}

/** A request that must succeed; a resolved error status is thrown like Octokit would. */
export async function requestOk(
  github: GitHubClient,
  route: string,
  parameters: Record<string, unknown>
): Promise<Answer> {
  return (await requestExpecting(github, route, parameters, [])) as Answer
}

const PER_PAGE = 100
/** A bound on pages, so a server that never stops answering full pages cannot loop forever. */
const MAX_PAGES = 50

/**
 * Every item of a list answered as `{ total_count, <key>: [...] }` (environments, branch
 * policies), page by page. The client is only `request`, so pages are asked for by number.
 */
export async function listAll(
  github: GitHubClient,
  route: string,
  parameters: Record<string, unknown>,
  key: string
): Promise<unknown[]> {
  const items: unknown[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await requestOk(github, route, { ...parameters, per_page: PER_PAGE, page })
    const body = data as Record<string, unknown> | null
    const batch = body?.[key]
    if (!Array.isArray(batch)) {
      throw new Error(`GitHub answered ${route} without a '${key}' list.`)
    }
    items.push(...(batch as unknown[]))
    const total = typeof body?.total_count === 'number' ? body.total_count : Infinity
    if (batch.length < PER_PAGE || items.length >= total) break
  }
  return items
}
