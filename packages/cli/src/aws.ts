import type { ECSClient } from '@aws-sdk/client-ecs'
import { awsClientConfigFor } from '@fargate-promote/common'
import type { ElbClient } from '@fargate-promote/ecs'
import type { CloudWatchReader, SqsReader } from '@fargate-promote/health'
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClientSettings,
  type AwsService
} from '@fargate-promote/promotion'
import type { CliIo } from './io.js'

/*
 * The AWS clients of the use cases, made by packages/promotion's createAwsClients (ECS at once,
 * the others on their first request) with settings from this run's environment rather than the
 * process's: region, endpoint (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL), profile and key
 * variables. The SDK's own chain fills in what is not given (SSO, instance roles).
 */

type Env = CliIo['env']

/** The CLI in the User-Agent of its AWS requests, after fargate-promote/<version>. */
const CLI_FRONT_END = 'cli'

export function awsClientConfig(env: Env, region: string, service: AwsService): AwsClientSettings {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined }
      : undefined
  return {
    ...awsClientConfigFor(CLI_FRONT_END),
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

/** Every client a use case may need, and how to close those that were made. */
export function createCliClients(
  env: Env,
  region: string
): Promise<{ clients: CliAwsClients; destroy(): void }> {
  const clients = createAwsClients(
    { ecs: true, elb: true, cloudwatch: true, sqs: true },
    { frontEnd: CLI_FRONT_END, configOf: service => awsClientConfig(env, region, service) }
  ) as CliAwsClients
  return Promise.resolve({ clients, destroy: () => destroyAwsClients(clients) })
}
