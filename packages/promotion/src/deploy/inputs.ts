import {
  ConfigurationError,
  isRead,
  MissingSettingError,
  quoteValue,
  SettingProblems,
  type ConfigurationSubject,
  type InputReader,
  type ProxySettings,
  type RunContext
} from '@fargate-promote/common'
import { checkProxyUse } from '@fargate-promote/health'
import {
  checkTag,
  checkTaskDefinitionFileSize,
  parseImageReference,
  parseTaskDefinitionArn,
  type DeployOptions,
  type TaskDefinitionSource
} from '@fargate-promote/ecs'
import type { RecordTarget } from '../github/recorder.js'
import { withEnvironmentConfig } from '../config/inputs.js'
import { fileRoots, readServices, readVersionLabel, recordTarget } from '../inputs/common.js'
import { checkStrategyRun, readStrategy, type StrategyInputs } from './strategy-inputs.js'
import type { TestTrafficOptions } from './test-traffic.js'

/** Where the deploy is recorded as a GitHub deployment. */
export type DeployRecordTarget = RecordTarget

/** Every setting of a deploy, read and checked once, before anything talks to AWS. */
export interface DeployInputs extends DeployOptions {
  /** The release label: the `version` tag of the revision and of the GitHub deployment. */
  version: string
  /** The GitHub environment the deployment is recorded for. */
  environmentName?: string
  environmentUrl?: string
  githubToken?: string
  /** Set when the deployment is recorded on GitHub (a token, an environment, a repository). */
  record?: DeployRecordTarget
  /** Set when staging-gate's emergency path let the release through: recorded on GitHub. */
  emergency?: { reason: string; actor?: string }
  /** Blue/green: checks through the test listener before production traffic moves. */
  testTraffic?: TestTrafficOptions
  /** A later run's `continue` or `abort` of a deployment paused at a PAUSE hook. */
  resume?: StrategyInputs['resume']
  /** With `resume`: who started the run (logged and recorded). */
  actor?: string
}

const ENV_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*$/
const TAG_KEY = /^[A-Za-z0-9 +\-=._:/@]{1,128}$/
/** `container`, or `service/container` for one service of several (staging-gate's `images`). */
const CONTAINER = /^(?:[A-Za-z0-9_-]{1,255}\/)?[A-Za-z0-9_-]{1,255}$/

async function readTaskDefinition(
  inputs: InputReader,
  context: RunContext,
  serviceCount: number
): Promise<TaskDefinitionSource> {
  const path = inputs.optional('task-definition')
  const arn = inputs.optional('task-definition-arn')
  if (path !== undefined && arn !== undefined) {
    throw new ConfigurationError(
      "was given together with 'task-definition-arn'. Give one: a JSON file to register, or an existing revision to deploy.",
      { input: 'task-definition' }
    )
  }
  const input = path !== undefined ? 'task-definition' : 'task-definition-arn'
  if ((path !== undefined || arn !== undefined) && serviceCount > 1) {
    throw new ConfigurationError(
      "can only be used with one service; with 'services' every service starts from its own current task definition.",
      { input }
    )
  }
  if (arn !== undefined) {
    if (parseTaskDefinitionArn(arn) === undefined) {
      throw new ConfigurationError(
        `${quoteValue(arn)} is not a task-definition ARN or family:revision. Give e.g. arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42.`,
        { input }
      )
    }
    return { kind: 'arn', arn }
  }
  const file = await inputs.structuredFile('task-definition', fileRoots(context))
  if (file === undefined) return { kind: 'current' }
  // ECS refuses a definition over 64 KiB with a bare 413: say so before any AWS call.
  checkTaskDefinitionFileSize(file.value, `'${file.path}'`, { input: 'task-definition' })
  return { kind: 'file', path: file.path, definition: file.value }
}

