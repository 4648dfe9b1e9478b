import { ConfigurationError } from '@fargate-promote/common'
import { parseImageReference } from '@fargate-promote/ecs'
import type { CheckSpec } from '@fargate-promote/health'
import type { GateDeps, GateOptions } from './types.js'

export const DEFAULT_CHECKS_TIMEOUT_MS = 60_000
export const DEFAULT_ENVIRONMENT = 'staging'
export const ALARMS_CHECK = 'alarms'
export const ALARM_PREFIX_CHECK = 'alarms by prefix'

const SHA = /^[0-9a-f]{7,40}$/i

function fail(field: string, value: unknown, what: string): never {
  const shown = Array.isArray(value) ? JSON.stringify(value) : String(value)
  throw new ConfigurationError(`staging gate option ${field}: '${shown}' ${what}`)
}

function blank(value: string | undefined): boolean {
  return value === undefined || value.trim() === ''
}

/** The client each check type needs, so a missing one fails before any request. */
const CLIENT_FOR: Partial<Record<CheckSpec['type'], keyof GateDeps>> = {
  'target-group': 'elb',
  'cloudwatch-alarm': 'cloudwatch',
  'sqs-queue': 'sqs'
}

/** The alarm checks the gate adds to the user's health checks. */
export function alarmChecks(alarms: GateOptions['alarms']): CheckSpec[] {
  const checks: CheckSpec[] = []
  const names = alarms.names ?? []
  if (names.length > 0) {
    checks.push({
      type: 'cloudwatch-alarm',
      name: ALARMS_CHECK,
      alarms: names,
      failOnInsufficientData: false
    })
  }
  if (alarms.prefix !== undefined) {
    checks.push({
      type: 'cloudwatch-alarm',
      name: ALARM_PREFIX_CHECK,
      prefix: alarms.prefix,
      failOnInsufficientData: false
    })
  }
  return checks
}

function validateCandidate(candidate: GateOptions['candidate']): void {
  const { version, sha, image } = candidate
  if (blank(version) && blank(sha) && blank(image)) {
    fail(
      'candidate',
      JSON.stringify(candidate),
      'names no release. Give the version, the commit SHA or the image that should go to production.'
    )
  }
  if (sha !== undefined && !SHA.test(sha)) {
    fail('candidate.sha', sha, 'is not a commit SHA. Give 7 to 40 hexadecimal characters.')
  }
  if (image !== undefined) parseImageReference(image, 'staging gate option candidate.image')
}

function validateChecks(options: GateOptions, deps: GateDeps): void {
  const all = [...options.checks, ...alarmChecks(options.alarms)]
  const seen = new Set<string>()
  for (const check of all) {
    if (seen.has(check.name)) {
      fail(
        'checks',
        check.name,
        `is the name of two checks (the gate names its alarm checks '${ALARMS_CHECK}' and '${ALARM_PREFIX_CHECK}'). Rename one.`
      )
    }
    seen.add(check.name)
    const client = CLIENT_FOR[check.type]
    if (client !== undefined && deps[client] === undefined) {
      throw new ConfigurationError(
        `staging gate check '${check.name}' (${check.type}) needs deps.${client}, but none was given. Pass the client or remove the check.`
      )
    }
  }
}

function validateEmergency(emergency: GateOptions['emergency']): void {
  if (!emergency.enabled) return
  if (blank(emergency.reason)) {
    fail(
      'emergency.reason',
      emergency.reason ?? '',
      'is empty. An emergency bypass needs a reason: say why this release cannot wait for the gate.'
    )
  }
  const allowed = emergency.allowedActors ?? []
  // GitHub logins are case-insensitive.
  const actor = emergency.actor?.toLowerCase()
  if (
    allowed.length > 0 &&
    (actor === undefined || !allowed.some(a => a.toLowerCase() === actor))
  ) {
    fail(
      'emergency.actor',
      emergency.actor ?? '',
      `may not bypass the gate: only ${allowed.join(', ')} may. Ask one of them to run it.`
    )
  }
}

/** Every option and dependency, before the first request. */
export function validateGateOptions(options: GateOptions, deps: GateDeps): void {
  if (blank(options.cluster))
    fail('cluster', options.cluster, 'is empty. Name the staging cluster.')
  if (options.services.length === 0) {
    fail('services', options.services, 'is empty. Name at least one staging service.')
  }
  const services = new Set<string>()
  for (const service of options.services) {
    if (blank(service)) fail('services', options.services, 'holds an empty service name.')
    if (services.has(service)) fail('services', service, 'is listed twice. List each once.')
    services.add(service)
  }
  validateCandidate(options.candidate)
  if (!Number.isFinite(options.minSoakMs) || options.minSoakMs < 0) {
    fail('minSoakMs', options.minSoakMs, 'must be a duration of zero or more.')
  }
  const timeout = options.checksTimeoutMs
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) {
    fail('checksTimeoutMs', timeout, 'must be a duration longer than zero.')
  }
  if (options.alarms.prefix !== undefined && blank(options.alarms.prefix)) {
    fail(
      'alarms.prefix',
      options.alarms.prefix,
      'is empty and would match every alarm in the account. Give the prefix of the staging alarms.'
    )
  }
  for (const name of options.alarms.names ?? []) {
    if (blank(name)) fail('alarms.names', options.alarms.names, 'holds an empty alarm name.')
  }
  validateChecks(options, deps)
  if (options.environment !== undefined && blank(options.environment)) {
    fail('environment', options.environment, 'is empty. Name the GitHub environment, e.g. staging.')
  }
  if (options.requireGitHubDeployment) {
    if (deps.github === undefined) {
      throw new ConfigurationError(
        'staging gate option requireGitHubDeployment is true, but no GitHub client was given. Pass a token, or turn the requirement off.'
      )
    }
    if (options.repository === undefined) {
      throw new ConfigurationError(
        'staging gate option requireGitHubDeployment is true, but no repository was given. Pass repository as owner/repo.'
      )
    }
  }
  validateEmergency(options.emergency)
}
