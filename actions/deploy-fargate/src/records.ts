import { errorMessage, type Logger } from '@fargate-promote/common'
import type { DeployResult } from '@fargate-promote/ecs'
import {
  parseRepository,
  setDeploymentState,
  startDeploymentRecord,
  type DeploymentRecord
} from '@fargate-promote/promotion'
import { githubClient, type RunContext } from '@fargate-promote/runner'
import type { DeploySettings } from './inputs.js'
import type { StartedDeployment } from './state.js'

/**
 * The GitHub deployment of this run: created in_progress when ECS accepted the update, then
 * success or failure with what happened. Recording problems are warnings: the deployment
 * itself decides the step's result.
 */
export class GitHubRecorder {
  private record?: Promise<DeploymentRecord | undefined>
  private readonly enabled: boolean

  constructor(
    private readonly settings: DeploySettings,
    private readonly context: RunContext,
    private readonly log: Logger
  ) {
    this.enabled = Boolean(
      settings.githubToken && settings.environmentName && context.repository && !settings.dryRun
    )
    if (settings.githubToken && !settings.environmentName && !settings.dryRun) {
      log.warning(
        "No GitHub deployment is recorded: 'github-token' was given without 'environment'."
      )
    }
  }

  started(info: StartedDeployment): void {
    if (!this.enabled || this.record) return
    this.record = this.create(info)
  }

  private async create(info: StartedDeployment): Promise<DeploymentRecord | undefined> {
    const repository = parseRepository(this.context.repository)
    try {
      const github = await githubClient(this.settings.githubToken as string)
      const record = await startDeploymentRecord(
        {
          owner: repository?.owner ?? '',
          repo: repository?.repo ?? '',
          ref: this.context.sha ?? this.context.ref ?? 'HEAD',
          environment: this.settings.environmentName as string,
          description: `Deploying ${this.settings.version} to ${this.settings.cluster}/${this.settings.services.join(',')}`,
          payload: {
            cluster: this.settings.cluster,
            service: info.service,
            services: this.settings.services,
            taskDefinitionArn: info.taskDefinitionArn,
            previousTaskDefinitionArn: info.previousTaskDefinitionArn,
            images: this.settings.images,
            version: this.settings.version
          },
          logUrl: this.context.runUrl,
          environmentUrl: this.settings.environmentUrl
        },
        { github }
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

  /** Posts the final state; returns the GitHub deployment id when one was recorded. */
  async finished(result: DeployResult): Promise<number | undefined> {
    const record = await this.record
    if (!record) return undefined
    // wait: false observed nothing: the record stays in_progress rather than claim an outcome.
    if (result.status === 'started') return record.id
    const success = result.status === 'succeeded'
    try {
      const github = await githubClient(this.settings.githubToken as string)
      await setDeploymentState(
        record,
        {
          state: success ? 'success' : 'failure',
          description: success
            ? `Deployed ${this.settings.version}`
            : `${result.status}: ${result.failureReason ?? 'see the run'}`,
          logUrl: this.context.runUrl,
          environmentUrl: this.settings.environmentUrl
        },
        { github }
      )
    } catch (error) {
      this.log.warning(`Could not update GitHub deployment ${record.id}: ${errorMessage(error)}`)
    }
    return record.id
  }
}
