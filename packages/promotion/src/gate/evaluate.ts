import type { Service } from '@aws-sdk/client-ecs'
import { errorMessage, formatDuration } from '@fargate-promote/common'
import { COMMIT_TAG, VERSION_TAG } from '@fargate-promote/ecs'
import type { GitHubClient } from '../github/client.js'
import type { DeploymentHistoryEntry } from '../github/deployments.js'
import { checkOnBranch, defaultBranchOf } from './branch.js'
import { judgeGitHubDeployment, newestDeploymentOf } from './github-deployment.js'
import { runGateHealth } from './health.js'
import { checkIdentity, describeCandidate, type IdentityResult } from './identity.js'
import { describeStaging, observeStagingService, type StagingObservation } from './observe.js'
import { judgeSoak, liveSince, type LiveSince, type SoakResult } from './soak.js'
import { checkStability } from './stability.js'
import type {
  GateCheck,
  GateCheckKind,
  GateDeps,
  GateOptions,
  GateServiceEvidence,
  GateVerdict
} from './types.js'
import { DEFAULT_ENVIRONMENT } from './alarm-checks.js'

/**
 * Stopped tasks are looked for over the soak window, but never less than this: with no soak
 * required, a task that crashed a minute ago still says the release is not stable.
 */
export const MIN_STOP_WINDOW_MS = 5 * 60_000

/** Stops of the live revision count over the soak window, and at least MIN_STOP_WINDOW_MS. */
function stopWindow(options: GateOptions): number {
  return Math.max(options.minSoakMs, MIN_STOP_WINDOW_MS)
}

interface Outcome {
  name: string
  kind: GateCheckKind
  service?: string
  ok: boolean
  detail: string
  nextStep: string
  /** Blocks even under an emergency bypass (the bypass skips soak and staging health only). */
  alwaysBlocks?: boolean
}

/**
 * The full SHA of the candidate: the commit tag of a service that runs it (the caller may give
 * an abbreviated SHA, or none), else what the caller gave.
 */
function shaOf(options: GateOptions, observed: Observed[]): string | undefined {
  const wanted = options.candidate.sha?.toLowerCase()
  for (const { observation, identity } of observed) {
    const commit = observation.tags[COMMIT_TAG]
    if (commit === undefined || !identity.ok) continue
    if (wanted === undefined || commit.toLowerCase().startsWith(wanted)) return commit
  }
  return options.candidate.sha
}

interface Observed {
  observation: StagingObservation
  identity: IdentityResult
}

function identityStep(options: GateOptions, service: string, result: IdentityResult): string {
  if (result.detail.includes('do not all run the same images')) {
    return `Force a new deployment of ${service} on staging so every task runs the same image digests, then re-run the gate.`
  }
  return `Deploy ${describeCandidate(options.candidate)} to staging (${service}) and let it soak, then re-run the gate.`
}

function soakStep(service: string, soak: SoakResult, now: number): string {
  if (soak.soakedForMs === 0 && soak.detail.startsWith('cannot tell')) {
    return `Deploy ${service} to staging through the deploy workflow so its completion is recorded, then re-run the gate.`
  }
  const at = new Date(now + soak.remainingSoakMs).toISOString()
  return `Re-run the gate after ${at} (${formatDuration(soak.remainingSoakMs)} from now): ${service} has not soaked long enough.`
}

async function serviceOutcomes(
  options: GateOptions,
  deps: GateDeps,
  { observation, identity }: Observed,
  now: number,
  githubSuccessAt: () => Promise<number | undefined>
): Promise<{ outcomes: Outcome[]; evidence: GateServiceEvidence; soak: SoakResult }> {
  const service = observation.name
  const outcomes: Outcome[] = []
  outcomes.push({
    name: `identity (${service})`,
    kind: 'identity',
    service,
    ok: identity.ok,
    detail: identity.detail,
    nextStep: identityStep(options, service, identity)
  })
  const stability = checkStability(observation, stopWindow(options))
  outcomes.push({
    name: `stability (${service})`,
    kind: 'stability',
    service,
    ...stability,
    nextStep: `Wait until ${service} on staging is stable, or fix what keeps it from being so, then re-run the gate: ${stability.detail}`
  })
  let since: LiveSince = {}
  if (observation.primary !== undefined) {
    since = await liveSince(deps.ecs, options.cluster, observation, githubSuccessAt, deps.log)
  }
  const soak = judgeSoak(since, options.minSoakMs, now)
  outcomes.push({
    name: `soak (${service})`,
    kind: 'soak',
    service,
    ok: soak.ok,
    detail: soak.detail,
    nextStep: soakStep(service, soak, now)
  })
  const evidence: GateServiceEvidence = {
    service,
    images: identity.images,
    runningTasks: observation.tasks.length,
    ...since
  }
  const primary = observation.primary
  if (primary?.taskDefinition !== undefined) evidence.taskDefinitionArn = primary.taskDefinition
  if (primary?.id !== undefined) evidence.deploymentId = primary.id
  const version = observation.tags[VERSION_TAG]
  if (version !== undefined) evidence.version = version
  if (identity.ok) evidence.isCandidate = true
  const commit = observation.tags[COMMIT_TAG]
  if (commit !== undefined) evidence.commit = commit
  return { outcomes, evidence, soak }
}

