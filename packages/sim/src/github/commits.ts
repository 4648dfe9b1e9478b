import type { GitHubResponse } from '../contract.js'
import { branchName, isValidRefName } from './refs.js'
import { isoTime, nodeId, notFound, unprocessable } from './responses.js'
import { stableId, userJson } from './state.js'
import type { BaseContext, RouteContext } from './state.js'

/** Just enough of repositories, commits, refs, users and teams for actions that resolve names. */

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
  const date = isoTime(ctx.world.clock.now())
  const person = { name: 'Fargate Promote Sim', email: 'sim@example.invalid', date }
  const url = `${ctx.apiBase}/commits/${sha}`
  return {
    status: 200,
    body: {
      sha,
      node_id: nodeId('C', Number.parseInt(sha.slice(0, 8), 16)),
      url,
      html_url: `${ctx.htmlBase}/commit/${sha}`,
      comments_url: `${url}/comments`,
      commit: {
        url: `${ctx.apiBase}/git/commits/${sha}`,
        author: person,
        committer: person,
        message: `Simulated commit ${sha.slice(0, 7)}`,
        tree: { sha, url: `${ctx.apiBase}/git/trees/${sha}` },
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null }
      },
      author: null,
      committer: null,
      parents: [],
      stats: { total: 0, additions: 0, deletions: 0 },
      files: []
    }
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

export function getUser(ctx: BaseContext): GitHubResponse {
  const login = ctx.params.username as string
  const id = stableId(`user:${login.toLowerCase()}`)
  ctx.world.users.set(id, login)
  return { status: 200, body: { ...userJson(ctx.request.baseUrl, login, id), name: login } }
}

export function getTeam(ctx: BaseContext): GitHubResponse {
  const org = ctx.params.org as string
  const slug = (ctx.params.slug as string).toLowerCase()
  const id = stableId(`team:${org.toLowerCase()}/${slug}`)
  ctx.world.teams.set(id, { org, slug })
  return {
    status: 200,
    body: {
      id,
      node_id: nodeId('T', id),
      name: slug,
      slug,
      url: `${ctx.request.baseUrl}/orgs/${org}/teams/${slug}`,
      html_url: `https://github.com/orgs/${org}/teams/${slug}`,
      privacy: 'closed',
      permission: 'pull',
      organization: { login: org, id: stableId(org.toLowerCase()) }
    }
  }
}
