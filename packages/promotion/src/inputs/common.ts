import {
  ConfigurationError,
  type FileRoots,
  type InputReader,
  type RunContext,
  SettingProblems
} from '@fargate-promote/common'
import { checkServiceName, checkTag } from '@fargate-promote/ecs'
import type { EnvironmentUnderTest } from '@fargate-promote/health'
import { parseRepository } from '../github/client.js'
import type { RecordTarget } from '../github/recorder.js'

/** DescribeServices takes at most 10 services; a deploy, a gate and a watch stay within one call. */
export const MAX_SERVICES = 10

/** Where file settings may point: the workspace, and the runner's temp directory. */
export function fileRoots(context: RunContext): FileRoots {
  return {
    workspace: context.workspace,
    ...(context.runnerTemp !== undefined && { temp: context.runnerTemp })
  }
}

/**
 * `service` (one) or `services` (one per line, at most 10, each once). `purpose` finishes the
 * sentence of the error: `give the ECS service to deploy`.
 */
export function readServices(inputs: InputReader, purpose: string): string[] {
  const single = inputs.optional('service')
  const several = inputs.list('services')
  if (single !== undefined && several.length > 0) {
    throw new ConfigurationError(
      "was given together with 'services'. Use 'service' for one service or 'services' for several, not both.",
      inputs.subjectOf('service')
    )
  }
  const services = single !== undefined ? [single] : several
  if (services.length === 0) throw inputs.notGiven('service', purpose)
  // Too many, listed twice and not a name are separate problems: all are reported.
  const problems = new SettingProblems()
  const subject = inputs.subjectOf(single !== undefined ? 'service' : 'services')
  for (const name of services) problems.read(() => checkServiceName(name, subject))
  if (services.length > MAX_SERVICES) {
    problems.add(
      new ConfigurationError(
        `lists ${services.length} services; at most ${MAX_SERVICES} go together (one DescribeServices call). Split them over several steps.`,
        inputs.subjectOf('services')
      )
    )
  }
  const duplicates = [
    ...new Set(services.filter((name, index) => services.indexOf(name) !== index))
  ]
  if (duplicates.length > 0) {
    problems.add(
      new ConfigurationError(
        `lists ${duplicates.map(name => `'${name}'`).join(', ')} twice. List each service once.`,
        inputs.subjectOf('services')
      )
    )
  }
  problems.throwIfAny()
  return services
}

/**
 * The `version` input, a release label, or undefined when not given. deploy-fargate tags the
 * revision with it, so ECS's rules for a tag value apply wherever a version is given: a label no
 * revision can carry (a line break, 100 kB) is refused by every action that takes one.
 */
export function readVersionLabel(inputs: InputReader): string | undefined {
  const version = inputs.optional('version')
  if (version !== undefined) checkTag('version', version, inputs.subjectOf('version'))
  return version
}

/**
 * Where a GitHub deployment is recorded: only when a token and an environment were given and
 * the run names its repository. The commit is the run's (else its ref).
 */
export function recordTarget(
  context: RunContext,
  settings: { environment: string | undefined; token: string | undefined; environmentUrl?: string }
): RecordTarget | undefined {
  const { environment, token, environmentUrl } = settings
  const repository = parseRepository(context.repository)
  if (token === undefined || environment === undefined || repository === undefined) return undefined
  return {
    ...repository,
    environment,
    ref: context.sha ?? context.ref ?? 'HEAD',
    ...(context.runUrl !== undefined && { logUrl: context.runUrl }),
    ...(environmentUrl !== undefined && { environmentUrl })
  }
}

/**
 * What command checks are told about the environment they test (FARGATE_PROMOTE_URL, _VERSION,
 * _ENVIRONMENT): the `environment`, its `environment-url` (from the config file too) and the
 * `version` inputs. Undefined when none is known.
 */
export function readTarget(inputs: InputReader): EnvironmentUnderTest | undefined {
  const environment = inputs.optional('environment')
  const url = inputs.url('environment-url')
  const version = inputs.optional('version')
  if (environment === undefined && url === undefined && version === undefined) return undefined
  return {
    ...(environment !== undefined && { environment }),
    ...(url !== undefined && { url }),
    ...(version !== undefined && { version })
  }
}
