import type { Deployment, Service, Task } from '@aws-sdk/client-ecs'
import { formatDuration, type Logger } from '@fargate-promote/common'
import { EventStream, mentionsTargets, saysTasksStopped, taskIdsIn } from './events.js'
import { findDeployment, type AwsCallListener } from './services.js'
import { observeTargets, targetGroupsOf } from './targets.js'
import {
  describeStoppedTasks,
  describeTasks,
  explainStoppedTask,
  listDeploymentTasks,
  mostTellingStoppedTask,
  taskIdOf
} from './tasks.js'
import type {
  RollbackObservation,
  RolloutOutcome,
  RolloutResult,
  ServiceEventView,
  StoppedTaskView,
  TargetView
} from './types-rollout.js'
import {
  failureEventOf,
  findRollback,
  judgeTargets,
  looksComplete,
  stripPeriod,
  withAlarmNames,
  type RollbackEvidence
} from './watch-verdict.js'
import {
  countsOf,
  describeCounts,
  idOf,
  plural,
  progressOf,
  stateOf,
  taskDefinitionName
} from './watch-text.js'
import type { WatchDeps, WatchOptions, WatchTarget } from './watch.js'

/** What one service watch needs from the loop that drives it. */
export interface ServiceWatchContext {
  options: WatchOptions
  deps: WatchDeps & { onAwsCall: AwsCallListener }
  /** Prefix streamed events with the service name (several services watched together). */
  prefixEvents: boolean
  /** How long to wait before looking at target health again when nothing signalled a change. */
  targetRecheckMs: number
  initialTargetRecheckMs: number
}

// Target health and stopped tasks are fetched on signals (an event, a count that changed, a
// deployment that looks complete), never on every poll. These gaps stop a burst of signals
// (one `is unhealthy` event per replaced task) from spending the call budget.
const EVENT_TARGET_CHECK_GAP_MS = 30_000
const STOPPED_TASKS_GAP_MS = 15_000

interface Verdict {
  outcome: RolloutOutcome
  reason: string
  at: number
}

/** The watch of one service's deployment: its state between polls and its verdict. */
export class ServiceWatch {
  private readonly events: ServiceEventView[] = []
  private readonly stoppedTasks: StoppedTaskView[] = []
  private readonly reportedStopped = new Set<string>()
  private readonly stream: EventStream
  private readonly log: Logger
  private targets: TargetView[] = []
  private runningTasks: Task[] | undefined
  private runningTasksKey: number | undefined
  private readonly ourTaskIds = new Set<string>()
  private lastTargetCheck: number | undefined
  private completeSince: number | undefined
  private lastStoppedCheck: number | undefined
  private needStopped = false
  private needTasks = false
  private needTargets = false
  private lastFailedTasks = 0
  private lastProgress: string | undefined
  private lastTargetDetail: string | undefined
  private ours: Deployment | undefined
  private service: Service | undefined
  private absentPolls = 0
  private failedPolls = 0
  private warnedNoLoadBalancer = false
  private verdict: Verdict | undefined
  /** The deployment ECS rolled back to, while it is followed; `rollback` once it ended. */
  private rollbackTarget: { deploymentId: string; taskDefinitionArn: string } | undefined
  private rollback: RollbackObservation | undefined
  private following = false

  constructor(
    readonly target: WatchTarget,
    private readonly context: ServiceWatchContext
  ) {
    this.stream = new EventStream(context.options.since)
    this.log = context.deps.log
  }

  /** Verdict reached, and no rollback left to follow. */
  get done(): boolean {
    return this.verdict !== undefined && !this.following
  }

  private get name(): string {
    return this.target.service
  }

  private get now(): number {
    return this.context.deps.clock.now()
  }

  private get readDeps() {
    const { ecs, elb, onAwsCall } = this.context.deps
    return { ecs, elb, onAwsCall }
  }

  /** One poll's DescribeServices answer for this service (undefined: AWS reports it MISSING). */
  async observe(service: Service | undefined): Promise<void> {
    if (service === undefined) {
      const reason = `service ${this.name} was not found in cluster ${this.context.options.cluster} (DescribeServices reports it MISSING)`
      if (this.following) this.endRollback('failed', reason)
      else this.decide('failed', reason)
      return
    }
    this.service = service
    this.streamEvents(service)
    if (this.following) return this.followRollback(service)
    if (service.status !== undefined && service.status !== 'ACTIVE') {
      this.decide(
        'failed',
        `service ${this.name} is ${service.status}: it is being deleted, so deployment ${this.target.deploymentId} cannot complete`
      )
      return
    }
    const ours = findDeployment(service, this.target.deploymentId)
    if (ours !== undefined) this.track(ours)
    const rollback = findRollback(service, ours, this.target.deploymentId)
    if (rollback !== undefined) return this.rolledBack(service, rollback)
    if (ours === undefined) return this.absent(service)
    if (ours.rolloutState === 'FAILED') return this.failedWithoutRollback(service, ours)
    await this.fetchStoppedTasks(false)
    await this.judgeProgress(service, ours)
  }

