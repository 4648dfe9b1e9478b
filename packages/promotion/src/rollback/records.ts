import { errorMessage, type Logger } from '@fargate-promote/common'
import type { DeploymentHistoryEntry as TargetHistoryEntry } from '@fargate-promote/ecs'
import {
  listDeploymentHistory,
  setDeploymentState,
  startDeploymentRecord,
  type DeploymentHistoryEntry,
  type DeploymentRecord,
  type DeploymentState
} from '../deployment-records.js'
import type { GitHubClient, RepositoryRef } from '../github-client.js'

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

/** Where a rollback is recorded on GitHub. */
export interface RollbackRecordTarget extends RepositoryRef {
  environment: string
  /** The commit or ref the rollback deployment is created for. */
  ref: string
  /** The workflow run, linked from every status. */
  logUrl?: string
}

export interface RollbackRecorderOptions {
  record: RollbackRecordTarget
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

/**
 * The rollback's final GitHub state: success or failure when it was observed, error when the
 * watch was cancelled with ECS still at work, undefined when it was not watched (the record
 * then stays in_progress: nothing was observed).
 */
export interface FinishedRollback {
  state: 'success' | 'failure' | 'error' | undefined
  description: string
}

/** What was recorded on GitHub, for the summary and the outputs. */
export interface RecordReport {
  deploymentId?: number
  /** The deployment this rollback replaced, and the state it was given. */
  superseded?: { id: number; state: DeploymentState }
}

/**
 * The GitHub side of a rollback: reads the environment's deployment history (also a source
 * for `to: previous`), records the rollback as a deployment of its own with the reason in the
 * payload, and marks the deployment it replaced (an unfinished one `failure`, a successful
 * one `inactive`). Recording problems are warnings: ECS decides the rollback's result.
 */
export class RollbackRecorder {
  private history?: Promise<DeploymentHistoryEntry[]>
  private snapshot: DeploymentHistoryEntry[] = []
  private record?: Promise<DeploymentRecord | undefined>

  constructor(
    private readonly options: RollbackRecorderOptions,
    private readonly deps: { github: () => Promise<GitHubClient>; log: Logger }
  ) {}

  /** The environment's newest deployments, read once. */
  private deployments(): Promise<DeploymentHistoryEntry[]> {
    const { record } = this.options
    this.history ??= this.deps.github().then(github =>
      listDeploymentHistory(
        {
          owner: record.owner,
          repo: record.repo,
          environment: record.environment,
          limit: HISTORY_LIMIT
        },
        { github }
      )
    )
    return this.history
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
      this.ofService(await this.deployments()).flatMap(entry => {
        const arn = entry.payload?.taskDefinitionArn
        return typeof arn === 'string' && entry.state !== undefined
          ? [{ taskDefinitionArn: arn, createdAt: entry.createdAt, state: entry.state }]
          : []
      })
  }

  /** Reads the history (before this run adds to it), then creates the rollback's deployment. */
  started(info: StartedRollback): void {
    this.record ??= this.create(info)
  }

  private async create(info: StartedRollback): Promise<DeploymentRecord | undefined> {
    const { options, deps } = this
    const { record } = options
    try {
      this.snapshot = this.ofService(await this.deployments())
    } catch (error) {
      deps.log.warning(`Could not read the GitHub deployment history: ${errorMessage(error)}`)
    }
    try {
      const created = await startDeploymentRecord(
        {
          owner: record.owner,
          repo: record.repo,
          ref: record.ref,
          environment: record.environment,
          description: `Rolling back ${options.service}: ${options.reason}`,
          payload: {
            cluster: options.cluster,
            service: options.service,
            taskDefinitionArn: info.toTaskDefinitionArn,
            previousTaskDefinitionArn: info.fromTaskDefinitionArn,
            version: await info.version,
            reason: options.reason,
            rollback: true
          },
          logUrl: record.logUrl
        },
        { github: await deps.github() }
      )
      deps.log.info(
        `Recorded GitHub deployment ${created.id} for environment ${created.environment}.`
      )
      return created
    } catch (error) {
      deps.log.warning(`Could not record the GitHub deployment: ${errorMessage(error)}`)
      return undefined
    }
  }

  /**
   * Posts the rollback's final state, then (after a success) marks the deployment it replaced:
   * each on its own, so a failure of the second never leaves the rollback in_progress.
   */
  async finished(outcome: FinishedRollback): Promise<RecordReport> {
    const created = await this.record
    if (!created) return {}
    const report: RecordReport = { deploymentId: created.id }
    if (outcome.state === undefined) return report
    const { record } = this.options
    try {
      await setDeploymentState(
        created,
        { state: outcome.state, description: outcome.description, logUrl: record.logUrl },
        { github: await this.deps.github() }
      )
    } catch (error) {
      this.deps.log.warning(
        `Could not update GitHub deployment ${created.id}: ${errorMessage(error)}`
      )
    }
    const replaced = this.snapshot[0]
    const state = replaced?.state && SUPERSEDED[replaced.state]
    if (outcome.state !== 'success' || !replaced || !state) return report
    try {
      await setDeploymentState(
        {
          owner: record.owner,
          repo: record.repo,
          id: replaced.id,
          environment: created.environment
        },
        { state, description: `Rolled back: ${this.options.reason}`, logUrl: record.logUrl },
        { github: await this.deps.github() }
      )
      report.superseded = { id: replaced.id, state }
    } catch (error) {
      this.deps.log.warning(
        `Could not mark GitHub deployment ${replaced.id} ${state}: ${errorMessage(error)}`
      )
    }
    return report
  }
}
