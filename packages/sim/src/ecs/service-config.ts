import { AwsError } from '../contract.js'
import {
  invalid,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  requireString,
  stringList,
  type Input
} from './input.js'
import type { DeploymentConfig, LoadBalancerSpec, TaskDefRec } from './model.js'
import type { EcsStore } from './store.js'
import { readAdvancedConfiguration, readStrategyMembers } from './strategy-config.js'

const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'] as const
const THRESHOLD_TYPES = ['BOUNDED_PERCENT', 'UNBOUNDED_PERCENT', 'COUNT'] as const

/** Defaults for REPLICA services: 100 % / 200 %, breaker off (ECS-API DeploymentConfiguration). */
export function defaultDeploymentConfiguration(): DeploymentConfig {
  return {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: { enable: false, rollback: false },
    strategy: 'ROLLING'
  }
}

/** Merges a request's deploymentConfiguration over `base`, validating every member. */
export function readDeploymentConfiguration(
  input: Input | undefined,
  base: DeploymentConfig
): DeploymentConfig {
  if (input === undefined) return base
  const strategy = optionalEnum(input, 'strategy', STRATEGIES)
  const result: DeploymentConfig = structuredClone(base)
  readStrategyMembers(input, strategy, result)
  result.minimumHealthyPercent =
    optionalInteger(input, 'minimumHealthyPercent', 0, 100) ?? base.minimumHealthyPercent
  result.maximumPercent = optionalInteger(input, 'maximumPercent', 100, 200) ?? base.maximumPercent
  const breaker = optionalObject(input, 'deploymentCircuitBreaker')
  if (breaker !== undefined) {
    const enable = optionalBoolean(breaker, 'enable')
    const rollback = optionalBoolean(breaker, 'rollback')
    if (enable === undefined || rollback === undefined) {
      throw invalid('deploymentCircuitBreaker requires both enable and rollback.')
    }
    const threshold = optionalObject(breaker, 'thresholdConfiguration')
    result.deploymentCircuitBreaker = {
      enable,
      rollback,
      resetOnHealthyTask: optionalBoolean(breaker, 'resetOnHealthyTask'),
      thresholdConfiguration:
        threshold === undefined
          ? undefined
          : {
              type: optionalEnum(threshold, 'type', THRESHOLD_TYPES) ?? 'BOUNDED_PERCENT',
              value: optionalInteger(threshold, 'value', 1, 10_000) ?? 50
            }
    }
  }
  const alarms = optionalObject(input, 'alarms')
  if (alarms !== undefined) {
    const enable = optionalBoolean(alarms, 'enable')
    const rollback = optionalBoolean(alarms, 'rollback')
    const alarmNames = stringList(alarms, 'alarmNames')
    if (enable === undefined || rollback === undefined || alarmNames === undefined) {
      throw invalid('alarms requires alarmNames, enable and rollback.')
    }
    result.alarms = { alarmNames, enable, rollback }
  }
  return result
}

/** Load balancers must name an existing target group and a container port of the task. */
export function readLoadBalancers(
  store: EcsStore,
  list: Input[] | undefined,
  taskDef: TaskDefRec
): LoadBalancerSpec[] {
  return (list ?? []).map(item => {
    const targetGroupArn = optionalString(item, 'targetGroupArn')
    if (targetGroupArn === undefined) {
      throw invalid('The fargate-promote simulator only supports targetGroupArn load balancers.')
    }
    const containerName = requireString(item, 'containerName')
    const containerPort = optionalInteger(item, 'containerPort', 0, 65535)
    if (containerPort === undefined) {
      throw invalid(
        "Value null at 'containerPort' failed to satisfy constraint: Member must not be null"
      )
    }
    const info = store.deps.elb.targetGroupInfo(targetGroupArn)
    if (info === undefined || !store.deps.elb.targetGroupExists(targetGroupArn)) {
      throw invalid(
        'Unable to assume role and validate the specified targetGroupArn. Please verify that ' +
          'the ECS service role being passed has the proper permissions.'
      )
    }
    if (info.loadBalancerArns.length === 0) {
      throw invalid(
        `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`
      )
    }
    const container = taskDef.containers.find(c => c.name === containerName)
    if (container === undefined || !container.containerPorts.includes(containerPort)) {
      throw invalid(
        `The container ${containerName} does not have a container port ${containerPort} defined.`
      )
    }
    const advanced = readAdvancedConfiguration(store, item, targetGroupArn)
    return { targetGroupArn, containerName, containerPort, advanced, raw: item }
  })
}

export function requireUsableTaskDefinition(td: TaskDefRec | undefined): TaskDefRec {
  if (td === undefined) throw new AwsError('ClientException', 'TaskDefinition not found.')
  if (td.status !== 'ACTIVE') throw new AwsError('ClientException', 'TaskDefinition is inactive.')
  return td
}
