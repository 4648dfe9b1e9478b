import { completeDeployment, failDeployment } from './deployments.js'
import type { DeploymentRec, ServiceRec, TaskRec } from './model.js'
import { addEvent, clearQuiet, now, serviceTasks, type EcsStore } from './store.js'
import { isShifting, reconcileShift } from './strategies.js'
import { launchTasks } from './launch.js'
import { isHealthy, isLive, isPendingStatus, stopTask } from './tasks.js'

/**
 * The service scheduler for the rolling-update (ECS) controller, run once per tick for each
 * service. Bounds from ECS-DG "Deploy Amazon ECS services by replacing tasks": at most
 * floor(desired × maximumPercent / 100) live tasks, at least ceil(desired × minimumHealthyPercent
 * / 100) healthy ones while old tasks are stopped.
 */

/** How long deployment alarms keep being watched after the rollout looks done (sim ms). */
export const ALARM_BAKE_MS = 60_000
/** Consecutive failures after which ECS reports it cannot start tasks consistently. */
const IMPAIRED_AFTER_FAILURES = 3

function unableMessage(service: ServiceRec): string {
  return (
    `(service ${service.name}) was unable to stop or start tasks during a deployment because of ` +
    'the service deployment configuration. Update the minimumHealthyPercent or maximumPercent ' +
    'value and try again.'
  )
}

function steadyMessage(service: ServiceRec): string {
  return `(service ${service.name}) has reached a steady state.`
}

function taskList(tasks: TaskRec[]): string {
  return tasks.map(t => `(task ${t.id})`).join(' ')
}

function checkTargetHealth(store: EcsStore, service: ServiceRec, task: TaskRec): void {
  if (task.lastStatus !== 'RUNNING' || !isLive(task)) return
  if (isHealthy(store, task)) {
    if (!task.everHealthy) {
      task.everHealthy = true
      const deployment = task.deployment
      const reset = service.deploymentConfiguration.deploymentCircuitBreaker.resetOnHealthyTask
      if (deployment?.rolloutState === 'IN_PROGRESS' && reset !== false) deployment.failedTasks = 0
    }
    return
  }
  // healthCheckGracePeriodSeconds suppresses ELB health for that long after start (ECS-API).
  const graceMs = (service.healthCheckGracePeriodSeconds ?? 0) * 1000
  if (store.simNow - (task.runningSinceSim ?? store.simNow) < graceMs) return
  for (const reg of task.registered) {
    const health = store.deps.elb.targetHealth(reg.targetGroupArn, reg.target)
    if (health.state !== 'unhealthy') continue
    addEvent(
      store,
      service,
      `(service ${service.name}) (task ${task.id}) (port ${reg.target.port}) is unhealthy in ` +
        `(target-group ${reg.targetGroupArn}) due to (reason ${health.description ?? 'Health checks failed'}).`
    )
    stopTask(
      store,
      task,
      'ServiceSchedulerInitiated',
      `Task failed ELB health checks in (target-group ${reg.targetGroupArn})`,
      true
    )
    return
  }
}

function watchCircuitBreaker(
  store: EcsStore,
  service: ServiceRec,
  deployment: DeploymentRec
): void {
  const sd = deployment.serviceDeployment
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker
  sd.failureCount = deployment.failedTasks
  if (deployment.failedTasks >= IMPAIRED_AFTER_FAILURES && !deployment.impairedEventSent) {
    deployment.impairedEventSent = true
    addEvent(
      store,
      service,
      `(service ${service.name}) is unable to consistently start tasks successfully.`
    )
  }
  if (!breaker.enable || deployment.failedTasks < sd.threshold) return
  sd.breakerStatus = 'TRIGGERED'
  failDeployment(store, service, deployment, {
    rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    event: `(service ${service.name}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`,
    rollback: breaker.rollback,
    sdReason: 'ECS deployment circuit breaker: tasks failed to start.'
  })
}

