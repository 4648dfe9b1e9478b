import { spawn } from 'node:child_process'

export interface ProcessRun {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  /** Each line of stdout and stderr as it arrives. */
  onLine: (line: string) => void
  /** Aborting sends SIGINT, then SIGTERM after `graceMs`, as the runner cancels a step. */
  signal: AbortSignal
  graceMs?: number
}

/** Runs a step's process; resolves with its exit code (a signal counts as 1 less than 256 + n). */
export function runProcess(run: ProcessRun): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      env: run.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a cancellation reaches the whole tree (bash and its `sleep`).
      detached: true
    })
    const pending = { stdout: '', stderr: '' }
    const flush = (stream: 'stdout' | 'stderr', chunk: string, end = false) => {
      pending[stream] += chunk
      const lines = pending[stream].split('\n')
      pending[stream] = end ? '' : (lines.pop() ?? '')
      for (const line of lines) if (!end || line !== '') run.onLine(line.replace(/\r$/, ''))
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => flush('stdout', chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => flush('stderr', chunk))
    let killTimer: NodeJS.Timeout | undefined
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal)
      } catch {
        child.kill(signal) // the group is gone already
      }
    }
    const onAbort = () => {
      signalGroup('SIGINT')
      killTimer = setTimeout(() => signalGroup('SIGTERM'), run.graceMs ?? 7_500)
      killTimer.unref()
    }
    if (run.signal.aborted) onAbort()
    else run.signal.addEventListener('abort', onAbort, { once: true })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      run.signal.removeEventListener('abort', onAbort)
      if (killTimer !== undefined) clearTimeout(killTimer)
      flush('stdout', '', true)
      flush('stderr', '', true)
      resolve(code ?? (signal === null ? 1 : 128 + 2))
    })
  })
}
