import { randomBytes } from 'node:crypto'
import { simMsPerClockMs } from '../clock.js'
import { AwsError } from '../contract.js'
import { optionalEnum, requireString, type Input } from './input.js'
import type { DeploymentRec, PauseHookRec, ServiceDeploymentRec } from './model.js'
import { allServiceDeployments, requestRollback } from './service-deployments.js'
import { now, type EcsStore } from './store.js'

/**
 * PAUSE lifecycle hooks of BLUE_GREEN, CANARY and LINEAR deployments (ECS-DG "Pause hooks for
 * Amazon ECS service deployments", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html;
 * "Continuing service deployments", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/continue-service-deployment.html;
 * SDK d.ts DeploymentLifecycleHookDetail, DeploymentLifecycleHookTimeoutConfiguration,
 * ContinueServiceDeploymentRequest). When a deployment reaches a stage with a PAUSE hook, ECS
 * generates a hookId and the deployment waits, IN_PROGRESS, until ContinueServiceDeployment
 * (CONTINUE or ROLLBACK) or the hook's timeout (default 1440 minutes, action ROLLBACK).
 */

const DEFAULT_TIMEOUT_MINUTES = 1440
const ACTIONS = ['CONTINUE', 'ROLLBACK'] as const
type HookAction = (typeof ACTIONS)[number]

/** `ecs-pause-` and 43 base64url characters, the shape of the documented examples. */
function newHookId(): string {
  return `ecs-pause-${randomBytes(32).toString('base64url')}`
}

function timeoutOf(hook: Record<string, unknown>): { minutes: number; action: HookAction } {
  const timeout = (hook.timeoutConfiguration ?? {}) as Record<string, unknown>
  const minutes =
    typeof timeout.timeoutInMinutes === 'number' ? timeout.timeoutInMinutes : undefined
  const action = timeout.action === 'CONTINUE' ? 'CONTINUE' : 'ROLLBACK'
  return { minutes: minutes ?? DEFAULT_TIMEOUT_MINUTES, action }
}

/** The configured PAUSE hooks of the stage the deployment is in. */
function pauseHooksHere(sd: ServiceDeploymentRec): Record<string, unknown>[] {
  const stage = sd.lifecycleStage
  return (sd.deploymentConfiguration.lifecycleHooks ?? []).filter(
    hook =>
      hook.targetType === 'PAUSE' &&
      Array.isArray(hook.lifecycleStages) &&
      (hook.lifecycleStages as unknown[]).includes(stage)
  )
}

function openHooks(store: EcsStore, sd: ServiceDeploymentRec, visit: number): void {
  const at = now(store)
  for (const hook of pauseHooksHere(sd)) {
    const { minutes, action } = timeoutOf(hook)
    const simMs = minutes * 60_000
    const record: PauseHookRec = {
      hookId: newHookId(),
      targetType: 'PAUSE',
      status: 'AWAITING_ACTION',
      // Timestamps are the clock's; the timeout is sim time (contract.ts, "Time").
      expiresAt: new Date(at.getTime() + simMs / simMsPerClockMs(store.deps.clock)),
      timeoutAction: action,
      stage: sd.lifecycleStage ?? 'PRE_SCALE_UP',
      visit,
      expiresSim: store.simNow + simMs
    }
    sd.lifecycleHookDetails = [...(sd.lifecycleHookDetails ?? []), record]
  }
  sd.updatedAt = at
}

/**
 * Called each tick before a shifting deployment leaves its stage: true while a PAUSE hook of
 * this visit of the stage awaits action (the stage must not move on). Opens the hooks on the
 * first call of a visit and applies the timeout action once a hook expires.
 */
export function holdAtPauseHook(store: EcsStore, deployment: DeploymentRec): boolean {
  const sd = deployment.serviceDeployment
  if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING') return false
  const visit = sd.lifecycleHistory?.length ?? 0
  const mine = (sd.lifecycleHookDetails ?? []).filter(h => h.visit === visit)
  if (mine.length === 0) {
    if (pauseHooksHere(sd).length === 0) return false
    openHooks(store, sd, visit)
    return true
  }
  for (const hook of mine) {
    if (hook.status !== 'AWAITING_ACTION' || store.simNow < hook.expiresSim) continue
    hook.status = 'TIMED_OUT'
    sd.updatedAt = now(store)
    if (hook.timeoutAction === 'ROLLBACK') {
      requestRollback(store, sd, `the timeout of lifecycle hook ${hook.hookId}`)
      return true
    }
  }
  return mine.some(h => h.status === 'AWAITING_ACTION')
}

/**
 * ContinueServiceDeployment. Documented: the deployment must be IN_PROGRESS and the hook
 * AWAITING_ACTION; an unknown deployment is ServiceDeploymentNotFoundException (SDK d.ts).
 * UNVERIFIED: the exception for the other two cases (the SDK lists ClientException and
 * InvalidParameterException; the sim answers InvalidParameterException for an unknown hookId
 * and ClientException for a deployment or hook in another state).
 */
export function continueServiceDeployment(store: EcsStore, input: Input): unknown {
  const arn = requireString(input, 'serviceDeploymentArn')
  const hookId = requireString(input, 'hookId')
  const action = optionalEnum(input, 'action', ACTIONS) ?? 'CONTINUE'
  const sd = allServiceDeployments(store).find(s => s.arn === arn)
  if (sd === undefined) {
    throw new AwsError(
      'ServiceDeploymentNotFoundException',
      'The service deployment does not exist.'
    )
  }
  if (sd.status !== 'IN_PROGRESS') {
    throw new AwsError(
      'ClientException',
      `The service deployment is ${sd.status}; only an IN_PROGRESS deployment can be continued.`
    )
  }
  const hook = (sd.lifecycleHookDetails ?? []).find(h => h.hookId === hookId)
  if (hook === undefined) {
    throw new AwsError(
      'InvalidParameterException',
      `The lifecycle hook ${hookId} does not exist for service deployment ${arn}.`
    )
  }
  if (hook.status !== 'AWAITING_ACTION') {
    throw new AwsError(
      'ClientException',
      `The lifecycle hook ${hookId} is ${hook.status}; only a hook in AWAITING_ACTION can be continued.`
    )
  }
  sd.updatedAt = now(store)
  if (action === 'CONTINUE') {
    hook.status = 'SUCCEEDED'
  } else {
    // GUESS: a hook rolled back reads FAILED, as a Lambda hook that fails the deployment.
    hook.status = 'FAILED'
    requestRollback(store, sd, 'ContinueServiceDeployment')
  }
  return { serviceDeploymentArn: arn }
}
