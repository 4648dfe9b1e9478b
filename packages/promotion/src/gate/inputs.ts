import { ConfigurationError, type InputReader, type RunContext } from '@fargate-promote/common'
import { withEnvironmentConfig } from '../config/inputs.js'
import { parseImageReference } from '@fargate-promote/ecs'
import { loadChecks } from '@fargate-promote/health'
import { parseRepository, type RepositoryRef } from '../github/client.js'
import { fileRoots, readServices, readTarget } from '../inputs/common.js'
import type { GateCandidate, GateOptions } from './types.js'
import { alarmChecks, DEFAULT_ENVIRONMENT } from './alarm-checks.js'
import { workflowPath, type GateCheckRunTarget } from './check-run.js'

/** Every setting of the staging gate, read and checked once, before AWS or GitHub is asked. */
export interface GateInputs extends GateOptions {
  /** The candidate and where it came from, for the log. */
  candidateSource: string
  environment: string
  githubToken?: string
  /** Where the check run is written, when the repository is known. */
  checkRun?: GateCheckRunTarget
}

const DAY = 24 * 3_600_000
const SHA = /^[0-9a-f]{7,40}$/i

/** version, sha and image as given; the workflow's commit when none is. */
function readCandidate(
  inputs: InputReader,
  context: RunContext
): Pick<GateInputs, 'candidate' | 'candidateSource'> {
  const candidate: GateCandidate = {}
  const version = inputs.optional('version')
  const sha = inputs.optional('sha')
  const image = inputs.optional('image')
  if (version !== undefined) candidate.version = version
  if (sha !== undefined) {
    if (!SHA.test(sha)) {
      throw new ConfigurationError(
        `'${sha}' is not a commit SHA. Give 7 to 40 hexadecimal characters, e.g. \${{ github.sha }}.`,
        { input: 'sha' }
      )
    }
    candidate.sha = sha
  }
  if (image !== undefined) {
    parseImageReference(image, { input: 'image' })
    candidate.image = image
  }
  if (version !== undefined || sha !== undefined || image !== undefined) {
    return { candidate, candidateSource: JSON.stringify(candidate) }
  }
  if (context.sha === undefined || !SHA.test(context.sha)) {
    throw new ConfigurationError(
      "No candidate to gate: inputs 'version', 'sha' and 'image' are empty and GITHUB_SHA is not set. Give the release that should go to production."
    )
  }
  return {
    candidate: { sha: context.sha },
    candidateSource: `the workflow's commit ${context.sha} (no version, sha or image given)`
  }
}

function readRequireGitHubDeployment(inputs: InputReader, token: string | undefined): boolean {
  const choice = inputs.choice('require-github-deployment', ['auto', 'true', 'false'], 'auto')
  if (choice === 'auto') return token !== undefined
  if (choice === 'true' && token === undefined) {
    throw new ConfigurationError(
      "is true but 'github-token' is empty: the gate needs a token to read the staging deployments. Pass github-token: ${{ github.token }} or set require-github-deployment to false.",
      { input: 'require-github-deployment' }
    )
  }
  return choice === 'true'
}

const BRANCH = /^(?!\/)(?!.*\.\.)(?!.*\/$)[A-Za-z0-9._/-]{1,255}$/

/**
 * The branch the candidate must be on: the repository's default branch unless named; `none`
 * skips the check. It needs the token (GitHub's compare API).
 */
function readProtectedBranch(
  inputs: InputReader,
  token: string | undefined,
  repository: RepositoryRef | undefined
): string | undefined {
  const given = inputs.optional('protected-branch')
  if (given === 'none') return undefined
  // Outside a workflow (no repository) there is nothing to compare with, as for the deployment.
  if (given === undefined)
    return token === undefined || repository === undefined ? undefined : 'default'
  if (!BRANCH.test(given)) {
    throw new ConfigurationError(
      `'${given}' is not a branch name. Give the protected branch (for example main), or none.`,
      inputs.subjectOf('protected-branch')
    )
  }
  if (token === undefined) {
    throw new ConfigurationError(
      "needs 'github-token': the gate asks GitHub whether the candidate is on the branch. Pass github-token: ${{ github.token }}, or set protected-branch to none.",
      inputs.subjectOf('protected-branch')
    )
  }
  return given
}

/** Logins, one per line or separated by commas. */
function readActors(inputs: InputReader): string[] {
  return inputs
    .list('emergency-actors')
    .flatMap(line => line.split(','))
    .map(login => login.trim().replace(/^@/, ''))
    .filter(login => login !== '')
}

