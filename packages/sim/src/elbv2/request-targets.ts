import type { Target } from '../contract.js'
import type { TargetGroupRecord } from './model.js'
import { objectList, optInt, reqString, validation, type Input } from './params.js'

/** The `Targets` of RegisterTargets, DeregisterTargets and DescribeTargetHealth. */
export function requestTargets(
  input: Input,
  group: TargetGroupRecord,
  required: boolean
): Target[] {
  const raw = objectList(input, 'Targets')
  if (required && raw.length === 0) throw validation('Targets must contain at least one target')
  return raw.map(t => {
    const id = reqString(t, 'Id')
    const port = optInt(t, 'Port', 1, 65535) ?? group.port
    return { id, port }
  })
}
