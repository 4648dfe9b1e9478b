/**
 * A forward proxy on 127.0.0.1 (ephemeral port) that counts what it forwarded: plain HTTP
 * requests in absolute form (`GET http://host/path`) and CONNECT tunnels (for https URLs).
 * With `credentials`, anything without that Proxy-Authorization is refused with 407.
 */
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'

export interface CountingProxy {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** Absolute-form requests forwarded, as `METHOD url`. */
  forwarded: string[]
  /** CONNECT tunnels opened, as `host:port`. */
  tunnels: string[]
  /** Requests and tunnels refused for want of credentials. */
  refused: number
  close(): Promise<void>
}

export interface CountingProxyOptions {
  /** `user:password` the proxy requires (Basic). */
  credentials?: string
}

const HOP_BY_HOP = ['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive']

function authorized(header: string | undefined, options: CountingProxyOptions): boolean {
  if (options.credentials === undefined) return true
  return header === `Basic ${Buffer.from(options.credentials).toString('base64')}`
}

export async function startCountingProxy(
  options: CountingProxyOptions = {}
): Promise<CountingProxy> {
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = http.createServer((req, res) => {
    if (!authorized(req.headers['proxy-authorization'], options)) {
      proxy.refused++
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end()
      return
    }
    const target = new URL(req.url ?? '')
    proxy.forwarded.push(`${req.method} ${target.href}`)
    const headers = { ...req.headers }
    for (const name of HOP_BY_HOP) delete headers[name]
    const upstream = http.request(target, { method: req.method, headers }, response => {
      res.writeHead(response.statusCode ?? 502, response.statusMessage, response.headers)
      response.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connection', track)
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (!authorized(req.headers['proxy-authorization'], options)) {
      proxy.refused++
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
      return
    }
    const [host, port] = (req.url ?? '').split(':')
    proxy.tunnels.push(req.url ?? '')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    track(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const proxy: CountingProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    forwarded: [],
    tunnels: [],
    refused: 0,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
  return proxy
}