/** The audited bypass: a reason, a token to record it, and an actor the allow-list names. */
function readEmergency(
  inputs: InputReader,
  context: RunContext,
  token: string | undefined
): GateInputs['emergency'] {
  const enabled = inputs.boolean('emergency', false)
  const allowedActors = readActors(inputs)
  const emergency: GateInputs['emergency'] = { enabled, allowedActors }
  if (context.actor !== undefined) emergency.actor = context.actor
  if (!enabled) return emergency
  emergency.reason = inputs.required(
    'emergency-reason',
    "why this release cannot wait for the gate when 'emergency' is true (it is recorded in the check run, the summary and the outputs)"
  )
  if (token === undefined) {
    throw new ConfigurationError(
      "is required when 'emergency' is true: the bypass is recorded as the staging-gate check run on the commit (needs checks: write). Pass github-token: ${{ github.token }}.",
      { input: 'github-token' }
    )
  }
  if (allowedActors.length === 0) return emergency
  const actor = context.actor ?? ''
  // GitHub logins are case-insensitive; the bypass is recorded as the list spells the login.
  const allowed = allowedActors.find(login => login.toLowerCase() === actor.toLowerCase())
  if (allowed === undefined) {
    throw new ConfigurationError(
      `'${actor}' may not bypass the staging gate; only ${allowedActors.join(', ')} may. Ask one of them to run the workflow.`,
      { input: 'emergency-actors' }
    )
  }
  emergency.actor = allowed
  return emergency
}

function readAlarms(inputs: InputReader): GateOptions['alarms'] {
  const names = inputs.list('alarms')
  const prefix = inputs.optional('alarm-prefix')
  return {
    ...(names.length > 0 && { names }),
    ...(prefix !== undefined && { prefix })
  }
}

/** The gate names its alarm checks itself: a health check must not take one of those names. */
function checkNames(options: Pick<GateOptions, 'checks' | 'alarms'>): void {
  const taken = new Set(alarmChecks(options.alarms).map(check => check.name))
  const clash = options.checks.find(check => taken.has(check.name))
  if (clash !== undefined) {
    throw new ConfigurationError(
      `check '${clash.name}' has the name of the gate's own alarm check. Rename it.`,
      { input: 'checks' }
    )
  }
}

function checkRunTarget(repository: RepositoryRef, context: RunContext): GateCheckRunTarget {
  const path = workflowPath(context.workflowRef, context.repository)
  return {
    repository,
    serverUrl: context.serverUrl,
    ...(context.sha !== undefined && { fallbackSha: context.sha }),
    ...(path !== undefined && { path }),
    ...(context.runUrl !== undefined && { detailsUrl: context.runUrl })
  }
}

/** staging-gate's settings, from an action's inputs or any other InputReader. */
export async function readGateInputs(given: InputReader, context: RunContext): Promise<GateInputs> {
  const inputs = await withEnvironmentConfig(given, { action: 'gate', context })
  const cluster = inputs.required('cluster', 'the staging ECS cluster name or ARN')
  const services = readServices(inputs, 'the staging service that must run the candidate')
  const { candidate, candidateSource } = readCandidate(inputs, context)
  const minSoakMs = inputs.duration('min-soak', { defaultValue: '15m', min: 0, max: 30 * DAY })
  const checksTimeoutMs = inputs.duration('checks-timeout', {
    defaultValue: '60s',
    min: 1000,
    max: 3_600_000
  })
  const checksText = inputs.optional('checks')
  const checks =
    checksText === undefined
      ? []
      : (await loadChecks({ text: checksText, roots: fileRoots(context), input: 'checks' })).checks
  const alarms = readAlarms(inputs)
  checkNames({ checks, alarms })
  const githubToken = inputs.optional('github-token')
  const requireGitHubDeployment = readRequireGitHubDeployment(inputs, githubToken)
  const repository = parseRepository(context.repository)
  const protectedBranch = readProtectedBranch(inputs, githubToken, repository)
  const target = readTarget(inputs)
  if (repository === undefined && requireGitHubDeployment) {
    throw new ConfigurationError(
      `GITHUB_REPOSITORY ('${context.repository ?? ''}') is not owner/repo, so the staging deployments cannot be read. Run the gate in a workflow, or set require-github-deployment to false.`
    )
  }
  return {
    cluster,
    services,
    candidate,
    candidateSource,
    minSoakMs,
    checks,
    checksTimeoutMs,
    alarms,
    requireGitHubDeployment,
    environment: inputs.optional('environment') ?? DEFAULT_ENVIRONMENT,
    emergency: readEmergency(inputs, context, githubToken),
    ...(protectedBranch !== undefined && { protectedBranch }),
    ...(target !== undefined && { target }),
    ...(githubToken !== undefined && { githubToken }),
    ...(repository !== undefined && { repository, checkRun: checkRunTarget(repository, context) })
  }
}
