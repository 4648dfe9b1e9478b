import { isMapping } from '@actions/workflow-parser'
import type {
  Job,
  ReusableWorkflowJob,
  WorkflowJob
} from '@actions/workflow-parser/model/workflow-template'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { asText } from '../expressions/data.js'
import type { Contexts } from '../expressions/evaluate.js'
import type { Conclusion, JobResult } from '../model.js'
import type { WorkflowCall } from './call.js'
import type { Engine } from './context.js'
import { outputsOf, rawJob, runJob } from './job.js'
import { expandMatrix, matrixName } from './matrix.js'
import { Evaluation } from './scope.js'
import { child } from '../workflow/tokens.js'

interface Finished {
  result: Conclusion
  outputs: Record<string, string>
}

function newJob(
  engine: Engine,
  call: WorkflowCall,
  job: WorkflowJob,
  key: string,
  name: string
): JobResult {
  const result: JobResult = {
    key,
    name,
    workflow: call.workflow.file,
    needs: (job.needs ?? []).map(n => `${call.prefix}${n.value}`),
    state: 'queued',
    outputs: {},
    steps: []
  }
  engine.jobs.push(result)
  engine.listener.jobChanged(result)
  return result
}

function skip(engine: Engine, result: JobResult, reason: string): void {
  result.state = 'skipped'
  result.reason = reason
  engine.listener.jobChanged(result)
}

/** The jobs a job needs, directly or through them. */
function ancestors(jobs: WorkflowJob[], id: string, seen = new Set<string>()): Set<string> {
  const job = jobs.find(j => j.id.value === id)
  for (const need of job?.needs ?? []) {
    if (!seen.has(need.value)) {
      seen.add(need.value)
      ancestors(jobs, need.value, seen)
    }
  }
  return seen
}

/** Runs every job of a workflow by `needs`, as many at once as the graph allows. */
export async function runWorkflow(
  engine: Engine,
  call: WorkflowCall
): Promise<Map<string, Finished>> {
  const jobs = call.workflow.template.jobs
  const finished = new Map<string, Finished>()
  const running = new Map<string, Promise<Finished>>()
  const start = (job: WorkflowJob): Promise<Finished> => {
    const existing = running.get(job.id.value)
    if (existing !== undefined) return existing
    const promise = (async () => {
      for (const need of job.needs ?? []) {
        const needed = jobs.find(j => j.id.value === need.value)
        if (needed !== undefined) await start(needed)
      }
      const outcome = await runAnyJob(engine, call, job, finished, ancestors(jobs, job.id.value))
      finished.set(job.id.value, outcome)
      return outcome
    })()
    running.set(job.id.value, promise)
    return promise
  }
  await Promise.all(jobs.map(start))
  return finished
}

function baseContexts(
  engine: Engine,
  call: WorkflowCall,
  job: WorkflowJob,
  finished: Map<string, Finished>
): Contexts {
  const needs: Record<string, unknown> = {}
  for (const need of job.needs ?? []) {
    const done = finished.get(need.value)
    needs[need.value] = { result: done?.result ?? 'skipped', outputs: done?.outputs ?? {} }
  }
  return {
    github: engine.github,
    inputs: call.inputs,
    vars: engine.options.vars ?? {},
    secrets: call.secrets,
    needs,
    env: call.env,
    job: { status: 'success' },
    runner: { os: 'Linux', arch: 'X64', name: 'rehearsal', temp: engine.options.workDir },
    strategy: {},
    matrix: {}
  }
}

async function runAnyJob(
  engine: Engine,
  call: WorkflowCall,
  job: WorkflowJob,
  finished: Map<string, Finished>,
  before: Set<string>
): Promise<Finished> {
  const results = [...before].map(id => finished.get(id)?.result ?? 'skipped')
  const evaluation = new Evaluation(
    engine,
    {
      contexts: baseContexts(engine, call, job, finished),
      status: () => ({
        failed: results.includes('failure'),
        cancelled: engine.signal.aborted,
        blocked: results.some(r => r !== 'success')
      })
    },
    { file: call.workflow.file, job: `${call.prefix}${job.id.value}` }
  )
  if (job.type === 'reusableWorkflowJob') return runCall(engine, call, job, evaluation)
  return runMatrix(engine, call, job, evaluation)
}

