import { errorMessage } from '@fargate-promote/common'
import type { DeploymentHistoryEntry as TargetHistoryEntry } from '@fargate-promote/ecs'
import type { DeploymentHistoryEntry, DeploymentState } from '../github/deployments.js'
import {
  DeploymentRecorder,
  type FinalRecord,
  type RecordTarget,
  type RecorderDeps
} from '../github/recorder.js'

/** How many of the environment's newest deployments are read. */
export const HISTORY_LIMIT = 30

/**
 * What the deployment a successful rollback replaced becomes: an unfinished one failed, a
 * successful one is no longer live. Failed ones already say the truth and are left alone.
 */
export const SUPERSEDED: Partial<Record<DeploymentState, DeploymentState>> = {
  in_progress: 'failure',
  queued: 'failure',
  pending: 'failure',
  success: 'inactive'
}

export interface RollbackRecorderOptions {
  record: RecordTarget
  cluster: string
  service: string
  reason: string
}

export interface StartedRollback {
  fromTaskDefinitionArn: string
  toTaskDefinitionArn: string
  /** Read next to the rollout (the target is not read before the write): awaited here. */
  version?: string | Promise<string | undefined>
}

/** The rollback's final GitHub state: see FinalRecord. */
export type FinishedRollback = FinalRecord

/** What was recorded on GitHub, for the summary and the outputs. */
export interface RecordReport {
  deploymentId?: number
  /** The deployment this rollback replaced, and the state it was given. */
  superseded?: { id: number; state: DeploymentState }
}

/**
 * The GitHub side of a rollback, on the one DeploymentRecorder: reads the environment's
 * deployment history (also a source for `to: previous`), records the rollback as a deployment
 * of its own with the reason in the payload, and marks the deployment it replaced (an
 * unfinished one `failure`, a successful one `inactive`). Recording problems are warnings: ECS
 * decides the rollback's result.
 */
export class RollbackRecorder {
  private readonly recorder: DeploymentRecorder
  private snapshot: DeploymentHistoryEntry[] = []

  constructor(
    private readonly options: RollbackRecorderOptions,
    private readonly deps: RecorderDeps
  ) {
    this.recorder = new DeploymentRecorder(options.record, deps)
  }

  private ofService(entries: DeploymentHistoryEntry[]): DeploymentHistoryEntry[] {
    return entries.filter(entry => {
      const service = entry.payload?.service
      return service === undefined || service === this.options.service
    })
  }

  /** The history in the shape resolveRollbackTarget reads. */
  targetHistory(): () => Promise<TargetHistoryEntry[]> {
    return async () =>
      this.ofService(await this.recorder.deployments(HISTORY_LIMIT)).flatMap(entry => {
        const arn = entry.payload?.taskDefinitionArn
        return typeof arn === 'string' && entry.state !== undefined
          ? [{ taskDefinitionArn: arn, createdAt: entry.createdAt, state: entry.state }]
          : []
      })
  }

  /** Reads the history (before this run adds to it), then creates the rollback's deployment. */
  started(info: StartedRollback): void {
    const { options, deps } = this
    this.recorder.start(`Rolling back ${options.service}: ${options.reason}`, async () => {
      try {
        this.snapshot = this.ofService(await this.recorder.deployments(HISTORY_LIMIT))
      } catch (error) {
        deps.log.warning(`Could not read the GitHub deployment history: ${errorMessage(error)}`)
      }
      return {
        cluster: options.cluster,
        service: options.service,
        taskDefinitionArn: info.toTaskDefinitionArn,
        previousTaskDefinitionArn: info.fromTaskDefinitionArn,
        version: await info.version,
        reason: options.reason,
        rollback: true
      }
    })
  }

  /**
   * Posts the rollback's final state, then (after a success) marks the deployment it replaced:
   * each on its own, so a failure of the second never leaves the rollback in_progress.
   */
  async finished(outcome: FinishedRollback): Promise<RecordReport> {
    const deploymentId = await this.recorder.finish(outcome)
    if (deploymentId === undefined) return {}
    const report: RecordReport = { deploymentId }
    const replaced = this.snapshot[0]
    const state = replaced?.state && SUPERSEDED[replaced.state]
    if (outcome.state !== 'success' || !replaced || !state) return report
    const description = `Rolled back: ${this.options.reason}`
    if (await this.recorder.supersede(replaced.id, state, description)) {
      report.superseded = { id: replaced.id, state }
    }
    return report
  }
}
