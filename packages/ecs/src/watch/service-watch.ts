import type { Deployment, Service } from '@aws-sdk/client-ecs'
import { formatDuration, type Logger } from '@fargate-promote/common'
import { countsOf, describeCounts, progressOf, stateOf } from '../observe/describe.js'
import { findDeployment } from '../observe/services.js'
import { inactiveReason, isActiveService, isSettled } from '../observe/settled.js'
import { judgeTargets, targetGroupsOf } from '../observe/targets.js'
import type { ServiceEventView } from '../observe/types.js'
import { EventStream } from './events.js'
import { DeploymentEvidence } from './evidence.js'
import {
  absentReason,
  failedWithoutRollbackReason,
  failureEvidence,
  rolledBackReason,
  waitingFor
} from './explain.js'
import {
  failureEventOf,
  findRollback,
  stripPeriod,
  withAlarmNames,
  type RollbackEvidence
} from './rollback-evidence.js'
import { RollbackFollow } from './rollback-follow.js'
import type { RolloutOutcome, RolloutResult, ServiceWatchContext, WatchTarget } from './types.js'

interface Verdict {
  outcome: RolloutOutcome
  reason: string
  at: number
}

/**
 * The watch of one service's deployment between polls: each poll's DescribeServices answer is
 * judged (settled with healthy targets, rolled back by ECS, failed, superseded), with the
 * evidence fetched on signals (DeploymentEvidence) and a rollback by ECS followed to its end
 * (RollbackFollow). Never a verdict of success that was not observed.
 */
export class ServiceWatch {
  private readonly events: ServiceEventView[] = []
  private readonly stream: EventStream
  private readonly evidence: DeploymentEvidence
  private readonly rollback: RollbackFollow
  private lastProgress: string | undefined
  private ours: Deployment | undefined
  private service: Service | undefined
  private absentPolls = 0
  private failedPolls = 0
  private warnedNoLoadBalancer = false
  private verdict: Verdict | undefined

  constructor(
    readonly target: WatchTarget,
    private readonly context: ServiceWatchContext
  ) {
    this.stream = new EventStream(context.options.since)
    this.evidence = new DeploymentEvidence(target.deploymentId, target.service, context)
    this.rollback = new RollbackFollow(
      target.service,
      this.log,
      line => this.logProgress(line),
      () => {
        if (this.verdict !== undefined) this.verdict.at = this.now
      }
    )
  }

  /** Verdict reached, and no rollback left to follow. */
  get done(): boolean {
    return this.verdict !== undefined && !this.rollback.active
  }

  /** Where this service stands: its latest progress line, or its verdict once reached. */
  state(): string {
    const verdict = this.verdict
    if (verdict !== undefined && !this.rollback.active) return `${this.name}: ${verdict.outcome}`
    return this.lastProgress ?? `${this.name}: deployment ${this.target.deploymentId} not seen yet`
  }

  private get name(): string {
    return this.target.service
  }

  private get log(): Logger {
    return this.context.deps.log
  }

  private get now(): number {
    return this.context.deps.clock.now()
  }

  /** One poll's DescribeServices answer for this service (undefined: AWS reports it MISSING). */
  async observe(service: Service | undefined): Promise<void> {
    if (service === undefined) {
      const reason = `service ${this.name} was not found in cluster ${this.context.options.cluster} (DescribeServices reports it MISSING)`
      if (this.rollback.active) this.rollback.end('failed', reason)
      else this.decide('failed', reason)
      return
    }
    this.service = service
    this.streamEvents(service)
    if (this.rollback.active) return this.rollback.check(service)
    if (!isActiveService(service)) {
      return this.decide(
        'failed',
        `${inactiveReason(this.name, service)}, so deployment ${this.target.deploymentId} cannot complete`
      )
    }
    const ours = findDeployment(service, this.target.deploymentId)
    if (ours !== undefined) this.track(ours)
    const rollback = findRollback(service, ours, this.target.deploymentId)
    if (rollback !== undefined) return this.rolledBack(service, rollback)
    if (ours === undefined) return this.absent(service)
    if (ours.rolloutState === 'FAILED') return this.failedWithoutRollback(service, ours)
    await this.evidence.fetchStoppedTasks(false)
    await this.judgeProgress(service, ours)
  }

  private streamEvents(service: Service): void {
    for (const event of this.stream.take(service.events ?? [])) {
      this.events.push(event)
      this.log.info(this.context.prefixEvents ? `${this.name}: ${event.message}` : event.message)
      this.evidence.noticeEvent(event.message)
    }
  }

  private track(ours: Deployment): void {
    this.ours = ours
    this.evidence.noticeDeployment(ours)
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
    const complete = isSettled(service, ours)
    this.evidence.noticeComplete(complete)
    const withTargets = this.waitsForTargets(service)
    if (withTargets && countsOf(ours).running > 0 && this.evidence.targetCheckDue(complete)) {
      await this.evidence.refreshTargets(service, ours)
    }
    if (!complete) return
    const { desired } = countsOf(ours)
    const summary = `deployment ${this.target.deploymentId} is PRIMARY and COMPLETED with ${desired}/${desired} tasks running`
    if (!withTargets) return this.decide('succeeded', summary)
    const judgement = judgeTargets(service, this.evidence.targets, desired)
    if (judgement.healthy) this.decide('succeeded', `${summary} and ${judgement.detail}`)
  }

