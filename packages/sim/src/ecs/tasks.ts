import type { ContainerExit } from '../contract.js'
import { ecsArn, newTaskId } from './arns.js'
import type {
  ClusterRec,
  ContainerState,
  DeploymentRec,
  ServiceRec,
  Tag,
  TaskDefRec,
  TaskRec,
  TaskStatus
} from './model.js'
import { addEvent, now, type EcsStore } from './store.js'

/**
 * The Fargate task lifecycle (ECS-DG "Amazon ECS task lifecycle"): PROVISIONING → PENDING →
 * ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, in sim time.
 */
export const PROVISIONING_MS = 2_000
export const PENDING_MS = 3_000
export const ACTIVATING_MS = 1_000
export const STOPPING_MS = 1_000
export const DEPROVISIONING_MS = 1_000
/** Longest drain we wait for; the ALB's default deregistration delay (ALB-UG). */
export const MAX_DRAIN_MS = 300_000
/** A one-off task given a command runs this long, then exits 0 (a migration finishing). */
export const COMMAND_RUN_MS = 5_000
/**
 * Without a load balancer or container health check ECS has no health signal; the sim treats a
 * task as healthy once it has stayed RUNNING this long, so a crash-looping image never counts.
 */
export const STABLE_RUNNING_MS = 10_000

export const ESSENTIAL_EXITED = 'Essential container in task exited'

export interface NewTask {
  cluster: ClusterRec
  taskDef: TaskDefRec
  service?: ServiceRec
  deployment?: DeploymentRec
  group: string
  startedBy?: string
  launchType: string
  overrides?: Record<string, unknown>
  tags: Tag[]
}

interface ContainerOverride {
  name?: string
  command?: string[]
  environment?: { name?: string; value?: string }[]
}

export function createTask(store: EcsStore, spec: NewTask): TaskRec {
  const id = newTaskId()
  const overrides = (spec.overrides?.containerOverrides ?? []) as ContainerOverride[]
  let runsCommand = false
  const containers: ContainerState[] = spec.taskDef.containers.map(def => {
    const override = overrides.find(o => o.name === def.name)
    const environment = { ...def.environment }
    for (const pair of override?.environment ?? []) {
      if (pair.name !== undefined) environment[pair.name] = pair.value ?? ''
    }
    if (override?.command !== undefined) runsCommand = true
    return { def, image: def.image, environment, command: override?.command, lastStatus: 'PENDING' }
  })
  const task: TaskRec = {
    arn: ecsArn(spec.cluster.region, `task/${spec.cluster.name}/${id}`),
    id,
    cluster: spec.cluster,
    taskDef: spec.taskDef,
    service: spec.service,
    deployment: spec.deployment,
    group: spec.group,
    startedBy: spec.startedBy,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    launchType: spec.launchType,
    createdAt: now(store),
    containers,
    overrides: spec.overrides,
    tags: spec.tags,
    phaseSinceSim: store.simNow,
    starting: 0,
    registered: [],
    everHealthy: false,
    runsCommand
  }
  store.tasks.set(task.arn, task)
  return task
}

function enter(store: EcsStore, task: TaskRec, status: TaskStatus): void {
  task.lastStatus = status
  task.phaseSinceSim = store.simNow
}

function elapsed(store: EcsStore, task: TaskRec): number {
  return store.simNow - task.phaseSinceSim
}

/** Counts a failed task against its deployment's circuit breaker while the rollout is watched. */
function recordFailure(task: TaskRec): void {
  const deployment = task.deployment
  if (deployment?.rolloutState === 'IN_PROGRESS') deployment.failedTasks++
}

