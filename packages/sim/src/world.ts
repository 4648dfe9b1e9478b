import type {
  AwsServiceName,
  CloudWatchDeps,
  CloudWatchModule,
  EcrDeps,
  EcrModule,
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
  createEcrModule(deps: EcrDeps): EcrModule
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
  ecr: EcrModule
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
  // The registry checks pushed behaviour markers against the runtime's, created just after it.
  const ecr = factories.createEcrModule({ clock, markers: () => runtime.markers() })
  const runtime = factories.createTaskRuntime({ clock, behaviours, images: ecr })
  const elb = factories.createElbModule({ clock })
  const sqs = factories.createSqsModule({ clock, endpoint })
  // CloudWatch reads the AWS/SQS metrics from the queues, through a read-only port.
  // ... and the AWS/ApplicationELB metrics from what the listener proxies saw.
  const cloudwatch = factories.createCloudWatchModule({ clock, queues: sqs, loadBalancers: elb })
  const ecs = factories.createEcsModule({ clock, elb, alarms: cloudwatch, runtime })
  const github = factories.createGitHubApi({ clock })
  return {
    clock,
    runtime,
    ecs,
    elb,
    cloudwatch,
    sqs,
    ecr,
    github,
    aws: { ecs, elbv2: elb, cloudwatch, sqs, ecr },
    queryCodec: factories.queryCodec,
    async reset() {
      // ECS first so its scheduler stops launching tasks before the containers are closed.
      await ecs.reset()
      await runtime.stopAll()
      await Promise.all([elb.reset(), cloudwatch.reset(), sqs.reset(), ecr.reset(), github.reset()])
      clock.dispose()
    },
    dump: () => ({
      ecs: ecs.dump(),
      elbv2: elb.dump(),
      cloudwatch: cloudwatch.dump(),
      sqs: sqs.dump(),
      ecr: ecr.dump(),
      github: github.dump()
    })
  }
}

/** The real modules, loaded lazily so a world of fakes never imports them. */
export async function loadDefaultFactories(): Promise<WorldFactories> {
  const module = await import('./default-factories.js')
  return module.defaultFactories
}
