import { parseImageReference } from '@fargate-promote/ecs'
import { loadChecks, type CheckSpec } from '@fargate-promote/health'
import { parseRepository, type GateCandidate, type RepositoryRef } from '@fargate-promote/promotion'
import {
  ConfigurationError,
  getBoolean,
  getChoice,
  getDuration,
  getList,
  getOptionalString,
  getRequiredString,
  type RunContext
} from '@fargate-promote/runner'

/** Every input of staging-gate, parsed and checked before anything talks to AWS or GitHub. */
export interface GateSettings {
  cluster: string
  services: string[]
  candidate: GateCandidate
  /** The candidate and where it came from, for the log. */
  candidateSource: string
  minSoakMs: number
  checks: CheckSpec[]
  checksTimeoutMs: number
  alarms: string[]
  alarmPrefix?: string
  requireGitHubDeployment: boolean
  environment: string
  emergency: { enabled: boolean; reason?: string; actor?: string; allowedActors: string[] }
  githubToken?: string
  repository?: RepositoryRef
}

const MAX_SERVICES = 10
const DAY = 24 * 3_600_000
const SHA = /^[0-9a-f]{7,40}$/i

function readServices(): string[] {
  const single = getOptionalString('service')
  const several = getList('services')
  if (single !== undefined && several.length > 0) {
    throw new ConfigurationError(
      "Inputs 'service' and 'services' were both given. Use 'service' for one staging service or 'services' for several, not both."
    )
  }
  const services = single !== undefined ? [single] : several
  if (services.length === 0) {
    throw new ConfigurationError(
      "Input 'service' is required: give the staging service that must run the candidate."
    )
  }
  if (services.length > MAX_SERVICES) {
    throw new ConfigurationError(
      `Input 'services' lists ${services.length} services; at most ${MAX_SERVICES} can be gated together. Split them over several steps.`
    )
  }
  const duplicate = services.find((name, index) => services.indexOf(name) !== index)
  if (duplicate !== undefined) {
    throw new ConfigurationError(`Input 'services' lists '${duplicate}' twice. List each once.`)
  }
  return services
}

/** version, sha and image as given; the workflow's commit when none is. */
function readCandidate(context: RunContext): Pick<GateSettings, 'candidate' | 'candidateSource'> {
  const candidate: GateCandidate = {}
  const version = getOptionalString('version')
  const sha = getOptionalString('sha')
  const image = getOptionalString('image')
  if (version !== undefined) candidate.version = version
  if (sha !== undefined) {
    if (!SHA.test(sha)) {
      throw new ConfigurationError(
        `Input 'sha': '${sha}' is not a commit SHA. Give 7 to 40 hexadecimal characters, e.g. \${{ github.sha }}.`
      )
    }
    candidate.sha = sha
  }
  if (image !== undefined) {
    parseImageReference(image, "Input 'image'")
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

/** The `checks` input: inline YAML, or the path of a .yml/.yaml/.json file in the workspace. */
function readChecks(workspace: string): CheckSpec[] {
  const text = getOptionalString('checks')
  if (text === undefined) return []
  return loadChecks({ text, baseDir: workspace, what: "Input 'checks'" }).checks
}

function readRequireGitHubDeployment(token: string | undefined): boolean {
  const choice = getChoice('require-github-deployment', ['auto', 'true', 'false'], 'auto')
  if (choice === 'auto') return token !== undefined
  if (choice === 'true' && token === undefined) {
    throw new ConfigurationError(
      "Input 'require-github-deployment' is true but 'github-token' is empty: the gate needs a token to read the staging deployments. Pass github-token: ${{ github.token }} or set require-github-deployment to false."
    )
  }
  return choice === 'true'
}

/** Logins, one per line or separated by commas. */
function readActors(): string[] {
  return getList('emergency-actors')
    .flatMap(line => line.split(','))
    .map(login => login.trim().replace(/^@/, ''))
    .filter(login => login !== '')
}

function readEmergency(context: RunContext, token: string | undefined): GateSettings['emergency'] {
  const enabled = getBoolean('emergency', false)
  const reason = getOptionalString('emergency-reason')
  const allowedActors = readActors()
  const emergency: GateSettings['emergency'] = { enabled, allowedActors, actor: context.actor }
  if (!enabled) return emergency
  if (reason === undefined) {
    throw new ConfigurationError(
      "Input 'emergency-reason' is required when 'emergency' is true: say why this release cannot wait for the gate (it is recorded in the check run, the summary and the outputs)."
    )
  }
  emergency.reason = reason
  if (token === undefined) {
    throw new ConfigurationError(
      "Input 'github-token' is required when 'emergency' is true: the bypass is recorded as the staging-gate check run on the commit (needs checks: write). Pass github-token: ${{ github.token }}."
    )
  }
  if (allowedActors.length > 0) {
    const actor = context.actor ?? ''
    const allowed = allowedActors.some(login => login.toLowerCase() === actor.toLowerCase())
    if (!allowed) {
      throw new ConfigurationError(
        `Input 'emergency-actors': '${actor}' may not bypass the staging gate; only ${allowedActors.join(', ')} may. Ask one of them to run the workflow.`
      )
    }
    // The library compares exactly; hand it the login as the list spells it.
    emergency.actor = allowedActors.find(login => login.toLowerCase() === actor.toLowerCase())
  }
  return emergency
}

function readRepository(context: RunContext, required: boolean): RepositoryRef | undefined {
  const repository = parseRepository(context.repository)
  if (repository === undefined && required) {
    throw new ConfigurationError(
      `GITHUB_REPOSITORY ('${context.repository ?? ''}') is not owner/repo, so the staging deployments cannot be read. Run the gate in a workflow, or set require-github-deployment to false.`
    )
  }
  return repository
}

export function readGateSettings(context: RunContext): GateSettings {
  const cluster = getRequiredString('cluster')
  const services = readServices()
  const { candidate, candidateSource } = readCandidate(context)
  const minSoakMs = getDuration('min-soak', { defaultValue: '15m', min: 0, max: 30 * DAY })
  const checksTimeoutMs = getDuration('checks-timeout', {
    defaultValue: '60s',
    min: 1000,
    max: 3_600_000
  })
  const checks = readChecks(context.workspace)
  const alarmPrefix = getOptionalString('alarm-prefix')
  const githubToken = getOptionalString('github-token')
  const requireGitHubDeployment = readRequireGitHubDeployment(githubToken)
  const settings: GateSettings = {
    cluster,
    services,
    candidate,
    candidateSource,
    minSoakMs,
    checks,
    checksTimeoutMs,
    alarms: getList('alarms'),
    requireGitHubDeployment,
    environment: getOptionalString('environment') ?? 'staging',
    emergency: readEmergency(context, githubToken)
  }
  if (alarmPrefix !== undefined) settings.alarmPrefix = alarmPrefix
  if (githubToken !== undefined) settings.githubToken = githubToken
  const repository = readRepository(context, requireGitHubDeployment)
  if (repository !== undefined) settings.repository = repository
  return settings
}
