import { isoTime, nodeId } from './responses.js'
import type { RouteContext } from './state.js'

/**
 * A commit as `GET /repos/{o}/{r}/commits/{ref}` and the compare endpoint render it. A commit of
 * the history graph carries its parent and the time the sim learnt of it; any other is a
 * parentless commit dated now.
 */
export function commitJson(ctx: RouteContext, sha: string): Record<string, unknown> {
  const record = ctx.repo.refs.history.get(sha)
  const date = isoTime(record?.at ?? ctx.world.clock.now())
  const person = { name: 'Fargate Promote Sim', email: 'sim@example.invalid', date }
  const url = `${ctx.apiBase}/commits/${sha}`
  const parents = record?.parent === undefined ? [] : [record.parent]
  return {
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
    parents: parents.map(parent => ({
      sha: parent,
      url: `${ctx.apiBase}/commits/${parent}`,
      html_url: `${ctx.htmlBase}/commit/${parent}`
    }))
  }
}
