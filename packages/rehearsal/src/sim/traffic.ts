import { spawn } from 'node:child_process'
import { join } from 'node:path'

/** Requests per sim second on an environment set up for a canary: 60 a sim minute. */
export const PRODUCTION_TRAFFIC_RATE = 1

/** What the traffic got back: revision (`family:revision`, `elb`, `error`) → status → count. */
export interface TrafficCounts {
  sent: number
  completed: number
  skipped: number
  byRevision: Record<string, Record<string, number>>
}

export interface SimTraffic {
  url: string
  /** Stops sending, waits for the requests in flight; the final counts. */
  stop(): Promise<TrafficCounts>
}

/**
 * Steady traffic on a listener of the sim (an environment's URL), from packages/sim's traffic
 * generator in a process of its own: a canary's analysis judges whole minutes of real requests,
 * and production has them. The product talks to the sim only over HTTP and processes.
 */
export async function startSimTraffic(options: {
  productRoot: string
  url: string
  timeScale: number
  ratePerSecond?: number
  hostEnv?: Readonly<Record<string, string | undefined>>
}): Promise<SimTraffic> {
  const bin = join(options.productRoot, 'packages/sim/bin/fargate-sim-traffic.mjs')
  const args = [
    bin,
    '--url',
    options.url,
    '--rate',
    String(options.ratePerSecond ?? PRODUCTION_TRAFFIC_RATE),
    '--time-scale',
    String(options.timeScale)
  ]
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: options.hostEnv?.PATH ?? '/usr/bin:/bin', HOME: options.hostEnv?.HOME ?? '/' }
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (out.startsWith('sending\n')) resolve()
    })
    void exited.then(code =>
      reject(new Error(`The traffic to ${options.url} did not start (${code}): ${err.trim()}`))
    )
  })
  return {
    url: options.url,
    stop: async () => {
      child.kill('SIGTERM')
      const code = await exited
      const last = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !last.startsWith('{')) {
        throw new Error(`The traffic to ${options.url} ended badly (${code}): ${err.trim()}`)
      }
      return JSON.parse(last) as TrafficCounts
    }
  }
}
