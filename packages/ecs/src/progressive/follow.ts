import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ServiceDeploymentLifecycleStage,
  StopServiceDeploymentCommand,
  type ServiceDeployment
} from '@aws-sdk/client-ecs'
import { startWaiting } from '@fargate-promote/common'
import { PollFailures } from '../watch/poll-failures.js'
import { analyse, type AnalysisResult } from './analysis.js'
import type {
  BlastRadius,
  FollowProgressiveDeps,
  FollowProgressiveOptions,
  ProgressiveOutcome,
  ProgressiveResult,
  ProgressiveStep,
  TestTrafficVerdict
} from './follow-types.js'
import { revisionTraffic } from './metrics.js'
import { productionShare } from './weights.js'

const MINUTE_MS = 60_000
/** The stages AWS documents; the SDK's enum lacks PRE_PRODUCTION_TRAFFIC_SHIFT. */
const KNOWN_STAGES = new Set<string>([
  ...Object.values(ServiceDeploymentLifecycleStage),
  'PRE_PRODUCTION_TRAFFIC_SHIFT'
])

interface State {
  readonly startedAt: number
  steps: ProgressiveStep[]
  /** The step under way and where its next analysis window starts. */
  open?: { step: ProgressiveStep; analysedFrom: number; analysedTo: number }
  /** The latest lifecycle stage and status ECS reported ('' before the first look). */
  stage: string
  status: string
  weightNew?: number
  /** Why this run decided to roll back (kept from the decision on, so it is never forgotten). */
  stopping?: string
  /** ECS took the rollback request; until then every look sends it again. */
  stopAccepted?: boolean
  continued: Set<string>
  /** When the weights were last read: the earliest a move seen now could have happened. */
  lastLookAt?: number
  testTraffic?: TestTrafficVerdict & { startedAt: number; endedAt: number }
  /** The earliest the first production step could have started (the look before it was seen). */
  firstMoveFrom?: number
  /** Rolled back through a PAUSE hook before production weights moved (the hook held them). */
  heldBeforeProduction?: boolean
}

type Ending = { outcome: ProgressiveOutcome; reason: string; hookId?: string; pausedAt?: string }

type Context = { options: FollowProgressiveOptions; deps: FollowProgressiveDeps; state: State }

async function describe(context: Context): Promise<ServiceDeployment> {
  const arn = context.options.serviceDeploymentArn
  const out = await context.deps.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })
  )
  const deployment = out.serviceDeployments?.[0]
  if (deployment === undefined) {
    const why = out.failures?.[0]?.reason ?? 'not found'
    throw new Error(
      `Service deployment ${arn} of ${context.options.service}: ${why}. Pass the ARN UpdateService returned as currentServiceDeployment.`
    )
  }
  return deployment
}

function noteStage(context: Context, deployment: ServiceDeployment): void {
  const { state, deps, options } = context
  const stage = deployment.lifecycleStage ?? 'UNKNOWN'
  const status = deployment.status ?? 'UNKNOWN'
  if (stage === state.stage && status === state.status) return
  state.stage = stage
  state.status = status
  // A stage AWS adds later is followed like any other; the line says this code does not know it.
  const unknown = KNOWN_STAGES.has(stage) ? '' : ' (a stage this version does not know)'
  deps.log.info(`${options.service}: ${status} at ${stage}${unknown}`)
}

/** How the deployment ended, once ECS says it did. */
/** What the analysis said of a completed deployment: only what it observed. */
function completed(state: State): string {
  const unjudged = state.steps.filter(step => step.analysis?.verdict !== 'pass')
  if (state.steps.length === 0) {
    return 'The deployment completed; no production traffic step was seen, so none was judged.'
  }
  if (unjudged.length === 0) return 'The deployment completed with every analysis passed.'
  const which = unjudged.map(step => `${step.weightNew}%`).join(', ')
  return `The deployment completed, but the step${unjudged.length > 1 ? 's' : ''} at ${which} ended before a whole window had enough requests to judge (min-requests); ${unjudged.length === state.steps.length ? 'nothing was judged' : 'the others passed'}.`
}

