import { AwsError, type AwsServiceName } from './contract.js'
import type { FaultDecision } from './faults.js'

/** Injected faults and internal failures, each in the shape its own service would send. */

const THROTTLE_CODES: Record<AwsServiceName, string> = {
  ecs: 'ThrottlingException',
  elbv2: 'Throttling',
  cloudwatch: 'Throttling',
  sqs: 'ThrottlingException',
  ecr: 'ThrottlingException'
}

const INTERNAL_CODES: Record<AwsServiceName, string> = {
  ecs: 'ServerException',
  elbv2: 'InternalFailure',
  cloudwatch: 'InternalServiceError',
  sqs: 'InternalFailure',
  ecr: 'ServerException'
}

/** A module threw something that is not an AwsError: the sim's bug, reported as AWS would. */
export function internalError(service: AwsServiceName): AwsError {
  return new AwsError(INTERNAL_CODES[service], 'An internal error occurred in the simulator', 500)
}

export function injectedAwsError(service: AwsServiceName, decision: FaultDecision): AwsError {
  let code = decision.error
  if (code === 'Throttling' || code === 'ThrottlingException') code = THROTTLE_CODES[service]
  if (code === undefined) {
    const status = decision.status ?? 400
    if (status === 503) code = 'ServiceUnavailable'
    else if (status >= 500) code = INTERNAL_CODES[service]
    else code = THROTTLE_CODES[service]
  }
  const throttling = code === THROTTLE_CODES[service]
  const status =
    decision.status ??
    (code === 'ServiceUnavailable' ? 503 : code === INTERNAL_CODES[service] ? 500 : 400)
  const message =
    decision.message ??
    (throttling
      ? 'Rate exceeded'
      : status >= 500
        ? 'Service unavailable'
        : `Injected fault: ${code}`)
  return new AwsError(code, message, status)
}

export interface GitHubFaultResponse {
  status: number
  headers: Record<string, string>
  body: { message: string; documentation_url: string }
  code: string
}

export function injectedGitHubError(decision: FaultDecision, nowMs: number): GitHubFaultResponse {
  const status = decision.status ?? 403
  const headers: Record<string, string> = {}
  let message: string
  let code: string
  let documentation = 'https://docs.github.com/rest'
  if (status === 403 || status === 429) {
    message = 'API rate limit exceeded for installation.'
    code = 'RateLimited'
    documentation =
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'
    headers['x-ratelimit-limit'] = '5000'
    headers['x-ratelimit-remaining'] = '0'
    headers['x-ratelimit-used'] = '5000'
    headers['x-ratelimit-resource'] = 'core'
    headers['x-ratelimit-reset'] = String(Math.ceil(nowMs / 1000) + 60)
    if (status === 429) headers['retry-after'] = '60'
  } else if (status >= 500) {
    message = 'Server Error'
    code = 'ServerError'
  } else {
    message = 'Injected fault'
    code = 'InjectedFault'
  }
  return {
    status,
    headers,
    body: { message: decision.message ?? message, documentation_url: documentation },
    code: decision.error ?? code
  }
}
