import { formatDuration } from '@fargate-promote/common'
import { describeServing } from '@fargate-promote/ecs'
import type { StagingObservation } from './observe.js'

export interface StabilityResult {
  ok: boolean
  detail: string
}

/**
 * Stable is serving by the one definition packages/ecs gives (settled, at least one task, every
 * task a healthy target, no task of the revision stopped in the window): the observation's
 * problems, or none.
 */
export function checkStability(observation: StagingObservation, windowMs: number): StabilityResult {
  if (observation.problems.length > 0) {
    return { ok: false, detail: observation.problems.join('; ') }
  }
  return {
    ok: true,
    detail: `${describeServing(observation)}, no task stopped in the last ${formatDuration(windowMs)}`
  }
}
