import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Step } from '@actions/workflow-parser/model/workflow-template'
import { isBasicExpression } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { asText } from '../expressions/data.js'
import { interpolate } from '../expressions/interpolate.js'
import type { StepResult } from '../model.js'
import type { ActionManifest } from './actions.js'
import { CommandReader, maskText } from './commands.js'
import { emitStep } from './context.js'
import type { JobState } from './job-state.js'
import { runProcess } from './process.js'
import { runnerEnv } from './runner-env.js'
import { RehearsalStepError } from './scope.js'
import { stepFiles } from './step-files.js'
import { trackEnvironmentEvents } from './timeline.js'
import { child } from '../workflow/tokens.js'

function textMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = asText(v)
  }
  return out
}

/** The step's name as GitHub shows it. */
function displayName(job: JobState, raw: TemplateToken, model: Step): string {
  const name = child(raw, 'name')
  if (name !== undefined) return asText(job.evaluation.token(name))
  if ('uses' in model) return `Run ${model.uses.value}`
  if ('run' in model) {
    // The script as written (an expression token's converted form is not what anyone wrote).
    const script = child(raw, 'run')
    const text =
      script !== undefined && isBasicExpression(script) ? script.source : model.run.toString()
    return `Run ${(text?.trim().split('\n')[0] ?? '').slice(0, 60)}`
  }
  return model.id
}

export interface StepRun {
  job: JobState
  result: StepResult
  reader: CommandReader
}

/** Streams a line: commands read, masks applied, the line kept in the log and sent on. */
export function onLine(run: StepRun, hidden = false): (line: string) => void {
  return line => {
    const hide = run.reader.read(line) || hidden
    run.job.engine.masks.push(...run.reader.effects.masks.splice(0))
    if (hide) return
    const masked = maskText(line, run.job.engine.masks)
    run.result.log += `${masked}\n`
    run.job.engine.listener.stepLine(run.job.result, run.result, masked)
  }
}

/** Records what a step left in its files; returns its state for a post step. */
async function collect(run: StepRun, files: Awaited<ReturnType<typeof stepFiles>>) {
  const { job, result } = run
  const read = await files.read()
  Object.assign(job.exported, read.exported)
  job.path.unshift(...read.path.reverse())
  result.outputs = read.outputs
  result.summary += maskText(read.summary, job.engine.masks)
  result.annotations.push(
    ...run.reader.effects.annotations.map(a => ({
      ...a,
      message: maskText(a.message, job.engine.masks)
    }))
  )
  return read.state
}

function shellCommand(shell: string | undefined, script: string): [string, string[]] {
  if (shell === undefined) return ['bash', ['-e', script]]
  if (shell === 'bash') return ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]]
  if (shell === 'sh') return ['sh', ['-e', script]]
  if (shell.includes('{0}')) {
    const [command = 'bash', ...args] = shell.split(/\s+/)
    return [command, args.map(a => (a === '{0}' ? script : a))]
  }
  throw new RehearsalStepError(
    `Shell ${shell} is not available in a rehearsal (bash, sh or a command with {0}).`
  )
}

async function runScript(
  run: StepRun,
  raw: TemplateToken,
  script: string,
  env: Record<string, string>
) {
  const { job } = run
  const shell = child(raw, 'shell')
  const dirToken = child(raw, 'working-directory')
  const workingDirectory =
    dirToken !== undefined ? asText(job.evaluation.token(dirToken)) : job.defaults.workingDirectory
  const file = join(job.dir, `${run.result.id}-${job.engine.nextId()}.sh`)
  await writeFile(file, script)
  const files = await stepFiles(job.dir, run.result.id)
  const [command, args] = shellCommand(
    shell !== undefined ? asText(job.evaluation.token(shell)) : job.defaults.shell,
    file
  )
  const code = await runProcess({
    command,
    args,
    cwd: resolve(job.engine.options.repoRoot, workingDirectory ?? '.'),
    env: { ...runnerEnv(job, files.env), ...env },
    onLine: onLine(run),
    signal: job.signal
  })
  await collect(run, files)
  if (code !== 0) throw new StepFailed(`Process completed with exit code ${code}.`)
}