  private streamEvents(service: Service): void {
    for (const event of this.stream.take(service.events ?? [])) {
      this.events.push(event)
      this.log.info(this.context.prefixEvents ? `${this.name}: ${event.message}` : event.message)
      const ids = taskIdsIn(event.message)
      // New tasks may be ours: the cached task list no longer covers every target.
      if (/has started/.test(event.message) && ids.some(id => !this.ourTaskIds.has(id))) {
        this.needTasks = true
      }
      // Without task ids (older formats, `deployment failed`) we cannot tell whose tasks
      // stopped; with ids, only our own tasks are worth a ListTasks call.
      if (
        saysTasksStopped(event.message) &&
        (ids.length === 0 || ids.some(id => this.ourTaskIds.has(id)))
      ) {
        this.needStopped = true
      }
      if (mentionsTargets(event.message)) this.needTargets = true
    }
  }

  private track(ours: Deployment): void {
    this.ours = ours
    const { failed } = countsOf(ours)
    if (failed > this.lastFailedTasks) this.needStopped = true
    this.lastFailedTasks = failed
    this.logProgress(`${this.name}: ${progressOf(ours)}`)
  }

  /** One line per poll, only when something changed. */
  private logProgress(line: string): void {
    if (line !== this.lastProgress) this.log.info(line)
    this.lastProgress = line
  }

  private waitsForTargets(service: Service): boolean {
    const wanted = this.context.options.waitForTargetHealth
    const hasTargets = targetGroupsOf(service).length > 0
    if (wanted === true && !hasTargets && !this.warnedNoLoadBalancer) {
      this.warnedNoLoadBalancer = true
      this.log.warning(
        `${this.name}: waitForTargetHealth is on but the service has no load balancer target groups; there is no target health to wait for`
      )
    }
    return wanted !== false && hasTargets
  }

  private async judgeProgress(service: Service, ours: Deployment): Promise<void> {
    const complete = looksComplete(service, ours)
    this.completeSince = complete ? (this.completeSince ?? this.now) : undefined
    const withTargets = this.waitsForTargets(service)
    if (withTargets && countsOf(ours).running > 0 && this.targetCheckDue(complete)) {
      await this.refreshTargets(service, ours)
    }
    if (!complete) return
    const { desired } = countsOf(ours)
    const summary = `deployment ${this.target.deploymentId} is PRIMARY and COMPLETED with ${desired}/${desired} tasks running`
    if (!withTargets) return this.decide('succeeded', summary)
    const judgement = judgeTargets(service, this.targets, desired)
    if (judgement.healthy) this.decide('succeeded', `${summary} and ${judgement.detail}`)
  }

  private targetCheckDue(complete: boolean): boolean {
    const last = this.lastTargetCheck
    if (last === undefined) return complete || this.needTargets
    const since = this.now - last
    if (this.completeSince !== undefined && last < this.completeSince) return true
    if (this.needTargets && since >= EVENT_TARGET_CHECK_GAP_MS) return true
    if (!complete) return false
    const settling = this.targets.some(target => target.state === 'initial')
    return since >= (settling ? this.context.initialTargetRecheckMs : this.context.targetRecheckMs)
  }

