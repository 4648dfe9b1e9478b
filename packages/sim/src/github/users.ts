import type { GitHubResponse } from '../contract.js'
import { nodeId, notFound } from './responses.js'
import { stableId, userJson } from './state.js'
import type { BaseContext } from './state.js'

/** `GET /users/{username}` and `GET /orgs/{org}/teams/{team_slug}`: 404 for names nobody has. */

export function getUser(ctx: BaseContext): GitHubResponse {
  const user = ctx.world.directory.findUser(ctx.params.username as string)
  if (user === undefined) throw notFound()
  const body = userJson(ctx.request.baseUrl, user.login, user.id, user.type)
  return { status: 200, body: { ...body, name: user.login } }
}

export function getTeam(ctx: BaseContext): GitHubResponse {
  const team = ctx.world.directory.findTeam(ctx.params.org as string, ctx.params.slug as string)
  if (team === undefined) throw notFound()
  return {
    status: 200,
    body: {
      id: team.id,
      node_id: nodeId('T', team.id),
      name: team.name,
      slug: team.slug,
      url: `${ctx.request.baseUrl}/orgs/${team.org}/teams/${team.slug}`,
      html_url: `https://github.com/orgs/${team.org}/teams/${team.slug}`,
      privacy: 'closed',
      permission: 'pull',
      organization: { login: team.org, id: stableId(team.org.toLowerCase()) }
    }
  }
}
