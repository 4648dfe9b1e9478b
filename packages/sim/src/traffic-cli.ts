import { parseArgs } from 'node:util'
import { startTraffic, type TrafficCounts } from './traffic.js'

/**
 * `fargate-sim-traffic --url URL --rate N [--time-scale S]`: steady production traffic on a
 * listener URL in a process of its own, for tools that talk to the sim only over HTTP (the
 * rehearsal, the demo). It prints `sending` once started; on SIGTERM or SIGINT it stops, waits
 * for the requests in flight and prints the final counts as one JSON line.
 */

export interface TrafficCliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Resolves when the process is asked to stop. */
  stopSignal: Promise<void>
}

const USAGE = 'usage: fargate-sim-traffic --url URL --rate REQUESTS_PER_SIM_SECOND [--time-scale N]'

function positive(text: string | undefined, name: string): number {
  const value = Number(text)
  if (text === undefined || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text ?? null)}`)
  }
  return value
}

export async function runTrafficCli(args: string[], io: TrafficCliIo): Promise<number> {
  let url: string
  let rate: number
  let scale: number
  try {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        rate: { type: 'string' },
        'time-scale': { type: 'string', default: '1' }
      }
    })
    url = new URL(values.url ?? '').toString()
    rate = positive(values.rate, 'rate')
    scale = positive(values['time-scale'], 'time-scale')
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}\n`)
    return 2
  }
  const traffic = startTraffic({ url, ratePerSecond: rate, clock: { scale } })
  io.stdout('sending\n')
  await io.stopSignal
  const counts: TrafficCounts = await traffic.stop()
  io.stdout(`${JSON.stringify(counts)}\n`)
  return 0
}