/** staging-gate's `images` output as given: a JSON object of container to image. */
function imagesJson(inputs: InputReader, text: string): Map<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  const entries = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : []
  if (
    Array.isArray(parsed) ||
    entries.length === 0 ||
    entries.some(([key, value]) => typeof value !== 'string' || !CONTAINER.test(key))
  ) {
    throw new ConfigurationError(
      'starts with \'{\' but is not a JSON object of container (or service/container) to image, like staging-gate\'s `images` output. Give {"web":"repo/web@sha256:…"} or container=image lines.',
      inputs.subjectOf('images')
    )
  }
  return new Map(entries as [string, string][])
}

/** The image of one container, checked as ECS would check it (before, not after, the first call). */
function checkImage(container: string, image: string, subject: ConfigurationSubject): void {
  if (!image) {
    throw new ConfigurationError(
      `container '${container}' has no image after '='. Write container=image, e.g. web=nginx:1.27.`,
      subject
    )
  }
  try {
    parseImageReference(image)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    throw new ConfigurationError(`container '${container}': ${error.problem}`, subject)
  }
}

/**
 * `images` as container=image lines or staging-gate's JSON, into `images`. Every container
 * given is kept and its image checked, even when another line (or image) is bad: one bad line
 * must not hide the others' problems, nor a container also given by 'image'.
 */
function readImageLines(
  inputs: InputReader,
  images: Record<string, string>,
  problems: SettingProblems
): void {
  const check = (container: string, image: string, subject: ConfigurationSubject) => {
    images[container] = image
    checkImage(container, image, subject)
  }
  const text = inputs.optional('images')
  if (!text?.startsWith('{')) {
    problems.read(() =>
      inputs.keyValues('images', {
        keyPattern: CONTAINER,
        keyDescription: 'a container name (or service/container)',
        form: 'container=image',
        example: 'web=nginx:1.27',
        checkEntry: check
      })
    )
    return
  }
  const json = problems.read(() => imagesJson(inputs, text))
  for (const [container, image] of isRead(json) ? json : []) {
    problems.read(() => check(container, image, inputs.subjectOf('images')))
  }
}

/** `image` for each of the `container` list: the two go together. */
function readSingleImage(
  inputs: InputReader,
  images: Record<string, string>
): Record<string, string> {
  const image = inputs.optional('image')
  const containers = inputs.list('container')
  if (image === undefined && containers.length === 0) return {}
  if (image === undefined || containers.length === 0) {
    const [given, missing] = image === undefined ? ['container', 'image'] : ['image', 'container']
    throw new MissingSettingError(
      `needs '${missing}' too: the two go together.`,
      inputs.subjectOf(given),
      missing
    )
  }
  const problems = new SettingProblems()
  problems.read(() => parseImageReference(image, inputs.subjectOf('image')))
  for (const container of containers) {
    // Named here, not later as a container the task definition lacks (an error about 'images').
    if (!CONTAINER.test(container)) {
      problems.add(
        new ConfigurationError(
          `${quoteValue(container)} is not a container name (or service/container): up to 255 letters, digits, hyphens and underscores. Give the container of the task definition that runs 'image'.`,
          inputs.subjectOf('container')
        )
      )
    } else if (images[container] !== undefined) {
      problems.add(
        new ConfigurationError(
          `container '${container}' has an image in both 'images' and 'image'. Give it once.`,
          inputs.subjectOf('image')
        )
      )
    }
  }
  problems.throwIfAny()
  return Object.fromEntries(containers.map(container => [container, image]))
}

/** `images` and `image`/`container`: every bad line and every bad image is reported. */
function readImages(inputs: InputReader): Record<string, string> {
  const problems = new SettingProblems()
  const images: Record<string, string> = {}
  readImageLines(inputs, images, problems)
  const single = problems.read(() => readSingleImage(inputs, images))
  return { ...images, ...problems.finish({ single }).single }
}

function readEnvironment(inputs: InputReader): Record<string, Record<string, string>> {
  const environment: Record<string, Record<string, string>> = {}
  const lines = inputs.keyValues('environment-variables', {
    keyPattern: ENV_KEY,
    keyDescription: 'container.NAME (a container, a dot, a variable name of letters, digits and _)',
    form: 'container.NAME=value',
    example: 'web.LOG_LEVEL=debug'
  })
  for (const [key, value] of lines) {
    const dot = key.indexOf('.')
    const variables = (environment[key.slice(0, dot)] ??= {})
    variables[key.slice(dot + 1)] = value
  }
  return environment
}