function ending(state: State, deployment: ServiceDeployment): Ending | undefined {
  // ECS's reasons end with a full stop of their own.
  const reason = deployment.statusReason?.replace(/\.$/, '')
  const why = reason ? `: ${reason}` : ''
  switch (deployment.status) {
    case 'SUCCESSFUL':
      return state.stopping === undefined
        ? { outcome: 'succeeded', reason: completed(state) }
        : {
            outcome: 'failed',
            reason: `Rollback asked (${state.stopping}) but the deployment completed${why}.`
          }
    case 'ROLLBACK_SUCCESSFUL':
      return {
        outcome: 'rolled-back',
        reason: state.stopping ?? `ECS rolled the deployment back${why}.`
      }
    case 'ROLLBACK_FAILED':
      return { outcome: 'failed', reason: `The rollback failed${why}.` }
    case 'STOPPED':
      return { outcome: 'failed', reason: `The deployment was stopped${why}.` }
    default:
      return undefined
  }
}

function noteWeight(context: Context, weightNew: number, now: number): void {
  const { state, deps, options } = context
  if (weightNew === state.weightNew) return
  state.weightNew = weightNew
  deps.log.info(
    `${options.service}: production traffic ${weightNew}% new, ${Math.round((100 - weightNew) * 10) / 10}% old`
  )
  if (state.open !== undefined) state.open.step.endedAt = now
  state.open = undefined
  if (weightNew <= 0) return
  const step: ProgressiveStep = { stage: state.stage, weightNew, startedAt: now }
  state.steps.push(step)
  // The window starts at the look before: a move just before a minute boundary but seen after
  // it would otherwise cost a whole minute of traffic before the first verdict.
  const from = state.lastLookAt ?? now
  state.firstMoveFrom ??= from
  state.open = { step, analysedFrom: from, analysedTo: from }
}

/** The analysis of the open step's next whole window, once it is over. */
async function analyseStep(context: Context, now: number): Promise<AnalysisResult | undefined> {
  const { state, options, deps } = context
  const open = state.open
  if (open === undefined) return undefined
  const from = Math.ceil(open.analysedFrom / MINUTE_MS) * MINUTE_MS
  const after = Math.max(from, open.analysedTo)
  // A minute is judged once CloudWatch has it: metricsDelayMs after it ends.
  const published = now - (options.metricsDelayMs ?? 0)
  if (published < after + (options.analysisIntervalMs ?? MINUTE_MS)) return undefined
  const window = { loadBalancer: options.loadBalancer, from, to: published }
  const { old, new: fresh } = options.productionTargetGroups
  const candidate = await revisionTraffic({ ...window, targetGroup: fresh }, deps)
  const baseline = await revisionTraffic({ ...window, targetGroup: old }, deps)
  const result = analyse({
    candidate: candidate.total,
    baseline: baseline.total,
    thresholds: options.thresholds
  })
  const at = `${new Date(candidate.from).toISOString()}–${new Date(candidate.to).toISOString()}`
  deps.log.info(
    `${options.service}: ${open.step.weightNew}% step, ${at}: ${result.verdict} — ${result.reasons.join('; ')}`
  )
  open.step.analysis = { ...result, candidate: candidate.total, baseline: baseline.total }
  // An inconclusive window grows by a whole interval at a time until it holds enough requests.
  open.analysedTo = candidate.to
  if (result.verdict !== 'inconclusive') open.analysedFrom = candidate.to
  return result
}

/** Asks ECS to roll back at once; `why` is the sentence the result and the log give. */
async function rollBack(context: Context, why: string, hookId: string | undefined): Promise<void> {
  const { deps, options, state } = context
  deps.log.warning(`${options.service}: ${why}; rolling back.`)
  // The decision is kept before the request: one that fails (an AWS error that heals) is sent
  // again at every look until ECS takes it, and a later window that passes cannot undo it.
  state.stopping = why
  if (hookId !== undefined && state.steps.length === 0) state.heldBeforeProduction = true
  await sendRollback(context, hookId)
}

async function sendRollback(context: Context, hookId: string | undefined): Promise<void> {
  const { deps, options, state } = context
  const serviceDeploymentArn = options.serviceDeploymentArn
  if (hookId === undefined) {
    await deps.ecs.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' })
    )
  } else {
    await deps.ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId, action: 'ROLLBACK' })
    )
  }
  state.stopAccepted = true
}

async function continueHook(context: Context, hookId: string, why: string): Promise<void> {
  const { options, state, deps } = context
  deps.log.info(`${options.service}: continuing past the pause at ${state.stage} (${why}).`)
  await deps.ecs.send(
    new ContinueServiceDeploymentCommand({
      serviceDeploymentArn: options.serviceDeploymentArn,
      hookId,
      action: 'CONTINUE'
    })
  )
  state.continued.add(hookId)
}

/**
 * At POST_TEST_TRAFFIC_SHIFT, once: the test-traffic checks. A failure rolls back through the
 * hook before any production traffic moves. True when the hook is dealt with.
 */
