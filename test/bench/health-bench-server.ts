/**
 * The target server of the health benchmarks, in its own node process so it does not share
 * the measuring process's event loop: every request is answered with `{"status":"ok"}`
 * after `delayMs` (0: at once), over keep-alive connections, on 127.0.0.1.
 */
import { spawn } from 'node:child_process'

export interface BenchServer {
  url: string
  stop(): Promise<void>
}

const SERVER = `
const http = require('node:http')
const delay = Number(process.argv[1])
const body = '{"status":"ok"}'
const answer = res => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(body)
}
const server = http.createServer((req, res) => {
  req.resume()
  if (delay > 0) setTimeout(answer, delay, res)
  else answer(res)
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)) })
`

export function startBenchServer(delayMs = 0): Promise<BenchServer> {
  const child = spawn(process.execPath, ['-e', SERVER, String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.stdout.setEncoding('utf8').once('data', (port: string) => {
      resolve({
        url: `http://127.0.0.1:${port.trim()}/health`,
        stop: () =>
          new Promise<void>(done => {
            child.once('exit', () => done())
            child.kill('SIGTERM')
          })
      })
    })
  })
}