function startContainers(store: EcsStore, task: TaskRec): void {
  const generation = store.generation
  task.pullStartedAt = now(store)
  for (const container of task.containers) {
    task.starting++
    store.deps.runtime
      .start({
        taskArn: task.arn,
        taskDefinitionArn: task.taskDef.arn,
        containerName: container.def.name,
        image: container.image,
        environment: container.environment
      })
      .then(
        running => {
          task.starting--
          if (generation !== store.generation || task.desiredStatus === 'STOPPED') {
            running.stop().catch(() => undefined)
            return
          }
          container.running = running
          container.imageDigest = running.imageDigest
          container.lastStatus = 'RUNNING'
          running.onExit(exit => onContainerExit(store, task, container, exit, generation))
        },
        (error: unknown) => {
          task.starting--
          if (generation !== store.generation) return
          const message = error instanceof Error ? error.message : String(error)
          container.lastStatus = 'STOPPED'
          container.reason = message
          stopTask(store, task, 'TaskFailedToStart', message, true)
        }
      )
  }
}

function onContainerExit(
  store: EcsStore,
  task: TaskRec,
  container: ContainerState,
  exit: ContainerExit,
  generation: number
): void {
  if (generation !== store.generation || container.lastStatus === 'STOPPED') return
  if (task.lastStatus !== 'RUNNING') {
    container.deferredExit = exit
    return
  }
  container.lastStatus = 'STOPPED'
  container.exitCode = exit.exitCode
  container.reason = exit.reason
  if (container.def.essential) {
    stopTask(store, task, 'EssentialContainerExited', ESSENTIAL_EXITED, exit.exitCode !== 0, true)
  }
}

function stopContainers(task: TaskRec): void {
  for (const container of task.containers) {
    container.running?.stop().catch(() => undefined)
  }
}

function deregister(store: EcsStore, task: TaskRec): void {
  const byGroup = new Map<string, number>()
  for (const reg of task.registered) {
    store.deps.elb.deregisterTargets(reg.targetGroupArn, [reg.target])
    byGroup.set(reg.targetGroupArn, (byGroup.get(reg.targetGroupArn) ?? 0) + 1)
  }
  const service = task.service
  if (service === undefined || byGroup.size === 0) return
  for (const [tg, count] of byGroup) {
    addEvent(
      store,
      service,
      `(service ${service.name}) deregistered ${count} targets in (target-group ${tg})`
    )
  }
  const taskSet = task.deployment?.id ?? task.startedBy ?? ''
  addEvent(
    store,
    service,
    `(service ${service.name}, taskSet ${taskSet}) has begun draining connections on 1 tasks.`
  )
}

/**
 * Asks a task to stop. A RUNNING task behind a load balancer drains first (DEACTIVATING) unless
 * its container is already gone; `failure` counts it against its deployment's circuit breaker.
 */
export function stopTask(
  store: EcsStore,
  task: TaskRec,
  stopCode: string,
  reason: string,
  failure = false,
  containerGone = false
): void {
  if (task.desiredStatus === 'STOPPED') return
  task.desiredStatus = 'STOPPED'
  task.stopCode = stopCode
  task.stoppedReason = reason
  task.stoppingAt = now(store)
  if (failure) recordFailure(task)
  switch (task.lastStatus) {
    case 'PROVISIONING':
      enter(store, task, 'DEPROVISIONING')
      return
    case 'RUNNING':
      if (task.registered.length > 0) {
        deregister(store, task)
        if (!containerGone) {
          enter(store, task, 'DEACTIVATING')
          return
        }
      }
      break
    default:
      break
  }
  stopContainers(task)
  enter(store, task, 'STOPPING')
}

function registerTargets(store: EcsStore, task: TaskRec): void {
  const service = task.service
  if (service === undefined) return
  for (const lb of service.loadBalancers) {
    const container = task.containers.find(c => c.def.name === lb.containerName)
    if (container?.running === undefined) continue
    const target = { id: '127.0.0.1', port: container.running.port }
    // Blue/green deployments register in the group chosen for them (traffic-shift.ts).
    const targetGroupArn = task.deployment?.targetGroups?.[lb.targetGroupArn] ?? lb.targetGroupArn
    store.deps.elb.registerTargets(targetGroupArn, [target])
    task.registered.push({
      targetGroupArn,
      target,
      containerPort: lb.containerPort
    })
    addEvent(
      store,
      service,
      `(service ${service.name}) registered 1 targets in (target-group ${targetGroupArn})`
    )
  }
}

