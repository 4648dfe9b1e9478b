import { UsageError } from '../failures.js'

/** What `init` needs to write a config, from flags or from the questions it asks. */
export interface InitAnswers {
  application?: string
  region: string
  /** In promotion order: the last one is production. */
  environments: { name: string; cluster: string; role?: string; url?: string }[]
  /** Deployed in every environment. */
  services: { name: string; containers: string[] }[]
  /** Required reviewers of the last environment: logins and org/team slugs. */
  reviewers: string[]
}

export interface InitFlags {
  environments?: string
  region?: string
  cluster?: string[]
  service?: string[]
  role?: string[]
  url?: string[]
  reviewer?: string[]
  application?: string
}

export function environmentNames(flags: InitFlags): string[] {
  const names = (flags.environments ?? 'dev,staging,production')
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '')
  if (names.length === 0) throw new UsageError('--environments lists no environment.')
  if (new Set(names).size !== names.length) {
    throw new UsageError(`--environments names an environment twice: ${names.join(',')}.`)
  }
  return names
}

/** `env=value` entries of a repeatable flag, by environment; a bare value applies to all. */
function perEnvironment(flag: string, values: readonly string[], names: readonly string[]) {
  const byName = new Map<string, string>()
  for (const value of values) {
    const at = value.indexOf('=')
    if (at === -1) {
      for (const name of names) byName.set(name, value)
      continue
    }
    const name = value.slice(0, at)
    if (!names.includes(name)) {
      throw new UsageError(
        `${flag} ${value}: '${name}' is not one of --environments (${names.join(',')}).`
      )
    }
    byName.set(name, value.slice(at + 1))
  }
  return byName
}

/** `--role env=arn` by environment. */
export function rolesFrom(flags: InitFlags, names: readonly string[]): Map<string, string> {
  return perEnvironment('--role', flags.role ?? [], names)
}

/** `--url env=https://…` by environment: what health-verify checks when there are no checks. */
export function urlsFrom(flags: InitFlags, names: readonly string[]): Map<string, string> {
  return perEnvironment('--url', flags.url ?? [], names)
}

/** The role and URL flags of each environment. */
export function withRoleAndUrl<E extends { name: string }>(
  flags: InitFlags,
  names: readonly string[],
  environments: E[]
): (E & { role?: string; url?: string })[] {
  const roles = rolesFrom(flags, names)
  const urls = urlsFrom(flags, names)
  return environments.map(environment => ({
    ...environment,
    role: roles.get(environment.name),
    url: urls.get(environment.name)
  }))
}

/** `web` or `web:web,nginx`. */
export function parseService(value: string): InitAnswers['services'][number] {
  const [name = '', containers] = value.split(':', 2)
  const list = (containers ?? name)
    .split(',')
    .map(c => c.trim())
    .filter(c => c !== '')
  return { name: name.trim(), containers: list }
}

/** The region: the flag, else the SDK's own variables. */
export function regionOf(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>
) {
  return flag || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined
}

/** Answers from flags alone; a value the schema refuses is caught when the config is checked. */
export function answersFromFlags(
  flags: InitFlags,
  env: Readonly<Record<string, string | undefined>>
): InitAnswers {
  const names = environmentNames(flags)
  const region = regionOf(flags.region, env)
  if (region === undefined) throw new UsageError('No region: give --region or set AWS_REGION.')
  if ((flags.service ?? []).length === 0) {
    throw new UsageError(
      'No service: give --service NAME (repeatable), or run init on a terminal to choose.'
    )
  }
  const clusters = perEnvironment('--cluster', flags.cluster ?? [], names)
  const missing = names.filter(name => !clusters.has(name))
  if (missing.length > 0) {
    throw new UsageError(
      `No cluster for ${missing.map(name => `'${name}'`).join(', ')}: give --cluster NAME for all, or --cluster ${missing[0]}=NAME.`
    )
  }
  return {
    application: flags.application,
    region,
    environments: withRoleAndUrl(
      flags,
      names,
      names.map(name => ({ name, cluster: clusters.get(name) as string }))
    ),
    services: (flags.service ?? []).map(parseService),
    reviewers: flags.reviewer ?? []
  }
}
