import type { Deployment, Service, Task } from '@aws-sdk/client-ecs'
import type { Logger } from '@fargate-promote/common'
import { countsOf } from '../observe/describe.js'
import { judgeTargets, observeTargets } from '../observe/targets.js'
import {
  describeTasks,
  explainStoppedTask,
  listDeploymentTasks,
  listStoppedTasks,
  taskIdOf
} from '../observe/tasks.js'
import type { StoppedTaskView, TargetView } from '../observe/types.js'
import { mentionsTargets, saysTasksStopped, taskIdsIn } from './events.js'
import type { ServiceWatchContext } from './types.js'

// Target health and stopped tasks are fetched on signals (an event, a count that changed, a
// deployment that looks complete), never on every poll. These gaps stop a burst of signals
// (one `is unhealthy` event per replaced task) from spending the call budget.
const EVENT_TARGET_CHECK_GAP_MS = 30_000
const STOPPED_TASKS_GAP_MS = 15_000

/**
 * What one watch learns beyond DescribeServices: the stopped tasks of our deployment (with
 * reasons and exit codes) and the target health of its running tasks, each fetched only when
 * something signals a change (see the call budget in watch.ts).
 */
export class DeploymentEvidence {
  readonly stoppedTasks: StoppedTaskView[] = []
  targets: TargetView[] = []
  /** When the targets were last looked at; undefined until the first look. */
  lastTargetCheck: number | undefined
  private readonly reportedStopped = new Set<string>()
  private readonly ourTaskIds = new Set<string>()
  private runningTasks: Task[] | undefined
  private runningTasksKey: number | undefined
  private completeSince: number | undefined
  private lastStoppedCheck: number | undefined
  private needStopped = false
  private needTasks = false
  private needTargets = false
  private lastFailedTasks = 0
  private lastTargetDetail: string | undefined

  constructor(
    private readonly deploymentId: string,
    private readonly name: string,
    private readonly context: ServiceWatchContext
  ) {}

  private get now(): number {
    return this.context.deps.clock.now()
  }

  private get log(): Logger {
    return this.context.deps.log
  }

  private get readDeps() {
    const { ecs, elb, onAwsCall } = this.context.deps
    return { ecs, elb, onAwsCall }
  }

  /** A new service event: it may mean new tasks of ours, stopped ones, or unhealthy targets. */
  noticeEvent(message: string): void {
    const ids = taskIdsIn(message)
    // New tasks may be ours: the cached task list no longer covers every target.
    if (/has started/.test(message) && ids.some(id => !this.ourTaskIds.has(id))) {
      this.needTasks = true
    }
    // Without task ids (older formats, `deployment failed`) we cannot tell whose tasks
    // stopped; with ids, only our own tasks are worth a ListTasks call.
    if (
      saysTasksStopped(message) &&
      (ids.length === 0 || ids.some(id => this.ourTaskIds.has(id)))
    ) {
      this.needStopped = true
    }
    if (mentionsTargets(message)) this.needTargets = true
  }

  /** ECS counted more failed tasks: their stop reasons are worth a look. */
  noticeDeployment(ours: Deployment): void {
    const { failed } = countsOf(ours)
    if (failed > this.lastFailedTasks) this.needStopped = true
    this.lastFailedTasks = failed
  }

  /** Whether the deployment looks complete this poll, for the target re-check schedule. */
  noticeComplete(complete: boolean): void {
    this.completeSince = complete ? (this.completeSince ?? this.now) : undefined
  }

  targetCheckDue(complete: boolean): boolean {
    const last = this.lastTargetCheck
    if (last === undefined) return complete || this.needTargets
    const since = this.now - last
    if (this.completeSince !== undefined && last < this.completeSince) return true
    if (this.needTargets && since >= EVENT_TARGET_CHECK_GAP_MS) return true
    if (!complete) return false
    const settling = this.targets.some(target => target.state === 'initial')
    return since >= (settling ? this.context.initialTargetRecheckMs : this.context.targetRecheckMs)
  }

  /** Our running tasks (listed again only when their count changed or a new one started) and their targets. */
  async refreshTargets(service: Service, ours: Deployment): Promise<void> {
    const key = countsOf(ours).running
    const { cluster } = this.context.options
    if (this.runningTasks === undefined || this.needTasks || key !== this.runningTasksKey) {
      const deps = this.readDeps
      const arns = await listDeploymentTasks(deps, cluster, this.deploymentId, 'RUNNING')
      this.runningTasks = arns.length > 0 ? await describeTasks(deps, cluster, arns) : []
      this.runningTasksKey = key
      this.needTasks = false
      for (const task of this.runningTasks) this.ourTaskIds.add(taskIdOf(task.taskArn ?? ''))
    }
    this.targets = await observeTargets(this.readDeps, {
      cluster,
      service,
      tasks: this.runningTasks
    })
    this.lastTargetCheck = this.now
    this.needTargets = false
    const detail = judgeTargets(service, this.targets, countsOf(ours).desired).detail
    if (detail !== this.lastTargetDetail) this.log.info(`${this.name}: ${detail}`)
    this.lastTargetDetail = detail
  }

  /** Newly stopped tasks of our deployment, each logged with why it stopped. */
  async fetchStoppedTasks(force: boolean): Promise<void> {
    if (!force && !this.needStopped) return
    const last = this.lastStoppedCheck
    if (!force && last !== undefined && this.now - last < STOPPED_TASKS_GAP_MS) return
    const views = await listStoppedTasks(this.readDeps, {
      cluster: this.context.options.cluster,
      startedBy: this.deploymentId,
      known: this.reportedStopped
    })
    this.lastStoppedCheck = this.now
    this.needStopped = false
    for (const view of views) {
      this.reportedStopped.add(view.taskArn)
      this.stoppedTasks.push(view)
      this.log.warning(`${this.name}: ${explainStoppedTask(view)}`)
    }
  }
}
