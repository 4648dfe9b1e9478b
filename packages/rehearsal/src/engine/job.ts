import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { isSequence } from '@actions/workflow-parser'
import type { Job } from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { asText } from '../expressions/data.js'
import type { JobResult } from '../model.js'
import type { WorkflowCall } from './call.js'
import { maskText } from './commands.js'
import type { Engine } from './context.js'
import { passProtection } from './environments.js'
import type { JobState } from './job-state.js'
import { Evaluation } from './scope.js'
import { runPosts, runStep } from './steps.js'
import { child } from '../workflow/tokens.js'

export function rawJob(call: WorkflowCall, id: string): TemplateToken | undefined {
  return child(child(call.workflow.root, 'jobs'), id)
}

function texts(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {}
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asText(v)]))
}

/** `environment: name` or `{ name, url }`, evaluated. */
function environmentOf(evaluation: Evaluation, token: TemplateToken | undefined) {
  const value = evaluation.token(token)
  if (typeof value === 'string' && value !== '') return { name: value }
  if (value !== null && typeof value === 'object' && 'name' in value) {
    const { name, url } = value as { name?: unknown; url?: unknown }
    if (typeof name === 'string' && name !== '') {
      return { name, ...(typeof url === 'string' && url !== '' && { url }) }
    }
  }
  return undefined
}

/** Waits for the job's concurrency group; returns the release. */
async function acquire(engine: Engine, group: string | undefined): Promise<() => void> {
  if (group === undefined || group === '') return () => undefined
  const previous = engine.groups.get(group) ?? Promise.resolve()
  let release: () => void = () => undefined
  const mine = new Promise<void>(resolve => (release = resolve))
  engine.groups.set(
    group,
    previous.then(() => mine)
  )
  await previous
  return release
}

function concurrencyGroup(evaluation: Evaluation, token: TemplateToken | undefined) {
  const value = evaluation.token(token)
  if (typeof value === 'string') return value
  if (value !== null && typeof value === 'object' && 'group' in value) return asText(value.group)
  return undefined
}

function defaults(evaluation: Evaluation, ...tokens: (TemplateToken | undefined)[]) {
  const found: JobState['defaults'] = {}
  for (const token of tokens) {
    const run = child(child(token, 'defaults'), 'run')
    const shell = child(run, 'shell')
    const dir = child(run, 'working-directory')
    if (shell !== undefined) found.shell = asText(evaluation.token(shell))
    if (dir !== undefined) found.workingDirectory = asText(evaluation.token(dir))
  }
  return found
}

/**
 * The job's `timeout-minutes` (default 360), in real time as on GitHub: a job's own work (tests,
 * builds) takes real time whatever the simulator's scale, so a faster clock must not cut it
 * short. `jobTimeoutScale` shrinks it for tests. Aborts the job's steps when it passes.
 */
function timeout(
  engine: Engine,
  evaluation: Evaluation,
  raw: TemplateToken | undefined,
  abort: AbortController
) {
  const minutes = Number(asText(evaluation.token(child(raw, 'timeout-minutes'))) || 360)
  const timer = setTimeout(
    () =>
      abort.abort(
        new Error(`The job has exceeded the maximum execution time of ${minutes} minutes.`)
      ),
    minutes * 60_000 * (engine.options.jobTimeoutScale ?? 1)
  )
  timer.unref()
  return () => clearTimeout(timer)
}

