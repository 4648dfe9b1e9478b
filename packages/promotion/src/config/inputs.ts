import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  ConfigurationError,
  formatFieldPath,
  InputReader,
  layeredSource,
  type InputSource,
  type RunContext,
  type SettingProblems
} from '@fargate-promote/common'
import { fileRoots } from '../inputs/common.js'
import { DEFAULT_CONFIG_PATH } from './paths.js'
import type { EnvironmentConfig } from './schema.js'

/** Which action reads the file: each takes the environment's settings under its own input names. */
export type ConfiguredAction = 'deploy' | 'verify' | 'gate' | 'rollback'

/** A setting from the file: its text in the action's input form, and the field it came from. */
interface ConfigValue {
  text: string
  field: (string | number)[]
}

type Mapping = (env: EnvironmentConfig) => Record<string, ConfigValue | undefined>

const lines = (values: readonly string[]) => values.join('\n')
const unique = (values: readonly string[]) => [...new Set(values)]

const cluster: Mapping = env => ({ cluster: { text: env.cluster, field: ['cluster'] } })

/** The environment's URL: shown on deployments, and given to command checks. */
const environmentUrl: Mapping = env => ({
  'environment-url': env.url === undefined ? undefined : { text: env.url, field: ['url'] }
})

const services: Mapping = env => ({
  services: { text: lines(env.services.map(service => service.name)), field: ['services'] }
})

/**
 * Inline checks are handed on as the YAML text they were written as (the file's schema has
 * checked them already, with their line and field); a string is a checks file's path.
 */
async function checksText(raw: unknown): Promise<string | undefined> {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw === 'string') return raw
  const { stringify } = await import('yaml')
  return stringify(raw)
}

/** The strategy settings: the same names in the file as the inputs, numbers as text. */
const STRATEGY_KEYS = [
  'strategy',
  'canary-percent',
  'canary-bake',
  'step-percent',
  'step-bake',
  'bake-time',
  'alternate-target-group',
  'production-listener-rule',
  'test-listener-rule',
  'infrastructure-role',
  'max-error-rate',
  'max-latency-increase',
  'max-error-rate-increase',
  'max-p99-latency',
  'metrics-delay',
  'min-requests',
  'pauses',
  'pause-at',
  'pause-timeout',
  'pause-timeout-action',
  'test-url',
  'test-duration'
] as const

function strategyMapping(env: EnvironmentConfig): Record<string, ConfigValue | undefined> {
  return Object.fromEntries(
    STRATEGY_KEYS.map(key => {
      const value = env[key]
      if (value === undefined) return [key, undefined]
      return [key, { text: Array.isArray(value) ? lines(value) : String(value), field: [key] }]
    })
  )
}

function deployMapping(env: EnvironmentConfig): Record<string, ConfigValue | undefined> {
  const containers = unique(env.services.flatMap(service => service.containers))
  return {
    ...cluster(env),
    ...services(env),
    container: { text: lines(containers), field: ['services'] },
    'desired-count':
      env['desired-count'] === undefined
        ? undefined
        : { text: String(env['desired-count']), field: ['desired-count'] },
    alarms: env.alarms.length > 0 ? { text: lines(env.alarms), field: ['alarms'] } : undefined,
    ...environmentUrl(env),
    ...strategyMapping(env)
  }
}

async function mappingFor(
  action: ConfiguredAction,
  env: EnvironmentConfig,
  rawChecks: unknown
): Promise<Record<string, ConfigValue | undefined>> {
  const checks = await checksText(rawChecks)
  const checksValue = checks === undefined ? undefined : { text: checks, field: ['checks'] }
  switch (action) {
    case 'deploy':
      return deployMapping(env)
    case 'verify':
      // Without checks, the environment's URL is probed like the `url` input.
      return {
        ...environmentUrl(env),
        ...(checksValue !== undefined
          ? { checks: checksValue }
          : { url: env.url === undefined ? undefined : { text: env.url, field: ['url'] } })
      }
    case 'gate':
      return {
        ...environmentUrl(env),
        ...cluster(env),
        ...services(env),
        checks: checksValue,
        alarms: env.alarms.length > 0 ? { text: lines(env.alarms), field: ['alarms'] } : undefined,
        'min-soak': env.soak === undefined ? undefined : { text: env.soak, field: ['soak'] }
      }
    case 'rollback':
      return {
        ...environmentUrl(env),
        ...cluster(env),
        // The rollback action takes one service; an environment of several names it explicitly.
        service:
          env.services.length === 1
            ? { text: env.services[0]?.name ?? '', field: ['services', 0, 'name'] }
            : undefined,
        checks: checksValue
      }
  }
}