function drained(store: EcsStore, task: TaskRec): boolean {
  if (elapsed(store, task) >= MAX_DRAIN_MS) return true
  return task.registered.every(
    reg => store.deps.elb.targetHealth(reg.targetGroupArn, reg.target).state !== 'draining'
  )
}

/** Moves one task along its lifecycle; called once per reconcile tick. */
export function advanceTask(store: EcsStore, task: TaskRec): void {
  switch (task.lastStatus) {
    case 'PROVISIONING':
      if (elapsed(store, task) >= PROVISIONING_MS) {
        enter(store, task, 'PENDING')
        startContainers(store, task)
      }
      return
    case 'PENDING':
      if (task.starting === 0 && elapsed(store, task) >= PENDING_MS) {
        task.pullStoppedAt = now(store)
        enter(store, task, 'ACTIVATING')
      }
      return
    case 'ACTIVATING':
      if (elapsed(store, task) >= ACTIVATING_MS) {
        enter(store, task, 'RUNNING')
        task.runningSinceSim = store.simNow
        task.startedAt = now(store)
        task.connectivityAt = task.startedAt
        if (task.runsCommand) task.commandExitAtSim = store.simNow + COMMAND_RUN_MS
        registerTargets(store, task)
      }
      return
    case 'RUNNING':
      for (const container of task.containers) {
        const exit = container.deferredExit
        const after = store.deps.runtime.behaviourOf(container.image).exitAfterMs ?? 0
        if (exit && store.simNow - (task.runningSinceSim ?? store.simNow) >= after) {
          container.deferredExit = undefined
          onContainerExit(store, task, container, exit, store.generation)
          if (task.lastStatus !== 'RUNNING') return
        }
      }
      if (task.commandExitAtSim !== undefined && store.simNow >= task.commandExitAtSim) {
        for (const container of task.containers) {
          if (container.lastStatus !== 'STOPPED') {
            container.lastStatus = 'STOPPED'
            container.exitCode = 0
          }
        }
        stopTask(store, task, 'EssentialContainerExited', ESSENTIAL_EXITED, false, true)
      }
      return
    case 'DEACTIVATING':
      if (drained(store, task)) {
        stopContainers(task)
        enter(store, task, 'STOPPING')
      }
      return
    case 'STOPPING':
      if (elapsed(store, task) >= STOPPING_MS) {
        task.executionStoppedAt = now(store)
        for (const container of task.containers) container.lastStatus = 'STOPPED'
        enter(store, task, 'DEPROVISIONING')
      }
      return
    case 'DEPROVISIONING':
      if (elapsed(store, task) >= DEPROVISIONING_MS) {
        task.stoppedAt = now(store)
        enter(store, task, 'STOPPED')
      }
      return
    default:
      return
  }
}

/** Healthy as a deployment sees it: RUNNING and every target healthy (or stable without LB). */
export function isHealthy(store: EcsStore, task: TaskRec): boolean {
  if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false
  if (task.registered.length > 0) {
    return task.registered.every(
      reg => store.deps.elb.targetHealth(reg.targetGroupArn, reg.target).state === 'healthy'
    )
  }
  if ((task.service?.loadBalancers.length ?? 0) > 0) return false
  return store.simNow - (task.runningSinceSim ?? store.simNow) >= STABLE_RUNNING_MS
}

export function isLive(task: TaskRec): boolean {
  return task.desiredStatus === 'RUNNING'
}

export function isPendingStatus(task: TaskRec): boolean {
  return ['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(task.lastStatus)
}