/** Tags every revision carries so a release can be traced and rolled back by version. */
function readTags(
  inputs: InputReader,
  version: string,
  context: RunContext
): Record<string, string> {
  const tags: Record<string, string> = { version }
  if (context.sha) tags.commit = context.sha
  if (context.ref) tags.ref = context.ref
  if (context.runUrl) tags['run-url'] = context.runUrl
  if (context.actor) tags.actor = context.actor
  const given = inputs.keyValues('tags', {
    keyPattern: TAG_KEY,
    keyDescription: 'a tag key (1 to 128 letters, digits, spaces and + - = . _ : / @)',
    example: 'team=payments',
    // ECS's own rules for tags, checked now rather than when the revision is registered.
    checkEntry: checkTag
  })
  for (const [key, value] of given) tags[key] = value
  return tags
}

/** The release label, a tag value on the revision: the commit's short SHA when not given. */
function readVersion(inputs: InputReader, context: RunContext): string {
  return readVersionLabel(inputs) ?? context.sha?.slice(0, 7) ?? 'unversioned'
}

function readPreDeploy(inputs: InputReader): DeployOptions['preDeploy'] {
  const text = inputs.optional('pre-deploy-command')
  const container = inputs.optional('pre-deploy-container')
  if (text === undefined) {
    if (container !== undefined) {
      throw new ConfigurationError("was given without 'pre-deploy-command'.", {
        input: 'pre-deploy-container'
      })
    }
    return undefined
  }
  const command = text.startsWith('[') ? parseCommandArray(text) : ['sh', '-c', text]
  return container === undefined ? { command } : { command, container }
}

function parseCommandArray(text: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every(part => typeof part === 'string')
  ) {
    throw new ConfigurationError(
      `starts with '[' but is not a JSON array of strings (the command is not shown: it may carry credentials). Give ["npm","run","migrate"] or a plain command line.`,
      { input: 'pre-deploy-command' }
    )
  }
  return parsed
}

function readWaitForTargetHealth(inputs: InputReader): boolean | 'auto' {
  const choice = inputs.choice('wait-for-target-health', ['auto', 'true', 'false'], 'auto')
  return choice === 'auto' ? 'auto' : choice === 'true'
}

type DeploySettings = Awaited<ReturnType<typeof readSettings>>

/** Every setting, each read on its own so that one run reports every problem. */
async function readSettings(inputs: InputReader, context: RunContext, problems: SettingProblems) {
  const read = <T>(fn: () => T) => problems.read(fn)
  const services = read(() => readServices(inputs, 'the ECS service to deploy'))
  const version = read(() => readVersion(inputs, context))
  return problems.finish({
    cluster: read(() => inputs.required('cluster', 'the ECS cluster name or ARN')),
    services,
    polling: read(() =>
      inputs.polling({
        timeout: 'timeout',
        interval: 'poll-interval',
        timeoutDefault: '30m',
        intervalDefault: '5s'
      })
    ),
    version,
    dryRun: read(() => inputs.boolean('dry-run', false)),
    environmentUrl: read(() => inputs.url('environment-url')),
    desiredCount: read(() => inputs.optionalInteger('desired-count', { min: 0, max: 5000 })),
    keepRevisions: read(() => inputs.optionalInteger('keep-revisions', { min: 1, max: 1000 })),
    preDeploy: read(() => readPreDeploy(inputs)),
    taskDefinition: await problems.readAsync(() =>
      readTaskDefinition(inputs, context, isRead(services) ? services.length : 1)
    ),
    images: read(() => readImages(inputs)),
    environment: read(() => readEnvironment(inputs)),
    tags: read(() => readTags(inputs, isRead(version) ? version : 'unversioned', context)),
    forceNewDeployment: read(() => inputs.boolean('force-new-deployment', false)),
    wait: read(() => inputs.boolean('wait', true)),
    waitForTargetHealth: read(() => readWaitForTargetHealth(inputs)),
    onFailure: read(() =>
      inputs.choice<DeployOptions['onFailure']>('on-failure', ['rollback', 'none'], 'rollback')
    ),
    circuitBreaker: read(() => inputs.boolean('circuit-breaker', true)),
    strategy: read(() => readStrategy(inputs))
  })
}

