import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { parseCliArgs, processStopSignal, runCli, USAGE } from '../src/cli.js'
import { fakeFactories } from './server-fakes.js'

const bin = fileURLToPath(new URL('../bin/fargate-sim.mjs', import.meta.url))

describe('parseCliArgs', () => {
  it('parses flags in both forms and fills defaults', () => {
    expect(parseCliArgs([])).toEqual({ port: 0, timeScale: 1, virtualTime: false })
    expect(parseCliArgs(['--port', '4566', '--scenario=demo.yml', '--time-scale', '20'])).toEqual({
      port: 4566,
      scenario: 'demo.yml',
      timeScale: 20,
      virtualTime: false
    })
    expect(parseCliArgs(['--virtual-time', '--time-scale=20'])).toMatchObject({
      timeScale: 20,
      virtualTime: true
    })
  })

  it.each([
    [['--port'], '--port needs a value'],
    [['--port', '--scenario', 'x'], '--port needs a value'],
    [['--port', 'abc'], "--port must be an integer from 0 to 65535, got 'abc'"],
    [['--port=70000'], "--port must be an integer from 0 to 65535, got '70000'"],
    [['--time-scale', '0'], "--time-scale must be a positive number, got '0'"],
    [['--time-scale='], "--time-scale must be a positive number, got ''"],
    [['--virtual-time=yes'], '--virtual-time takes no value'],
    [['--verbose'], "unknown argument '--verbose'"],
    [['serve'], "unknown argument 'serve'"]
  ])('%j -> %s', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message)
  })
})

describe('runCli', () => {
  const io = (stop: Promise<unknown>) => {
    const out: string[] = []
    const err: string[] = []
    return {
      out,
      err,
      io: {
        stdout: (s: string) => out.push(s),
        stderr: (s: string) => err.push(s),
        stopSignal: () => stop,
        simOptions: { factories: fakeFactories().factories }
      }
    }
  }

  it('prints the URL, serves until the stop signal, then stops', async () => {
    let stop: () => void = () => undefined
    const t = io(new Promise<void>(resolve => (stop = resolve)))
    const running = runCli(['--port', '0'], t.io)
    await new Promise(resolve => setTimeout(resolve, 50))
    const line = t.out[0] ?? ''
    expect(line).toMatch(/^fargate-sim listening on http:\/\/127\.0\.0\.1:\d+\n$/)
    const url = line.trim().split(' ').pop() ?? ''
    expect((await fetch(url + '/_sim/calls')).status).toBe(200)
    stop()
    expect(await running).toBe(0)
    await expect(fetch(url + '/_sim/calls')).rejects.toThrow()
  })

  it('passes --virtual-time and --time-scale to the sim', async () => {
    let stop: () => void = () => undefined
    const t = io(new Promise<void>(resolve => (stop = resolve)))
    const running = runCli(['--virtual-time', '--time-scale', '20'], t.io)
    await new Promise(resolve => setTimeout(resolve, 50))
    const url = (t.out[0] ?? '').trim().split(' ').pop() ?? ''
    const clock = (await (await fetch(url + '/_sim/clock')).json()) as Record<string, unknown>
    expect(clock).toMatchObject({ scale: 20, virtual: true })
    stop()
    expect(await running).toBe(0)
  })

  it('prints the usage and exits 2 on a bad flag', async () => {
    const t = io(Promise.resolve())
    expect(await runCli(['--nope'], t.io)).toBe(2)
    expect(t.err.join('')).toBe(`fargate-sim: unknown argument '--nope'\n\n${USAGE}`)
  })

  it('exits 1 when the simulator cannot start', async () => {
    const t = io(Promise.resolve())
    expect(await runCli(['--scenario', '/nonexistent.yml'], t.io)).toBe(1)
    expect(t.err.join('')).toContain('cannot start: cannot read scenario file /nonexistent.yml')
  })

  it('processStopSignal resolves on SIGTERM and removes its listeners', async () => {
    const before = process.listenerCount('SIGTERM')
    const signal = processStopSignal()
    process.emit('SIGTERM', 'SIGTERM')
    expect(await signal).toBe('SIGTERM')
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })
})

describe('bin/fargate-sim.mjs', () => {
  it('exits 2 with the usage on a bad flag', async () => {
    const child = spawn(process.execPath, [bin, '--bogus'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(2)
    expect(stderr).toContain('Usage: fargate-sim')
  })

  it('serves on the printed URL and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--time-scale', '20'], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] ?? '')
      })
      child.once('exit', code => reject(new Error(`exited ${String(code)} before listening`)))
    })
    expect(line).toMatch(/^fargate-sim listening on http:\/\/127\.0\.0\.1:\d+$/)
    const url = line.split(' ').pop() ?? ''
    const res = await fetch(url + '/_sim/calls')
    expect(await res.json()).toEqual({ calls: [] })
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(0)
  })
})
