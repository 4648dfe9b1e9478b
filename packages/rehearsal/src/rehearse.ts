import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { checkReferences } from './checks/references.js'
import { asText } from './expressions/data.js'
import { evaluateToken } from './expressions/evaluate.js'
import { actionResolver, declaredOutputs, type ActionResolver } from './engine/actions.js'
import { silentListener, type Engine, type RehearsalOptions } from './engine/context.js'
import { runWorkflow } from './engine/workflow-run.js'
import type { Problem, RehearsalResult } from './model.js'
import { WorkflowError, loadWorkflow, type LoadedWorkflow } from './workflow/load.js'
import { dispatchInputs, triggersOf, whyNotTriggered } from './workflow/triggers.js'
import { scaledClock } from '@fargate-promote/common'

export const REHEARSAL_TOKEN = 'ghs_rehearsal0000000000000000000000000000'

/** The workflow and every reusable workflow it calls with `uses: ./…`, at any depth. */
async function loadAll(repoRoot: string, file: string, loaded = new Map<string, LoadedWorkflow>()) {
  if (loaded.has(file)) return loaded
  const workflow = await loadWorkflow(repoRoot, file)
  loaded.set(workflow.file, workflow)
  for (const job of workflow.template.jobs) {
    if (job.type === 'reusableWorkflowJob' && job.ref.value.startsWith('./')) {
      await loadAll(repoRoot, job.ref.value.slice(2).replace(/@.*$/, ''), loaded)
    }
  }
  return loaded
}

function eventPayload(options: RehearsalOptions, inputs: Record<string, unknown>) {
  const [owner = '', name = ''] = options.repository.split('/')
  const repository = {
    full_name: options.repository,
    name,
    owner: { login: owner },
    default_branch: 'main'
  }
  const sender = { login: options.actor }
  return options.event === 'push'
    ? {
        ref: options.ref,
        after: options.sha,
        before: '0'.repeat(40),
        repository,
        sender,
        pusher: { name: options.actor },
        head_commit: { id: options.sha }
      }
    : {
        ref: options.ref,
        // The event payload carries inputs as strings; the `inputs` context has them typed.
        inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, asText(v)])),
        repository,
        sender,
        workflow: options.workflow
      }
}

function githubContext(
  options: RehearsalOptions,
  workflow: LoadedWorkflow,
  event: unknown
): Record<string, unknown> {
  const [owner = ''] = options.repository.split('/')
  return {
    event_name: options.event,
    event,
    ref: options.ref,
    ref_name: options.ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: options.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: options.sha,
    repository: options.repository,
    repository_owner: owner,
    actor: options.actor,
    triggering_actor: options.actor,
    run_id: String(options.runId ?? 1),
    run_number: '1',
    run_attempt: '1',
    workflow: workflow.title,
    workspace: options.repoRoot,
    server_url: 'https://github.com',
    api_url: `${options.sim.url}/github`,
    token: REHEARSAL_TOKEN,
    head_ref: '',
    base_ref: ''
  }
}

/** Checks everything that can be checked before a step runs; any error stops the rehearsal. */
function preflight(
  options: RehearsalOptions,
  workflows: Map<string, LoadedWorkflow>,
  root: TemplateToken,
  resolve: ActionResolver
) {
  const problems: Problem[] = []
  const why = whyNotTriggered(root, options.event, options.ref)
  if (why !== undefined) problems.push({ level: 'error', file: options.workflow, message: why })
  const { inputs, errors } =
    options.event === 'workflow_dispatch'
      ? dispatchInputs(root, options.inputs ?? {})
      : { inputs: {}, errors: [] }
  problems.push(
    ...errors.map(message => ({ level: 'error' as const, file: options.workflow, message }))
  )
  const secrets = new Set([
    'GITHUB_TOKEN',
    ...Object.keys(options.secrets ?? {}).map(k => k.toUpperCase())
  ])
  const vars = new Set(Object.keys(options.vars ?? {}).map(k => k.toUpperCase()))
  for (const workflow of workflows.values()) {
    // A called workflow also has the secrets its caller passes it (declared under workflow_call).
    const declared = Object.keys(
      (triggersOf(workflow.root).workflow_call?.secrets ?? {}) as Record<string, unknown>
    ).map(k => k.toUpperCase())
    problems.push(
      ...checkReferences({
        workflow,
        actionOutputs: uses => declaredOutputs(resolve, uses),
        vars,
        secrets: new Set([...secrets, ...declared]),
        level: options.strict === true ? 'error' : 'warning'
      })
    )
    problems.push(...missingStandIns(workflow, resolve))
  }
  return { problems, inputs }
}