function emergencyOf(inputs: InputReader, context: RunContext): DeployInputs['emergency'] {
  const reason = inputs.optional('emergency-reason')
  if (reason === undefined) return undefined
  return { reason, ...(context.actor !== undefined && { actor: context.actor }) }
}

/** What a new deployment takes; a resume continues the paused one and takes none of it. */
const NOT_WITH_RESUME = [
  'images',
  'image',
  'task-definition',
  'task-definition-arn',
  'pre-deploy-command'
]

function refuseWithResume(inputs: InputReader): void {
  const problems = new SettingProblems()
  for (const name of NOT_WITH_RESUME) {
    if (inputs.optional(name) === undefined) continue
    problems.add(
      new ConfigurationError(
        "was given with 'resume', which continues or aborts the deployment already paused and deploys nothing new. Give one: resume, or a new deployment.",
        inputs.subjectOf(name)
      )
    )
  }
  problems.throwIfAny()
}

/**
 * deploy-fargate's settings, from an action's inputs or any other InputReader. Every problem
 * is reported at once (a ConfigurationErrors when there are several).
 */
export async function readDeployInputs(
  given: InputReader,
  context: RunContext,
  proxy?: ProxySettings
): Promise<DeployInputs> {
  const problems = new SettingProblems()
  const inputs = await withEnvironmentConfig(given, { action: 'deploy', context, problems })
  const settings: DeploySettings = await readSettings(inputs, context, problems)
  const { polling, dryRun, environmentUrl, desiredCount, keepRevisions, preDeploy } = settings
  const environment = inputs.optional('environment')
  const githubToken = inputs.optional('github-token')
  const record = dryRun
    ? undefined
    : recordTarget(context, {
        environment,
        token: githubToken,
        ...(environmentUrl !== undefined && { environmentUrl })
      })
  const emergency = emergencyOf(inputs, context)
  const { strategy } = settings
  if (strategy.resume !== undefined) refuseWithResume(inputs)
  checkStrategyRun(inputs, strategy, {
    timeoutMs: polling.timeoutMs,
    wait: settings.wait,
    dryRun
  })
  // An unusable proxy the test-traffic check would go through is an input problem, found now.
  if (strategy.testTraffic !== undefined) checkProxyUse([strategy.testTraffic.check], proxy)
  return {
    cluster: settings.cluster,
    services: settings.services,
    taskDefinition: settings.taskDefinition,
    images: settings.images,
    environment: settings.environment,
    tags: settings.tags,
    forceNewDeployment: settings.forceNewDeployment,
    wait: settings.wait,
    timeoutMs: polling.timeoutMs,
    pollIntervalMs: polling.intervalMs,
    waitForTargetHealth: settings.waitForTargetHealth,
    onFailure: settings.onFailure,
    circuitBreaker: settings.circuitBreaker,
    alarms: inputs.list('alarms'),
    dryRun,
    version: settings.version,
    ...(desiredCount !== undefined && { desiredCount }),
    ...(keepRevisions !== undefined && { keepRevisions }),
    ...(preDeploy !== undefined && { preDeploy }),
    ...(strategy.progressive !== undefined && { progressive: strategy.progressive }),
    ...(strategy.switchToRolling && { switchToRolling: true }),
    ...(strategy.testTraffic !== undefined && { testTraffic: strategy.testTraffic }),
    ...(strategy.resume !== undefined && {
      resume: strategy.resume,
      ...(context.actor !== undefined && { actor: context.actor })
    }),
    ...(environment !== undefined && { environmentName: environment }),
    ...(environmentUrl !== undefined && { environmentUrl }),
    ...(githubToken !== undefined && { githubToken }),
    ...(record !== undefined && { record }),
    ...(emergency !== undefined && { emergency })
  }
}
