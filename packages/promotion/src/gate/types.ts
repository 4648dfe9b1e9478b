import type { ECSClient } from '@aws-sdk/client-ecs'
import type { Clock, Logger, ProxySettings } from '@fargate-promote/common'
import type { ElbClient } from '@fargate-promote/ecs'
import type {
  CheckSpec,
  CloudWatchReader,
  CommandRunner,
  EnvironmentUnderTest,
  SqsReader
} from '@fargate-promote/health'
import type { GitHubClient, RepositoryRef } from '../github/client.js'

/** The release asking to go to production. At least one field is set. */
export interface GateCandidate {
  /** Compared with the task definition's `version` tag. */
  version?: string
  /** Full or abbreviated (≥ 7 hex) commit SHA, compared with the `commit` tag. */
  sha?: string
  /** Compared with the containers' images: the same reference, tag or digest. */
  image?: string
}

export interface GateEmergency {
  enabled: boolean
  reason?: string
  actor?: string
  /** When non-empty, only these actors may bypass the gate. */
  allowedActors?: string[]
}

export interface GateOptions {
  cluster: string
  /** The staging services that must all run the candidate. */
  services: string[]
  candidate: GateCandidate
  /** How long the candidate must have been live on staging. */
  minSoakMs: number
  /** Health checks in the health package's format; may be empty. */
  checks: CheckSpec[]
  alarms: { names?: string[]; prefix?: string }
  /** Time the health checks and alarms get to pass once. Default 60 s. */
  checksTimeoutMs?: number
  requireGitHubDeployment: boolean
  repository?: RepositoryRef
  /** The GitHub environment staging deploys record. Default `staging`. */
  environment?: string
  /**
   * The candidate commit must be on this branch (GitHub's compare API); `default` is the
   * repository's default branch. Undefined skips the check (no GitHub token). An emergency
   * never bypasses it.
   */
  protectedBranch?: string
  /** The staging environment the command checks test. */
  target?: EnvironmentUnderTest
  emergency: GateEmergency
}

export interface GateDeps {
  ecs: ECSClient
  elb: ElbClient
  cloudwatch?: CloudWatchReader
  sqs?: SqsReader
  github?: GitHubClient
  /** Needed by command checks. */
  commands?: CommandRunner
  /** The proxies the health checks' HTTP requests go through (see RunHealthChecksDeps). */
  proxy?: ProxySettings
  clock: Clock
  log: Logger
  /**
   * Cancellation (the runner's SIGINT): the health checks stop at once and the verdict is
   * `cancelled`, never approved — not even under an emergency bypass.
   */
  signal?: AbortSignal
}

export type GateCheckKind =
  'identity' | 'stability' | 'soak' | 'health' | 'alarms' | 'github' | 'branch'

export interface GateCheck {
  name: string
  kind: GateCheckKind
  /** The staging service the check looked at, for per-service checks. */
  service?: string
  ok: boolean
  /** This check's failure stops the release: false when it passed and under an emergency bypass. */
  blocking: boolean
  /** One line a person can act on. */
  detail: string
}

export type GateMode = 'approved' | 'blocked' | 'emergency'

/** What the gate saw on one staging service. */
export interface GateServiceEvidence {
  service: string
  taskDefinitionArn?: string
  deploymentId?: string
  /** Container name → `repository@sha256:…`. */
  images: Record<string, string>
  version?: string
  commit?: string
  runningTasks: number
  /** The identity check found the candidate here. */
  isCandidate?: boolean
  /** Epoch ms since when this revision has been live, when known. */
  liveSince?: number
  liveSinceSource?: 'ecs-service-deployment' | 'ecs-primary-deployment' | 'github-deployment'
}

export interface GateVerdict {
  approved: boolean
  /** The run was cancelled before every check had a verdict: nothing is approved. */
  cancelled?: boolean
  mode: GateMode
  checks: GateCheck[]
  /**
   * The exact bits production must deploy: container name → `repository@sha256:…`. With more
   * than one staging service the keys are `service/container`.
   */
  images: Record<string, string>
  /** The first service's task definition; every service's is in `services`. */
  taskDefinitionArn: string | undefined
  version?: string
  sha?: string
  /** The shortest soak over the services; 0 when unknown. */
  soakedForMs: number
  remainingSoakMs: number
  minSoakMs: number
  emergency?: { reason: string; actor?: string }
  /** What to do about each failed check (under a bypass: what to follow up). */
  nextSteps: string[]
  services: GateServiceEvidence[]
  /** Epoch ms. */
  evaluatedAt: number
}
