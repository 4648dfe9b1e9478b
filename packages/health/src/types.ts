export const CHECK_TYPES = [
  'http',
  'ecs-service',
  'target-group',
  'cloudwatch-alarm',
  'sqs-queue',
  'command'
] as const

export type CheckType = (typeof CHECK_TYPES)[number]

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
export type HttpMethod = (typeof HTTP_METHODS)[number]

/** An inclusive range of status codes; `text` is how the user wrote it (`2xx`, `200-299`, `204`). */
export interface StatusRange {
  from: number
  to: number
  text: string
}

export type JsonPathSegment = string | number

export interface JsonAssertion {
  /** As written, for messages. */
  path: string
  segments: JsonPathSegment[]
  equals?: unknown
  in?: unknown[]
  matches?: string
}

export interface HttpCheckSpec {
  type: 'http'
  name: string
  url: string
  method: HttpMethod
  /** Values may be secrets: never put them in a detail, a log line or a report. */
  headers: Record<string, string>
  body?: string
  expectStatus: StatusRange[]
  bodyContains?: string
  json: JsonAssertion[]
  maxLatencyMs?: number
  timeoutMs: number
  followRedirects: boolean
  allowCrossHostRedirects: boolean
  insecureTls: boolean
}

export interface EcsServiceCheckSpec {
  type: 'ecs-service'
  name: string
  cluster: string
  service: string
}

export interface TargetGroupCheckSpec {
  type: 'target-group'
  name: string
  /** An ARN, or a name resolved with DescribeTargetGroups. */
  targetGroup: string
  minHealthyPercent: number
}

export interface AlarmCheckSpec {
  type: 'cloudwatch-alarm'
  name: string
  /** Exactly one of alarms and prefix is set. */
  alarms?: string[]
  prefix?: string
  failOnInsufficientData: boolean
}

export interface SqsCheckSpec {
  type: 'sqs-queue'
  name: string
  /** A queue URL, or a name resolved with GetQueueUrl. */
  queue: string
  /** No limit on visible messages unless set. */
  maxVisible?: number
  maxAgeMs?: number
  deadLetterEmpty: boolean
}

/** `bash` runs as GitHub's `shell: bash` does (`-eo pipefail`), `sh` as `shell: sh` (`-e`). */
export const COMMAND_SHELLS = ['bash', 'sh'] as const
export type CommandShell = (typeof COMMAND_SHELLS)[number]

/**
 * The application's own test (integration, smoke) run against the deployed environment, which
 * it finds in FARGATE_PROMOTE_URL, FARGATE_PROMOTE_VERSION and FARGATE_PROMOTE_ENVIRONMENT.
 * Exit code 0 passes; anything else, a timeout or a command that cannot start fails.
 *
 * Rounds: in verify mode its exit code decides: a failing command fails the check at once,
 * unless `attempts` gives it more runs (a smoke test against a service still warming up); a
 * flaky suite must not pass by being run until it happens to. One passing round is enough:
 * `consecutive-successes` does not apply to it (a test suite's pass is a verdict of its own, and
 * running a suite that takes minutes three times over adds no evidence). In monitor mode it runs
 * every interval and each failed run counts against the failure limit, like any check. A round
 * in flight when the run's time is up is let finish (as an AWS call is): keep `timeout` within
 * the run's.
 */
export interface CommandCheckSpec {
  type: 'command'
  name: string
  /** The script, given to the shell as `-c` text. */
  run: string
  shell: CommandShell
  /** Added to the environment. Values of secret-looking names are masked in output and reports. */
  env: Record<string, string>
  /** Relative to the workspace; the workspace itself when absent. */
  workingDirectory?: string
  /** The process (and all it started) is ended after this long: SIGTERM, then SIGKILL. */
  timeoutMs: number
  /** Runs a failing command gets in verify mode before the check fails; default 1. */
  attempts: number
}

export type CheckSpec =
  | HttpCheckSpec
  | EcsServiceCheckSpec
  | TargetGroupCheckSpec
  | AlarmCheckSpec
  | SqsCheckSpec
  | CommandCheckSpec

/** The deployment a run verifies, as command checks see it: FARGATE_PROMOTE_* variables. */
export interface EnvironmentUnderTest {
  /** The environment's URL: FARGATE_PROMOTE_URL. */
  url?: string
  /** The version deployed there (an image tag, a commit): FARGATE_PROMOTE_VERSION. */
  version?: string
  /** The environment's name (staging, production): FARGATE_PROMOTE_ENVIRONMENT. */
  environment?: string
}

/** One observation of one check: one HTTP request, or one round of AWS calls. */
export interface Sample {
  check: string
  type: CheckType
  /** Epoch ms from deps.clock. */
  at: number
  ok: boolean
  latencyMs?: number
  status?: number
  /** One line a person understands. Never holds header values or response bodies. */
  detail: string
  /**
   * command checks: the last lines of the command's output (stdout and stderr together), at
   * most OUTPUT_TAIL_LINES lines and OUTPUT_TAIL_BYTES bytes, without terminal escapes and with
   * secret env values masked. Absent when the command printed nothing.
   */
  output?: string
  /**
   * The request was cut short by a cancellation (deps.signal): not an observation of the
   * service. runHealthChecks drops such samples, so they never reach a report.
   */
  cancelled?: true
  /**
   * An AWS read failed with an error that heals (throttling, 5xx, a reset): nothing was learnt
   * of the service, and the round counts neither way (see unlessTransient).
   */
  unreadable?: true
}

export interface LatencySummary {
  p50Ms: number | undefined
  p95Ms: number | undefined
  p99Ms: number | undefined
  /** failed / total, 0..1; 0 when there are no samples. */
  errorRate: number
  count: number
}

export interface CheckResult {
  name: string
  type: CheckType
  /** What the check looks at: `GET https://…`, `cluster/service`, a target group, alarms, a queue. */
  target: string
  ok: boolean
  /** Rounds run: one probe, or one batch of `load.requests` requests. */
  attempts: number
  passes: number
  failures: number
  /** Rounds whose AWS read failed with an error that heals (throttling, 5xx): counted neither way. */
  unreadable?: number
  /** Passing rounds in a row at the end of the run. */
  consecutive: number
  p50Ms?: number
  p95Ms?: number
  lastDetail: string
  /** command checks: the output tail of the last round (see Sample.output), when it printed any. */
  lastOutput?: string
  /**
   * The run was cancelled before this check reached a verdict: `ok` is false, but the check
   * did not fail either, so it is not in `failedChecks`. Absent otherwise.
   */
  cancelled?: true
}

export type HealthMode = 'verify' | 'monitor'

export interface HealthReport {
  /** False when cancelled: a verdict that was not reached is not a pass. */
  healthy: boolean
  /**
   * The caller cancelled the run (deps.signal) before every check reached its verdict. The
   * report then holds the rounds and samples gathered until then; `reason` starts with
   * `cancelled after`.
   */
  cancelled: boolean
  mode: HealthMode
  failedChecks: string[]
  checks: CheckResult[]
  samples: Sample[]
  /** Over every HTTP sample; undefined when there are no HTTP checks. */
  latency: LatencySummary | undefined
  startedAt: number
  finishedAt: number
  /** Why the run is unhealthy, for a person; absent when healthy. */
  reason?: string
}
