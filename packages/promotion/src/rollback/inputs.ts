import {
  ConfigurationError,
  isRead,
  quoteValue,
  SettingProblems,
  type InputReader,
  type ProxySettings,
  type RunContext
} from '@fargate-promote/common'
import { withEnvironmentConfig } from '../config/inputs.js'
import { checkServiceName, type RollbackTo } from '@fargate-promote/ecs'
import {
  checkProxyUse,
  loadChecks,
  type CheckSpec,
  type EnvironmentUnderTest
} from '@fargate-promote/health'
import type { RecordTarget } from '../github/recorder.js'
import { fileRoots, readTarget, recordTarget } from '../inputs/common.js'

/** Every setting of a rollback, read and checked once, before anything talks to AWS. */
export interface RollbackInputs {
  cluster: string
  service: string
  to: RollbackTo
  /** How `to` was written, for messages and the summary. */
  toText: string
  /** Why: recorded on the GitHub deployment, the revision's tags and the log. */
  reason: string
  /** False: end once ECS accepted the rollback (status `started`); nothing else is claimed. */
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  stopInProgress: boolean
  /** Run after an observed rollback; each must pass CHECK_SUCCESSES rounds in a row. */
  checks: CheckSpec[]
  checksSource?: string
  checksTimeoutMs: number
  checksIntervalMs: number
  environmentName?: string
  githubToken?: string
  /** Where the rollback is recorded on GitHub (a token, an environment, a repository). */
  record?: RecordTarget
  /** The environment the checks test, for command checks. */
  target?: EnvironmentUnderTest
}

const ARN_PREFIX = 'arn:'
const TASK_DEFINITION_ARN =
  /^arn:[^:]+:ecs:[^:]*:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:[1-9]\d*$/
/** A release label: the characters an ECS tag value allows, without spaces. */
const VERSION_LABEL = /^[A-Za-z0-9][A-Za-z0-9+\-=._:/@]{0,255}$/
const TO = { input: 'to' }

/** `previous`, a revision number, a full task-definition ARN, or a version label. */
export function parseRollbackTo(value: string): RollbackTo {
  if (value === 'previous') return { kind: 'previous' }
  if (/^[+-]?\d+$/.test(value)) {
    const revision = Number(value)
    if (!Number.isSafeInteger(revision) || revision <= 0) {
      throw new ConfigurationError(
        `revision ${quoteValue(value)} is not a positive whole number. Task-definition revisions start at 1; give one such as 42.`,
        TO
      )
    }
    return { kind: 'revision', revision }
  }
  if (value.startsWith(ARN_PREFIX)) {
    if (!TASK_DEFINITION_ARN.test(value)) {
      throw new ConfigurationError(
        `${quoteValue(value)} is not a task-definition ARN with a revision. Give arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>.`,
        TO
      )
    }
    return { kind: 'arn', arn: value }
  }
  if (!VERSION_LABEL.test(value)) {
    throw new ConfigurationError(
      `${quoteValue(value)} is none of the accepted forms. Give 'previous', a version label (letters, digits and + - = . _ : / @, as deploy-fargate's 'version'), a revision number such as 42, or a full task-definition ARN.`,
      TO
    )
  }
  return { kind: 'version', version: value }
}

/** Every setting, each read on its own so that one run reports every problem. */
async function readSettings(
  inputs: InputReader,
  context: RunContext,
  problems: SettingProblems,
  proxy: ProxySettings | undefined
) {
  const read = <T>(fn: () => T) => problems.read(fn)
  const toText = inputs.optional('to') ?? 'previous'
  const checksText = inputs.optional('checks')
  const loaded =
    checksText === undefined
      ? undefined
      : await problems.readAsync(() =>
          loadChecks({
            text: checksText,
            roots: fileRoots(context),
            input: 'checks',
            from: inputs.subjectOf('checks')
          })
        )
  // An unusable proxy variable a check would go through, reported with the inputs' problems.
  if (loaded !== undefined && isRead(loaded)) read(() => checkProxyUse(loaded.checks, proxy))
  const wait = read(() => inputs.boolean('wait', true))
  if (isRead(wait) && !wait && checksText !== undefined) {
    problems.add(
      new ConfigurationError(
        "needs 'wait: true': the checks run once the rollback is observed complete. Remove the checks or set wait to true.",
        { input: 'checks' }
      )
    )
  }
  return problems.finish({
    cluster: read(() => inputs.required('cluster', 'the ECS cluster name or ARN')),
    service: read(() => {
      const service = inputs.required('service', 'the ECS service to roll back')
      checkServiceName(service, inputs.subjectOf('service'))
      return service
    }),
    toText,
    to: read(() => parseRollbackTo(toText)),
    polling: read(() =>
      inputs.polling({
        timeout: 'timeout',
        interval: 'poll-interval',
        timeoutDefault: '15m',
        intervalDefault: '5s'
      })
    ),
    checksPolling: read(() =>
      inputs.polling({
        timeout: 'checks-timeout',
        interval: 'checks-interval',
        timeoutDefault: '5m',
        intervalDefault: '10s',
        maxTimeout: 3_600_000
      })
    ),
    loaded,
    wait,
    stopInProgress: read(() => inputs.boolean('stop-in-progress', true)),
    target: read(() => readTarget(inputs))
  })
}

/**
 * rollback's settings, from an action's inputs or any other InputReader. Every problem is
 * reported at once (a ConfigurationErrors when there are several), with an unusable `proxy`
 * variable that an HTTP check would go through.
 */
export async function readRollbackInputs(
  given: InputReader,
  context: RunContext,
  proxy?: ProxySettings
): Promise<RollbackInputs> {
  const problems = new SettingProblems()
  const inputs = await withEnvironmentConfig(given, { action: 'rollback', context, problems })
  const settings = await readSettings(inputs, context, problems, proxy)
  const { polling, checksPolling, loaded, target } = settings
  const environmentName = inputs.optional('environment')
  const githubToken = inputs.optional('github-token')
  const record = recordTarget(context, { environment: environmentName, token: githubToken })
  return {
    cluster: settings.cluster,
    service: settings.service,
    to: settings.to,
    toText: settings.toText,
    reason:
      inputs.optional('reason') ?? `manual rollback${context.actor ? ` by ${context.actor}` : ''}`,
    wait: settings.wait,
    timeoutMs: polling.timeoutMs,
    pollIntervalMs: polling.intervalMs,
    stopInProgress: settings.stopInProgress,
    checks: loaded?.checks ?? [],
    ...(loaded !== undefined && { checksSource: loaded.source }),
    checksTimeoutMs: checksPolling.timeoutMs,
    checksIntervalMs: checksPolling.intervalMs,
    ...(environmentName !== undefined && { environmentName }),
    ...(githubToken !== undefined && { githubToken }),
    ...(record !== undefined && { record }),
    ...(target !== undefined && { target })
  }
}