function conditionHolds(
  engine: Engine,
  evaluation: Evaluation,
  job: WorkflowJob,
  result: JobResult
): boolean {
  try {
    if (evaluation.condition(job.if.expression)) return true
    skip(engine, result, `if: ${job.if.expression}`)
  } catch (error) {
    result.state = 'failure'
    result.reason = error instanceof Error ? error.message : String(error)
    engine.listener.jobChanged(result)
  }
  return false
}

async function runMatrix(
  engine: Engine,
  call: WorkflowCall,
  job: Job,
  evaluation: Evaluation
): Promise<Finished> {
  // GitHub decides `if:` before it expands the matrix (a job-level `if` cannot read `matrix`).
  let combinations: Record<string, unknown>[] = [{}]
  let limit = 1
  const key = `${call.prefix}${job.id.value}`
  let runs: boolean
  try {
    runs = evaluation.condition(job.if.expression)
  } catch {
    runs = false
  }
  if (!runs) {
    const skipped = newJob(engine, call, job, key, job.id.value)
    conditionHolds(engine, evaluation, job, skipped)
    return { result: skipped.state as Conclusion, outputs: {} }
  }
  try {
    const strategy = job.strategy !== undefined ? evaluation.token(job.strategy) : undefined
    const settings = (strategy ?? {}) as { matrix?: unknown; 'max-parallel'?: unknown }
    if (settings.matrix !== undefined) combinations = expandMatrix(settings.matrix)
    limit = Math.max(1, Number(settings['max-parallel'] ?? combinations.length) || 1)
  } catch (error) {
    const failed = newJob(engine, call, job, key, job.id.value)
    failed.state = 'failure'
    failed.reason = error instanceof Error ? error.message : String(error)
    engine.listener.jobChanged(failed)
    return { result: 'failure', outputs: {} }
  }
  const outcomes: Finished[] = []
  const queue = combinations.map((matrix, index) => ({ matrix, index }))
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const name = matrixName(job.id.value, next.matrix)
      const scoped = evaluation.with({
        matrix: next.matrix,
        strategy: {
          'job-index': next.index,
          'job-total': combinations.length,
          'max-parallel': limit
        }
      })
      const result = newJob(engine, call, job, `${call.prefix}${name}`, name)
      try {
        // The converter always fills `name` (with the id): only a written `name:` replaces
        // the combination's name.
        const written = child(rawJob(call, job.id.value), 'name')
        if (written !== undefined) result.name = asText(scoped.token(written))
        await runJob(engine, call, job, result, scoped)
      } catch (error) {
        result.state = 'failure'
        result.reason = error instanceof Error ? error.message : String(error)
        engine.listener.jobChanged(result)
      }
      outcomes.push({ result: result.state as Conclusion, outputs: outputsOf(result) })
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, combinations.length) }, worker))
  return merge(outcomes)
}

function merge(outcomes: Finished[]): Finished {
  const states = outcomes.map(o => o.result)
  const result: Conclusion = states.includes('failure')
    ? 'failure'
    : states.includes('cancelled')
      ? 'cancelled'
      : states.every(s => s === 'skipped')
        ? 'skipped'
        : 'success'
  return {
    result,
    outputs: Object.assign({}, ...outcomes.map(o => o.outputs)) as Record<string, string>
  }
}

/** Inputs of a `workflow_call` with their defaults and types applied (the converter does neither). */
export function callInputs(
  callee: TemplateToken,
  given: Record<string, unknown>,
  evaluation: Evaluation
): Record<string, unknown> {
  const definitions = child(child(child(callee, 'on'), 'workflow_call'), 'inputs')
  const inputs: Record<string, unknown> = {}
  if (definitions === undefined || !isMapping(definitions)) return inputs
  for (const pair of definitions) {
    const name = pair.key.toString()
    const type = asText(evaluation.token(child(pair.value, 'type')))
    const fallback = evaluation.token(child(pair.value, 'default'))
    const value = name in given ? given[name] : fallback
    inputs[name] =
      type === 'boolean'
        ? value === true || asText(value) === 'true'
        : type === 'number'
          ? Number(asText(value) || 0)
          : asText(value)
  }
  return inputs
}

