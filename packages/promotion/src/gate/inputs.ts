import {
  ConfigurationError,
  isRead,
  quoteValue,
  SettingProblems,
  type InputReader,
  type ProxySettings,
  type RunContext
} from '@fargate-promote/common'
import { withEnvironmentConfig } from '../config/inputs.js'
import { parseImageReference } from '@fargate-promote/ecs'
import { checkProxyUse, loadChecks } from '@fargate-promote/health'
import { parseRepository, type RepositoryRef } from '../github/client.js'
import { GITHUB_LOGIN_FORM, isGitHubActor } from '../github/login.js'
import { fileRoots, readServices, readTarget, readVersionLabel } from '../inputs/common.js'
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
  const problems = new SettingProblems()
  const sha = inputs.optional('sha')
  const image = inputs.optional('image')
  if (sha !== undefined && !SHA.test(sha)) {
    problems.add(
      new ConfigurationError(
        `${quoteValue(sha)} is not a commit SHA. Give 7 to 40 hexadecimal characters, e.g. \${{ github.sha }}.`,
        { input: 'sha' }
      )
    )
  }
  if (image !== undefined) problems.read(() => parseImageReference(image, { input: 'image' }))
  // The label deploy-fargate tagged the revision with: deploy-fargate's rule, so a version
  // no revision can carry is refused rather than reported as a blocked gate.
  const { version } = problems.finish({ version: problems.read(() => readVersionLabel(inputs)) })
  if (version !== undefined || sha !== undefined || image !== undefined) {
    const candidate: GateCandidate = {
      ...(version !== undefined && { version }),
      ...(sha !== undefined && { sha }),
      ...(image !== undefined && { image })
    }
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
      `${quoteValue(given)} is not a branch name. Give the protected branch (for example main), or none.`,
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

/**
 * Logins, one per line or separated by commas (`@` allowed). A line that holds no login is
 * refused, naming its line: ignored, it would leave the allow-list other than the workflow reads.
 */
function readActors(inputs: InputReader): string[] {
  const problems = new SettingProblems()
  const logins: string[] = []
  inputs.lines('emergency-actors').forEach(({ text, line }) => {
    for (const login of text.split(',').map(item => item.trim().replace(/^@/, ''))) {
      if (login === '') continue
      if (isGitHubActor(login)) logins.push(login)
      else {
        problems.add(
          new ConfigurationError(
            `${quoteValue(login)} is not ${GITHUB_LOGIN_FORM}. Give one login per line or separated by commas.`,
            { ...inputs.subjectOf('emergency-actors'), line }
          )
        )
      }
    }
  })
  return problems.finish({ logins }).logins
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
  const problems = new SettingProblems()
  const reason = problems.read(() =>
    inputs.required(
      'emergency-reason',
      "why this release cannot wait for the gate when 'emergency' is true (it is recorded in the check run, the summary and the outputs)"
    )
  )
  if (token === undefined) {
    problems.add(
      new ConfigurationError(
        "is required when 'emergency' is true: the bypass is recorded as the staging-gate check run on the commit (needs checks: write). Pass github-token: ${{ github.token }}.",
        { input: 'github-token' }
      )
    )
  }
  const actor = problems.read(() => allowedActor(allowedActors, context.actor))
  const read = problems.finish({ reason, actor })
  emergency.reason = read.reason
  if (read.actor !== undefined) emergency.actor = read.actor
  return emergency
}

/** The actor as the allow-list spells the login; undefined when the list is empty. */
function allowedActor(allowedActors: string[], given: string | undefined): string | undefined {
  if (allowedActors.length === 0) return undefined
  const actor = given ?? ''
  // GitHub logins are case-insensitive; the bypass is recorded as the list spells the login.
  const allowed = allowedActors.find(login => login.toLowerCase() === actor.toLowerCase())
  if (allowed === undefined) {
    throw new ConfigurationError(
      `'${actor}' may not bypass the staging gate; only ${allowedActors.join(', ')} may. Ask one of them to run the workflow.`,
      { input: 'emergency-actors' }
    )
  }
  return allowed
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

/** The checks, and their names against the gate's own alarm check. */
async function readChecks(
  inputs: InputReader,
  context: RunContext,
  alarms: GateOptions['alarms']
): Promise<GateOptions['checks']> {
  const checksText = inputs.optional('checks')
  if (checksText === undefined) return []
  const { checks } = await loadChecks({
    text: checksText,
    roots: fileRoots(context),
    input: 'checks',
    from: inputs.subjectOf('checks')
  })
  checkNames({ checks, alarms })
  return checks
}

/** GitHub's side: the deployments to read, the branch, the repository. */
function readGitHub(inputs: InputReader, context: RunContext, token: string | undefined) {
  const problems = new SettingProblems()
  const repository = parseRepository(context.repository)
  const require = problems.read(() => readRequireGitHubDeployment(inputs, token))
  const protectedBranch = problems.read(() => readProtectedBranch(inputs, token, repository))
  if (repository === undefined && isRead(require) && require) {
    problems.add(
      new ConfigurationError(
        `GITHUB_REPOSITORY ('${context.repository ?? ''}') is not owner/repo, so the staging deployments cannot be read. Run the gate in a workflow, or set require-github-deployment to false.`
      )
    )
  }
  return { repository, ...problems.finish({ require, protectedBranch }) }
}

/** Every setting, each read on its own so that one run reports every problem. */
async function readSettings(
  inputs: InputReader,
  context: RunContext,
  problems: SettingProblems,
  proxy: ProxySettings | undefined
) {
  const read = <T>(fn: () => T) => problems.read(fn)
  const githubToken = inputs.optional('github-token')
  const alarms = readAlarms(inputs)
  return problems.finish({
    cluster: read(() => inputs.required('cluster', 'the staging ECS cluster name or ARN')),
    services: read(() => readServices(inputs, 'the staging service that must run the candidate')),
    candidate: read(() => readCandidate(inputs, context)),
    minSoakMs: read(() =>
      inputs.duration('min-soak', { defaultValue: '15m', min: 0, max: 30 * DAY })
    ),
    checksTimeoutMs: read(() =>
      inputs.duration('checks-timeout', { defaultValue: '60s', min: 1000, max: 3_600_000 })
    ),
    checks: await problems.readAsync(async () => {
      const checks = await readChecks(inputs, context, alarms)
      // An unusable proxy variable a check would go through, reported with the inputs' problems.
      checkProxyUse(checks, proxy)
      return checks
    }),
    alarms,
    githubToken,
    github: read(() => readGitHub(inputs, context, githubToken)),
    target: read(() => readTarget(inputs)),
    emergency: read(() => readEmergency(inputs, context, githubToken))
  })
}

/**
 * staging-gate's settings, from an action's inputs or any other InputReader. Every problem is
 * reported at once (a ConfigurationErrors when there are several), with an unusable `proxy`
 * variable that an HTTP check would go through.
 */
export async function readGateInputs(
  given: InputReader,
  context: RunContext,
  proxy?: ProxySettings
): Promise<GateInputs> {
  const problems = new SettingProblems()
  const inputs = await withEnvironmentConfig(given, { action: 'gate', context, problems })
  const settings = await readSettings(inputs, context, problems, proxy)
  const { githubToken, target } = settings
  const { repository, require, protectedBranch } = settings.github
  return {
    cluster: settings.cluster,
    services: settings.services,
    ...settings.candidate,
    minSoakMs: settings.minSoakMs,
    checks: settings.checks,
    checksTimeoutMs: settings.checksTimeoutMs,
    alarms: settings.alarms,
    requireGitHubDeployment: require,
    environment: inputs.optional('environment') ?? DEFAULT_ENVIRONMENT,
    emergency: settings.emergency,
    ...(protectedBranch !== undefined && { protectedBranch }),
    ...(target !== undefined && { target }),
    ...(githubToken !== undefined && { githubToken }),
    ...(repository !== undefined && { repository, checkRun: checkRunTarget(repository, context) })
  }
}
