import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type ECSClient,
  type RunTaskCommandInput,
  type Service,
  type Task
} from '@aws-sdk/client-ecs'
import {
  ConfigurationError,
  errorMessage,
  formatDuration,
  startWaiting,
  type Clock,
  type Logger
} from '@fargate-promote/common'
import { shortName } from '../task-definitions/arn.js'
import { PollFailures } from '../watch/poll-failures.js'

export const PRE_DEPLOY_STARTED_BY = 'fargate-promote/pre-deploy'

export interface PreDeployOptions {
  cluster: string
  /** The service whose network configuration and capacity the task borrows. */
  service: Service
  /** The NEW revision: the task runs the code about to be deployed. */
  taskDefinitionArn: string
  command: string[]
  /** Defaults to the first essential container. */
  container?: string
  /** The new revision's containers, when the caller has them (saves a DescribeTaskDefinition). */
  containerDefinitions?: ContainerDefinition[]
  timeoutMs: number
  pollIntervalMs: number
}

export interface PreDeployResult {
  taskArn: string
  container: string
  exitCode: number
  startedAt: number
  finishedAt: number
}

/** The pre-deploy task ran and did not succeed; nothing was deployed. */
export class PreDeployError extends Error {
  constructor(
    message: string,
    readonly taskArn?: string
  ) {
    super(message)
    this.name = 'PreDeployError'
  }
}

const nameOf = (container: { name?: string | undefined }): string => container.name ?? ''

function isEssential(container: ContainerDefinition): boolean {
  return container.essential !== false
}

/** The container the command overrides: the named one, or the first essential container. */
export function choosePreDeployContainer(
  containers: ContainerDefinition[],
  container: string | undefined
): string {
  const names = containers.map(nameOf)
  if (container !== undefined) {
    if (!names.includes(container)) {
      throw new ConfigurationError(
        `'${container}' is not a container of the task definition. Its containers are: ${names.map(n => `'${n}'`).join(', ')}.`,
        { input: 'pre-deploy-container' }
      )
    }
    return container
  }
  const first = containers.find(isEssential)?.name
  if (!first) {
    throw new ConfigurationError(
      'the task definition has no essential container. Name the container to run the command in.',
      { input: 'pre-deploy-container' }
    )
  }
  return first
}

function taskId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}

/**
 * ECS may echo the command in a reason (`exec: "…": executable file not found`): hide the whole
 * command and every argument long enough to be a secret, so an error never repeats it.
 */
export function redact(text: string, command: string[]): string {
  const parts = [command.join(' '), ...command]
    .filter(part => part.length >= 6)
    .sort((a, b) => b.length - a.length)
  return parts.reduce((out, part) => out.split(part).join('[command]'), text)
}

/** Why a STOPPED task counts as failed, or undefined when every essential container exited 0. */
function failureOf(task: Task, essential: Set<string>, command: string[]): string | undefined {
  const stopped = `task stopped: ${redact(task.stoppedReason ?? 'no reason given', command)}${task.stopCode ? ` (${task.stopCode})` : ''}`
  const problems: string[] = []
  const containers = task.containers ?? []
  for (const container of containers) {
    if (!essential.has(nameOf(container))) continue
    if (container.exitCode === 0) continue
    const code =
      container.exitCode === undefined
        ? 'did not exit normally (no exit code)'
        : `exited with code ${container.exitCode}`
    problems.push(
      `container '${container.name}' ${code}${container.reason ? ` (${redact(container.reason, command)})` : ''}`
    )
  }
  const reported = new Set(containers.map(nameOf))
  for (const name of essential) {
    if (!reported.has(name)) problems.push(`container '${name}' never ran`)
  }
  return problems.length > 0 ? `${problems.join('; ')}; ${stopped}` : undefined
}

/** How the wait for the task ended: STOPPED, or the deadline (with AWS's outage, if failing then). */
interface Awaited {
  task?: Task
  outage?: string
}

/**
 * Polls the task until it has STOPPED or the deadline passed, with a heartbeat line while it
 * runs. An AWS outage shorter than the time left does not end the wait (PollFailures); an error
 * that will not heal ends it at once, naming it: the task may still be running.
 */
async function awaitStopped(
  deps: PreDeployDeps,
  task: { cluster: string; taskArn: string; startedAt: number; deadline: number },
  options: Pick<PreDeployOptions, 'pollIntervalMs'>
): Promise<Awaited> {
  const { cluster, taskArn, deadline } = task
  let lastStatus: string | undefined
  const failures = new PollFailures(deps, {
    intervalMs: options.pollIntervalMs,
    deadline,
    doing: `still waiting for pre-deploy task ${taskId(taskArn)}`
  })
  const waiting = startWaiting(deps, {
    what: `Waiting for pre-deploy task ${taskId(taskArn)}`,
    startedAt: task.startedAt,
    deadline,
    state: () => (lastStatus === undefined ? undefined : `task ${lastStatus}`)
  })
  try {
    for (;;) {
      try {
        const described = await deps.ecs.send(
          new DescribeTasksCommand({ cluster, tasks: [taskArn] })
        )
        failures.succeeded()
        const found = described.tasks?.find(t => t.taskArn === taskArn)
        if (found?.lastStatus === 'STOPPED') return { task: found }
        lastStatus = found?.lastStatus
      } catch (error) {
        if (!failures.failed('AWS DescribeTasks', error)) {
          throw new PreDeployError(
            `pre-deploy task ${taskId(taskArn)} could not be watched: AWS DescribeTasks failed: ${errorMessage(error)}; it may still be running, and nothing was deployed.`,
            taskArn
          )
        }
      }
      const now = deps.clock.now()
      if (now >= deadline) {
        const outage = failures.outage()
        return outage === undefined ? {} : { outage }
      }
      await waiting.sleep(Math.min(failures.waitMs, deadline - now), deps.signal)
      if (deps.signal?.aborted === true) {
        // Left running: stopping a migration half way could leave the data worse than either end.
        throw new PreDeployError(
          `cancelled while pre-deploy task ${taskId(taskArn)} ran; it was left running to finish on its own (aws ecs describe-tasks --cluster ${cluster} --tasks ${taskArn}); nothing was deployed.`,
          taskArn
        )
      }
    }
  } finally {
    waiting.end()
  }
}