  private evidenceText(): string {
    return failureEvidence(this.ours, this.evidence.stoppedTasks)
  }

  private async rolledBack(service: Service, evidence: RollbackEvidence): Promise<void> {
    await this.evidence.fetchStoppedTasks(true)
    this.decide('rolled-back', rolledBackReason(this.target, evidence, this.evidenceText()))
    const primary = evidence.primary
    this.rollback.start({
      deploymentId: primary.id ?? evidence.toDeploymentId,
      taskDefinitionArn: primary.taskDefinition ?? ''
    })
    this.rollback.check(service)
    if (this.rollback.active && !this.context.options.followRollback) {
      this.rollback.end(
        'timed-out',
        `not followed (followRollback is off); it was ${stateOf(primary)} with ${describeCounts(primary)}`
      )
    }
  }

  /** Our deployment is not in service.deployments (any more). */
  private absent(service: Service): void {
    this.absentPolls += 1
    // Right after UpdateService, a read may not show the new deployment yet: a deployment never
    // seen gets a second poll before it counts as gone.
    if (this.ours === undefined && this.absentPolls < 2) return
    const failure = failureEventOf(service, this.target.deploymentId)
    if (failure !== undefined) {
      const cause = withAlarmNames(service, stripPeriod(failure.cause))
      this.decide(
        'failed',
        `deployment ${this.target.deploymentId} failed: ${cause}${this.evidenceText()}`
      )
      return
    }
    this.decide('failed', absentReason(service, this.target.deploymentId, this.ours !== undefined))
  }

  private async failedWithoutRollback(service: Service, ours: Deployment): Promise<void> {
    this.failedPolls += 1
    const { deploymentCircuitBreaker: breaker, alarms } = service.deploymentConfiguration ?? {}
    const rollbackConfigured = breaker?.rollback === true || alarms?.rollback === true
    // ECS marks the deployment FAILED and starts the rollback deployment together, but a read
    // may catch the moment between: give a configured rollback one more poll to show up.
    if (rollbackConfigured && this.failedPolls < 2) return
    await this.evidence.fetchStoppedTasks(true)
    this.decide(
      'failed',
      failedWithoutRollbackReason(service, this.target, ours, this.evidenceText())
    )
  }

  private decide(outcome: RolloutOutcome, reason: string): void {
    this.verdict = { outcome, reason, at: this.now }
    const message = `${this.name}: ${outcome}: ${reason}`
    if (outcome === 'succeeded') this.log.info(message)
    else this.log.warning(message)
  }

  /**
   * Before a timeout verdict, look at target health once more so the reason is current
   * (only when a target group is what we would be waiting for).
   */
  async refreshBeforeTimeout(): Promise<void> {
    const { service, ours } = this
    if (this.done || this.rollback.active || service === undefined || ours === undefined) return
    if (!this.waitsForTargets(service) || countsOf(ours).running === 0) return
    if (this.evidence.lastTargetCheck === this.now) return
    await this.evidence.refreshTargets(service, ours)
  }

  /** `outage`: AWS was failing at the deadline (for how long, its last error). */
  timeOut(timeoutMs: number, outage?: string): void {
    const after =
      `timed out after ${formatDuration(timeoutMs)}` + (outage === undefined ? '' : ` (${outage})`)
    if (this.rollback.active) return this.rollback.timeOut(this.service, after)
    if (this.verdict !== undefined) return
    const service = this.service
    const waits = service !== undefined && this.waitsForTargets(service)
    const targets = {
      waits,
      checked: this.evidence.lastTargetCheck !== undefined,
      seen: this.evidence.targets
    }
    this.decide('timed-out', `${after}: ${waitingFor(this.target, service, this.ours, targets)}`)
  }

  /** The watcher said "Rollout watch cancelled" once for all services: no line per service. */
  cancel(): void {
    this.rollback.cancel()
    this.verdict ??= { outcome: 'timed-out', reason: 'cancelled', at: this.now }
  }

  /** The service could not be watched any more (AWS failed with an error that will not heal). */
  abandon(reason: string): void {
    if (this.rollback.active) this.rollback.end('timed-out', reason)
    if (this.verdict === undefined) this.decide('timed-out', reason)
  }

  result(run: { startedAt: number; polls: number; awsCalls: number }): RolloutResult {
    const ours = this.ours
    const counts = ours === undefined ? undefined : countsOf(ours)
    const { verdict } = this
    const rollback = this.rollback.observation
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
      stoppedTasks: [...this.evidence.stoppedTasks],
      targets: [...this.evidence.targets],
      ...(rollback !== undefined && { rollback }),
      startedAt: run.startedAt,
      finishedAt: verdict?.at ?? this.now,
      polls: run.polls,
      awsCalls: run.awsCalls
    }
  }
}
