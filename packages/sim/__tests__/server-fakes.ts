import {
  AwsError,
  type CloudWatchModule,
  type ElbModule,
  type GitHubApi,
  type ListenerInfo,
  type RequestContext,
  type ServiceModule,
  type TaskRuntime
} from '../src/contract.js'
import { createEcrModule } from '../src/ecr/index.js'
import * as query from '../src/protocols/query.js'
import type { WorldFactories } from '../src/world.js'

/**
 * Small in-memory stand-ins for the service modules: dependencies of the server under test,
 * just rich enough to exercise every protocol path.
 */

export interface FakeWorldState {
  resets: string[]
  contexts: RequestContext[]
  clusters: Set<string>
  services: Map<string, { desiredCount: number; runningCount: number; createdAt: Date }>
  targetGroups: Map<string, Record<string, unknown>>
  listeners: ListenerInfo[]
  alarms: Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>
  queues: Map<string, { attributes: Record<string, string>; messages: string[] }>
  deployments: unknown[]
  /** What `seed` and `push` were given. */
  githubSeeds: unknown[]
}

function module(
  name: string,
  state: FakeWorldState,
  ops: Record<string, (ctx: RequestContext, input: Record<string, unknown>) => unknown>,
  mutating: string[],
  dump: () => unknown
): ServiceModule {
  return {
    async handle(ctx, input) {
      state.contexts.push(ctx)
      const op = ops[ctx.operation]
      if (op === undefined) {
        throw new AwsError('UnknownOperationException', `Unknown operation ${ctx.operation}`)
      }
      await Promise.resolve()
      return op(ctx, input)
    },
    isMutating: op => mutating.includes(op),
    reset() {
      state.resets.push(name)
      return Promise.resolve()
    },
    dump
  }
}

