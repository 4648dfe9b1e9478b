import type { RollbackTo } from '@fargate-promote/ecs'
import { loadChecks, type CheckSpec } from '@fargate-promote/health'
import {
  ConfigurationError,
  getBoolean,
  getPolling,
  getOptionalString,
  getRequiredString,
  type RunContext
} from '@fargate-promote/runner'

/** Every input of rollback, parsed and checked before anything talks to AWS. */
export interface RollbackSettings {
  cluster: string
  service: string
  to: RollbackTo
  /** How `to` was written, for messages and the summary. */
  toText: string
  reason: string
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  checks: CheckSpec[]
  checksSource?: string
  checksTimeoutMs: number
  checksIntervalMs: number
  stopInProgress: boolean
  environmentName?: string
  githubToken?: string
}

const ARN_PREFIX = 'arn:'
const TASK_DEFINITION_ARN =
  /^arn:[^:]+:ecs:[^:]*:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:[1-9]\d*$/
/** A release label: the characters an ECS tag value allows, without spaces. */
const VERSION_LABEL = /^[A-Za-z0-9][A-Za-z0-9+\-=._:/@]{0,255}$/

/** `previous`, a revision number, a full task-definition ARN, or a version label. */
export function parseRollbackTo(value: string): RollbackTo {
  if (value === 'previous') return { kind: 'previous' }
  if (/^[+-]?\d+$/.test(value)) {
    const revision = Number(value)
    if (!Number.isSafeInteger(revision) || revision <= 0) {
      throw new ConfigurationError(
        `Input 'to': revision '${value}' is not a positive whole number. Task-definition revisions start at 1; give one such as 42.`
      )
    }
    return { kind: 'revision', revision }
  }
  if (value.startsWith(ARN_PREFIX)) {
    if (!TASK_DEFINITION_ARN.test(value)) {
      throw new ConfigurationError(
        `Input 'to': '${value}' is not a task-definition ARN with a revision. Give arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>.`
      )
    }
    return { kind: 'arn', arn: value }
  }
  if (!VERSION_LABEL.test(value)) {
    throw new ConfigurationError(
      `Input 'to': '${value}' is none of the accepted forms. Give 'previous', a version label (letters, digits and + - = . _ : / @, as deploy-fargate's 'version'), a revision number such as 42, or a full task-definition ARN.`
    )
  }
  return { kind: 'version', version: value }
}

/** Inline YAML, or the path of a .yml/.yaml/.json file relative to the workspace. */
function readChecks(context: RunContext): { checks: CheckSpec[]; source?: string } {
  const text = getOptionalString('checks')
  if (text === undefined) return { checks: [] }
  return loadChecks({ text, baseDir: context.workspace, what: "Input 'checks'" })
}

function defaultReason(context: RunContext): string {
  return `manual rollback${context.actor ? ` by ${context.actor}` : ''}`
}

export function readRollbackSettings(context: RunContext): RollbackSettings {
  const cluster = getRequiredString('cluster')
  const service = getRequiredString('service')
  const toText = getOptionalString('to') ?? 'previous'
  const to = parseRollbackTo(toText)
  const { timeoutMs, intervalMs: pollIntervalMs } = getPolling({
    timeout: 'timeout',
    interval: 'poll-interval',
    timeoutDefault: '15m',
    intervalDefault: '5s'
  })
  const { timeoutMs: checksTimeoutMs, intervalMs: checksIntervalMs } = getPolling({
    timeout: 'checks-timeout',
    interval: 'checks-interval',
    timeoutDefault: '5m',
    intervalDefault: '10s',
    maxTimeout: 3_600_000
  })
  const { checks, source } = readChecks(context)
  const wait = getBoolean('wait', true)
  if (!wait && checks.length > 0) {
    throw new ConfigurationError(
      "Input 'checks' needs 'wait: true': the checks run once the rollback is observed complete. Remove the checks or set wait to true."
    )
  }
  return {
    cluster,
    service,
    to,
    toText,
    reason: getOptionalString('reason') ?? defaultReason(context),
    wait,
    timeoutMs,
    pollIntervalMs,
    checks,
    checksSource: source,
    checksTimeoutMs,
    checksIntervalMs,
    stopInProgress: getBoolean('stop-in-progress', true),
    environmentName: getOptionalString('environment'),
    githubToken: getOptionalString('github-token')
  }
}
