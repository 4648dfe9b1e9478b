/**
 * A pass-through in front of the sim's GitHub API that tells whose request each is: a run's
 * GITHUB_API_URL is `<tap>/run/<id>/github`, the tap forwards it to the sim's `/github` and
 * notes the changing ones (any method but GET and HEAD) under `<id>`. The sim's own call log
 * cannot tell runs that overlap apart (its GitHub records carry no User-Agent).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GitHubTap {
  /** The GITHUB_API_URL a run with this id is given. */
  apiUrl(id: string): string
  /** `METHOD /path` of the changing requests the run with this id made. */
  changes(id: string): string[]
  stop(): Promise<void>
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const upstream = request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host }, agent: false },
    answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    }
  )
  upstream.on('error', () => res.destroy())
  req.pipe(upstream)
}

export async function startGitHubTap(simUrl: string): Promise<GitHubTap> {
  const changes = new Map<string, string[]>()
  const server = createServer((req, res) => {
    const match = /^\/run\/([^/]+)(\/github(?:\/.*)?)$/.exec(req.url ?? '')
    if (match === null) {
      res.writeHead(404).end()
      return
    }
    const [, id = '', path = ''] = match
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      changes.set(id, [...(changes.get(id) ?? []), `${req.method} ${path}`])
    }
    forward(req, res, new URL(path, simUrl))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    apiUrl: id => `http://127.0.0.1:${port}/run/${encodeURIComponent(id)}/github`,
    changes: id => changes.get(id) ?? [],
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
