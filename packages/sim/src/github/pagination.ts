import type { GitHubRequest } from '../contract.js'

/**
 * `per_page` (default 30, max 100) and `page`, with a Link header of ABSOLUTE URLs that repeat
 * every query parameter of the request: Octokit's paginate follows `rel="next"` as is.
 */
export function paginate<T>(
  request: GitHubRequest,
  items: readonly T[]
): { items: T[]; headers: Record<string, string> } {
  const perPage = clamp(Number.parseInt(request.query.get('per_page') ?? '', 10) || 30, 1, 100)
  const page = Math.max(1, Number.parseInt(request.query.get('page') ?? '', 10) || 1)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(request.query)
    query.set('page', String(n))
    return `<${request.baseUrl}${request.path}?${query.toString()}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'))
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  if (page > 1) links.push(link(1, 'first'))
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {}
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n))
}