export function fakeFactories(state: FakeWorldState = newFakeState()): {
  factories: WorldFactories
  state: FakeWorldState
} {
  const ecs = module(
    'ecs',
    state,
    {
      CreateCluster: (ctx, input) => {
        state.clusters.add(input.clusterName as string)
        return {
          cluster: {
            clusterArn: `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${String(input.clusterName)}`,
            status: 'ACTIVE'
          }
        }
      },
      RegisterTaskDefinition: input => ({ taskDefinition: { family: input } }),
      CreateService: (_ctx, input) => {
        if (!state.clusters.has(input.cluster as string)) {
          throw new AwsError('ClusterNotFoundException', 'Cluster not found.')
        }
        state.services.set(`${String(input.cluster)}/${String(input.serviceName)}`, {
          desiredCount: input.desiredCount as number,
          runningCount: 0,
          createdAt: new Date(1764158400123)
        })
        return { service: { serviceName: input.serviceName } }
      },
      DescribeServices: (_ctx, input) => {
        const names = input.services as string[]
        const found = names.flatMap(n => {
          const s = state.services.get(`${String(input.cluster)}/${n}`)
          if (s === undefined) return []
          // Each describe moves a fake service one task closer to steady state.
          if (s.runningCount < s.desiredCount) s.runningCount++
          return [
            {
              serviceName: n,
              desiredCount: s.desiredCount,
              runningCount: s.runningCount,
              createdAt: s.createdAt,
              deployments: [
                { rolloutState: s.runningCount === s.desiredCount ? 'COMPLETED' : 'IN_PROGRESS' }
              ],
              ignored: undefined
            }
          ]
        })
        return { services: found, failures: [] }
      },
      UpdateService: (_ctx, input) => {
        throw new AwsError(
          'ServiceNotFoundException',
          `Service not found: ${String(input.service)}`
        )
      },
      ListClusters: ctx => ({
        clusterArns: [...state.clusters].map(
          c => `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${c}`
        )
      }),
      Explode: () => {
        throw new TypeError('fake module bug')
      }
    },
    ['CreateCluster', 'RegisterTaskDefinition', 'CreateService', 'UpdateService'],
    () => ({ clusters: [...state.clusters] })
  )
  const elbBase = module(
    'elbv2',
    state,
    {
      CreateTargetGroup: (_ctx, input) => {
        const arn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${String(input.Name)}/0123456789abcdef`
        state.targetGroups.set(arn, { ...input })
        return { TargetGroups: [{ TargetGroupArn: arn, TargetGroupName: input.Name }] }
      },
      ModifyTargetGroupAttributes: (_ctx, input) => {
        const tg = state.targetGroups.get(input.TargetGroupArn as string)
        if (tg === undefined)
          throw new AwsError('TargetGroupNotFound', 'One or more target groups not found')
        tg.Attributes = input.Attributes
        return { Attributes: input.Attributes }
      },
      CreateLoadBalancer: (_ctx, input) => ({
        LoadBalancers: [
          {
            LoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${String(input.Name)}/1`
          }
        ]
      }),
      CreateListener: (_ctx, input) => {
        const listenerArn = `${String(input.LoadBalancerArn)}/listener/${state.listeners.length}`
        state.listeners.push({
          listenerArn,
          loadBalancerArn: input.LoadBalancerArn as string,
          loadBalancerName: 'lb',
          port: Number(input.Port),
          url: 'http://127.0.0.1:1'
        })
        return { Listeners: [{ ListenerArn: listenerArn, Port: Number(input.Port) }] }
      },
      DescribeTargetHealth: (_ctx, input) => {
        if (!state.targetGroups.has(input.TargetGroupArn as string)) {
          throw new AwsError('TargetGroupNotFound', 'One or more target groups not found')
        }
        return { TargetHealthDescriptions: [] }
      },
      DescribeTargetGroups: () => ({
        TargetGroups: [...state.targetGroups.entries()].map(([arn, tg]) => ({
          TargetGroupArn: arn,
          TargetGroupName: tg.Name,
          Port: Number(tg.Port)
        }))
      }),
      Explode: () => {
        throw new Error('elb bug')
      }
    },
    ['CreateTargetGroup', 'CreateLoadBalancer', 'CreateListener', 'ModifyTargetGroupAttributes'],
    () => ({ targetGroups: [...state.targetGroups.keys()] })
  )
  const noop = (): void => undefined
  const elb: ElbModule = {
    ...elbBase,
    listeners: () => state.listeners,
    bindListener(arn, port) {
      const listener = state.listeners.find(l => l.listenerArn === arn)
      if (listener === undefined) {
        return Promise.reject(new AwsError('ListenerNotFound', `Listener '${arn}' not found`))
      }
      listener.url = `http://127.0.0.1:${port}`
      return Promise.resolve(listener)
    },
    targetGroupExists: arn => state.targetGroups.has(arn),
    targetGroupInfo: () => undefined,
    registerTargets: noop,
    deregisterTargets: noop,
    targetHealth: () => ({ state: 'unused' }),
    albTraffic: () => [],
    setForwardWeights: noop,
    forwardWeights: () => []
  }
  const cwBase = module(
    'cloudwatch',
    state,
    {
      PutMetricAlarm: (_ctx, input) => {
        state.alarms.set(input.AlarmName as string, 'INSUFFICIENT_DATA')
        return {}
      },
      SetAlarmState: (_ctx, input) => {
        if (!state.alarms.has(input.AlarmName as string)) {
          throw new AwsError('ResourceNotFound', `Alarm ${String(input.AlarmName)} not found`, 404)
        }
        state.alarms.set(input.AlarmName as string, input.StateValue as 'OK')
        return {}
      },
      DescribeAlarms: () => ({
        MetricAlarms: [...state.alarms].map(([name, value]) => ({
          AlarmName: name,
          StateValue: value,
          StateUpdatedTimestamp: new Date(1764158400500)
        }))
      })
    },
    ['PutMetricAlarm', 'SetAlarmState'],
    () => Object.fromEntries(state.alarms)
  )
  const cloudwatch: CloudWatchModule = {
    ...cwBase,
    alarmState: name => state.alarms.get(name),
    setAlarmState: (name, value) => {
      state.alarms.set(name, value)
    }
  }
  const sqs = module(
    'sqs',
    state,
    {
      CreateQueue: (ctx, input) => {
        const name = input.QueueName as string
        state.queues.set(name, {
          attributes: (input.Attributes ?? {}) as Record<string, string>,
          messages: []
        })
        return { QueueUrl: `http://127.0.0.1/${ctx.accountId}/${name}` }
      },
      SendMessage: (_ctx, input) => {
        const name = String(input.QueueUrl).split('/').pop() ?? ''
        const queue = state.queues.get(name)
        if (queue === undefined)
          throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.')
        queue.messages.push(input.MessageBody as string)
        return { MessageId: String(queue.messages.length) }
      },
      GetQueueUrl: (_ctx, input) => {
        if (!state.queues.has(input.QueueName as string)) {
          throw new AwsError(
            'AWS.SimpleQueueService.NonExistentQueue',
            'The specified queue does not exist.'
          )
        }
        return { QueueUrl: `http://127.0.0.1/123456789012/${String(input.QueueName)}` }
      }
    },
    ['CreateQueue', 'SendMessage'],
    () => Object.fromEntries(state.queues)
  )
  const github: GitHubApi = {
    handle(request) {
      if (request.path === '/explode') return Promise.reject(new Error('github bug'))
      if (request.method === 'POST' && request.path === '/repos/o/r/deployments') {
        const deployment = { id: state.deployments.length + 1, ...(request.body as object) }
        state.deployments.push(deployment)
        return Promise.resolve({ status: 201, body: deployment })
      }
      if (request.method === 'GET' && request.path === '/repos/o/r/deployments') {
        return Promise.resolve({
          status: 200,
          body: state.deployments,
          headers: { link: `<${request.baseUrl}/repos/o/r/deployments?page=2>; rel="next"` }
        })
      }
      if (request.method === 'DELETE' && request.path === '/repos/o/r/deployments/1') {
        return Promise.resolve({ status: 204 })
      }
      return Promise.resolve({
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }
      })
    },
    isMutating: method => method !== 'GET',
    reset() {
      state.resets.push('github')
      state.deployments = []
      return Promise.resolve()
    },
    dump: () => ({ deployments: state.deployments }),
    seed(seed) {
      state.githubSeeds.push(seed)
      return { seeded: true }
    },
    push(push) {
      state.githubSeeds.push(push)
      return { head: push.commits.at(-1) }
    },
    waiting(run) {
      state.githubSeeds.push(run)
      return { status: 'waiting' }
    },
    answered(run) {
      state.githubSeeds.push(run)
      return run.runId === 1 ? { status: 'in_progress' } : undefined
    }
  }
  const runtime: TaskRuntime = {
    start: () => Promise.reject(new Error('not used')),
    behaviourOf: () => ({}),
    markers: () => ['-crash', '-errors'],
    stopAll() {
      state.resets.push('runtime')
      return Promise.resolve()
    }
  }
  const reset = async (): Promise<void> => {
    state.clusters.clear()
    state.services.clear()
    state.targetGroups.clear()
    state.listeners.length = 0
    state.alarms.clear()
    state.queues.clear()
    await Promise.resolve()
  }
  const wrapReset = <T extends { reset(): Promise<void> }>(m: T, first = false): T => ({
    ...m,
    reset: async () => {
      if (first) await reset()
      await m.reset()
    }
  })
  return {
    state,
    factories: {
      createTaskRuntime: () => runtime,
      createElbModule: () => elb,
      createCloudWatchModule: () => cloudwatch,
      // The fake queues publish no CloudWatch metrics.
      createSqsModule: () => ({
        ...sqs,
        queueCreatedAt: () => undefined,
        queueMetrics: () => undefined
      }),
      createEcsModule: () => wrapReset(ecs, true),
      createGitHubApi: () => github,
      // The registry is small and in memory: the real one serves the fakes' world too.
      createEcrModule,
      queryCodec: query
    }
  }
}

export function newFakeState(): FakeWorldState {
  return {
    resets: [],
    contexts: [],
    clusters: new Set(),
    services: new Map(),
    targetGroups: new Map(),
    listeners: [],
    alarms: new Map(),
    queues: new Map(),
    deployments: [],
    githubSeeds: []
  }
}

export const credentials = { accessKeyId: 'AKIDSIM', secretAccessKey: 'secret' }
