/**
 * The contract between the simulator's parts. The server (server.ts) decodes a wire request,
 * calls one service module's `handle`, and encodes the result or the AwsError in that
 * service's protocol. Service modules never see HTTP; they talk to each other only through
 * the ports declared here, so each can be tested alone.
 *
 * Time: durations inside the sim are divided by the time scale (a 30 s health-check interval
 * takes 1.5 s of real time at 20x). By default every timestamp the sim reports is wall-clock
 * time, so a client comparing a sim timestamp with its own Date.now() gets a sensible answer;
 * with virtual time (`SimClock.virtual`) timestamps advance `scale` times faster instead, in
 * step with the scaled durations.
 */

/** An error in AWS's shape. The protocol layer turns it into `__type`, `Error.Code`, status. */
export class AwsError extends Error {
  constructor(
    /** The wire code: `ServiceNotFoundException`, `TargetGroupNotFound`, `ThrottlingException`... */
    readonly code: string,
    message: string,
    /** HTTP status; 400 for client errors, 500/503 for server faults. */
    readonly status = 400,
    /** Query protocol `Type`: `Sender` for client faults, `Receiver` for server faults. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender'
  ) {
    super(message)
    this.name = code
  }
}

/** Sim time. `sleep`/`setTimer` take sim milliseconds and wait `ms / scale` real ones. */
export interface SimClock {
  readonly scale: number
  /**
   * True: `now()` is virtual sim time, origin + (real elapsed) × scale, and a difference of
   * `now()`s is a sim duration. Absent or false: `now()` is wall-clock time, and a difference
   * of `now()`s must be multiplied by `scale` to be one (see `simMsPerClockMs`).
   */
  readonly virtual?: boolean
  /** Epoch milliseconds that timestamps report (wall-clock, or virtual sim time). */
  now(): number
  /** Resolve after `simMs` sim milliseconds. */
  sleep(simMs: number): Promise<void>
  /** Call `fn` after `simMs` sim milliseconds; returns a cancel function. */
  setTimer(fn: () => void, simMs: number): () => void
  /** Call `fn` every `simMs` sim milliseconds until cancelled. */
  setInterval(fn: () => void, simMs: number): () => void
}

export type AwsServiceName = 'ecs' | 'elbv2' | 'cloudwatch' | 'sqs' | 'ecr'

/** What the server knows about the caller of one request. */
export interface RequestContext {
  service: AwsServiceName
  operation: string
  /** From the SigV4 credential scope of the Authorization header; `us-east-1` when absent. */
  region: string
  /** Always this fixed account. */
  accountId: string
  requestId: string
}

export const SIM_ACCOUNT_ID = '123456789012'

/** One AWS service: decoded input in, plain JS result out (Dates allowed for timestamps). */
export interface ServiceModule {
  /** Throws AwsError for unknown operations and invalid input. */
  handle(ctx: RequestContext, input: Record<string, unknown>): Promise<unknown>
  /** Which operations change state (the call log marks them `mutating`). */
  isMutating(operation: string): boolean
  /** Forget all state and stop every server and timer the module started. */
  reset(): Promise<void>
  /** A JSON-serialisable view of the state, for `GET /_sim/state`. */
  dump(): unknown
}

/** One entry of the call log (`GET /_sim/calls`). */
export interface CallRecord {
  seq: number
  /**
   * When the request reached the sim, before body decoding and any fault latency: epoch
   * milliseconds from the sim clock (like `time`; wall-clock unless the sim keeps virtual time).
   * `receivedAt..time` is the call's span.
   */
  receivedAt: number
  /** When the response was decided: epoch milliseconds from the sim clock. */
  time: number
  service: AwsServiceName | 'github'
  /** AWS operation name, or `METHOD /path` for GitHub. */
  operation: string
  params: unknown
  mutating: boolean
  /** HTTP status returned. */
  status: number
  /** Error code when the call failed. */
  error?: string
  /** The request's User-Agent header, as sent (AWS calls). */
  userAgent?: string
}

// ---------------------------------------------------------------------------------------------
// Ports between modules
// ---------------------------------------------------------------------------------------------

export interface Target {
  /** IP address (target type `ip`). Tasks listen on 127.0.0.1. */
  id: string
  port: number
}

export type TargetHealthState =
  'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable'

export interface TargetHealthView {
  state: TargetHealthState
  reason?: string
  description?: string
}

/** What ECS needs from ELBv2 (implemented in elbv2/). */
export interface LoadBalancingPort {
  targetGroupExists(targetGroupArn: string): boolean
  /** Health-check settings ECS needs to act on failing targets. */
  targetGroupInfo(targetGroupArn: string):
    | {
        arn: string
        name: string
        port: number
        healthCheckPath: string
        loadBalancerArns: string[]
      }
    | undefined
  registerTargets(targetGroupArn: string, targets: Target[]): void
  /** Starts draining; the target disappears after the deregistration delay (scaled). */
  deregisterTargets(targetGroupArn: string, targets: Target[]): void
  targetHealth(targetGroupArn: string, target: Target): TargetHealthView
  /**
   * Set the weights of the forward action that targets these groups, on the listener or rule
   * given (ECS moves production traffic this way in BLUE_GREEN, CANARY and LINEAR).
   */
  setForwardWeights(
    listenerOrRuleArn: string,
    weights: { targetGroupArn: string; weight: number }[]
  ): void
  forwardWeights(listenerOrRuleArn: string): { targetGroupArn: string; weight: number }[]
}

/** What ECS and others need from CloudWatch (implemented in cloudwatch/). */
export interface AlarmPort {
  /** Undefined when no alarm of that name exists. */
  alarmState(name: string): 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | undefined
}

/** How a container image behaves, decided from its tag or a scenario's declaration. */
export interface ImageBehaviour {
  /** Never starts: the task stops with CannotPullContainerError. */
  pullError?: boolean
  /** Exits this many sim ms after it starts running. */
  exitAfterMs?: number
  exitCode?: number
  /** Container `reason` when it exits (`OutOfMemoryError: Container killed due to memory usage`). */
  exitReason?: string
  /** HTTP status its health path answers (503 for `-unhealthy`). */
  healthStatus?: number
  /** Sim ms after start before the health path answers 200 (`-slow`: 30 000). */
  healthyAfterMs?: number
  /**
   * Once warmed up, the container flaps: every this many sim ms it turns from its usual answer
   * to 503 on every path but `/env`, and back (a health endpoint that comes and goes).
   */
  flapEveryMs?: number
  /** Fraction (0..1) of requests answered 500 (`-errors`: 0.2). */
  errorRate?: number
  /**
   * Added to every response, in sim ms (`-latency`: 400): the container answers after this much
   * sim time and reports it as its processing time (TARGET_TIME_HEADER).
   */
  latencyMs?: number
  /**
   * For a declared behaviour: it applies only to containers whose environment has every one of
   * these variables with this value (a release that fails only with production's settings,
   * `{ APP_ENVIRONMENT: production }`). Elsewhere the image behaves as without the marker.
   */
  onlyWhenEnv?: Record<string, string>
}

export interface ContainerExit {
  exitCode: number
  reason?: string
}

/**
 * Response headers a sim container adds to every answer. TASK_DEFINITION_HEADER (`family:revision`)
 * is what an app reading its ECS task metadata could report; it reaches the client, so traffic
 * can be counted per revision. TARGET_TIME_HEADER is the container's processing time in sim ms;
 * the listener proxy takes it as the target's response time and removes it (sim only).
 */
export const TASK_DEFINITION_HEADER = 'x-sim-task-definition'
export const TARGET_TIME_HEADER = 'x-sim-target-time-ms'

export interface RunningContainer {
  /** Where the container's HTTP server listens (127.0.0.1 and an ephemeral port). */
  host: string
  port: number
  /** sha256 digest reported as `imageDigest`: stable for the same image reference. */
  imageDigest: string
  /** Stop the server; resolves once the port is closed. */
  stop(): Promise<void>
  /** Called once if the container exits by itself (crash, OOM). */
  onExit(listener: (exit: ContainerExit) => void): void
}

export interface ContainerStartSpec {
  taskArn: string
  /** The task's task definition; the container reports `family:revision` on every answer. */
  taskDefinitionArn?: string
  containerName: string
  image: string
  /** Environment handed to the container (served back on `GET /env` without secret values). */
  environment: Record<string, string>
  /** Scenario-declared behaviours win over the tag's. */
  behaviour?: ImageBehaviour
}

/** Starts real HTTP servers for task containers (implemented in tasks/). */
export interface TaskRuntimePort {
  /** Rejects with an Error whose message starts `CannotPullContainerError:` for pull errors. */
  start(spec: ContainerStartSpec): Promise<RunningContainer>
  /** The behaviour an image will have (tag rules merged with scenario declarations). */
  behaviourOf(image: string): ImageBehaviour
}

/** What the registry knows of an image reference a task wants to pull. */
export type ResolvedImage =
  | {
      kind: 'pushed'
      digest: string
      tag: string
      /** The behaviour markers it was pushed with (`-crash`), as if they ended its tag. */
      behaviour?: string
    }
  /** A digest of one of the registry's repositories that was never pushed: the pull fails. */
  | { kind: 'missing' }

/** What the task runtime needs from the image registry (implemented in ecr/). */
export interface ImageRegistryPort {
  /** Undefined when the registry has no say: not its repository, or a tag it never got. */
  resolveImage(image: string): ResolvedImage | undefined
}

/** An image pushed to the sim's registry (`POST /_sim/images`, a scenario's `images:`). */
export interface ImagePush {
  /** ECR repository URI: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web`. */
  repository: string
  tag: string
  /** Behaviour markers the sim reads from tags (`-crash`, `-errors-latency`). */
  behaviour?: string
}

/** A pushed image as the control API shows it. */
export interface PushedImageView extends ImagePush {
  /** `sha256:<64 hex>` of its canonical manifest. */
  digest: string
  /** `<repository>@<digest>`, the reference a task definition pins. */
  image: string
  /** Epoch ms of the first push (sim clock). */
  pushedAt: number
}

/** A refused push: 400 (`path` names the bad field) or 409 (an immutable tag's content changed). */
export class ImagePushError extends Error {
  constructor(
    readonly status: 400 | 409,
    readonly path: string,
    readonly problem: string
  ) {
    super(path === '' ? problem : `${path}: ${problem}`)
    this.name = 'ImagePushError'
  }
}

// ---------------------------------------------------------------------------------------------
// Module factories: server.ts composes the world from these (each lives in its folder's index.ts)
// ---------------------------------------------------------------------------------------------

/** ecs/index.ts: `export function createEcsModule(deps: EcsDeps): EcsModule` */
export interface EcsDeps {
  clock: SimClock
  elb: LoadBalancingPort
  alarms: AlarmPort
  runtime: TaskRuntimePort
}
export type EcsModule = ServiceModule

/** One listener as `GET /_sim/listeners` shows it: where "the internet" reaches a service. */
export interface ListenerInfo {
  listenerArn: string
  loadBalancerArn: string
  loadBalancerName: string
  /** The port the listener was created with (80, 443 ...). */
  port: number
  /** The real loopback URL of the proxy serving it, e.g. `http://127.0.0.1:40123`. */
  url: string
}

/** elbv2/index.ts: `export function createElbModule(deps: { clock: SimClock }): ElbModule` */
export interface ElbModule extends ServiceModule, LoadBalancingPort, AlbMetricsPort {
  listeners(): ListenerInfo[]
  /**
   * Serve a listener on 127.0.0.1:`bindPort` instead of its ephemeral port (a scenario's
   * `bindPort`). Rejects with the `listen` error (`code` `EADDRINUSE`) when the port is taken,
   * or an AwsError `ListenerNotFound`; the listener then keeps its current port.
   */
  bindListener(listenerArn: string, bindPort: number): Promise<ListenerInfo>
}

/** tasks/index.ts: `export function createTaskRuntime(deps: TaskRuntimeDeps): TaskRuntime` */
export interface TaskRuntimeDeps {
  clock: SimClock
  /**
   * Scenario-declared behaviours by exact image reference or by tag suffix (`-flaky`); read at
   * every start, so entries added later apply to later tasks.
   */
  behaviours?: Record<string, ImageBehaviour>
  /** Pushed images: their digest and behaviour win over the reference's own tag. */
  images?: ImageRegistryPort
}
export interface TaskRuntime extends TaskRuntimePort {
  /** Close every container server (used by reset and stop). */
  stopAll(): Promise<void>
  /** The tag markers that give an image a behaviour: built-in ones and declared suffixes. */
  markers(): string[]
}

/** ecr/index.ts: `export function createEcrModule(deps: EcrDeps): EcrModule` */
export interface EcrDeps {
  clock: SimClock
  /** The behaviour markers a push may carry (the task runtime's `markers`). */
  markers(): string[]
}
export interface EcrModule extends ServiceModule, ImageRegistryPort {
  /**
   * Push an image (the control API, a scenario): `created` false when the same tag already holds
   * the same content. Throws ImagePushError for a bad request (400) or a changed tag (409).
   */
  pushImage(body: unknown, path?: string): { created: boolean; image: PushedImageView }
  images(): PushedImageView[]
}

/** cloudwatch/index.ts: `export function createCloudWatchModule(deps: CloudWatchDeps): CloudWatchModule` */
export interface CloudWatchDeps {
  clock: SimClock
  /** Where the AWS/SQS metrics come from; without it every SQS metric has no data. */
  queues?: QueueMetricsPort
  /** Where the AWS/ApplicationELB metrics come from; without it they have no data. */
  loadBalancers?: AlbMetricsPort
}
export interface CloudWatchModule extends ServiceModule, AlarmPort {
  setAlarmState(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason: string): void
}

/**
 * One sim minute of what a load balancer's listeners proxied, for one load balancer or one
 * (load balancer, target group) pair: the raw figures of the AWS/ApplicationELB metrics.
 */
export interface AlbTrafficMinute {
  /** Sim minutes since the epoch (sim ms / 60 000, rounded down). */
  minute: number
  /** Requests for which a target was chosen (RequestCount). */
  requests: number
  /** Answers of the targets by status class (HTTPCode_Target_nXX_Count). */
  targetCodes: { '2XX': number; '3XX': number; '4XX': number; '5XX': number }
  /** Answers the load balancer wrote itself, by status code ('502', '503'). */
  elbCodes: Record<string, number>
  /** Target response times in whole sim ms → how many requests took that long. */
  responseTimesMs: ReadonlyMap<number, number>
}

/** What CloudWatch needs from ELBv2 to answer for AWS/ApplicationELB (read-only). */
export interface AlbMetricsPort {
  /**
   * The minutes with traffic, oldest first, of a load balancer (`app/<name>/<id>`) or of one of
   * its target groups (`targetgroup/<name>/<id>`): the values of the `LoadBalancer` and
   * `TargetGroup` dimensions.
   */
  albTraffic(loadBalancer: string, targetGroup?: string): AlbTrafficMinute[]
}

/** One AWS/SQS metrics sample of a queue (what SQS publishes to CloudWatch once a minute). */
export interface QueueMetricsSample {
  /** ApproximateAgeOfOldestMessage, in sim milliseconds (0 when no message counts). */
  oldestMessageAgeMs: number
  /** ApproximateNumberOfMessagesVisible. */
  visibleMessages: number
}

/** What CloudWatch needs from SQS to answer GetMetricData for AWS/SQS (read-only). */
export interface QueueMetricsPort {
  /** Wall-clock epoch ms at which the queue was created; undefined when it does not exist. */
  queueCreatedAt(queueName: string): number | undefined
  /**
   * The sample as of wall-clock time `at` (not after now), rebuilt from the messages the queue
   * holds now. Undefined when the queue does not exist, did not exist yet at `at`, or was not
   * active then (SQS publishes nothing for an idle queue).
   */
  queueMetrics(queueName: string, at: number): QueueMetricsSample | undefined
}

/**
 * sqs/index.ts: `export function createSqsModule(deps: { clock: SimClock; endpoint?: () => string }): SqsServiceModule`
 * (`endpoint`: the server's URL; queue URLs point at it because SQS clients send requests there).
 */
export interface SqsServiceModule extends ServiceModule, QueueMetricsPort {}

/** A GitHub REST request, path relative to the `/github` prefix (`/repos/o/r/deployments`). */
export interface GitHubRequest {
  method: string
  path: string
  query: URLSearchParams
  /** Parsed JSON body, or undefined. */
  body: unknown
  headers: Record<string, string | undefined>
  /** Absolute URL of the GitHub prefix (`http://127.0.0.1:PORT/github`), for Link headers. */
  baseUrl: string
}

export interface GitHubResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/** A user `GET /users/{login}` knows; `id` defaults to a stable id derived from the login. */
export interface GitHubSeedUser {
  login: string
  id?: number
  type?: 'User' | 'Organization' | 'Bot'
}

/** A team `GET /orgs/{org}/teams/{slug}` knows; `name` defaults to the slug. */
export interface GitHubSeedTeam {
  org: string
  slug: string
  name?: string
  id?: number
}

/** Branch histories of one repository (`owner/name`): full shas, oldest first, head last. */
export interface GitHubSeedRepository {
  name: string
  branches: Record<string, string[]>
}

/**
 * What a world declares about GitHub (scenario `github:`, `POST /_sim/github`). Declaring
 * `users` (even `[]`) makes every other login unknown (404), likewise `teams`; without them
 * every name exists.
 */
export interface GitHubSeed {
  users?: GitHubSeedUser[]
  teams?: GitHubSeedTeam[]
  repositories?: GitHubSeedRepository[]
}

/** Commits pushed on top of a branch (`POST /_sim/github/push`), oldest first. */
export interface GitHubPush {
  repository: string
  branch: string
  commits: string[]
}

/** A required reviewer: a user by login, or a team by slug (`org/slug`, or the repo owner's). */
export type GitHubWaitingReviewer = { type: 'User'; login: string } | { type: 'Team'; slug: string }

/**
 * A workflow run waiting for a reviewer to approve its deployment to an environment
 * (`POST /_sim/github/waiting`). One run may wait on several environments.
 */
export interface GitHubWaitingRun {
  /** `owner/name`. */
  repository: string
  runId: number
  /** The workflow's name: the run's `name`. */
  workflow: string
  environment: string
  reviewers: GitHubWaitingReviewer[]
  /** The environment's wait timer, in minutes (0-43200). */
  waitTimer: number
  /** When the run was created, epoch ms (default: now); the environment waits from then. */
  createdAt?: number
  /** Default: the head of `headBranch`. */
  headSha?: string
  /** Default `main`. */
  headBranch?: string
  /** Default `push`. */
  event?: string
  /** Who triggered the run; default the repository owner. */
  actor?: string
  /** `current_user_can_approve`; default false (the sim's token is GITHUB_TOKEN's bot). */
  currentUserCanApprove?: boolean
}

/** A waiting environment that was approved or rejected (`DELETE /_sim/github/waiting`). */
export interface GitHubAnsweredRun {
  repository: string
  runId: number
  environment: string
}

/** A declaration that is malformed or contradicts the world; `path` names the bad value. */
export class GitHubSeedError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string
  ) {
    super(path === '' ? problem : `${path}: ${problem}`)
    this.name = 'GitHubSeedError'
  }
}

