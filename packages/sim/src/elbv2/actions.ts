import { AwsError } from '../contract.js'
import type { ActionRecord, ConditionRecord } from './model.js'
import { objectList, optInt, optObject, optString, optStringList, validation } from './params.js'

/**
 * Listener and rule actions and conditions: parsed from the request, checked as AWS checks
 * them, and written back in the shape DescribeListeners/DescribeRules return. A forward to one
 * group comes back with both `TargetGroupArn` and a one-entry `ForwardConfig` (weight 1), as AWS
 * reports it: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Action.html
 */

type Input = Record<string, unknown>

/** AWS limit: a forward action spreads over at most 5 target groups, weights 0–999. */
const MAX_FORWARD_GROUPS = 5

export function parseActions(
  input: Input,
  name: string,
  targetGroupExists: (arn: string) => boolean
): ActionRecord[] {
  const raw = objectList(input, name)
  if (raw.length === 0) throw validation(`${name} must contain at least one action`)
  const actions = raw.map(a => parseAction(a, targetGroupExists))
  if (actions.filter(a => a.type === 'forward' || a.type === 'fixed-response').length > 1) {
    throw new AwsError(
      'TooManyActions',
      'A rule can have only one forward or fixed-response action'
    )
  }
  return actions
}

function parseAction(input: Input, exists: (arn: string) => boolean): ActionRecord {
  const type = optString(input, 'Type')
  const order = optInt(input, 'Order', 1, 50_000)
  if (type === 'forward') {
    const arn = optString(input, 'TargetGroupArn')
    const config = optObject(input, 'ForwardConfig')
    const tuples = config === undefined ? [] : objectList(config, 'TargetGroups')
    let targetGroups = tuples.map(t => ({
      targetGroupArn: optString(t, 'TargetGroupArn') ?? '',
      weight: optInt(t, 'Weight', 0, 999) ?? 1
    }))
    if (arn !== undefined && targetGroups.length > 0) {
      const same = targetGroups.length === 1 && targetGroups[0]?.targetGroupArn === arn
      if (!same) {
        throw validation(
          'You cannot specify both TargetGroupArn and ForwardConfig with different target groups'
        )
      }
    }
    if (arn !== undefined && targetGroups.length === 0)
      targetGroups = [{ targetGroupArn: arn, weight: 1 }]
    if (targetGroups.length === 0) {
      throw validation('A forward action must specify TargetGroupArn or ForwardConfig.TargetGroups')
    }
    if (targetGroups.length > MAX_FORWARD_GROUPS) {
      throw validation(`A forward action can have at most ${MAX_FORWARD_GROUPS} target groups`)
    }
    checkTargetGroups(targetGroups, exists)
    return { type, order, targetGroups, single: targetGroups.length === 1 }
  }
  if (type === 'fixed-response') {
    const config = optObject(input, 'FixedResponseConfig')
    if (config === undefined) throw validation('A fixed-response action needs FixedResponseConfig')
    const statusCode = Number(optString(config, 'StatusCode'))
    if (!/^[2-5]\d\d$/.test(String(statusCode))) {
      throw validation('FixedResponseConfig.StatusCode must be a 2XX, 4XX or 5XX code')
    }
    return {
      type,
      order,
      statusCode,
      contentType: optString(config, 'ContentType'),
      messageBody: optString(config, 'MessageBody')
    }
  }
  throw validation(
    `Action type '${String(type)}' is not supported by the simulator (forward, fixed-response)`
  )
}

export function checkTargetGroups(
  groups: { targetGroupArn: string }[],
  exists: (arn: string) => boolean
): void {
  const seen = new Set<string>()
  for (const g of groups) {
    if (!exists(g.targetGroupArn)) {
      throw new AwsError('TargetGroupNotFound', `Target groups '${g.targetGroupArn}' not found`)
    }
    if (seen.has(g.targetGroupArn)) {
      throw validation(`Target group '${g.targetGroupArn}' is listed more than once`)
    }
    seen.add(g.targetGroupArn)
  }
}

export function actionView(action: ActionRecord): Record<string, unknown> {
  if (action.type === 'fixed-response') {
    return {
      Type: action.type,
      Order: action.order,
      FixedResponseConfig: {
        StatusCode: String(action.statusCode),
        ContentType: action.contentType,
        MessageBody: action.messageBody
      }
    }
  }
  return {
    Type: action.type,
    TargetGroupArn: action.single ? action.targetGroups[0]?.targetGroupArn : undefined,
    Order: action.order,
    ForwardConfig: {
      TargetGroups: action.targetGroups.map(g => ({
        TargetGroupArn: g.targetGroupArn,
        Weight: g.weight
      })),
      TargetGroupStickinessConfig: { Enabled: false }
    }
  }
}

export function parseConditions(input: Input): ConditionRecord[] {
  const raw = objectList(input, 'Conditions')
  if (raw.length === 0) throw validation('A rule must have at least one condition')
  return raw.map(c => {
    const field = optString(c, 'Field')
    if (field !== 'path-pattern' && field !== 'host-header') {
      throw validation(
        `Condition field '${String(field)}' is not supported by the simulator (path-pattern, host-header)`
      )
    }
    const config = optObject(c, field === 'path-pattern' ? 'PathPatternConfig' : 'HostHeaderConfig')
    const values = optStringList(c, 'Values') ?? []
    const values2 = config === undefined ? [] : (optStringList(config, 'Values') ?? [])
    const all = [...values, ...values2]
    if (all.length === 0) throw validation(`Condition '${field}' must have at least one value`)
    return { field, values: all }
  })
}

export function conditionView(condition: ConditionRecord): Record<string, unknown> {
  const config = { Values: condition.values }
  return {
    Field: condition.field,
    Values: condition.values,
    ...(condition.field === 'path-pattern'
      ? { PathPatternConfig: config }
      : { HostHeaderConfig: config })
  }
}