/**
 * The inputs the file can supply for an action. None of them may have a default in action.yml:
 * the runner passes a default as if it were given, and the file's value would never be read.
 */
export async function configuredInputNames(action: ConfiguredAction): Promise<string[]> {
  const every: EnvironmentConfig = {
    region: 'eu-west-1',
    cluster: 'c',
    services: [{ name: 's', containers: ['c'] }],
    'desired-count': 1,
    url: 'https://example.com',
    alarms: ['a'],
    checks: 'checks.yml',
    soak: '1m',
    monitor: '1m',
    protection: {
      reviewers: { users: [], teams: [] },
      'wait-timer': 0,
      'prevent-self-review': false
    }
  }
  const withChecks = await mappingFor(action, every, 'checks.yml')
  const withoutChecks = await mappingFor(action, { ...every, checks: undefined }, undefined)
  return [...new Set([...Object.keys(withChecks), ...Object.keys(withoutChecks)])].sort()
}

/** Settings that come from one place: giving one of them as an input drops the file's others. */
const GROUPS = [
  ['service', 'services'],
  // The file's containers are for the workflow's `image`; `images` or `container` replace them.
  ['container', 'images'],
  ['checks', 'url']
] as const

export interface EnvironmentConfigOptions {
  action: ConfiguredAction
  context: RunContext
  /** Where a problem of the file goes: the step's other settings are still read and checked. */
  problems: SettingProblems
}

/**
 * What the file would have given (and the settings given in its place): not reported as
 * missing when the file could not be read, since the file's own problem says what to fix.
 */
async function excusedWithoutFile(action: ConfiguredAction): Promise<string[]> {
  const names = await configuredInputNames(action)
  const partners = GROUPS.filter(group => group.some(name => names.includes(name)))
  return [...names, ...partners.flat()]
}

/**
 * The inputs, over the config file's settings for the `environment` input: an input given in
 * the workflow wins, an empty one is read from `.github/fargate-promote.yml` (or `config`).
 * Errors about a value from the file name its file, line and field. Without a config file (the
 * default path absent), or with `config: none` (a preview environment the file does not list),
 * the inputs alone.
 */
export async function withEnvironmentConfig(
  inputs: InputReader,
  { action, context, problems }: EnvironmentConfigOptions
): Promise<InputReader> {
  try {
    return await layerEnvironmentConfig(inputs, action, context)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    problems.add(error)
    problems.excuseMissing(await excusedWithoutFile(action))
    return inputs
  }
}

async function layerEnvironmentConfig(
  inputs: InputReader,
  action: ConfiguredAction,
  context: RunContext
): Promise<InputReader> {
  const path = inputs.optional('config')
  const environment = inputs.optional('environment')
  const roots = fileRoots(context)
  if (path === 'none') return inputs
  // Nothing to look up: the default file is not read (nor its schema loaded) at start-up. A
  // file the workflow names is still read, so a wrong path or a broken file is reported.
  if (path === undefined && environment === undefined) return inputs
  if (path === undefined && !existsSync(resolve(roots.workspace, DEFAULT_CONFIG_PATH))) {
    return inputs
  }
  // The schema library loads only when there is a file to read.
  const { readConfigFile, environmentOf } = await import('./load.js')
  const loaded = await readConfigFile({ path, roots, input: 'config' })
  if (loaded === undefined || environment === undefined) return inputs
  const env = environmentOf(loaded, environment, 'environment')
  const raw = loaded.raw as { environments: Record<string, { checks?: unknown }> }
  const values = await mappingFor(action, env, raw.environments[environment]?.checks)
  // The file names the containers the workflow's `image` is for; without an image, none; with
  // services named in the workflow, only theirs.
  const single = inputs.optional('service')
  const chosen = [...inputs.list('services'), ...(single === undefined ? [] : [single])]
  if (inputs.optional('image') === undefined) delete values.container
  else if (chosen.length > 0 && values.container !== undefined) {
    const containers = unique(
      env.services.filter(service => chosen.includes(service.name)).flatMap(s => s.containers)
    )
    if (containers.length === 0) delete values.container
    else values.container = { text: lines(containers), field: ['services'] }
  }
  const fallback: InputSource = {
    raw: name => values[name]?.text ?? '',
    subject: name => {
      const field = ['environments', environment, ...(values[name]?.field ?? [])]
      return {
        input: name,
        file: loaded.path,
        line: loaded.lineOf(field),
        field: formatFieldPath(field)
      }
    }
  }
  return new InputReader(layeredSource(inputs.settings, fallback, GROUPS))
}
