import type { ECSClient } from '@aws-sdk/client-ecs'
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Clock, Logger } from '@fargate-promote/common'

/** What this package asks of Elastic Load Balancing: requests (a client, or one loaded lazily). */
export type ElbClient = Pick<ElasticLoadBalancingV2Client, 'send'>

/** The clients and services every mutating operation of this package needs. */
export interface EcsDeps {
  ecs: ECSClient
  elb: ElbClient
  clock: Clock
  log: Logger
  /** Cancellation: watches stop early and report 'timed-out' with reason 'cancelled'. */
  signal?: AbortSignal
}