export class StepFailed extends Error {}

function inputEnv(
  job: JobState,
  manifest: ActionManifest,
  given: Record<string, string>
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of Object.keys(given)) {
    if (!(name in manifest.inputs)) {
      job.evaluation.problem(
        'warning',
        '',
        `Input ${name} is not an input of ${manifest.name}; GitHub warns about it too.`
      )
    }
  }
  for (const [name, input] of Object.entries(manifest.inputs)) {
    const value =
      given[name] ??
      (input.default !== undefined
        ? interpolate(input.default, e => job.evaluation.value(e))
        : undefined)
    if (value === undefined && input.required === true) {
      // The runner does not enforce `required` (only the action itself can): a warning.
      job.evaluation.problem('warning', '', `Input required and not supplied: ${name}`)
    }
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

async function runBundle(
  run: StepRun,
  dir: string,
  entry: string,
  env: Record<string, string>,
  state: Record<string, string> = {}
) {
  const { job } = run
  const files = await stepFiles(
    job.dir,
    `${run.result.id}${run.result.post === true ? '-post' : ''}`
  )
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
  const code = await runProcess({
    command: job.engine.options.node ?? process.execPath,
    args: [join(dir, entry)],
    cwd: job.engine.options.repoRoot,
    env: { ...runnerEnv(job, files.env), ...env, ...stateEnv },
    onLine: onLine(run),
    signal: job.signal
  })
  return { code, state: await collect(run, files) }
}

function failedBundle(run: StepRun, entry: string, code: number): StepFailed {
  return new StepFailed(`${run.result.uses ?? entry} failed (exit code ${code}).`)
}

/** Runs one `uses:` step: our bundle, or its stand-in. */
async function runUses(
  run: StepRun,
  uses: string,
  given: Record<string, string>,
  env: Record<string, string>
) {
  const { job } = run
  const { options } = job.engine
  const action = job.engine.resolve(uses)
  if (action.kind === 'unknown') {
    throw new RehearsalStepError(
      `No stand-in for ${uses}: the rehearsal cannot run third-party actions. Declare one in .github/rehearsal.yml:\n  stand-ins:\n    ${action.key}:\n      note: what it does instead\n      outputs: { name: value }`
    )
  }
  if (action.kind === 'stand-in') {
    run.result.kind = 'stand-in'
    job.engine.standIns[action.key] = action.standIn.description
    const outcome = await action.standIn.run({
      with: given,
      env: { ...runnerEnv(job, {}), ...env },
      workspace: options.repoRoot,
      runnerTemp: job.dir,
      artifacts: join(options.workDir, 'artifacts'),
      simUrl: options.sim.url,
      signal: job.signal
    })
    run.result.standIn = outcome.note
    run.result.outputs = outcome.outputs ?? {}
    Object.assign(job.exported, outcome.env ?? {})
    if (outcome.summary !== undefined) run.result.summary += outcome.summary
    onLine(run)(`(stand-in) ${outcome.note}`)
    if (outcome.failure !== undefined) throw new StepFailed(outcome.failure)
    return
  }
  const inputs = inputEnv(job, action.manifest, given)
  const { code, state } = await runBundle(run, action.dir, action.manifest.main, {
    ...env,
    ...inputs
  })
  trackEnvironmentEvents(job, run.result, given)
  const { post } = action.manifest
  // Registered once the main step ran, whatever its result: `post-if` decides (always() by default).
  if (post !== undefined) {
    job.posts.push({
      stepId: run.result.id,
      name: run.result.name,
      uses,
      dir: action.dir,
      manifest: { ...action.manifest, post },
      inputEnv: { ...env, ...inputs },
      state
    })
  }
  if (code !== 0) throw failedBundle(run, action.manifest.main, code)
}

function newStep(id: string, name: string, kind: StepResult['kind'], uses?: string): StepResult {
  return {
    id,
    name,
    kind,
    ...(uses !== undefined && { uses }),
    state: 'queued',
    outputs: {},
    log: '',
    summary: '',
    annotations: []
  }
}

function finish(job: JobState, result: StepResult, state: StepResult['state'], reason?: string) {
  result.state = state
  result.endedAt = job.engine.now()
  if (reason !== undefined) result.reason = maskText(reason, job.engine.masks)
  result.outputs = Object.fromEntries(
    Object.entries(result.outputs).map(([k, v]) => [k, maskText(v, job.engine.masks)])
  )
  emitStep(job.engine, job.result, result)
}

/** Runs one step of a job as the runner does, recording its result in the job. */
export async function runStep(job: JobState, raw: TemplateToken, model: Step): Promise<void> {
  const uses = 'uses' in model ? model.uses.value : undefined
  const result = newStep(model.id, model.id, uses !== undefined ? 'action' : 'run', uses)
  job.result.steps.push(result)
  const run: StepRun = { job, result, reader: new CommandReader() }
  const evaluation = job.evaluation.with(
    { steps: job.steps, env: { ...job.baseEnv, ...job.exported } },
    model.id
  )
  const scoped: JobState = { ...job, evaluation }
  try {
    result.name = displayName(scoped, raw, model)
    const runIf = 'if' in model && model.if !== undefined ? model.if.expression : 'success()'
    if (!evaluation.condition(runIf)) {
      finish(job, result, 'skipped')
      job.steps[model.id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} }
      return
    }
    result.state = 'running'
    result.startedAt = job.engine.now()
    emitStep(job.engine, job.result, result)
    const env = textMap(evaluation.token(child(raw, 'env')))
    // The step's own env: is part of the env context of its run: and with:.
    const inner = evaluation.with({ env: { ...job.baseEnv, ...job.exported, ...env } }, model.id)
    const innerJob: JobState = { ...job, evaluation: inner }
    if ('run' in model) {
      await runScript({ ...run, job: innerJob }, raw, asText(inner.token(model.run)), env)
    } else if (uses !== undefined) {
      await runUses({ ...run, job: innerJob }, uses, textMap(inner.token(child(raw, 'with'))), env)
    }
    const outputs = result.outputs
    finish(job, result, 'success')
    // Later steps read the real values; only the stored result is masked.
    job.steps[model.id] = { outcome: 'success', conclusion: 'success', outputs }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (!(error instanceof StepFailed) && !(error instanceof RehearsalStepError))
      onLine(run)(message)
    const cancelled = job.signal.aborted
    const outputs = result.outputs
    finish(job, result, cancelled ? 'cancelled' : 'failure', message)
    const continueToken = child(raw, 'continue-on-error')
    const continues =
      continueToken !== undefined && asText(safeToken(scoped, continueToken)) === 'true'
    const outcome = cancelled ? 'cancelled' : 'failure'
    // continue-on-error: the outcome is failure, the conclusion success (GitHub's steps context).
    job.steps[model.id] = { outcome, conclusion: continues ? 'success' : outcome, outputs }
    if (!continues) job.failed = true
  }
}

function safeToken(job: JobState, token: TemplateToken): unknown {
  try {
    return job.evaluation.token(token)
  } catch {
    return false
  }
}

/** Post steps, newest first, each under its `post-if` (default `always()`). */
export async function runPosts(job: JobState): Promise<void> {
  for (const post of [...job.posts].reverse()) {
    const result = newStep(`${post.stepId}-post`, `Post ${post.name}`, 'action', post.uses)
    result.post = true
    job.result.steps.push(result)
    const run: StepRun = { job, result, reader: new CommandReader() }
    try {
      if (
        !job.evaluation.with({ steps: job.steps }).condition(post.manifest.postIf ?? 'always()')
      ) {
        finish(job, result, 'skipped')
        continue
      }
      result.state = 'running'
      result.startedAt = job.engine.now()
      emitStep(job.engine, job.result, result)
      const { code } = await runBundle(run, post.dir, post.manifest.post, post.inputEnv, post.state)
      if (code !== 0) throw failedBundle(run, post.manifest.post, code)
      finish(job, result, 'success')
    } catch (error) {
      finish(job, result, 'failure', error instanceof Error ? error.message : String(error))
      job.failed = true
    }
  }
}
