import type { ECSClient } from '@aws-sdk/client-ecs'
import { AWS_CLIENT_CONFIG } from '@fargate-promote/common'
import { loadElb, type ElbClient } from '@fargate-promote/ecs'
import {
  loadCloudWatch,
  loadSqs,
  type CloudWatchReader,
  type SqsReader
} from '@fargate-promote/health'
import type { CliIo } from './io.js'

/*
 * The AWS clients of the use cases, made as packages/promotion's createAwsClients makes them
 * (AWS_CLIENT_CONFIG's timeouts; ECS at once, the others on their first request), but from this
 * run's environment rather than the process's: region, endpoint (AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL), profile and key variables. The SDK's own chain fills in what is not given
 * (SSO, instance roles).
 */

type Env = CliIo['env']

/** The SDK's service ids, as AWS_ENDPOINT_URL_<ID> names them. */
export type AwsService = 'ECS' | 'ELASTIC_LOAD_BALANCING_V2' | 'CLOUDWATCH' | 'SQS'

export function awsClientConfig(env: Env, region: string, service: AwsService) {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined }
      : undefined
  return {
    ...AWS_CLIENT_CONFIG,
    region,
    endpoint,
    credentials,
    profile: env.AWS_PROFILE || undefined
  }
}

/** The region of the command: --region, then the config environment's, then the variables. */
export function regionOf(
  flag: string | undefined,
  configured: string | undefined,
  env: Env
): string | undefined {
  return flag || configured || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined
}

export interface CliAwsClients {
  ecs: ECSClient
  elb: ElbClient
  cloudwatch: CloudWatchReader
  sqs: SqsReader
}

interface Destroyable {
  send: unknown
  destroy(): void
}

type AnySend = (...args: unknown[]) => Promise<unknown>

/** A client made (and its SDK package loaded) on its first request. */
function lazy<C extends Destroyable>(
  make: () => Promise<C>,
  made: Promise<Destroyable>[]
): Pick<C, 'send'> {
  let client: Promise<C> | undefined
  const send: AnySend = async (...args) => {
    if (client === undefined) {
      client = make()
      made.push(client)
    }
    const ready = await client
    return (ready.send as AnySend).apply(ready, args)
  }
  return { send }
}

/** Every client a use case may need, and how to close those that were made. */
export async function createCliClients(
  env: Env,
  region: string
): Promise<{ clients: CliAwsClients; destroy(): void }> {
  const { ECSClient } = await import('@aws-sdk/client-ecs')
  const ecs = new ECSClient(awsClientConfig(env, region, 'ECS'))
  const made: Promise<Destroyable>[] = []
  const clients: CliAwsClients = {
    ecs,
    elb: lazy(async () => {
      const { ElasticLoadBalancingV2Client } = await loadElb()
      return new ElasticLoadBalancingV2Client(
        awsClientConfig(env, region, 'ELASTIC_LOAD_BALANCING_V2')
      )
    }, made),
    cloudwatch: lazy(async () => {
      const { CloudWatchClient } = await loadCloudWatch()
      return new CloudWatchClient(awsClientConfig(env, region, 'CLOUDWATCH'))
    }, made),
    sqs: lazy(async () => {
      const { SQSClient } = await loadSqs()
      return new SQSClient(awsClientConfig(env, region, 'SQS'))
    }, made)
  }
  return {
    clients,
    destroy() {
      ecs.destroy()
      for (const client of made) void client.then(ready => ready.destroy())
    }
  }
}