async function verifyTestTraffic(context: Context, hookId: string): Promise<boolean> {
  const { options, state, deps } = context
  const check = deps.testTraffic
  if (check === undefined || state.stage !== 'POST_TEST_TRAFFIC_SHIFT') return false
  if (state.testTraffic !== undefined) return false
  const startedAt = deps.clock.now()
  deps.log.info(`${options.service}: verifying the new revision through the test listener.`)
  const verdict = await check(deps.signal)
  // A cancelled run ends the following; the hook stays for its timeout or a later run.
  if (deps.signal?.aborted) return true
  state.testTraffic = { ...verdict, startedAt, endedAt: deps.clock.now() }
  const lines = verdict.reasons.join('; ')
  if (!verdict.passed) {
    await rollBack(context, `The test traffic failed: ${lines}`, hookId)
    return true
  }
  deps.log.info(`${options.service}: the test traffic passed — ${lines}`)
  if (!(options.verificationStages ?? []).includes(state.stage)) return false
  await continueHook(context, hookId, 'the test traffic passed')
  return true
}

async function onPause(context: Context, hookId: string): Promise<Ending | undefined> {
  const { options, state, deps } = context
  if (await verifyTestTraffic(context, hookId)) return undefined
  if (deps.testTraffic === undefined && (options.verificationStages ?? []).includes(state.stage)) {
    // A verification hook with nothing to verify with: never continued unjudged.
    const reason = `Paused at ${state.stage} (hook ${hookId}) for the test-traffic verification; run again with test-url to verify and continue, or abort.`
    return { outcome: 'paused', hookId, pausedAt: state.stage, reason }
  }
  if (options.pauses === 'wait') {
    const reason = `Paused at ${state.stage} (hook ${hookId}).`
    return { outcome: 'paused', hookId, pausedAt: state.stage, reason }
  }
  const verdict = state.open?.step.analysis?.verdict
  if (state.open !== undefined && verdict !== 'pass') return undefined
  const why =
    state.open === undefined ? 'no production traffic on the new revision yet' : 'the step passed'
  await continueHook(context, hookId, why)
  return undefined
}

/** One look at the deployment: its stage, the weights, an analysis, a pause; the end if over. */
async function observe(context: Context): Promise<Ending | undefined> {
  const { state, options, deps } = context
  const deployment = await describe(context)
  noteStage(context, deployment)
  const ended = ending(state, deployment)
  const now = deps.clock.now()
  const { productionListenerRule: rule, productionTargetGroups: groups } = options
  noteWeight(context, await productionShare(rule, groups.new, deps.elb), now)
  state.lastLookAt = now
  if (ended !== undefined) return ended
  const hookId = deployment.lifecycleHookDetails?.find(
    h => h.status === 'AWAITING_ACTION' && h.hookId !== undefined && !state.continued.has(h.hookId)
  )?.hookId
  if (state.stopping !== undefined) {
    if (state.stopAccepted !== true) {
      deps.log.info(`${options.service}: asking ECS again to roll back (${state.stopping}).`)
      await sendRollback(context, hookId)
    }
    return undefined
  }
  const result = await analyseStep(context, now)
  if (result?.verdict === 'fail') {
    await rollBack(context, `The analysis failed: ${result.reasons.join('; ')}`, hookId)
    return undefined
  }
  return hookId === undefined ? undefined : onPause(context, hookId)
}

/**
 * One look, under the rule of every poll loop (PollFailures): an AWS error that heals is noted
 * and the next look tries again; one that will not heal ends the following with that error.
 */
async function look(context: Context, failures: PollFailures): Promise<Ending | undefined> {
  try {
    const ended = await observe(context)
    failures.succeeded()
    return ended
  } catch (error) {
    if (!failures.failed(`AWS (following ${context.options.service})`, error)) throw error
    return undefined
  }
}

/**
 * Both target groups' requests from the minute production traffic first moved (a blue/green's
 * test requests before it reach the same target group and are not production's) to the end.
 * Rolled back at a hook before any weight moved: no production request reached the new revision.
 */
