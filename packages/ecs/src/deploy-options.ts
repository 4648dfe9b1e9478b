import { ConfigurationError } from '@fargate-promote/common'
import { parseTaskDefinitionArn } from './task-definition-arn.js'

export type TaskDefinitionSource =
  | { kind: 'file'; definition: unknown; path: string }
  | { kind: 'arn'; arn: string }
  | { kind: 'current' }

export interface DeploymentStartedInfo {
  service: string
  deploymentId: string
  taskDefinitionArn: string
  previousTaskDefinitionArn: string
  serviceDeploymentArn?: string
}

export interface DeployOptions {
  cluster: string
  /** 1..10 services of the cluster. */
  services: string[]
  taskDefinition: TaskDefinitionSource
  /** Container name -> image. */
  images: Record<string, string>
  /** Container name -> variable -> value. */
  environment: Record<string, Record<string, string>>
  /** Set on the new revision (version, commit sha, ref, run URL, actor, user tags). */
  tags: Record<string, string>
  desiredCount?: number
  forceNewDeployment: boolean
  /** Turn on the ECS deployment circuit breaker with rollback if it is not. */
  circuitBreaker: boolean
  /** CloudWatch alarms that fail (and roll back) the deployment. */
  alarms: string[]
  wait: boolean
  /** One deadline for the whole deploy: waiting for a deployment in progress, pre-deploy, rollout. */
  timeoutMs: number
  pollIntervalMs: number
  waitForTargetHealth: boolean | 'auto'
  /** On failure or timeout, return to the exact revision live before (when ECS did not already). */
  onFailure: 'rollback' | 'none'
  /** A one-off task run from the new revision before any service is updated (migrations). */
  preDeploy?: { command: string[]; container?: string }
  dryRun: boolean
  /** After the deploy, deregister revisions of the family beyond the newest N. */
  keepRevisions?: number
  /** Called as soon as a service's deployment exists, so a cancellation step can undo it. */
  onDeploymentStarted?: (info: DeploymentStartedInfo) => void
}

function positive(what: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(
      `${what}: '${value}' is not a positive duration. Give a duration above 0, e.g. 10m.`
    )
  }
}

/** Checks that need no AWS call. */
export function validateDeployOptions(options: DeployOptions): void {
  const source = options.taskDefinition
  if (source.kind === 'file' && options.services.length > 1) {
    throw new ConfigurationError(
      `task-definition: the file '${source.path}' can be deployed to one service only, but ${options.services.length} services were given (${options.services.join(', ')}). Deploy each service with its own file, or deploy their current task definitions with new images.`
    )
  }
  if (source.kind === 'arn' && !parseTaskDefinitionArn(source.arn)) {
    throw new ConfigurationError(
      `task-definition: '${source.arn}' is not a task-definition ARN or family:revision. Give e.g. arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42.`
    )
  }
  positive('timeout', options.timeoutMs)
  positive('poll-interval', options.pollIntervalMs)
  if (
    options.desiredCount !== undefined &&
    (!Number.isInteger(options.desiredCount) || options.desiredCount < 0)
  ) {
    throw new ConfigurationError(
      `desired-count: '${options.desiredCount}' is not a whole number of 0 or more. Give the number of tasks, or leave it empty to keep the service's count.`
    )
  }
  if (
    options.keepRevisions !== undefined &&
    (!Number.isInteger(options.keepRevisions) || options.keepRevisions < 1)
  ) {
    throw new ConfigurationError(
      `keep-revisions: '${options.keepRevisions}' is not a whole number of at least 1. Give how many recent revisions to keep, or leave it empty to keep all.`
    )
  }
  const blankAlarm = options.alarms.findIndex(alarm => alarm.trim() === '')
  if (blankAlarm >= 0) {
    throw new ConfigurationError(
      `alarms: entry ${blankAlarm + 1} is empty. Give CloudWatch alarm names, one per line.`
    )
  }
  if (options.preDeploy && options.preDeploy.command.length === 0) {
    throw new ConfigurationError(
      'pre-deploy-command: the command is empty. Give the command to run, or leave the input out.'
    )
  }
}