function watchAlarms(store: EcsStore, service: ServiceRec, deployment: DeploymentRec): void {
  const alarms = service.deploymentConfiguration.alarms
  if (alarms?.enable !== true || deployment.isRollback) return
  const firing = alarms.alarmNames.filter(name => store.deps.alarms.alarmState(name) === 'ALARM')
  if (firing.length === 0) return
  const sd = deployment.serviceDeployment
  sd.alarmStatus = 'TRIGGERED'
  sd.triggeredAlarmNames = firing
  failDeployment(store, service, deployment, {
    rolloutStateReason: `ECS deployment ${deployment.id} failed: alarm(s) detected: ${firing.join(', ')}.`,
    event: `(service ${service.name}) (deployment ${deployment.id}) deployment failed: alarm detected.`,
    rollback: alarms.rollback,
    sdReason: `Alarm(s) detected: ${firing.join(', ')}.`
  })
}

function stopForScaling(store: EcsStore, service: ServiceRec, tasks: TaskRec[]): void {
  if (tasks.length === 0) return
  const running = tasks.filter(t => !isPendingStatus(t))
  const pending = tasks.filter(t => isPendingStatus(t))
  // The stop event comes before the deregistration and draining ones (aws-behaviour.md §2.3).
  if (running.length > 0) {
    addEvent(
      store,
      service,
      `(service ${service.name}) has stopped ${running.length} running tasks: ${taskList(running)}.`
    )
  }
  if (pending.length > 0) {
    addEvent(store, service, `(service ${service.name}) stopped ${pending.length} pending tasks.`)
  }
  for (const task of tasks) {
    stopTask(
      store,
      task,
      'ServiceSchedulerInitiated',
      `Scaling activity initiated by (deployment ${service.deployments[0]?.id ?? ''})`
    )
  }
}

function scale(
  store: EcsStore,
  service: ServiceRec,
  primary: DeploymentRec,
  tasks: TaskRec[]
): void {
  const desired = service.desiredCount
  const config = service.deploymentConfiguration
  const maxTotal = Math.floor((desired * config.maximumPercent) / 100)
  const minHealthy = Math.ceil((desired * config.minimumHealthyPercent) / 100)
  const live = tasks.filter(isLive)
  const primaryLive = live.filter(t => t.deployment === primary)
  const old = live.filter(t => t.deployment !== primary)
  let changed = false

  if (primaryLive.length > desired) {
    const extra = [...primaryLive].sort(
      (a, b) => Number(isHealthy(store, a)) - Number(isHealthy(store, b))
    )
    stopForScaling(store, service, extra.slice(0, primaryLive.length - desired))
    changed = true
  }
  const room = Math.min(desired - primaryLive.length, maxTotal - live.length)
  if (room > 0) {
    launchTasks(store, service, primary, room)
    changed = true
  }
  const oldUnhealthy = old.filter(t => !isHealthy(store, t))
  const oldHealthy = old.filter(t => isHealthy(store, t))
  const healthyCount = live.filter(t => isHealthy(store, t)).length
  const stoppable = Math.min(oldHealthy.length, healthyCount - minHealthy)
  const toStop = [...oldUnhealthy, ...oldHealthy.slice(0, Math.max(0, stoppable))]
  if (toStop.length > 0) {
    stopForScaling(store, service, toStop)
    changed = true
  }
  // New tasks that run but are not healthy yet (initial health checks) are progress too: ECS
  // only reports being stuck when neither bound lets it move and nothing is on its way.
  const waitingForHealth = primaryLive.some(t => t.lastStatus === 'RUNNING' && !isHealthy(store, t))
  const moving =
    waitingForHealth ||
    tasks.some(
      t => isPendingStatus(t) || (t.lastStatus !== 'RUNNING' && t.lastStatus !== 'STOPPED')
    )
  const unfinished = primaryLive.length < desired || old.length > 0
  if (!changed && !moving && unfinished) {
    addEvent(store, service, unableMessage(service), true)
  } else if (changed) {
    clearQuiet(service, unableMessage(service))
  }
}