function unobservable(service: string, why: string, minSoakMs: number): Outcome[] {
  const detail = `could not observe staging: ${why}`
  const nextStep = `Fix access to ${service} on staging (${why}) and re-run the gate.`
  return (['identity', 'stability', 'soak'] as const).map(kind => ({
    name: `${kind} (${service})`,
    kind,
    service,
    ok: false,
    detail: kind === 'soak' ? `${detail}; minimum ${formatDuration(minSoakMs)}` : detail,
    nextStep
  }))
}

/**
 * May this version go to production now? Every check runs and is reported; the verdict is
 * approved when none failed, or under an emergency bypass, which never skips validation.
 * Bad options: ConfigurationError before any request.
 */
export async function evaluateGate(options: GateOptions, deps: GateDeps): Promise<GateVerdict> {
  const { clock, log } = deps
  const now = clock.now()
  const environment = options.environment ?? DEFAULT_ENVIRONMENT
  const outcomes: Outcome[] = []
  const services: GateServiceEvidence[] = []
  const soaks: SoakResult[] = []
  const observing = {
    cluster: options.cluster,
    services: options.services,
    windowMs: stopWindow(options)
  }
  const described = await describeStaging(observing, deps)
  const observed: Observed[] = []
  for (const [index, name] of options.services.entries()) {
    try {
      const observation = await observeStagingService(
        described[index] as Service,
        name,
        observing,
        { ecs: deps.ecs, elb: deps.elb, now }
      )
      observed.push({ observation, identity: checkIdentity(observation, options.candidate) })
    } catch (error) {
      outcomes.push(...unobservable(name, errorMessage(error), options.minSoakMs))
      services.push({ service: name, images: {}, runningTasks: 0 })
      soaks.push({ ok: false, detail: '', soakedForMs: 0, remainingSoakMs: options.minSoakMs })
    }
  }
  const sha = shaOf(options, observed)
  const { github } = deps
  const { repository } = options
  let githubEntry: Promise<DeploymentHistoryEntry | undefined> | undefined
  const githubDeployment = () => {
    if (github === undefined || repository === undefined || sha === undefined) {
      return Promise.resolve(undefined)
    }
    githubEntry ??= newestDeploymentOf({ ...repository, environment, sha }, { github })
    return githubEntry
  }
  const githubSuccessAt = async () => {
    const entry = await githubDeployment().catch(() => undefined)
    return entry?.state === 'success' && entry.stateAt ? Date.parse(entry.stateAt) : undefined
  }
  for (const item of observed) {
    const result = await serviceOutcomes(options, deps, item, now, githubSuccessAt)
    outcomes.push(...result.outcomes)
    services.push(result.evidence)
    soaks.push(result.soak)
  }
  for (const health of await runGateHealth(options, deps)) outcomes.push(health)
  if (options.requireGitHubDeployment) {
    outcomes.push(await githubOutcome(sha, environment, githubDeployment))
  }
  if (options.protectedBranch !== undefined) {
    outcomes.push(await branchOutcome(options, sha, github))
  }
  const verdict = buildVerdict(options, outcomes, services, soaks, sha, now, log)
  if (deps.signal?.aborted !== true) return verdict
  // A run cut short proves nothing: no approval, and no bypass either.
  log.warning('Staging gate cancelled before every check had a verdict: nothing is approved.')
  return {
    ...verdict,
    approved: false,
    mode: 'blocked',
    cancelled: true,
    checks: verdict.checks.map(check => ({ ...check, blocking: !check.ok }))
  }
}

