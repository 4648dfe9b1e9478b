import type {
  DeploymentConfig,
  DeploymentRec,
  ServiceRec,
  ShiftLb,
  ShiftState,
  TaskRec
} from './model.js'
import { addEvent, now, serviceTasks, type EcsStore } from './store.js'
import { isLive, stopTask } from './tasks.js'
import { closeOpenHooks } from './open-hooks.js'

/**
 * Traffic bookkeeping for ECS-native BLUE_GREEN, CANARY and LINEAR deployments (ECS-DG
 * "Amazon ECS blue/green deployments"): which target group serves production, the weights ECS
 * writes on the production (and test) listener rule, and the instant rollback that points
 * production back at the blue tasks, which keep running until CLEAN_UP.
 */

const MINUTE_MS = 60_000

type Weights = { targetGroupArn: string; weight: number }[]

/**
 * Forward weights sending `greenPercent` % to green. Whole percentages are written as weights
 * out of 100, fractional ones (canary 0.1 %–99.9 %) out of 1000 (ALB weights are 0–999). What
 * ECS writes exactly is a GUESS; only the ratio is documented.
 */
export function weightsFor(lb: ShiftLb, greenPercent: number): Weights {
  const whole = Number.isInteger(greenPercent)
  const green = whole ? greenPercent : Math.round(greenPercent * 10)
  const blue = (whole ? 100 : 1000) - green
  return [lb.targetGroupArn, lb.alternateTargetGroupArn].map(arn => ({
    targetGroupArn: arn,
    weight: arn === lb.greenGroup ? green : blue
  }))
}

export function writeWeights(
  store: EcsStore,
  service: ServiceRec,
  rule: string,
  weights: Weights
): void {
  try {
    store.deps.elb.setForwardWeights(rule, weights)
  } catch (error) {
    // GUESS: the wording of this event; AWS reports listener errors as service events.
    const message = error instanceof Error ? error.message : String(error)
    addEvent(
      store,
      service,
      `(service ${service.name}) failed to modify (rule ${rule}): ${message}`
    )
  }
}

/** For the sim, production is the group with the higher weight (a tie: `targetGroupArn`). */
function productionGroup(
  store: EcsStore,
  rule: string,
  primary: string,
  alternate: string
): string {
  let weights: Weights = []
  try {
    weights = store.deps.elb.forwardWeights(rule)
  } catch {
    // The rule disappeared since the service was configured; assume the primary group.
  }
  const weightOf = (arn: string): number => weights.find(w => w.targetGroupArn === arn)?.weight ?? 0
  return weightOf(alternate) > weightOf(primary) ? alternate : primary
}

/** Production percentages for green, in order: canary p → 100, linear step, 2 step … 100. */
export function shiftSteps(config: DeploymentConfig): number[] {
  if (config.strategy === 'CANARY') {
    const p = config.canaryConfiguration?.canaryPercent ?? 5
    return p >= 100 ? [100] : [p, 100]
  }
  if (config.strategy === 'LINEAR') {
    const step = config.linearConfiguration?.stepPercent ?? 10
    const steps: number[] = []
    for (let k = 1; k * step < 100 - 1e-9; k++) steps.push(Math.round(k * step * 10) / 10)
    return [...steps, 100]
  }
  return [100]
}

function stepBakeMs(config: DeploymentConfig): number {
  if (config.strategy === 'CANARY') {
    return (config.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10) * MINUTE_MS
  }
  if (config.strategy === 'LINEAR') {
    return (config.linearConfiguration?.stepBakeTimeInMinutes ?? 6) * MINUTE_MS
  }
  return 0
}

/** The target group a deployment's tasks register in, for one load balancer. */
function groupOf(deployment: DeploymentRec, lb: ShiftLb): string {
  return deployment.targetGroups?.[lb.targetGroupArn] ?? lb.targetGroupArn
}

/**
 * Prepares a new deployment of a traffic-shifting strategy (called by startDeployment): green
 * goes to the group not serving production, blue is the newest older deployment whose tasks
 * serve production.
 */
