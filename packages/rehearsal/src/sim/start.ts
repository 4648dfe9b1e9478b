import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TimeScale } from '@fargate-promote/common'

export interface RunningSim {
  url: string
  time: TimeScale
  /** Stops a sim this process started; a sim given with --sim is left running. */
  stop(): Promise<void>
}

interface ClockInfo {
  origin: number
  scale: number
  virtual: boolean
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init)
  const text = await response.text()
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${text}`)
  return JSON.parse(text) as T
}

/** Applies a scenario to a running sim (the environments of the config). */
export async function seedSim(url: string, scenario: unknown): Promise<void> {
  await json(`${url}/_sim/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(scenario)
  })
}

/** A sim someone else started (`--sim URL`): its clock is read, it is not stopped. */
export async function connectSim(url: string): Promise<RunningSim> {
  const base = url.replace(/\/$/, '')
  const clock = await json<ClockInfo>(`${base}/_sim/clock`)
  if (!clock.virtual && clock.scale !== 1) {
    throw new Error(
      `The simulator at ${base} scales durations without virtual time: start it with --virtual-time.`
    )
  }
  return {
    url: base,
    time: { origin: clock.origin, scale: clock.scale },
    stop: () => Promise.resolve()
  }
}

function waitForLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match?.[1] !== undefined) resolve(match[1])
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    child.on('exit', code =>
      reject(new Error(`The simulator exited (${code}) before it listened:\n${err.trim()}`))
    )
  })
}

/**
 * Starts packages/sim as a child process on a free loopback port with virtual time, seeded with
 * `scenario` (the product imports nothing from the sim: it only talks to it).
 */
export async function startSim(options: {
  productRoot: string
  workDir: string
  timeScale: number
  scenario: unknown
  hostEnv?: Readonly<Record<string, string | undefined>>
}): Promise<RunningSim> {
  const scenarioFile = join(options.workDir, 'scenario.json')
  await writeFile(scenarioFile, JSON.stringify(options.scenario, null, 2))
  const bin = join(options.productRoot, 'packages/sim/bin/fargate-sim.mjs')
  const child = spawn(
    process.execPath,
    [
      bin,
      '--port',
      '0',
      '--virtual-time',
      '--time-scale',
      String(options.timeScale),
      '--scenario',
      scenarioFile
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: options.hostEnv?.PATH ?? '/usr/bin:/bin',
        HOME: options.hostEnv?.HOME ?? options.workDir
      }
    }
  )
  const url = await waitForLine(child)
  const connected = await connectSim(url)
  return {
    ...connected,
    stop: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}
