import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ECSClient } from '@aws-sdk/client-ecs'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { SQSClient } from '@aws-sdk/client-sqs'
import { AWS_CLIENT_CONFIG } from '@fargate-promote/common'

export interface AwsClients {
  ecs?: ECSClient
  elb?: ElasticLoadBalancingV2Client
  cloudwatch?: CloudWatchClient
  sqs?: SQSClient
}

export type ClientName = keyof AwsClients

/** Which clients to create: health's clientsNeeded gives this shape. */
export type ClientNeeds = Partial<Record<ClientName, boolean>>

/** The clients `names` asked for, each present. */
export type ClientsOf<K extends ClientName> = Required<Pick<AwsClients, K>>

/**
 * The AWS clients a use case needs, configured the one way every front end uses (timeouts that
 * throw, see AWS_CLIENT_CONFIG); region, credentials and endpoint come from the SDK's own chain
 * (AWS_REGION, AWS_ENDPOINT_URL…). CloudWatch and SQS serve only some health checks: they are
 * loaded on demand so a run without such checks does not pay for loading them.
 */
export async function createAwsClients(needed: ClientNeeds): Promise<AwsClients> {
  const clients: AwsClients = {}
  if (needed.ecs) clients.ecs = new ECSClient(AWS_CLIENT_CONFIG)
  if (needed.elb) clients.elb = new ElasticLoadBalancingV2Client(AWS_CLIENT_CONFIG)
  if (needed.cloudwatch) {
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch')
    clients.cloudwatch = new CloudWatchClient(AWS_CLIENT_CONFIG)
  }
  if (needed.sqs) {
    const { SQSClient } = await import('@aws-sdk/client-sqs')
    clients.sqs = new SQSClient(AWS_CLIENT_CONFIG)
  }
  return clients
}

/** createAwsClients for a fixed list of clients, typed as present. */
export async function createClients<K extends ClientName>(names: K[]): Promise<ClientsOf<K>> {
  const needed = Object.fromEntries(names.map(name => [name, true]))
  return (await createAwsClients(needed)) as ClientsOf<K>
}

/** Closes the clients' connection pools, so the process can exit at once. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.ecs?.destroy()
  clients.elb?.destroy()
  clients.cloudwatch?.destroy()
  clients.sqs?.destroy()
}
