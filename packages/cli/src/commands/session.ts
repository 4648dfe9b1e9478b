import {
  combineProblems,
  InputReader,
  isConfigurationError,
  isSecretName,
  proxySecrets,
  proxySettingsFromEnv,
  recordSource,
  systemClock,
  type Clock,
  type ConfigurationError,
  type ProxySettings,
  type RunContext,
  secretMasker
} from '@fargate-promote/common'
import {
  environmentOf,
  parseRepository,
  readConfigFile,
  type GitHubClient
} from '@fargate-promote/promotion'
import { regionOf } from '../aws.js'
import { UsageError } from '../failures.js'
import { githubClient } from '../github.js'
import type { CliIo } from '../io.js'
import { Progress } from '../progress.js'
import { cliRunContext } from '../run-context.js'
import { printable } from '../text.js'
import { createUi, wantSpinner, type Ui } from '../ui.js'
import { emptyOptionProblems, inputValues, type InputOption } from './input-options.js'

/** What deploy, verify, gate and rollback take besides their inputs. */
export interface UseCaseFlags {
  repo?: string
  /** --config, only when given: the default path is read when it exists, as the actions do. */
  config?: string
  json?: boolean
  color?: boolean
  region?: string
  /** false with --no-github. */
  github?: boolean
  verbose?: boolean
}

/** Whether GitHub is used, and why not when it is not (said in the result). */
export interface GitHubAccess {
  token?: string
  /** Why nothing is read from or recorded on GitHub. */
  unavailable?: string
}

export function githubAccess(flags: UseCaseFlags, io: CliIo, context: RunContext): GitHubAccess {
  if (flags.github === false) return { unavailable: '--no-github was given' }
  const token = io.env.GH_TOKEN || io.env.GITHUB_TOKEN
  if (!token) return { unavailable: 'no token (set GH_TOKEN or GITHUB_TOKEN)' }
  if (parseRepository(context.repository) === undefined) {
    return { token, unavailable: 'no repository (give --repo owner/name or set GITHUB_REPOSITORY)' }
  }
  return { token }
}

/**
 * One run of a use-case command: its UI and progress, the run's context, the inputs record the
 * options make (with the config file and the GitHub token as the actions get them), and the
 * clients it needs.
 */
export class Session {
  readonly ui: Ui
  readonly progress: Progress
  readonly context: RunContext
  readonly github: GitHubAccess
  readonly values: Record<string, string>
  readonly startedAt: number
  /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY of the command's environment, for HTTP checks. */
  readonly proxy: ProxySettings
  private readonly secrets = new Set<string>()
  /** The options given an empty value: refused with the inputs' other problems. */
  private readonly emptyOptions: readonly ConfigurationError[]

  constructor(
    readonly flags: UseCaseFlags,
    options: Readonly<Record<string, unknown>>,
    specs: readonly InputOption[],
    readonly io: CliIo
  ) {
    this.ui = createUi(flags, io)
    const clock: Clock = io.clock ?? systemClock
    this.progress = new Progress({
      io,
      colors: this.ui.err,
      clock,
      spinner: flags.json !== true && wantSpinner(io, flags.color),
      redact: text => this.redact(text),
      verbose: flags.verbose === true
    })
    this.startedAt = clock.now()
    this.context = cliRunContext(io, flags.repo)
    this.github = githubAccess(flags, io, this.context)
    this.values = inputValues(specs, options)
    this.emptyOptions = emptyOptionProblems(specs, options)
    this.proxy = proxySettingsFromEnv(io.env)
    for (const secret of proxySecrets(this.proxy)) this.secret(secret)
    if (flags.config !== undefined) this.values.config = flags.config
    if (this.github.token !== undefined) {
      this.values['github-token'] = this.github.token
      this.secret(this.github.token)
    }
    for (const line of (this.values['environment-variables'] ?? '').split('\n')) {
      const match = /^[^.=]+\.([^=]+)=(.*)$/.exec(line.trim())
      if (match && isSecretName(match[1] as string)) this.secret(match[2] as string)
    }
  }

  get signal(): AbortSignal | undefined {
    return this.io.signal
  }

  /**
   * The use case's settings, as `read` reads them from the options (an action's InputReader
   * over its inputs). An option given an empty value is refused together with every problem
   * `read` finds, so one run still reports them all.
   */
  async readInputs<T>(read: (inputs: InputReader) => Promise<T>): Promise<T> {
    let inputs: T
    try {
      inputs = await read(new InputReader(recordSource(this.values)))
    } catch (error) {
      if (this.emptyOptions.length === 0 || !isConfigurationError(error)) throw error
      throw combineProblems([...this.emptyOptions, error]) as ConfigurationError
    }
    const empty = combineProblems(this.emptyOptions)
    if (empty !== undefined) throw empty
    return inputs
  }

  /** A value never to be printed (a token, a header, a password). */
  secret(value: string): void {
    if (value.length >= 4) this.secrets.add(value)
  }

  /** A --json document with every secret replaced in every string of it. */
  redactAll<T>(value: T): T {
    if (this.secrets.size === 0) return value
    const walk = (item: unknown): unknown => {
      if (typeof item === 'string') return this.redact(item)
      if (Array.isArray(item)) return item.map(walk)
      if (item !== null && typeof item === 'object') {
        return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]))
      }
      return item
    }
    return walk(value) as T
  }

  /** Untrusted text as one printable line: secrets replaced, control characters escaped. */
  safe(text: string): string {
    return printable(this.redact(text))
  }

  redact(text: string): string {
    return secretMasker(this.secrets)(text)
  }

  elapsedMs(): number {
    return (this.io.clock ?? systemClock).now() - this.startedAt
  }

  /** An Octokit for the use case, made on first use. */
  githubClient(): Promise<GitHubClient> {
    return githubClient(this.io.env, line => this.progress.write(line))
  }

  /**
   * The AWS region: --region, the region of the config's environment, AWS_REGION,
   * AWS_DEFAULT_REGION. The config was read and checked by read…Inputs already.
   */
  async region(): Promise<string> {
    const region = regionOf(this.flags.region, await this.configuredRegion(), this.io.env)
    if (region === undefined) {
      throw new UsageError(
        'No AWS region: give --region, set AWS_REGION, or name an --environment of the config file (its region).'
      )
    }
    return region
  }

  private async configuredRegion(): Promise<string | undefined> {
    const environment = this.values.environment
    const path = this.values.config
    if (!environment || path === 'none') return undefined
    const loaded = await readConfigFile({
      path,
      roots: { workspace: this.context.workspace },
      input: 'config'
    })
    return loaded === undefined
      ? undefined
      : environmentOf(loaded, environment, 'environment').region
  }
}