/**
 * The task was still running at the deadline: stop it, so it cannot keep changing things after
 * the deployment was called off, and fail saying so.
 */
async function stopLate(
  deps: { ecs: ECSClient },
  { cluster, taskArn }: { cluster: string; taskArn: string },
  timeoutMs: number,
  outage: string | undefined
): Promise<never> {
  const limit = formatDuration(timeoutMs)
  const late = `pre-deploy task ${taskId(taskArn)} did not finish within ${limit}${outage === undefined ? '' : ` (${outage})`}`
  try {
    await deps.ecs.send(
      new StopTaskCommand({
        cluster,
        task: taskArn,
        reason: `fargate-promote: pre-deploy task did not finish within ${limit}`
      })
    )
  } catch (error) {
    // AWS may still be failing: say what may be left running rather than pass a bare AWS error.
    throw new PreDeployError(
      `${late}; stopping it failed (${errorMessage(error)}), so it may still be running; nothing was deployed.`,
      taskArn
    )
  }
  throw new PreDeployError(`${late}; it was stopped and nothing was deployed.`, taskArn)
}

/**
 * Run one task from the new revision with `command` (migrations, a smoke check) and wait for it.
 * Succeeds only when every essential container exited 0. A task still running at the deadline is
 * stopped, so it cannot keep changing things after the deployment was called off.
 */
/** What the pre-deploy task needs; a cancelled `signal` ends the wait for it (never starts it). */
export interface PreDeployDeps {
  ecs: ECSClient
  clock: Clock
  log: Logger
  signal?: AbortSignal
}

export async function runPreDeployTask(
  options: PreDeployOptions,
  deps: PreDeployDeps
): Promise<PreDeployResult> {
  const { cluster, service, taskDefinitionArn, command } = options
  if (command.length === 0) {
    throw new ConfigurationError(
      'pre-deploy-command: the command is empty. Give the command to run, e.g. ["npm","run","migrate"].'
    )
  }
  const containers =
    options.containerDefinitions ??
    (await deps.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })))
      .taskDefinition?.containerDefinitions ??
    []
  const container = choosePreDeployContainer(containers, options.container)
  const essential = new Set(containers.filter(isEssential).map(nameOf))

  const strategy = service.capacityProviderStrategy ?? []
  const input: RunTaskCommandInput = {
    cluster,
    taskDefinition: taskDefinitionArn,
    count: 1,
    startedBy: PRE_DEPLOY_STARTED_BY,
    ...(strategy.length > 0 ? { capacityProviderStrategy: strategy } : { launchType: 'FARGATE' }),
    ...(service.platformVersion ? { platformVersion: service.platformVersion } : {}),
    ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
    overrides: { containerOverrides: [{ name: container, command }] }
  }
  const startedAt = deps.clock.now()
  // The command may carry credentials (sh -c "DATABASE_URL=postgres://u:pw@… migrate"): it is
  // never logged nor put in an error, only the number of its arguments.
  deps.log.info(
    `Running pre-deploy task from ${shortName(taskDefinitionArn)} in container '${container}' (command of ${command.length} argument${command.length === 1 ? '' : 's'})`
  )
  if (deps.signal?.aborted === true) {
    throw new PreDeployError(
      'cancelled before the pre-deploy task was started; nothing was deployed.'
    )
  }
  const run = await deps.ecs.send(new RunTaskCommand(input))
  const failure = run.failures?.[0]
  const taskArn = run.tasks?.[0]?.taskArn
  if (failure || !taskArn) {
    throw new PreDeployError(
      `pre-deploy task could not be started: ${failure ? `${failure.reason ?? 'unknown reason'}${failure.detail ? ` (${failure.detail})` : ''}` : 'RunTask returned no task'}`
    )
  }
  deps.log.info(`Pre-deploy task ${taskId(taskArn)} started`)

  const deadline = startedAt + options.timeoutMs
  const awaited = await awaitStopped(deps, { cluster, taskArn, startedAt, deadline }, options)
  const { task } = awaited
  if (task !== undefined) {
    const problem = failureOf(task, essential, command)
    if (problem) {
      throw new PreDeployError(`pre-deploy task ${taskId(taskArn)} failed: ${problem}`, taskArn)
    }
    const finishedAt = deps.clock.now()
    deps.log.info(
      `Pre-deploy task ${taskId(taskArn)} succeeded in ${formatDuration(finishedAt - startedAt)}`
    )
    const exitCode = task.containers?.find(c => c.name === container)?.exitCode ?? 0
    return { taskArn, container, exitCode, startedAt, finishedAt }
  }
  return stopLate(deps, { cluster, taskArn }, options.timeoutMs, awaited.outage)
}
