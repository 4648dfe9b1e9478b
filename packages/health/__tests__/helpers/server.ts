import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  /** TCP connections accepted so far. */
  connections(): number
  close(): Promise<void>
}

/** A real server on 127.0.0.1, port 0. close() also drops keep-alive sockets so jest can exit. */
export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler)
  let connections = 0
  server.on('connection', () => connections++)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
