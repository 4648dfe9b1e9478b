import type {
  AwsServiceName,
  CloudWatchDeps,
  CloudWatchModule,
  EcsDeps,
  EcsModule,
  ElbModule,
  GitHubApi,
  ImageBehaviour,
  ServiceModule,
  SimClock,
  SqsServiceModule,
  TaskRuntime,
  TaskRuntimeDeps
} from './contract.js'
import type { DisposableSimClock } from './clock.js'
import type { QueryCodec } from './protocols/query-codec.js'

/** The module factories of contract.ts; injectable so the server can be tested on its own. */
export interface WorldFactories {
  createTaskRuntime(deps: TaskRuntimeDeps): TaskRuntime
  createElbModule(deps: { clock: SimClock }): ElbModule
  createCloudWatchModule(deps: CloudWatchDeps): CloudWatchModule
  createSqsModule(deps: { clock: SimClock; endpoint?: () => string }): SqsServiceModule
  createEcsModule(deps: EcsDeps): EcsModule
  createGitHubApi(deps: { clock: SimClock }): GitHubApi
  /** ELBv2's awsQuery codec (protocols/query.ts). */
  queryCodec: QueryCodec
}

export interface World {
  clock: DisposableSimClock
  runtime: TaskRuntime
  ecs: EcsModule
  elb: ElbModule
  cloudwatch: CloudWatchModule
  sqs: SqsServiceModule
  github: GitHubApi
  aws: Record<AwsServiceName, ServiceModule>
  queryCodec: QueryCodec
  /** Forget all state, close every container and listener, cancel every timer. */
  reset(): Promise<void>
  dump(): Record<string, unknown>
}

export interface WorldOptions {
  clock: DisposableSimClock
  behaviours?: Record<string, ImageBehaviour>
  factories: WorldFactories
  /** The server's own URL, once it listens (SQS queue URLs point at it). */
  endpoint?: () => string
}

export function createWorld({ clock, behaviours, factories, endpoint }: WorldOptions): World {
  const runtime = factories.createTaskRuntime({ clock, behaviours })
  const elb = factories.createElbModule({ clock })
  const sqs = factories.createSqsModule({ clock, endpoint })
  // CloudWatch reads the AWS/SQS metrics from the queues, through a read-only port.
  const cloudwatch = factories.createCloudWatchModule({ clock, queues: sqs })
  const ecs = factories.createEcsModule({ clock, elb, alarms: cloudwatch, runtime })
  const github = factories.createGitHubApi({ clock })
  return {
    clock,
    runtime,
    ecs,
    elb,
    cloudwatch,
    sqs,
    github,
    aws: { ecs, elbv2: elb, cloudwatch, sqs },
    queryCodec: factories.queryCodec,
    async reset() {
      // ECS first so its scheduler stops launching tasks before the containers are closed.
      await ecs.reset()
      await runtime.stopAll()
      await Promise.all([elb.reset(), cloudwatch.reset(), sqs.reset(), github.reset()])
      clock.dispose()
    },
    dump: () => ({
      ecs: ecs.dump(),
      elbv2: elb.dump(),
      cloudwatch: cloudwatch.dump(),
      sqs: sqs.dump(),
      github: github.dump()
    })
  }
}

/** The real modules, loaded lazily so a world of fakes never imports them. */
export async function loadDefaultFactories(): Promise<WorldFactories> {
  const module = await import('./default-factories.js')
  return module.defaultFactories
}