/** github/index.ts: `export function createGitHubApi(deps: { clock: SimClock }): GitHubApi` */
export interface GitHubApi {
  handle(request: GitHubRequest): Promise<GitHubResponse>
  /** Whether a request changes state (for the call log). */
  isMutating(method: string, path: string): boolean
  reset(): Promise<void>
  dump(): unknown
  /** Declare users, teams and branch histories; answers what is declared now. */
  seed(seed: GitHubSeed): unknown
  /** Append commits to a branch; answers the branch's new head. */
  push(push: GitHubPush): unknown
  /**
   * Declare a run waiting on an environment; answers the run's status. Throws GitHubSeedError for
   * a reviewer the world does not know or a run declared with another workflow.
   */
  waiting(run: GitHubWaitingRun): unknown
  /** The environment no longer waits; undefined when the run was not waiting on it. */
  answered(run: GitHubAnsweredRun): unknown
}

/**
 * protocols/query.ts (ELBv2's awsQuery):
 *   decodeQueryRequest(body: string): { action: string; version: string; params: Record<string, unknown> }
 *   encodeQueryResponse(action: string, result: unknown, requestId: string): string   // XML
 *   encodeQueryError(error: AwsError, requestId: string): string                    // XML
 * protocols/json.ts (ECS awsJson1_1; CloudWatch and SQS awsJson1_0 query-compatible) is the
 * server's. Results may hold Date values: JSON encodes them as epoch seconds, XML as ISO 8601.
 */