/** Every `uses:` of a step that has neither a bundle nor a stand-in, before anything runs. */
function missingStandIns(workflow: LoadedWorkflow, resolve: ActionResolver): Problem[] {
  const problems: Problem[] = []
  for (const job of workflow.template.jobs) {
    if (job.type !== 'job') continue
    for (const step of job.steps) {
      if (!('uses' in step) || resolve(step.uses.value).kind !== 'unknown') continue
      problems.push({
        level: 'error',
        file: workflow.file,
        line: step.uses.line,
        column: step.uses.col,
        job: job.id.value,
        step: step.id,
        message: `No stand-in for ${step.uses.value}: declare one in .github/rehearsal.yml under stand-ins (note, outputs).`
      })
    }
  }
  return problems
}

/**
 * Rehearses a workflow file against the simulator: parsed and converted by GitHub's parser,
 * checked before anything runs, then run job by job with GitHub's expression engine. Throws a
 * WorkflowError (with every problem) when the workflow cannot be rehearsed.
 */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const listener = options.listener ?? silentListener
  let workflows: Map<string, LoadedWorkflow>
  try {
    workflows = await loadAll(options.repoRoot, options.workflow)
  } catch (error) {
    // The parser's own errors are shown where every other problem is.
    if (error instanceof WorkflowError) error.problems.forEach(p => listener.problem(p))
    throw error
  }
  const workflow = workflows.get(options.workflow) ?? [...workflows.values()][0]
  if (workflow === undefined)
    throw new WorkflowError([{ level: 'error', file: options.workflow, message: 'Not loaded.' }])
  // One resolver for the whole rehearsal: each action.yml is read once.
  const resolve = actionResolver(options.product, options.standIns)
  const { problems, inputs } = preflight(options, workflows, workflow.root, resolve)
  problems.forEach(p => listener.problem(p))
  if (problems.some(p => p.level === 'error')) throw new WorkflowError(problems)
  await mkdir(options.workDir, { recursive: true })
  const event = eventPayload(options, inputs)
  await writeFile(join(options.workDir, 'event.json'), JSON.stringify(event))
  // The simulator's clock: sim time now, and waits (wait timers) in sim time.
  const clock = scaledClock(options.sim.time)
  let ids = 0
  const engine: Engine = {
    options,
    listener,
    jobs: [],
    problems: [...problems],
    standIns: {},
    timeline: [],
    masks: [REHEARSAL_TOKEN, ...Object.values(options.secrets ?? {}).filter(v => v.length >= 3)],
    signal: options.signal ?? new AbortController().signal,
    workflows,
    resolve,
    github: githubContext(options, workflow, event),
    groups: new Map(),
    now: () => clock.now(),
    sleep: ms => clock.sleep(ms),
    nextId: () => ++ids
  }
  const startedAt = engine.now()
  const secrets = { GITHUB_TOKEN: REHEARSAL_TOKEN, ...options.secrets }
  // The workflow's env: may read github, inputs, vars and secrets.
  const envValue = evaluateToken(workflow.template.env, {
    contexts: { github: engine.github, inputs, vars: options.vars ?? {}, secrets },
    status: () => ({ failed: false, cancelled: false })
  })
  const workflowEnv = Object.fromEntries(
    Object.entries((envValue ?? {}) as Record<string, unknown>).map(([k, v]) => [k, asText(v)])
  )
  await runWorkflow(engine, {
    workflow,
    inputs,
    secrets,
    prefix: '',
    env: workflowEnv
  })
  const top = engine.jobs.filter(j => !j.key.includes('/'))
  const conclusion = engine.signal.aborted
    ? 'cancelled'
    : top.some(j => j.state === 'failure' || j.state === 'cancelled')
      ? 'failure'
      : 'success'
  return {
    workflow: workflow.file,
    title: workflow.title,
    event: options.event,
    ref: options.ref,
    sha: options.sha,
    startedAt,
    endedAt: engine.now(),
    jobs: engine.jobs,
    problems: engine.problems,
    standIns: engine.standIns,
    timeline: engine.timeline,
    conclusion
  }
}
