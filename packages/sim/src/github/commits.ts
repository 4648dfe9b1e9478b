import type { GitHubResponse } from '../contract.js'
import { commitJson } from './commit-json.js'
import { branchName, isValidRefName } from './refs.js'
import { nodeId, notFound, unprocessable } from './responses.js'
import { stableId, userJson } from './state.js'
import type { RouteContext } from './state.js'

/** Just enough of repositories, commits and refs for actions that resolve names. */

export function getRepository(ctx: RouteContext): GitHubResponse {
  const { repo } = ctx
  const owner = userJson(
    ctx.request.baseUrl,
    repo.owner,
    stableId(`user:${repo.owner.toLowerCase()}`)
  )
  return {
    status: 200,
    body: {
      id: repo.id,
      node_id: nodeId('R', repo.id),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner,
      private: false,
      html_url: ctx.htmlBase,
      url: ctx.apiBase,
      deployments_url: `${ctx.apiBase}/deployments`,
      default_branch: 'main',
      visibility: 'public'
    }
  }
}

export function getCommit(ctx: RouteContext): GitHubResponse {
  const ref = ctx.params.ref as string
  if (!isValidRefName(ref)) throw unprocessable(`No commit found for SHA: ${ref}`)
  const sha = ctx.repo.refs.resolve(ref)
  return {
    status: 200,
    body: { ...commitJson(ctx, sha), stats: { total: 0, additions: 0, deletions: 0 }, files: [] }
  }
}

export function getGitRef(ctx: RouteContext): GitHubResponse {
  const ref = ctx.params.ref as string
  if (!/^(heads|tags)\/./.test(ref) || !isValidRefName(ref)) throw notFound()
  const sha = ctx.repo.refs.resolve(branchName(ref))
  return {
    status: 200,
    body: {
      ref: `refs/${ref}`,
      node_id: nodeId('REF', Number.parseInt(sha.slice(0, 8), 16)),
      url: `${ctx.apiBase}/git/refs/${ref}`,
      object: { sha, type: 'commit', url: `${ctx.apiBase}/git/commits/${sha}` }
    }
  }
}
