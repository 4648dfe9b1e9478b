import type { ECSClient } from '@aws-sdk/client-ecs'
import type { Clock } from '@fargate-promote/common'
import {
  describeServices,
  describeServing,
  observeService,
  type ElbClient
} from '@fargate-promote/ecs'
import type { EcsServiceCheckSpec, Sample } from '../types.js'
import { awsFailure, unlessTransient } from './aws-error.js'

export interface EcsServiceProbeDeps {
  ecs: ECSClient
  elb: ElbClient
  clock: Clock
  /** Epoch ms: tasks of the current task definition stopped since then fail the check. */
  since: number
}

/**
 * The service serves its live revision: settled by the one definition packages/ecs gives
 * (one deployment, PRIMARY and COMPLETED, running equals desired), at least one task, every
 * task a healthy target of the service's target groups, and no task of the revision stopped
 * since `since` (a crash loop can look settled between restarts).
 */
export async function probeEcsService(
  spec: EcsServiceCheckSpec,
  deps: EcsServiceProbeDeps
): Promise<Sample> {
  const at = deps.clock.now()
  const sample = (ok: boolean, detail: string): Sample => ({
    check: spec.name,
    type: 'ecs-service',
    at,
    ok,
    detail
  })
  let call = 'DescribeServices'
  const reads = { ...deps, now: at, onAwsCall: (operation: string) => (call = operation) }
  try {
    const { services, missing } = await describeServices(reads, spec.cluster, [spec.service])
    const service = services[0]
    if (service === undefined || missing.length > 0) {
      return sample(false, `service ${spec.service} not found in cluster ${spec.cluster} (MISSING)`)
    }
    const observation = await observeService(
      service,
      { cluster: spec.cluster, name: spec.service, stoppedSince: deps.since },
      reads
    )
    if (observation.problems.length > 0) return sample(false, observation.problems.join('; '))
    return sample(true, describeServing(observation))
  } catch (error) {
    return unlessTransient(error, sample(false, awsFailure(call, error)))
  }
}