export function initShift(store: EcsStore, service: ServiceRec, deployment: DeploymentRec): void {
  const config = service.deploymentConfiguration
  for (const older of service.deployments) {
    if (older !== deployment && older.shift !== undefined) older.shift.active = false
  }
  if (config.strategy === 'ROLLING') return
  const lbs: ShiftLb[] = service.loadBalancers.flatMap(lb => {
    const advanced = lb.advanced
    if (advanced === undefined) return []
    const alternate = advanced.alternateTargetGroupArn
    const blueGroup = productionGroup(
      store,
      advanced.productionListenerRule,
      lb.targetGroupArn,
      alternate
    )
    const greenGroup = blueGroup === lb.targetGroupArn ? alternate : lb.targetGroupArn
    return [
      {
        targetGroupArn: lb.targetGroupArn,
        alternateTargetGroupArn: alternate,
        productionListenerRule: advanced.productionListenerRule,
        testListenerRule: advanced.testListenerRule,
        blueGroup,
        greenGroup
      }
    ]
  })
  const live = serviceTasks(store, service).filter(isLive)
  const olderWithTasks = service.deployments.filter(
    d => d !== deployment && live.some(t => t.deployment === d)
  )
  const first = lbs[0]
  const blue = olderWithTasks.find(
    d => first === undefined || groupOf(d, first) === first.blueGroup
  )
  deployment.targetGroups = Object.fromEntries(lbs.map(lb => [lb.targetGroupArn, lb.greenGroup]))
  const shift: ShiftState = {
    active: true,
    lbs,
    blue,
    steps: shiftSteps(config),
    stepIndex: 0,
    stepBakeMs: stepBakeMs(config),
    bakeMs: (config.bakeTimeInMinutes ?? 0) * MINUTE_MS,
    stageSinceSim: store.simNow
  }
  deployment.shift = shift
  // RECONCILE_SERVICE happens only with more than one ACTIVE revision (SDK d.ts
  // DeploymentLifecycleHook.lifecycleStages).
  const stage = olderWithTasks.length > 1 ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP'
  deployment.serviceDeployment.lifecycleStage = stage
  deployment.serviceDeployment.lifecycleHistory = [stage]
}

/** Stops tasks the way the scheduler does, with the `has stopped` event first. */
export function stopServiceTasks(
  store: EcsStore,
  service: ServiceRec,
  deployment: DeploymentRec,
  tasks: TaskRec[]
): void {
  if (tasks.length === 0) return
  addEvent(
    store,
    service,
    `(service ${service.name}) has stopped ${tasks.length} running tasks: ` +
      `${tasks.map(t => `(task ${t.id})`).join(' ')}.`
  )
  for (const task of tasks) {
    stopTask(
      store,
      task,
      'ServiceSchedulerInitiated',
      `Scaling activity initiated by (deployment ${deployment.id})`
    )
  }
}

/** The group each load balancer's tasks registered in before this deployment. */
export function blueGroups(shift: ShiftState): Record<string, string> {
  return Object.fromEntries(shift.lbs.map(lb => [lb.targetGroupArn, lb.blueGroup]))
}

/**
 * Rolls a traffic-shifting deployment back (circuit breaker, alarm, StopServiceDeployment):
 * production and test traffic go back to blue at once, green stops, and blue becomes PRIMARY
 * again carrying the service deployment, which ends ROLLBACK_SUCCESSFUL when green is gone
 * (ECS-DG "Amazon ECS blue/green deployments", rollback). Returns undefined when no blue tasks
 * are left, and the caller rolls back by launching the old revision instead.
 */
export function rollBackShift(
  store: EcsStore,
  service: ServiceRec,
  failed: DeploymentRec,
  reason: string
): DeploymentRec | undefined {
  const shift = failed.shift
  if (shift?.active !== true) return undefined
  shift.active = false
  closeOpenHooks(failed.serviceDeployment)
  for (const lb of shift.lbs) {
    writeWeights(store, service, lb.productionListenerRule, weightsFor(lb, 0))
    if (lb.testListenerRule !== undefined) {
      writeWeights(store, service, lb.testListenerRule, weightsFor(lb, 0))
    }
  }
  const green = serviceTasks(store, service).filter(t => t.deployment === failed && isLive(t))
  stopServiceTasks(store, service, failed, green)
  const blue = shift.blue
  if (blue === undefined || !service.deployments.includes(blue)) return undefined
  const sd = failed.serviceDeployment
  const at = now(store)
  sd.status = 'ROLLBACK_REQUESTED'
  sd.statusReason = reason
  sd.rollback = { reason, serviceRevisionArn: blue.revision.arn, startedAt: at }
  sd.updatedAt = at
  service.deployments = [blue, ...service.deployments.filter(d => d !== blue)]
  for (const d of service.deployments) d.status = d === blue ? 'PRIMARY' : 'ACTIVE'
  blue.serviceDeployment = sd
  blue.isRollback = true
  blue.rolloutState = 'IN_PROGRESS'
  blue.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${blue.id}.`
  blue.failedTasks = 0
  blue.bakeStartedSim = undefined
  blue.updatedAt = at
  service.taskDefinitionArn = blue.revision.taskDefinitionArn
  service.steady = false
  addEvent(store, service, `(service ${service.name}) rolling back to deployment ${blue.id}.`)
  return blue
}
