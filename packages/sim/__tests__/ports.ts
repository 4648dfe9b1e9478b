import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A server holding `port` on 127.0.0.1 (0: any free port), as another program would. */
export async function occupy(port: number): Promise<Server> {
  const server = createServer((_req, res) => res.end('someone else'))
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  return server
}

/** A port nobody listens on right now: bound on 0 by the OS, then released. */
export async function freePort(): Promise<number> {
  const server = await occupy(0)
  const { port } = server.address() as AddressInfo
  await release(server)
  return port
}

export function release(server: Server): Promise<void> {
  return new Promise(resolve => server.close(() => resolve()))
}
