import { AwsError } from '../contract.js'
import type { HealthCheckSettings, TargetGroupRecord } from './model.js'
import { optBool, optInt, optObject, optString, reqString, validation } from './params.js'

/**
 * Target group settings with the ALB defaults and ranges (aws-behaviour.md §5; ALB user guide
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * and attributes https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html).
 */

type Input = Record<string, unknown>

export const DEFAULT_HEALTH_CHECK: HealthCheckSettings = {
  enabled: true,
  protocol: 'HTTP',
  port: 'traffic-port',
  path: '/',
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThreshold: 5,
  unhealthyThreshold: 2,
  matcher: '200'
}

export const DEFAULT_ATTRIBUTES: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'stickiness.enabled': 'false',
  'stickiness.type': 'lb_cookie',
  'stickiness.lb_cookie.duration_seconds': '86400',
  'load_balancing.algorithm.type': 'round_robin',
  'slow_start.duration_seconds': '0'
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/

/** Names of target groups and load balancers: 1–32 alphanumerics or hyphens, no edge hyphen. */
export function checkName(kind: string, name: string): void {
  if (name.length > 32) {
    throw validation(`${kind} name '${name}' cannot be longer than '32' characters`)
  }
  if (!NAME.test(name)) {
    throw validation(
      `${kind} name '${name}' can contain only alphanumeric characters or hyphens (-), and must not begin or end with a hyphen`
    )
  }
}

const PROTOCOLS = ['HTTP', 'HTTPS']
const MATCHER = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/

function checkMatcher(code: string): void {
  const valid =
    MATCHER.test(code) && code.split(/[,-]/).every(c => Number(c) >= 200 && Number(c) <= 499)
  if (!valid) {
    throw validation(`Health check matcher HTTP code '${code}' must be within '200-499'`)
  }
}

/** Health-check fields of CreateTargetGroup/ModifyTargetGroup applied over `base`. */
export function parseHealthCheck(input: Input, base: HealthCheckSettings): HealthCheckSettings {
  const protocol = optString(input, 'HealthCheckProtocol') ?? base.protocol
  if (!PROTOCOLS.includes(protocol)) {
    throw validation(`Health check protocol '${protocol}' is not supported (HTTP, HTTPS)`)
  }
  const port = optString(input, 'HealthCheckPort') ?? base.port
  if (port !== 'traffic-port') {
    const n = Number(port)
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw validation(`Health check port '${port}' must be 'traffic-port' or 1-65535`)
    }
  }
  const path = optString(input, 'HealthCheckPath') ?? base.path
  if (!path.startsWith('/') || path.length > 1024) {
    throw validation(
      `Health check path '${path}' must begin with '/' and be at most 1024 characters`
    )
  }
  const matcher = optObject(input, 'Matcher')
  const code =
    matcher === undefined ? base.matcher : (optString(matcher, 'HttpCode') ?? base.matcher)
  checkMatcher(code)
  const settings: HealthCheckSettings = {
    enabled: optBool(input, 'HealthCheckEnabled') ?? base.enabled,
    protocol,
    port,
    path,
    intervalSeconds: optInt(input, 'HealthCheckIntervalSeconds', 5, 300) ?? base.intervalSeconds,
    timeoutSeconds: optInt(input, 'HealthCheckTimeoutSeconds', 2, 120) ?? base.timeoutSeconds,
    healthyThreshold: optInt(input, 'HealthyThresholdCount', 2, 10) ?? base.healthyThreshold,
    unhealthyThreshold: optInt(input, 'UnhealthyThresholdCount', 2, 10) ?? base.unhealthyThreshold,
    matcher: code
  }
  if (settings.timeoutSeconds >= settings.intervalSeconds) {
    throw validation('Health check interval must be greater than the timeout.')
  }
  return settings
}

export function parseTargetGroup(
  input: Input,
  arnFor: (name: string) => string
): TargetGroupRecord {
  const name = reqString(input, 'Name')
  checkName('Target group', name)
  const targetType = optString(input, 'TargetType') ?? 'ip'
  // Fargate tasks (awsvpc) can only be `ip` targets; AWS's own default `instance` would make
  // every ECS registration fail, so the sim defaults to `ip` and accepts nothing else.
  if (targetType !== 'ip') {
    throw validation(`Target type '${targetType}' is not supported by the simulator (ip)`)
  }
  const protocol = optString(input, 'Protocol')
  const port = optInt(input, 'Port', 1, 65535)
  if (protocol === undefined || port === undefined) {
    throw validation('A protocol and port must be specified for target type ip')
  }
  if (!PROTOCOLS.includes(protocol)) {
    throw validation(
      `Protocol '${protocol}' is not supported for an application load balancer target group (HTTP, HTTPS)`
    )
  }
  const vpcId = optString(input, 'VpcId')
  if (vpcId === undefined) throw validation('A VPC ID must be specified for target type ip')
  return {
    arn: arnFor(name),
    name,
    protocol,
    port,
    vpcId,
    targetType,
    protocolVersion: optString(input, 'ProtocolVersion') ?? 'HTTP1',
    ipAddressType: optString(input, 'IpAddressType') ?? 'ipv4',
    healthCheck: parseHealthCheck(input, { ...DEFAULT_HEALTH_CHECK, protocol }),
    attributes: new Map(Object.entries(DEFAULT_ATTRIBUTES))
  }
}

/** Same name and same settings is an idempotent create; different settings is an error. */
export function sameSettings(a: TargetGroupRecord, b: TargetGroupRecord): boolean {
  return (
    a.protocol === b.protocol &&
    a.port === b.port &&
    a.vpcId === b.vpcId &&
    a.targetType === b.targetType &&
    JSON.stringify(a.healthCheck) === JSON.stringify(b.healthCheck)
  )
}

export function duplicateName(name: string): AwsError {
  return new AwsError(
    'DuplicateTargetGroupName',
    `A target group with the same name '${name}' exists, but with different settings`
  )
}

const ATTRIBUTE_RULES: Record<string, (value: string) => boolean> = {
  'deregistration_delay.timeout_seconds': v => isIntIn(v, 0, 3600),
  'stickiness.enabled': v => v === 'true' || v === 'false',
  'stickiness.type': v => ['lb_cookie', 'app_cookie'].includes(v),
  'stickiness.lb_cookie.duration_seconds': v => isIntIn(v, 1, 604800),
  'load_balancing.algorithm.type': v =>
    ['round_robin', 'least_outstanding_requests', 'weighted_random'].includes(v),
  'slow_start.duration_seconds': v => v === '0' || isIntIn(v, 30, 900)
}

function isIntIn(value: string, min: number, max: number): boolean {
  const n = Number(value)
  return /^\d+$/.test(value) && n >= min && n <= max
}

export function applyAttributes(target: Map<string, string>, attributes: Input[]): void {
  if (attributes.length === 0) throw validation('Attributes must contain at least one attribute')
  const next = new Map(target)
  for (const attribute of attributes) {
    const key = reqString(attribute, 'Key')
    const value = optString(attribute, 'Value') ?? ''
    const rule = ATTRIBUTE_RULES[key]
    if (rule === undefined) {
      throw validation(`Target group attribute key '${key}' is not recognized`)
    }
    if (!rule(value)) {
      throw validation(`Target group attribute '${key}' has an invalid value '${value}'`)
    }
    next.set(key, value)
  }
  for (const [k, v] of next) target.set(k, v)
}
