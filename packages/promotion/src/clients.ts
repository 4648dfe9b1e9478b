import { ECSClient } from '@aws-sdk/client-ecs'
import { awsClientConfigFor, type AwsClientConfig } from '@fargate-promote/common'
import { loadElb, type ElbClient } from '@fargate-promote/ecs'
import {
  loadCloudWatch,
  loadSqs,
  type CloudWatchReader,
  type SqsReader
} from '@fargate-promote/health'

/** The AWS clients of the use cases; all but ECS are created on their first request. */
export interface AwsClients {
  ecs?: ECSClient
  elb?: ElbClient
  cloudwatch?: CloudWatchReader
  sqs?: SqsReader
}

export type ClientName = keyof AwsClients

/** The SDK's service ids, as AWS_ENDPOINT_URL_<ID> names them. */
export type AwsService = 'ECS' | 'ELASTIC_LOAD_BALANCING_V2' | 'CLOUDWATCH' | 'SQS'

/**
 * A client's settings: AWS_CLIENT_CONFIG's timeouts and User-Agent, and for a front end that
 * does not run in the process's environment (the CLI), its own region, endpoint and credentials.
 */
export type AwsClientSettings = AwsClientConfig & {
  region?: string
  endpoint?: string
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  profile?: string
}

/** Which clients to create: health's clientsNeeded gives this shape. */
export type ClientNeeds = Partial<Record<ClientName, boolean>>

/** The clients `names` asked for, each present. */
export type ClientsOf<K extends ClientName> = Required<Pick<AwsClients, K>>

const CLOSE = Symbol('close')

/** A lazily made client's way to close it, if it was ever made. */
interface Closers {
  [CLOSE]?: () => void
}

type AnySend = (...args: unknown[]) => Promise<unknown>

/**
 * A client made on its first request: the SDK package is loaded then, so a run that never
 * needs it does not pay for loading it, and start-up reaches its first ECS request sooner.
 */
function lazyClient<C extends { send: unknown; destroy(): void }>(
  make: () => Promise<C>
): Pick<C, 'send'> & Closers {
  let client: Promise<C> | undefined
  const send: AnySend = async (...args) => {
    const ready = await (client ??= make())
    return (ready.send as AnySend).apply(ready, args)
  }
  return {
    send: send,
    [CLOSE]: () => void client?.then(ready => ready.destroy())
  }
}

/** Who makes the AWS requests, and with what settings. */
export interface AwsClientsOptions {
  /** In every request's User-Agent after fargate-promote/<version>: `action/deploy-fargate`. */
  frontEnd: string
  /** Each client's settings, for a front end with its own (the CLI); by default its config. */
  configOf?: (service: AwsService) => AwsClientSettings
}

/**
 * The AWS clients a use case needs, configured the one way every front end uses (timeouts that
 * throw and our User-Agent, see AWS_CLIENT_CONFIG); region, credentials and endpoint come from
 * the SDK's own chain (AWS_REGION, AWS_ENDPOINT_URL…) unless configOf gives them. ECS is every
 * use case's first request and is made at once.
 */
export function createAwsClients(needed: ClientNeeds, options: AwsClientsOptions): AwsClients {
  const config = awsClientConfigFor(options.frontEnd)
  const configOf = (service: AwsService): AwsClientSettings => ({
    ...config,
    ...options.configOf?.(service)
  })
  const clients: AwsClients = {}
  if (needed.ecs) clients.ecs = new ECSClient(configOf('ECS'))
  if (needed.elb) {
    clients.elb = lazyClient(
      async () =>
        new (await loadElb()).ElasticLoadBalancingV2Client(configOf('ELASTIC_LOAD_BALANCING_V2'))
    )
  }
  if (needed.cloudwatch) {
    clients.cloudwatch = lazyClient(
      async () => new (await loadCloudWatch()).CloudWatchClient(configOf('CLOUDWATCH'))
    )
  }
  if (needed.sqs) {
    clients.sqs = lazyClient(async () => new (await loadSqs()).SQSClient(configOf('SQS')))
  }
  return clients
}

/** createAwsClients for a fixed list of clients, typed as present. */
export function createClients<K extends ClientName>(names: K[], frontEnd: string): ClientsOf<K> {
  const needed = Object.fromEntries(names.map(name => [name, true]))
  return createAwsClients(needed, { frontEnd }) as ClientsOf<K>
}

/** Closes the clients' connection pools, so the process can exit at once. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.ecs?.destroy()
  for (const client of [clients.elb, clients.cloudwatch, clients.sqs]) {
    ;(client as Closers | undefined)?.[CLOSE]?.()
  }
}