/** Runs a job's steps (and post steps) once its `if:` has passed. */
export async function runJob(
  engine: Engine,
  call: WorkflowCall,
  job: Job,
  result: JobResult,
  evaluation: Evaluation
): Promise<void> {
  const raw = rawJob(call, job.id.value)
  const environment = environmentOf(evaluation, job.environment)
  if (environment !== undefined) result.environment = environment
  const release = await acquire(engine, concurrencyGroup(evaluation, job.concurrency))
  const abort = new AbortController()
  const onCancel = () => abort.abort()
  engine.signal.addEventListener('abort', onCancel, { once: true })
  try {
    if (environment !== undefined) {
      const approval = await passProtection(engine, result, environment.name)
      if (approval !== undefined) result.environment = { ...environment, approval }
      if (approval?.decision === 'rejected')
        throw new Error(`Rejected by ${approval.by}: the job did not run.`)
    }
    result.state = 'running'
    result.startedAt = engine.now()
    engine.listener.jobChanged(result)
    const dir = join(engine.options.workDir, result.key.replace(/[^A-Za-z0-9_-]+/g, '_'))
    await mkdir(dir, { recursive: true })
    const state: JobState = {
      engine,
      result,
      file: call.workflow.file,
      evaluation,
      baseEnv: { ...call.env, ...texts(evaluation.token(job.env)) },
      exported: {},
      path: [],
      failed: false,
      defaults: defaults(evaluation, call.workflow.root, raw),
      posts: [],
      dir,
      signal: abort.signal,
      steps: {},
      jobId: job.id.value
    }
    // Inside the job, the status functions answer for its steps so far, not for its needs; a
    // timeout or a cancellation of the job counts as cancelled (only always() steps still run).
    const cancelled = () => engine.signal.aborted || abort.signal.aborted
    const contexts = evaluation.scope.contexts
    const stepScope = {
      contexts: {
        ...contexts,
        github: { ...(contexts.github as object), job: job.id.value },
        runner: { ...(contexts.runner as object), temp: dir },
        job: {
          get status() {
            return cancelled() ? 'cancelled' : state.failed ? 'failure' : 'success'
          }
        }
      },
      status: () => ({ failed: state.failed, cancelled: cancelled() })
    }
    state.evaluation = new Evaluation(
      engine,
      stepScope,
      { file: call.workflow.file, job: result.key },
      state
    )
    const stopTimer = timeout(engine, evaluation, raw, abort)
    try {
      const rawSteps = child(raw, 'steps')
      const steps = rawSteps !== undefined && isSequence(rawSteps) ? [...rawSteps] : []
      for (const [index, step] of job.steps.entries()) {
        const rawStep = steps[index]
        if (rawStep !== undefined) await runStep(state, rawStep, step)
      }
      await runPosts(state)
    } finally {
      stopTimer()
    }
    finishJob(engine, state, job, abort.signal)
  } catch (error) {
    result.state = engine.signal.aborted ? 'cancelled' : 'failure'
    result.reason = maskText(error instanceof Error ? error.message : String(error), engine.masks)
  } finally {
    engine.signal.removeEventListener('abort', onCancel)
    release()
    result.endedAt = engine.now()
    engine.listener.jobChanged(result)
  }
}

function finishJob(engine: Engine, state: JobState, job: Job, signal: AbortSignal): void {
  const { result } = state
  const evaluation = state.evaluation.with({ steps: state.steps })
  const outputs = texts(evaluation.token(job.outputs))
  result.outputs = Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, maskText(v, engine.masks)])
  )
  Object.defineProperty(result, 'rawOutputs', { value: outputs, enumerable: false })
  if (result.environment !== undefined) {
    const url = environmentOf(evaluation, job.environment)?.url
    if (url !== undefined) result.environment.url = url
  }
  if (signal.aborted) {
    result.state = engine.signal.aborted ? 'cancelled' : 'failure'
    const reason: unknown = signal.reason
    result.reason = reason instanceof Error ? reason.message : 'cancelled'
  } else if (state.failed) {
    const failed = result.steps.find(s => s.state === 'failure')
    result.state = 'failure'
    result.reason =
      failed !== undefined ? `${failed.name}: ${failed.reason ?? 'failed'}` : 'a step failed'
  } else {
    result.state = 'success'
  }
}

/** The unmasked outputs of a job, for the jobs that need it. */
export function outputsOf(result: JobResult): Record<string, string> {
  return (
    (result as JobResult & { rawOutputs?: Record<string, string> }).rawOutputs ?? result.outputs
  )
}