async function githubOutcome(
  sha: string | undefined,
  environment: string,
  entry: () => Promise<DeploymentHistoryEntry | undefined>
): Promise<Outcome> {
  const base = { name: 'github deployment', kind: 'github' as const }
  if (sha === undefined) {
    return {
      ...base,
      ok: false,
      detail: `no commit SHA to look up: the candidate names none and staging has no ${COMMIT_TAG} tag`,
      nextStep: 'Pass the candidate commit SHA to the gate.'
    }
  }
  let result: { ok: boolean; detail: string }
  try {
    result = judgeGitHubDeployment(await entry(), sha, environment)
  } catch (error) {
    result = { ok: false, detail: `could not read GitHub deployments: ${errorMessage(error)}` }
  }
  return {
    ...base,
    ...result,
    nextStep: `Deploy ${sha.slice(0, 12)} to ${environment} through the deploy workflow so GitHub records a successful deployment: ${result.detail}`
  }
}

async function branchOutcome(
  options: GateOptions,
  sha: string | undefined,
  github: GitHubClient | undefined
): Promise<Outcome> {
  const base = { name: 'protected branch', kind: 'branch' as const, alwaysBlocks: true }
  const { repository } = options
  if (sha === undefined || github === undefined || repository === undefined) {
    return {
      ...base,
      ok: false,
      detail: 'no candidate commit SHA, GitHub token or repository to compare with the branch',
      nextStep: 'Pass the candidate commit SHA and github-token to the gate.'
    }
  }
  let branch = options.protectedBranch ?? 'default'
  try {
    if (branch === 'default') branch = await defaultBranchOf(repository, { github })
  } catch (error) {
    return {
      ...base,
      ok: false,
      detail: `could not read the repository's default branch: ${errorMessage(error)}`,
      nextStep: "Run the gate again, or name the branch in 'protected-branch'."
    }
  }
  return { ...base, ...(await checkOnBranch({ ...repository, sha, branch }, { github })) }
}

function buildVerdict(
  options: GateOptions,
  outcomes: Outcome[],
  services: GateServiceEvidence[],
  soaks: SoakResult[],
  sha: string | undefined,
  now: number,
  log: GateDeps['log']
): GateVerdict {
  const emergency = options.emergency.enabled
  const checks: GateCheck[] = outcomes.map(outcome => {
    const check: GateCheck = {
      name: outcome.name,
      kind: outcome.kind,
      ok: outcome.ok,
      blocking: !outcome.ok && (!emergency || outcome.alwaysBlocks === true),
      detail: outcome.detail
    }
    if (outcome.service !== undefined) check.service = outcome.service
    log.info(`${outcome.ok ? '✓' : '✗'} ${outcome.name}: ${outcome.detail}`)
    return check
  })
  const failed = outcomes.filter(outcome => !outcome.ok)
  const images: Record<string, string> = {}
  for (const evidence of services) {
    // Only bits that are the candidate may be promoted, even under a bypass.
    if (evidence.isCandidate !== true) continue
    for (const [container, image] of Object.entries(evidence.images)) {
      images[services.length === 1 ? container : `${evidence.service}/${container}`] = image
    }
  }
  const first = services[0]
  const version =
    (first?.isCandidate === true ? first.version : undefined) ?? options.candidate.version
  const blocked = failed.some(outcome => outcome.alwaysBlocks === true)
  const verdict: GateVerdict = {
    approved: !blocked && (failed.length === 0 || emergency),
    mode: blocked
      ? 'blocked'
      : emergency
        ? 'emergency'
        : failed.length === 0
          ? 'approved'
          : 'blocked',
    checks,
    images,
    taskDefinitionArn: first?.taskDefinitionArn,
    soakedForMs: Math.min(...soaks.map(soak => soak.soakedForMs)),
    remainingSoakMs: Math.max(...soaks.map(soak => soak.remainingSoakMs)),
    minSoakMs: options.minSoakMs,
    nextSteps: failed.map(outcome => outcome.nextStep),
    services,
    evaluatedAt: now
  }
  if (version !== undefined) verdict.version = version
  if (sha !== undefined) verdict.sha = sha
  if (emergency) {
    if (blocked) log.warning('The emergency bypass does not skip the protected-branch check.')
    const reason = (options.emergency.reason ?? '').trim()
    const actor = options.emergency.actor
    verdict.emergency = actor === undefined ? { reason } : { reason, actor }
    log.warning(
      `EMERGENCY BYPASS by ${actor ?? 'unknown actor'}: ${reason}. ${failed.length} failing check${failed.length === 1 ? '' : 's'} did not block the release.`
    )
  } else if (failed.length > 0) {
    log.warning(`Staging gate blocked: ${failed.map(outcome => outcome.name).join(', ')}`)
  } else {
    log.info('Staging gate approved')
  }
  return verdict
}
