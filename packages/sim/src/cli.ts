import { startSim, type Sim, type SimOptions } from './server.js'

export const USAGE = `Usage: fargate-sim [--port N] [--scenario FILE] [--time-scale X] [--virtual-time]

  --port N         port to listen on, on 127.0.0.1 (default 0: any free port)
  --scenario FILE  YAML scenario applied at start and on POST /_sim/reset
  --time-scale X   sim milliseconds per real millisecond (default 1; 20 makes 30 s take 1.5 s)
  --virtual-time   timestamps advance at the time scale too (default: wall-clock timestamps)
`

export class UsageError extends Error {}

export interface CliOptions {
  port: number
  scenario?: string
  timeScale: number
  virtualTime: boolean
}

/** Accepts `--flag value` and `--flag=value`. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: 0, timeScale: 1, virtualTime: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const eq = arg.indexOf('=')
    const flag = eq > 0 ? arg.slice(0, eq) : arg
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined
    const take = (): string => {
      if (value === undefined) {
        value = argv[++i]
        if (value === undefined || value.startsWith('--')) {
          throw new UsageError(`${flag} needs a value`)
        }
      }
      return value
    }
    switch (flag) {
      case '--port': {
        const raw = take()
        const port = Number(raw)
        if (!/^\d+$/.test(raw) || port > 65535) {
          throw new UsageError(`--port must be an integer from 0 to 65535, got '${raw}'`)
        }
        options.port = port
        break
      }
      case '--scenario':
        options.scenario = take()
        break
      case '--time-scale': {
        const raw = take()
        const scale = Number(raw)
        if (raw.trim() === '' || !Number.isFinite(scale) || scale <= 0) {
          throw new UsageError(`--time-scale must be a positive number, got '${raw}'`)
        }
        options.timeScale = scale
        break
      }
      case '--virtual-time':
        if (value !== undefined) throw new UsageError('--virtual-time takes no value')
        options.virtualTime = true
        break
      default:
        throw new UsageError(`unknown argument '${arg}'`)
    }
  }
  return options
}

export interface CliIo {
  stdout(line: string): void
  stderr(line: string): void
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<unknown>
  /** Extra startSim options (tests inject module factories). */
  simOptions?: Partial<SimOptions>
}

/** Runs the simulator until the stop signal; resolves with the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions
  try {
    options = parseCliArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr(`fargate-sim: ${error.message}\n\n${USAGE}`)
    return 2
  }
  let sim: Sim
  try {
    sim = await startSim({
      ...io.simOptions,
      port: options.port,
      timeScale: options.timeScale,
      virtualTime: options.virtualTime,
      scenario: options.scenario
    })
  } catch (error) {
    io.stderr(`fargate-sim: cannot start: ${(error as Error).message}\n`)
    return 1
  }
  io.stdout(`fargate-sim listening on ${sim.url}\n`)
  await io.stopSignal()
  await sim.stop()
  return 0
}

/** Resolves on the first SIGINT or SIGTERM. */
export function processStopSignal(): Promise<NodeJS.Signals> {
  return new Promise(resolve => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      resolve(signal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}