async function blastRadius(context: Context, now: number): Promise<BlastRadius> {
  const { options, deps, state } = context
  const first = state.steps[0]
  const since = first === undefined ? state.startedAt : (state.firstMoveFrom ?? first.startedAt)
  const window = {
    loadBalancer: options.loadBalancer,
    from: Math.floor(since / MINUTE_MS) * MINUTE_MS,
    to: Math.ceil(now / MINUTE_MS) * MINUTE_MS
  }
  const { old, new: fresh } = options.productionTargetGroups
  const toNew = state.heldBeforeProduction
    ? 0
    : (await revisionTraffic({ ...window, targetGroup: fresh }, deps)).total.requests
  const toOld = (await revisionTraffic({ ...window, targetGroup: old }, deps)).total.requests
  const total = toNew + toOld
  return { requestsToNew: toNew, requestsTotal: total, share: total === 0 ? 0 : toNew / total }
}

/**
 * After a rollback, the minute in which the weights went back still holds requests to the new
 * revision, and CloudWatch publishes only whole minutes: wait for it (at most a minute, never
 * past the deadline), or the blast radius would leave out the last seconds of the canary.
 */
async function awaitLastMinute(context: Context, ending: Ending): Promise<void> {
  const { deps, options } = context
  if (ending.outcome !== 'rolled-back' || deps.signal?.aborted) return
  const now = deps.clock.now()
  const published = Math.ceil(now / MINUTE_MS) * MINUTE_MS
  const until = Math.min(published + (options.metricsDelayMs ?? 0), options.deadline)
  if (until <= now) return
  deps.log.info(
    `${options.service}: waiting ${Math.ceil((until - now) / 1000)}s for the last minute's metrics, to count every request the new revision got.`
  )
  await deps.clock.sleep(until - now, deps.signal)
}

async function finish(context: Context, ending: Ending): Promise<ProgressiveResult> {
  await awaitLastMinute(context, ending)
  const now = context.deps.clock.now()
  if (context.state.open !== undefined) context.state.open.step.endedAt ??= now
  // A completion with a step nobody judged is said as loudly as a failure.
  const judged = context.state.steps.every(step => step.analysis?.verdict === 'pass')
  const log =
    ending.outcome === 'succeeded' && judged && context.state.steps.length > 0 ? 'info' : 'warning'
  context.deps.log[log](`${context.options.service}: ${ending.outcome} — ${ending.reason}`)
  const { steps, testTraffic } = context.state
  return {
    ...ending,
    steps,
    blastRadius: await blastRadius(context, now),
    ...(testTraffic !== undefined && { testTraffic })
  }
}

/**
 * Follows one ECS-native progressive deployment (CANARY, LINEAR, BLUE_GREEN) to its end and
 * judges it: during every production step with traffic on the new revision, each whole analysis
 * window of the new target group's metrics is analysed against the old group's over the same
 * window. A failed analysis rolls back at once (StopServiceDeployment ROLLBACK, or the PAUSE
 * hook's ContinueServiceDeployment ROLLBACK when one awaits action) and the following goes on
 * until ECS says the rollback is over. A deadline or the signal ends only the following, never
 * the deployment: ECS's own settings (circuit breaker, alarms, hook timeouts) still apply.
 */
export async function followProgressive(
  options: FollowProgressiveOptions,
  deps: FollowProgressiveDeps
): Promise<ProgressiveResult> {
  const { clock, signal } = deps
  const state: State = {
    startedAt: clock.now(),
    steps: [],
    continued: new Set(),
    stage: '',
    status: '',
    // Asked for before following (a resume's abort), and taken by ECS: never sent again.
    ...(options.stopping !== undefined && { stopping: options.stopping, stopAccepted: true })
  }
  const context: Context = { options, deps, state }
  const failures = new PollFailures(deps, {
    intervalMs: options.pollIntervalMs ?? 5_000,
    deadline: options.deadline,
    doing: 'still following'
  })
  const waiting = startWaiting(deps, {
    what: `Following the deployment of ${options.service} in cluster ${options.cluster}`,
    deadline: options.deadline,
    state: () => `${state.status} at ${state.stage}, ${state.weightNew ?? 0}% new`
  })
  try {
    for (;;) {
      if (signal?.aborted) {
        return await finish(context, {
          outcome: 'cancelled',
          reason: 'Cancelled while following the deployment.'
        })
      }
      const ended = await look(context, failures)
      if (ended !== undefined) return await finish(context, ended)
      const now = clock.now()
      if (now >= options.deadline) {
        const outage = failures.outage()
        const where = state.stage === '' ? 'Not seen' : `Still ${state.status} at ${state.stage}`
        const reason = `${where} at the deadline (the timeout)${outage === undefined ? '' : `; ${outage}`}.`
        return await finish(context, { outcome: 'timed-out', reason })
      }
      await waiting.sleep(Math.min(failures.waitMs, options.deadline - now), signal)
    }
  } finally {
    waiting.end()
  }
}