async function runCall(
  engine: Engine,
  call: WorkflowCall,
  job: ReusableWorkflowJob,
  evaluation: Evaluation
): Promise<Finished> {
  const key = `${call.prefix}${job.id.value}`
  const result = newJob(
    engine,
    call,
    job,
    key,
    child(rawJob(call, job.id.value), 'name') !== undefined && job.name !== undefined
      ? asText(evaluation.token(job.name))
      : job.id.value
  )
  if (!conditionHolds(engine, evaluation, job, result))
    return { result: result.state as Conclusion, outputs: {} }
  const path = job.ref.value.replace(/^\.\//, '').replace(/@.*$/, '')
  const workflow = engine.workflows.get(path)
  if (workflow === undefined) {
    result.state = 'failure'
    result.reason = `Reusable workflow ${job.ref.value} is not loaded.`
    return { result: 'failure', outputs: {} }
  }
  result.state = 'running'
  result.startedAt = engine.now()
  engine.listener.jobChanged(result)
  let finished: Map<string, Finished>
  try {
    const given = (evaluation.token(job['input-values']) ?? {}) as Record<string, unknown>
    const inputs = callInputs(workflow.root, given, evaluation)
    const secrets =
      job['inherit-secrets'] === true
        ? call.secrets
        : Object.fromEntries(
            Object.entries(
              (evaluation.token(job['secret-values']) ?? {}) as Record<string, unknown>
            ).map(([k, v]) => [k, asText(v)])
          )
    const calleeEvaluation = evaluation.with({ inputs, secrets, needs: {}, env: {} })
    const env = Object.fromEntries(
      Object.entries(
        (calleeEvaluation.token(workflow.template.env) ?? {}) as Record<string, unknown>
      ).map(([k, v]) => [k, asText(v)])
    )
    finished = await runWorkflow(engine, { workflow, inputs, secrets, prefix: `${key}/`, env })
    result.calls = engine.jobs.filter(j => j.key.startsWith(`${key}/`)).map(j => j.key)
    const outputsToken = child(child(child(workflow.root, 'on'), 'workflow_call'), 'outputs')
    const jobsContext = Object.fromEntries(
      [...finished].map(([id, f]) => [id, { result: f.result, outputs: f.outputs }])
    )
    const outputs: Record<string, string> = {}
    for (const pair of outputsToken !== undefined && isMapping(outputsToken) ? outputsToken : []) {
      outputs[pair.key.toString()] = asText(
        calleeEvaluation.with({ jobs: jobsContext }).token(child(pair.value, 'value'))
      )
    }
    Object.defineProperty(result, 'rawOutputs', { value: outputs, enumerable: false })
    result.outputs = outputs
  } catch (error) {
    result.state = 'failure'
    result.reason = error instanceof Error ? error.message : String(error)
    result.endedAt = engine.now()
    engine.listener.jobChanged(result)
    return { result: 'failure', outputs: {} }
  }
  const states = [...finished.values()].map(f => f.result)
  result.state = engine.signal.aborted
    ? 'cancelled'
    : states.includes('failure')
      ? 'failure'
      : states.includes('cancelled')
        ? 'cancelled'
        : 'success'
  if (result.state === 'failure') {
    const failed = engine.jobs.find(j => j.key.startsWith(`${key}/`) && j.state === 'failure')
    result.reason =
      failed !== undefined ? `${failed.key}: ${failed.reason ?? 'failed'}` : 'a job failed'
  }
  result.endedAt = engine.now()
  engine.listener.jobChanged(result)
  return { result: result.state, outputs: outputsOf(result) }
}