  private async refreshTargets(service: Service, ours: Deployment): Promise<void> {
    const key = countsOf(ours).running
    const { cluster } = this.context.options
    if (this.runningTasks === undefined || this.needTasks || key !== this.runningTasksKey) {
      const arns = await listDeploymentTasks(
        this.readDeps,
        cluster,
        this.target.deploymentId,
        'RUNNING'
      )
      this.runningTasks = arns.length > 0 ? await describeTasks(this.readDeps, cluster, arns) : []
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
  private async fetchStoppedTasks(force: boolean): Promise<void> {
    if (!force && !this.needStopped) return
    const last = this.lastStoppedCheck
    if (!force && last !== undefined && this.now - last < STOPPED_TASKS_GAP_MS) return
    const { cluster } = this.context.options
    const arns = await listDeploymentTasks(
      this.readDeps,
      cluster,
      this.target.deploymentId,
      'STOPPED'
    )
    const fresh = arns.filter(arn => !this.reportedStopped.has(arn))
    const views = fresh.length > 0 ? await describeStoppedTasks(this.readDeps, cluster, fresh) : []
    this.lastStoppedCheck = this.now
    this.needStopped = false
    for (const view of views) {
      this.reportedStopped.add(view.taskArn)
      this.stoppedTasks.push(view)
      this.log.warning(`${this.name}: ${explainStoppedTask(view)}`)
    }
  }

  private failureEvidence(): string {
    const failed = this.ours === undefined ? 0 : countsOf(this.ours).failed
    const telling = mostTellingStoppedTask(this.stoppedTasks)
    return (
      (failed > 0 ? `; ${plural(failed, 'task')} failed` : '') +
      (telling === undefined ? '' : `; ${explainStoppedTask(telling)}`)
    )
  }

  private async rolledBack(service: Service, evidence: RollbackEvidence): Promise<void> {
    await this.fetchStoppedTasks(true)
    const ourDefinition = taskDefinitionName(this.target.taskDefinitionArn)
    const primary = evidence.primary
    this.decide(
      'rolled-back',
      `ECS rolled back deployment ${this.target.deploymentId} (${ourDefinition}) to deployment ${evidence.toDeploymentId} (task definition ${taskDefinitionName(primary.taskDefinition)}): ${stripPeriod(evidence.cause)}${this.failureEvidence()}`
    )
    this.rollbackTarget = {
      deploymentId: primary.id ?? evidence.toDeploymentId,
      taskDefinitionArn: primary.taskDefinition ?? ''
    }
    this.following = true
    this.followRollback(service)
    if (this.following && !this.context.options.followRollback) {
      this.endRollback(
        'timed-out',
        `not followed (followRollback is off); it was ${stateOf(primary)} with ${describeCounts(primary)}`
      )
    }
  }

  private followRollback(service: Service): void {
    const rollback = this.followed()
    const deployment = findDeployment(service, rollback.deploymentId)
    if (deployment === undefined) {
      const primary = service.deployments?.find(d => d.status === 'PRIMARY')
      this.endRollback(
        'failed',
        `rollback deployment ${rollback.deploymentId} is no longer among the service's deployments` +
          (primary?.id === undefined ? '' : `: superseded by deployment ${primary.id}`)
      )
      return
    }
    this.logProgress(`${this.name}: rollback ${progressOf(deployment)}`)
    if (deployment.rolloutState === 'FAILED') {
      this.endRollback(
        'failed',
        `rollback deployment ${rollback.deploymentId} failed: ${stripPeriod(deployment.rolloutStateReason ?? 'rolloutState FAILED')}`
      )
    } else if (looksComplete(service, deployment)) {
      this.endRollback(
        'succeeded',
        `rollback deployment ${rollback.deploymentId} completed with ${describeCounts(deployment)}`
      )
    }
  }

  private followed(): { deploymentId: string; taskDefinitionArn: string } {
    if (this.rollbackTarget === undefined) throw new Error('no rollback is being followed')
    return this.rollbackTarget
  }

  private endRollback(outcome: RollbackObservation['outcome'], reason: string): void {
    this.rollback = { ...this.followed(), outcome, reason }
    this.following = false
    const message = `${this.name}: rollback ${outcome}: ${reason}`
    if (outcome === 'succeeded') this.log.info(message)
    else this.log.warning(message)
    if (this.verdict !== undefined) this.verdict.at = this.now
  }

  /** Our deployment is not in service.deployments (any more). */
  private absent(service: Service): void {
    this.absentPolls += 1
    // Right after UpdateService, a read may not show the new deployment yet: a deployment never
    // seen gets a second poll before it counts as gone.
    if (this.ours === undefined && this.absentPolls < 2) return
    const failure = failureEventOf(service, this.target.deploymentId)
    if (failure !== undefined) {
      this.decide(
        'failed',
        `deployment ${this.target.deploymentId} failed: ${withAlarmNames(service, stripPeriod(failure.cause))}${this.failureEvidence()}`
      )
      return
    }
    const primary = service.deployments?.find(d => d.status === 'PRIMARY')
    const now =
      primary === undefined
        ? 'the service has no PRIMARY deployment'
        : `deployment ${idOf(primary)} (task definition ${taskDefinitionName(primary.taskDefinition)}, ${stateOf(primary)})`
    this.decide(
      'failed',
      this.ours === undefined
        ? `deployment ${this.target.deploymentId} is not among the service's deployments (PRIMARY: ${now}): it was superseded already, or the deployment id is wrong`
        : `deployment ${this.target.deploymentId} is no longer among the service's deployments: it was superseded by ${now}`
    )
  }

  private async failedWithoutRollback(service: Service, ours: Deployment): Promise<void> {
    this.failedPolls += 1
    const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker
    const alarms = service.deploymentConfiguration?.alarms
    const rollbackConfigured = breaker?.rollback === true || alarms?.rollback === true
    // ECS marks the deployment FAILED and starts the rollback deployment together, but a read
    // may catch the moment between: give a configured rollback one more poll to show up.
    if (rollbackConfigured && this.failedPolls < 2) return
    await this.fetchStoppedTasks(true)
    const other = service.deployments?.find(d => d.status === 'PRIMARY' && d.id !== ours.id)
    this.decide(
      'failed',
      `deployment ${this.target.deploymentId} (${taskDefinitionName(this.target.taskDefinitionArn)}) failed and ECS did not roll it back: ` +
        withAlarmNames(service, stripPeriod(ours.rolloutStateReason ?? 'rolloutState FAILED')) +
        this.failureEvidence() +
        (other === undefined ? '' : `; deployment ${idOf(other)} is PRIMARY now`)
    )
  }

  private decide(outcome: RolloutOutcome, reason: string): void {
    this.verdict = { outcome, reason, at: this.now }
    const message = `${this.name}: ${outcome}: ${reason}`
    if (outcome === 'succeeded') this.log.info(message)
    else this.log.warning(message)
  }

  /** What we were still waiting for, for a person reading a timeout. */
  private waitingFor(): string {
    const ours = this.ours
    const service = this.service
    if (service === undefined) return 'DescribeServices has not answered yet'
    if (ours === undefined) {
      return `deployment ${this.target.deploymentId} has not appeared among the service's deployments`
    }
    const parts = [
      `deployment ${this.target.deploymentId} is ${stateOf(ours)} with ${describeCounts(ours)}`
    ]
    const others = (service.deployments ?? []).filter(d => d.id !== ours.id)
    if (others.length > 0) {
      parts.push(
        `${plural(others.length, 'other deployment')} still active (` +
          others.map(d => `${idOf(d)} with ${countsOf(d).running} tasks running`).join(', ') +
          ')'
      )
    }
    if (this.waitsForTargets(service) && countsOf(ours).running > 0) {
      parts.push(
        this.lastTargetCheck === undefined
          ? 'target health not observed yet'
          : judgeTargets(service, this.targets, countsOf(ours).desired).detail
      )
    }
    return parts.join(', ')
  }

  /**
   * Before a timeout verdict, look at target health once more so the reason is current
   * (only when a target group is what we would be waiting for).
   */
  async refreshBeforeTimeout(): Promise<void> {
    const service = this.service
    const ours = this.ours
    if (this.done || this.following || service === undefined || ours === undefined) return
    if (!this.waitsForTargets(service) || countsOf(ours).running === 0) return
    if (this.lastTargetCheck === this.now) return
    await this.refreshTargets(service, ours)
  }

  timeOut(timeoutMs: number): void {
    const after = `timed out after ${formatDuration(timeoutMs)}`
    if (this.following) {
      const rollback = this.followed()
      const deployment = this.service && findDeployment(this.service, rollback.deploymentId)
      this.endRollback(
        'timed-out',
        `${after}: rollback deployment ${rollback.deploymentId} was ${deployment ? `${stateOf(deployment)} with ${describeCounts(deployment)}` : 'not seen'}`
      )
      return
    }
    if (this.verdict === undefined) this.decide('timed-out', `${after}: ${this.waitingFor()}`)
  }

  /** The watcher said "Rollout watch cancelled" once for all services: no line per service. */
  cancel(): void {
    if (this.following) {
      this.rollback = { ...this.followed(), outcome: 'timed-out', reason: 'cancelled' }
      this.following = false
    }
    this.verdict ??= { outcome: 'timed-out', reason: 'cancelled', at: this.now }
  }

  /** The service could not be watched at all (AWS kept failing). */
  abandon(reason: string): void {
    if (this.following) this.endRollback('timed-out', reason)
    if (this.verdict === undefined) this.decide('timed-out', reason)
  }

  result(run: { startedAt: number; polls: number; awsCalls: number }): RolloutResult {
    const ours = this.ours
    const counts = ours === undefined ? undefined : countsOf(ours)
    const verdict = this.verdict
    return {
      service: this.name,
      outcome: verdict?.outcome ?? 'timed-out',
      ...(verdict !== undefined && { reason: verdict.reason }),
      deploymentId: this.target.deploymentId,
      taskDefinitionArn: this.target.taskDefinitionArn,
      desiredCount: counts?.desired ?? 0,
      runningCount: counts?.running ?? 0,
      ...(ours?.rolloutState !== undefined && { rolloutState: ours.rolloutState }),
      ...(ours?.rolloutStateReason !== undefined && {
        rolloutStateReason: ours.rolloutStateReason
      }),
      failedTasks: counts?.failed ?? 0,
      events: [...this.events],
      stoppedTasks: [...this.stoppedTasks],
      targets: [...this.targets],
      ...(this.rollback !== undefined && { rollback: { ...this.rollback } }),
      startedAt: run.startedAt,
      finishedAt: verdict?.at ?? this.now,
      polls: run.polls,
      awsCalls: run.awsCalls
    }
  }
}
