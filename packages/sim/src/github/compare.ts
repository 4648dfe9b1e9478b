import type { GitHubResponse } from '../contract.js'
import { commitJson } from './commit-json.js'
import { compareCommits } from './history.js'
import { paginate } from './pagination.js'
import { GitHubError, notFound } from './responses.js'
import type { RouteContext } from './state.js'

/**
 * `GET /repos/{owner}/{repo}/compare/{basehead}` (`BASE...HEAD`, each a branch, tag or sha;
 * `owner:ref` names this repository when `owner` is its owner). As `git log BASE..HEAD`:
 * `commits` are the commits reachable from HEAD and not from BASE, oldest first; `status` is
 * `identical`, `ahead` (HEAD has commits BASE lacks, and BASE none HEAD lacks), `behind` (the
 * reverse: HEAD is an ancestor of BASE) or `diverged`. So BASE is contained in HEAD exactly when
 * the status is `identical` or `ahead`.
 */

const COMPARE_DOCS = 'https://docs.github.com/rest/commits/commits#compare-two-commits'
/** Without `page`/`per_page` GitHub answers at most 250 commits. */
const MAX_COMMITS = 250

function side(ctx: RouteContext, ref: string): string | undefined {
  const colon = ref.indexOf(':')
  if (colon !== -1) {
    // Another owner's fork is not simulated.
    if (ref.slice(0, colon).toLowerCase() !== ctx.repo.owner.toLowerCase()) return undefined
    return ctx.repo.refs.lookup(ref.slice(colon + 1))
  }
  return ctx.repo.refs.lookup(ref)
}

function noCommonAncestor(base: string, head: string): GitHubError {
  return new GitHubError({
    status: 404,
    body: {
      message: `No common ancestor between ${base} and ${head}.`,
      documentation_url: COMPARE_DOCS,
      status: '404'
    }
  })
}

export function compare(ctx: RouteContext): GitHubResponse {
  const basehead = ctx.params.basehead as string
  const parts = basehead.split('...')
  if (parts.length !== 2) throw notFound()
  const [baseRef, headRef] = parts as [string, string]
  const base = side(ctx, baseRef)
  const head = side(ctx, headRef)
  if (base === undefined || head === undefined) throw notFound()
  const result = compareCommits(ctx.repo.refs.history, base, head)
  if (result === undefined) throw noCommonAncestor(baseRef, headRef)
  const paged = ctx.request.query.has('page') || ctx.request.query.has('per_page')
  const page = paged
    ? paginate(ctx.request, result.ahead)
    : { items: result.ahead.slice(0, MAX_COMMITS), headers: {} }
  const { owner } = ctx.repo
  return {
    status: 200,
    headers: page.headers,
    body: {
      url: `${ctx.apiBase}/compare/${basehead}`,
      html_url: `${ctx.htmlBase}/compare/${basehead}`,
      permalink_url: `${ctx.htmlBase}/compare/${owner}:${base}...${owner}:${head}`,
      diff_url: `${ctx.htmlBase}/compare/${basehead}.diff`,
      patch_url: `${ctx.htmlBase}/compare/${basehead}.patch`,
      base_commit: commitJson(ctx, base),
      merge_base_commit: commitJson(ctx, result.mergeBase),
      status: result.status,
      ahead_by: result.ahead.length,
      behind_by: result.behindBy,
      total_commits: result.ahead.length,
      commits: page.items.map(sha => commitJson(ctx, sha)),
      files: []
    }
  }
}
