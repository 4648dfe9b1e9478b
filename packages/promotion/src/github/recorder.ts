import { errorMessage, type Logger } from '@fargate-promote/common'
import type { GitHubClient, RepositoryRef } from './client.js'
import {
  listDeploymentHistory,
  setDeploymentState,
  startDeploymentRecord,
  type DeploymentHistoryEntry,
  type DeploymentPayload,
  type DeploymentRecord,
  type DeploymentState
} from './deployments.js'

/** Where a deployment is recorded on GitHub: an environment of a repository. */
export interface RecordTarget extends RepositoryRef {
  environment: string
  /** The commit or ref the deployment is created for. */
  ref: string
  /** The workflow run, linked from every status. */
  logUrl?: string
  environmentUrl?: string
}

export interface RecorderDeps {
  /** Loaded on first use: Octokit is a large part of a bundle. */
  github: () => Promise<GitHubClient>
  log: Logger
}

/** How a recorded deployment ends; no state leaves it in_progress (nothing was observed). */
export interface FinalRecord {
  /** in_progress: a deploy paused for a later run (the description says so). */
  state: 'success' | 'failure' | 'error' | 'in_progress' | undefined
  description: string
}

/**
 * The one GitHub deployment recorder of a run: created in_progress when ECS accepted the
 * change, then given the state that was observed. Recording problems are warnings, never the
 * step's result: the deployment itself decides that. Also reads the environment's history (once)
 * and marks an earlier deployment superseded.
 */
export class DeploymentRecorder {
  private record?: Promise<DeploymentRecord | undefined>
  private history?: Promise<DeploymentHistoryEntry[]>
  private client?: Promise<GitHubClient>

  constructor(
    readonly target: RecordTarget,
    private readonly deps: RecorderDeps
  ) {}

  /**
   * One client for the whole record (made on first use): its throttling counts this run's writes
   * against GitHub's limit, which a client per request could not.
   */
  private github(): Promise<GitHubClient> {
    this.client ??= this.deps.github()
    return this.client
  }

  /** The environment's newest deployments, read once. */
  deployments(limit: number): Promise<DeploymentHistoryEntry[]> {
    const { owner, repo, environment } = this.target
    this.history ??= this.github().then(github =>
      listDeploymentHistory({ owner, repo, environment, limit }, { github })
    )
    return this.history
  }

  /** Creates the deployment (once); `payload` may still be resolving (a version read meanwhile). */
  start(description: string, payload: () => Promise<DeploymentPayload>): void {
    this.record ??= this.create(description, payload)
  }

  private async create(
    description: string,
    payload: () => Promise<DeploymentPayload>
  ): Promise<DeploymentRecord | undefined> {
    const { target, deps } = this
    try {
      const created = await startDeploymentRecord(
        {
          owner: target.owner,
          repo: target.repo,
          ref: target.ref,
          environment: target.environment,
          description,
          payload: await payload(),
          ...(target.logUrl !== undefined && { logUrl: target.logUrl }),
          ...(target.environmentUrl !== undefined && { environmentUrl: target.environmentUrl })
        },
        { github: await this.github() }
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

  /** The id of the deployment recorded, once created; undefined when none was. */
  async id(): Promise<number | undefined> {
    return (await this.record)?.id
  }

  /** Posts the final state (none: left in_progress); returns the deployment's id. */
  async finish(outcome: FinalRecord): Promise<number | undefined> {
    const created = await this.record
    if (created === undefined) return undefined
    if (outcome.state !== undefined) {
      await this.post(created, outcome.state, outcome.description)
    }
    return created.id
  }

  /** Gives an earlier deployment of the environment a new state (e.g. inactive after a rollback). */
  async supersede(id: number, state: DeploymentState, description: string): Promise<boolean> {
    const { owner, repo, environment } = this.target
    return this.post({ owner, repo, id, environment }, state, description)
  }

  private async post(
    record: DeploymentRecord,
    state: DeploymentState,
    description: string
  ): Promise<boolean> {
    const { target, deps } = this
    try {
      await setDeploymentState(
        record,
        {
          state,
          description,
          ...(target.logUrl !== undefined && { logUrl: target.logUrl }),
          ...(target.environmentUrl !== undefined && { environmentUrl: target.environmentUrl })
        },
        { github: await this.github() }
      )
      return true
    } catch (error) {
      deps.log.warning(
        `Could not mark GitHub deployment ${record.id} ${state}: ${errorMessage(error)}`
      )
      return false
    }
  }
}
