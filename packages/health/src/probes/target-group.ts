import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Clock } from '@fargate-promote/common'
import { loadElb, type ElbClient } from '@fargate-promote/ecs'
import type { Sample, TargetGroupCheckSpec } from '../types.js'
import { awsFailure, isAwsError, unlessTransient } from './aws-error.js'

export interface TargetGroupProbeDeps {
  elb: ElbClient
  clock: Clock
}

/**
 * Targets on their way out: after a rolling deployment the old tasks sit in `draining` for the
 * deregistration delay (300 s by default). They receive no new requests, so they neither help
 * nor hurt the healthy share; counting them would fail every check for five minutes.
 */
const LEAVING = new Set(['draining', 'unhealthy.draining'])

function describeTarget(description: TargetHealthDescription): string {
  const target = `${description.Target?.Id ?? '?'}:${description.Target?.Port ?? '?'}`
  const health = description.TargetHealth
  const reason =
    health?.Reason !== undefined ? ` (${health.Reason}: ${health.Description ?? ''})` : ''
  return `${target} ${health?.State ?? 'unknown'}${reason}`
}

function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`
}

/** Healthy share of the serving targets ≥ min-healthy-percent, with at least one target. */
export async function probeTargetGroup(
  spec: TargetGroupCheckSpec,
  deps: TargetGroupProbeDeps
): Promise<Sample> {
  const at = deps.clock.now()
  const sample = (ok: boolean, detail: string): Sample => ({
    check: spec.name,
    type: 'target-group',
    at,
    ok,
    detail
  })
  const { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } = await loadElb()
  let arn = spec.targetGroup
  if (!arn.startsWith('arn:')) {
    try {
      const found = await deps.elb.send(new DescribeTargetGroupsCommand({ Names: [arn] }))
      const resolved = found.TargetGroups?.[0]?.TargetGroupArn
      if (resolved === undefined) return sample(false, `target group ${arn} does not exist`)
      arn = resolved
    } catch (error) {
      if (isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound')) {
        return sample(false, `target group ${arn} does not exist`)
      }
      return unlessTransient(error, sample(false, awsFailure('DescribeTargetGroups', error)))
    }
  }
  let descriptions: TargetHealthDescription[]
  try {
    const health = await deps.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
    descriptions = health.TargetHealthDescriptions ?? []
  } catch (error) {
    if (isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound')) {
      return sample(false, `target group ${spec.targetGroup} does not exist`)
    }
    return unlessTransient(error, sample(false, awsFailure('DescribeTargetHealth', error)))
  }
  const serving = descriptions.filter(d => !LEAVING.has(d.TargetHealth?.State ?? ''))
  const leaving = descriptions.length - serving.length
  const leavingNote = leaving > 0 ? `; ${leaving} draining, not counted` : ''
  if (serving.length === 0) {
    return sample(false, `no registered targets${leavingNote}`)
  }
  const healthy = serving.filter(d => d.TargetHealth?.State === 'healthy').length
  const percent = (healthy / serving.length) * 100
  const summary = `${healthy}/${serving.length} targets healthy (${formatPercent(percent)}, need ${formatPercent(spec.minHealthyPercent)})`
  const unhealthy = serving.filter(d => d.TargetHealth?.State !== 'healthy').map(describeTarget)
  const unhealthyNote = unhealthy.length > 0 ? `: ${unhealthy.join(', ')}` : ''
  const ok = healthy > 0 && percent >= spec.minHealthyPercent
  return sample(ok, `${summary}${unhealthyNote}${leavingNote}`)
}
