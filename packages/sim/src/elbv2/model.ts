import { randomBytes } from 'node:crypto'
import { SIM_ACCOUNT_ID } from '../contract.js'
import type { ListenerServer } from './proxy.js'

/** The state the ELBv2 module keeps; wire shapes are built from it in `views.ts`. */

export interface LoadBalancerRecord {
  arn: string
  name: string
  /** `app/<name>/<id>`: the part listener and rule ARNs repeat. */
  resourceId: string
  region: string
  dnsName: string
  createdTime: Date
  scheme: string
  vpcId: string
  securityGroups: string[]
  subnets: string[]
  ipAddressType: string
}

export interface HealthCheckSettings {
  enabled: boolean
  protocol: string
  port: string
  path: string
  intervalSeconds: number
  timeoutSeconds: number
  healthyThreshold: number
  unhealthyThreshold: number
  matcher: string
}

export interface TargetGroupRecord {
  arn: string
  name: string
  protocol: string
  port: number
  vpcId: string
  targetType: string
  protocolVersion: string
  ipAddressType: string
  healthCheck: HealthCheckSettings
  attributes: Map<string, string>
}

export interface TargetGroupWeight {
  targetGroupArn: string
  weight: number
}

/** Forward and fixed-response are what the sim serves; other action types are refused. */
export type ActionRecord =
  | { type: 'forward'; order?: number; targetGroups: TargetGroupWeight[]; single: boolean }
  | {
      type: 'fixed-response'
      order?: number
      statusCode: number
      contentType?: string
      messageBody?: string
    }

export interface ConditionRecord {
  field: 'path-pattern' | 'host-header'
  values: string[]
}

export interface RuleRecord {
  arn: string
  listenerArn: string
  priority: number
  conditions: ConditionRecord[]
  actions: ActionRecord[]
}

export interface ListenerRecord {
  arn: string
  loadBalancerArn: string
  port: number
  protocol: string
  defaultRuleArn: string
  defaultActions: ActionRecord[]
  proxy: ListenerServer
}

export function hexId(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

export function elbArn(region: string, resource: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${SIM_ACCOUNT_ID}:${resource}`
}
