import type { Service } from '@aws-sdk/client-ecs'
import type { Logger } from '@fargate-promote/common'
import { describeCounts, progressOf, stateOf } from '../observe/describe.js'
import { findDeployment } from '../observe/services.js'
import { isSettled, primaryDeployment } from '../observe/settled.js'
import { stripPeriod } from './rollback-evidence.js'
import type { RollbackObservation } from './types.js'

interface Followed {
  deploymentId: string
  taskDefinitionArn: string
}

/**
 * After ECS rolled our deployment back, the rollback deployment is watched to its own end:
 * completed, failed, superseded or out of time. Its outcome is reported next to the verdict
 * on our deployment, which stays 'rolled-back' whatever the rollback does.
 */
export class RollbackFollow {
  private followed: Followed | undefined
  private ended: RollbackObservation | undefined

  constructor(
    private readonly name: string,
    private readonly log: Logger,
    /** One progress line per poll, only when it changed (the watch's own logger of progress). */
    private readonly progress: (line: string) => void,
    /** Called when the rollback reached its outcome. */
    private readonly onEnd: () => void
  ) {}

  get active(): boolean {
    return this.followed !== undefined && this.ended === undefined
  }

  get observation(): RollbackObservation | undefined {
    return this.ended === undefined ? undefined : { ...this.ended }
  }

  start(followed: Followed): void {
    this.followed = followed
  }

  /** One poll's look at the rollback deployment. */
  check(service: Service): void {
    const followed = this.current()
    const deployment = findDeployment(service, followed.deploymentId)
    if (deployment === undefined) {
      const primary = primaryDeployment(service)
      this.end(
        'failed',
        `rollback deployment ${followed.deploymentId} is no longer among the service's deployments` +
          (primary?.id === undefined ? '' : `: superseded by deployment ${primary.id}`)
      )
      return
    }
    this.progress(`${this.name}: rollback ${progressOf(deployment)}`)
    if (deployment.rolloutState === 'FAILED') {
      this.end(
        'failed',
        `rollback deployment ${followed.deploymentId} failed: ${stripPeriod(deployment.rolloutStateReason ?? 'rolloutState FAILED')}`
      )
    } else if (isSettled(service, deployment)) {
      this.end(
        'succeeded',
        `rollback deployment ${followed.deploymentId} completed with ${describeCounts(deployment)}`
      )
    }
  }

  end(outcome: RollbackObservation['outcome'], reason: string): void {
    this.ended = { ...this.current(), outcome, reason }
    const message = `${this.name}: rollback ${outcome}: ${reason}`
    if (outcome === 'succeeded') this.log.info(message)
    else this.log.warning(message)
    this.onEnd()
  }

  /** The deadline passed while the rollback was still under way. */
  timeOut(service: Service | undefined, after: string): void {
    const followed = this.current()
    const deployment = service && findDeployment(service, followed.deploymentId)
    this.end(
      'timed-out',
      `${after}: rollback deployment ${followed.deploymentId} was ${deployment ? `${stateOf(deployment)} with ${describeCounts(deployment)}` : 'not seen'}`
    )
  }

  /** The watcher said "Rollout watch cancelled" once for all services: no line of its own. */
  cancel(): void {
    if (this.active) this.ended = { ...this.current(), outcome: 'timed-out', reason: 'cancelled' }
  }

  private current(): Followed {
    if (this.followed === undefined) throw new Error('no rollback is being followed')
    return this.followed
  }
}
