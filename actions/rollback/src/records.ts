import { errorMessage, type Logger } from '@fargate-promote/common'
import type { DeploymentHistoryEntry as TargetHistoryEntry } from '@fargate-promote/ecs'
import {
  listDeploymentHistory,
  parseRepository,
  setDeploymentState,
  startDeploymentRecord,
  type DeploymentHistoryEntry,
  type DeploymentRecord,
  type DeploymentState,
  type GitHubClient,
  type RepositoryRef
} from '@fargate-promote/promotion'
import { githubClient, type RunContext } from '@fargate-promote/runner'
import type { RollbackSettings } from './inputs.js'

/** How many of the environment's newest deployments are read. */
export const HISTORY_LIMIT = 30

/**
 * What the deployment a successful rollback replaced becomes: an unfinished one failed, a
 * successful one is no longer live. Failed ones already say the truth and are left alone.
 */
const SUPERSEDED: Partial<Record<DeploymentState, DeploymentState>> = {
  in_progress: 'failure',
  queued: 'failure',
  pending: 'failure',
  success: 'inactive'
}

export interface StartedRollback {
  fromTaskDefinitionArn: string
  toTaskDefinitionArn: string
  version?: string
}

export interface FinishedRollback {
  success: boolean
  /** False with wait: false: nothing was observed, so the record stays in_progress. */
  observed: boolean
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
 * one `inactive`). Recording problems are warnings: ECS decides the step's result.
 */
export class RollbackRecorder {
  readonly enabled: boolean
  private readonly repository: RepositoryRef
  private history?: Promise<DeploymentHistoryEntry[]>
  private snapshot: DeploymentHistoryEntry[] = []
  private record?: Promise<DeploymentRecord | undefined>

  constructor(
    private readonly settings: RollbackSettings,
    private readonly context: RunContext,
    private readonly log: Logger
  ) {
    const repository = parseRepository(context.repository)
    this.repository = repository ?? { owner: '', repo: '' }
    this.enabled = Boolean(settings.githubToken && settings.environmentName && repository)
    if (settings.githubToken && !settings.environmentName) {
      log.warning(
        "No GitHub deployment is recorded and GitHub history is not read: 'github-token' was given without 'environment'."
      )
    }
  }

  private github(): Promise<GitHubClient> {
    return githubClient(this.settings.githubToken as string)
  }

  /** The environment's newest deployments, read once. */
  private deployments(): Promise<DeploymentHistoryEntry[]> {
    this.history ??= this.github().then(github =>
      listDeploymentHistory(
        {
          ...this.repository,
          environment: this.settings.environmentName as string,
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
      return service === undefined || service === this.settings.service
    })
  }

  /** The history in the shape resolveRollbackTarget reads (undefined when disabled). */
  targetHistory(): (() => Promise<TargetHistoryEntry[]>) | undefined {
    if (!this.enabled) return undefined
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
    if (!this.enabled || this.record) return
    this.record = this.create(info)
  }

  private async create(info: StartedRollback): Promise<DeploymentRecord | undefined> {
    const { settings, context } = this
    try {
      this.snapshot = this.ofService(await this.deployments())
    } catch (error) {
      this.log.warning(`Could not read the GitHub deployment history: ${errorMessage(error)}`)
    }
    try {
      const record = await startDeploymentRecord(
        {
          ...this.repository,
          ref: context.sha ?? context.ref ?? 'HEAD',
          environment: settings.environmentName as string,
          description: `Rolling back ${settings.service}: ${settings.reason}`,
          payload: {
            cluster: settings.cluster,
            service: settings.service,
            taskDefinitionArn: info.toTaskDefinitionArn,
            previousTaskDefinitionArn: info.fromTaskDefinitionArn,
            version: info.version,
            reason: settings.reason,
            rollback: true
          },
          logUrl: context.runUrl
        },
        { github: await this.github() }
      )
      this.log.info(
        `Recorded GitHub deployment ${record.id} for environment ${record.environment}.`
      )
      return record
    } catch (error) {
      this.log.warning(`Could not record the GitHub deployment: ${errorMessage(error)}`)
      return undefined
    }
  }

  /** Posts the rollback's final state and marks the deployment it replaced. */
  async finished(outcome: FinishedRollback): Promise<RecordReport> {
    const record = await this.record
    if (!record) return {}
    const report: RecordReport = { deploymentId: record.id }
    if (!outcome.observed) return report
    try {
      const github = await this.github()
      const replaced = this.snapshot[0]
      const state = replaced?.state && SUPERSEDED[replaced.state]
      if (outcome.success && replaced && state) {
        await setDeploymentState(
          { ...this.repository, id: replaced.id, environment: record.environment },
          {
            state,
            description: `Rolled back: ${this.settings.reason}`,
            logUrl: this.context.runUrl
          },
          { github }
        )
        report.superseded = { id: replaced.id, state }
      }
      await setDeploymentState(
        record,
        {
          state: outcome.success ? 'success' : 'failure',
          description: outcome.description,
          logUrl: this.context.runUrl
        },
        { github }
      )
    } catch (error) {
      this.log.warning(`Could not update GitHub deployment ${record.id}: ${errorMessage(error)}`)
    }
    return report
  }
}