function settle(store: EcsStore, service: ServiceRec, tasks: TaskRec[]): void {
  // A replaced deployment leaves deployments[] once all its tasks have STOPPED.
  const primary = service.deployments[0]
  service.deployments = service.deployments.filter(
    d => d === primary || tasks.some(t => t.deployment === d && t.lastStatus !== 'STOPPED')
  )
  if (primary === undefined) return
  const primaryTasks = tasks.filter(t => t.deployment === primary && t.lastStatus !== 'STOPPED')
  const steady =
    service.deployments.length === 1 &&
    primaryTasks.length === service.desiredCount &&
    primaryTasks.every(t => isHealthy(store, t))
  if (!steady) {
    clearQuiet(service, steadyMessage(service))
    service.steady = false
    primary.bakeStartedSim = undefined
    return
  }
  if (primary.rolloutState === 'IN_PROGRESS') {
    // BLUE_GREEN, CANARY and LINEAR deployments complete at CLEAN_UP (strategies.ts).
    if (isShifting(primary)) return
    if (service.deploymentConfiguration.alarms?.enable === true && !primary.isRollback) {
      primary.bakeStartedSim ??= store.simNow
      if (store.simNow - primary.bakeStartedSim < ALARM_BAKE_MS) return
    }
    completeDeployment(store, service, primary)
  }
  if (!service.steady) {
    service.steady = true
    addEvent(store, service, steadyMessage(service), true)
  }
}

function updateCounts(store: EcsStore, service: ServiceRec, tasks: TaskRec[]): void {
  const at = now(store)
  for (const deployment of service.deployments) {
    const own = tasks.filter(t => t.deployment === deployment)
    const running = own.filter(t => t.lastStatus === 'RUNNING').length
    const pending = own.filter(isPendingStatus).length
    const desired =
      deployment.status === 'PRIMARY' ? service.desiredCount : own.filter(isLive).length
    if (
      running !== deployment.runningCount ||
      pending !== deployment.pendingCount ||
      desired !== deployment.desiredCount
    ) {
      deployment.updatedAt = at
    }
    deployment.runningCount = running
    deployment.pendingCount = pending
    deployment.desiredCount = desired
  }
}

/** One scheduler pass over a service. */
export function reconcileService(store: EcsStore, service: ServiceRec): void {
  const tasks = serviceTasks(store, service)
  if (service.status !== 'ACTIVE') {
    for (const task of tasks.filter(isLive)) {
      stopTask(store, task, 'ServiceSchedulerInitiated', 'Service deleted')
    }
    if (service.status === 'DRAINING' && tasks.every(t => t.lastStatus === 'STOPPED')) {
      service.status = 'INACTIVE'
    }
    return
  }
  const primary = service.deployments[0]
  if (primary === undefined) return
  const sd = primary.serviceDeployment
  if (sd.status === 'PENDING') {
    sd.status = 'IN_PROGRESS'
    sd.startedAt = now(store)
    sd.updatedAt = sd.startedAt
  } else if (sd.status === 'ROLLBACK_REQUESTED') {
    sd.status = 'ROLLBACK_IN_PROGRESS'
    sd.updatedAt = now(store)
  }
  for (const task of tasks) checkTargetHealth(store, service, task)
  if (primary.rolloutState === 'IN_PROGRESS') {
    watchCircuitBreaker(store, service, primary)
    if (primary.rolloutState === 'IN_PROGRESS') watchAlarms(store, service, primary)
  }
  const current = service.deployments[0] ?? primary
  // A failed deployment without rollback launches nothing more (ECS-API rolloutState FAILED).
  if (isShifting(current)) reconcileShift(store, service, current)
  else if (current.rolloutState !== 'FAILED')
    scale(store, service, current, serviceTasks(store, service))
  const after = serviceTasks(store, service)
  settle(store, service, after)
  updateCounts(store, service, after)
}
