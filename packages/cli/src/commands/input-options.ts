import { Option, type Command } from '@commander-js/extra-typings'
import { ConfigurationError } from '@fargate-promote/common'

/*
 * The options of deploy, verify, gate and rollback are the inputs of their actions, under the
 * same names (`--poll-interval` is the input `poll-interval`), read by the same read…Inputs of
 * packages/promotion from a record of those names: one parser, one set of messages, one way the
 * config file fills in what is not given. Only the form differs where a command line has a
 * better one: lists are repeatable options, true/false inputs are switches.
 */

export type InputKind =
  /** One value: `--cluster shop-staging`. */
  | 'value'
  /** Names, repeatable and comma-separated: `--services web,worker` or twice. */
  | 'names'
  /** Lines of a list input, one per option: `--images web=repo/web:1.2 --images …`. */
  | 'lines'
  /** A switch for an input that defaults to false: `--dry-run`. */
  | 'flag'
  /** A switch off for an input that defaults to true: `--no-wait`. */
  | 'negatable'

export interface InputOption {
  /** The action's input, and the option's name. */
  input: string
  kind: InputKind
  description: string
  /** What the value is, for the help: `duration`, `container=image`. */
  argument?: string
  /** action.yml's default: passed when the option is not given, as the runner passes it. */
  defaultValue?: string
}

/** A repeatable option's values, in the order given. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

function optionOf(spec: InputOption): Option {
  const argument = spec.argument ?? 'value'
  switch (spec.kind) {
    case 'flag':
      return new Option(`--${spec.input}`, spec.description)
    case 'negatable':
      return new Option(`--no-${spec.input}`, spec.description)
    case 'names':
      return new Option(
        `--${spec.input} <${argument}>`,
        `${spec.description} (repeatable, or comma-separated)`
      ).argParser(collect)
    case 'lines':
      return new Option(
        `--${spec.input} <${argument}>`,
        `${spec.description} (repeatable)`
      ).argParser(collect)
    case 'value': {
      const option = new Option(`--${spec.input} <${argument}>`, spec.description)
      return spec.defaultValue === undefined ? option : option.default(spec.defaultValue)
    }
  }
}

/** Adds an option per input. */
export function addInputOptions<C extends Command>(command: C, specs: readonly InputOption[]): C {
  for (const spec of specs) command.addOption(optionOf(spec))
  return command
}

/** The record of input values the options give, as the runner would pass the inputs. */
export function inputValues(
  specs: readonly InputOption[],
  options: Readonly<Record<string, unknown>>
): Record<string, string> {
  const values: Record<string, string> = {}
  for (const spec of specs) {
    const value = options[optionOf(spec).attributeName()]
    switch (spec.kind) {
      case 'flag':
      case 'negatable':
        values[spec.input] =
          typeof value === 'boolean' ? String(value) : String(spec.kind === 'negatable')
        break
      case 'names':
        values[spec.input] = ((value as string[] | undefined) ?? [])
          .flatMap(item => item.split(','))
          .map(item => item.trim())
          .join('\n')
        break
      case 'lines':
        values[spec.input] = ((value as string[] | undefined) ?? []).join('\n')
        break
      case 'value':
        values[spec.input] = typeof value === 'string' ? value : ''
    }
  }
  return values
}

/**
 * A problem for each option given an empty value (`--image ''`, `--services ''`). The inputs
 * take an empty value as not given, as the runner passes an unset input: on a command line it
 * was typed, often from a variable that turned out empty, and must not become the default.
 */
export function emptyOptionProblems(
  specs: readonly InputOption[],
  options: Readonly<Record<string, unknown>>
): ConfigurationError[] {
  return specs.flatMap(spec => {
    if (spec.kind === 'flag' || spec.kind === 'negatable') return []
    const value = options[optionOf(spec).attributeName()]
    const given = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
    if (!given.some(item => typeof item === 'string' && item.trim() === '')) return []
    return [
      new ConfigurationError(
        'was given an empty value. Give a value, or leave the option out for its default.',
        { input: spec.input }
      )
    ]
  })
}

/*
 * The inputs of each action (actions/<name>/action.yml), but `config` (the global --config) and
 * `github-token` (GH_TOKEN or GITHUB_TOKEN, never a command-line argument other users can see).
 * A test checks the names and defaults against every action.yml.
 */

const DURATION = 'duration'

const config = {
  cluster: (what: string): InputOption => ({
    input: 'cluster',
    kind: 'value',
    argument: 'name',
    description: `${what} ECS cluster (default: the environment's in the config)`
  }),
  service: (what: string): InputOption => ({
    input: 'service',
    kind: 'value',
    argument: 'name',
    description: what
  }),
  services: (what: string): InputOption => ({
    input: 'services',
    kind: 'names',
    argument: 'names',
    description: what
  }),
  environmentUrl: {
    input: 'environment-url',
    kind: 'value',
    argument: 'url',
    description: "the environment's URL (default: its url in the config)"
  } satisfies InputOption,
  checks: (what: string): InputOption => ({
    input: 'checks',
    kind: 'value',
    argument: 'file|yaml',
    description: `${what}: a .yml/.yaml/.json file in the working directory, or inline YAML`
  })
}

export const DEPLOY_OPTIONS: readonly InputOption[] = [
  config.cluster('the'),
  config.service('the ECS service to deploy'),
  config.services('several services of the cluster, deployed together'),
  {
    input: 'task-definition',
    kind: 'value',
    argument: 'file',
    description: 'a task definition JSON file to register (default: the live one)'
  },
  {
    input: 'task-definition-arn',
    kind: 'value',
    argument: 'arn',
    description: 'deploy this existing revision (ARN or family:revision)'
  },
  {
    input: 'images',
    kind: 'lines',
    argument: 'container=image',
    description: "a container's new image (service/container=image for one of several services)"
  },
  { input: 'image', kind: 'value', argument: 'image', description: 'the image for --container' },
  {
    input: 'container',
    kind: 'names',
    argument: 'names',
    description: "the containers --image is for (default: the environment's in the config)"
  },
  {
    input: 'environment-variables',
    kind: 'lines',
    argument: 'container.NAME=value',
    description: 'an environment variable to set; values are never printed'
  },
  {
    input: 'desired-count',
    kind: 'value',
    argument: 'count',
    description: 'set the desired count (0-5000)'
  },
  {
    input: 'force-new-deployment',
    kind: 'flag',
    description: 'deploy even when the task definition did not change'
  },
  {
    input: 'wait',
    kind: 'negatable',
    description: 'end once ECS accepted the update, without watching it'
  },
  {
    input: 'timeout',
    kind: 'value',
    argument: DURATION,
    description: 'give up waiting after this long (then roll back, see --on-failure)',
    defaultValue: '30m'
  },
  {
    input: 'poll-interval',
    kind: 'value',
    argument: DURATION,
    description: 'how often to poll ECS while waiting',
    defaultValue: '5s'
  },
  {
    input: 'wait-for-target-health',
    kind: 'value',
    argument: 'auto|true|false',
    description: 'also wait for every new task to be a healthy target',
    defaultValue: 'auto'
  },
  {
    input: 'on-failure',
    kind: 'value',
    argument: 'rollback|none',
    description: 'what to do when the deployment fails or times out',
    defaultValue: 'rollback'
  },
  {
    input: 'circuit-breaker',
    kind: 'negatable',
    description: 'do not enable the ECS circuit breaker on a service that lacks it'
  },
  {
    input: 'strategy',
    kind: 'value',
    argument: 'rolling|canary|linear|blue-green',
    description:
      'how ECS moves the service (default rolling); the others shift traffic and judge each step'
  },
  {
    input: 'canary-percent',
    kind: 'value',
    argument: 'percent',
    description: 'canary: share of production traffic sent first (default 10%)'
  },
  {
    input: 'canary-bake',
    kind: 'value',
    argument: 'minutes',
    description: 'canary: how long the canary step lasts (default 5m)'
  },
  {
    input: 'step-percent',
    kind: 'value',
    argument: 'percent',
    description: 'linear: share moved per step (default 10%)'
  },
  {
    input: 'step-bake',
    kind: 'value',
    argument: 'minutes',
    description: 'linear: how long each step lasts (default 5m)'
  },
  {
    input: 'bake-time',
    kind: 'value',
    argument: 'minutes',
    description: 'how long both revisions run once all traffic moved (default 5m)'
  },
  {
    input: 'alternate-target-group',
    kind: 'value',
    argument: 'arn',
    description: 'the target group the new revision is registered in'
  },
  {
    input: 'production-listener-rule',
    kind: 'value',
    argument: 'arn',
    description: 'the listener rule (or listener) ECS moves production weights on'
  },
  {
    input: 'test-listener-rule',
    kind: 'value',
    argument: 'arn',
    description: 'blue-green: the listener rule of test traffic'
  },
  {
    input: 'infrastructure-role',
    kind: 'value',
    argument: 'arn',
    description: 'the role that lets ECS change the listener rules'
  },
  {
    input: 'max-error-rate',
    kind: 'value',
    argument: 'percent',
    description: 'highest 5XX share of the new revision in a step (default 5%)'
  },
  {
    input: 'max-latency-increase',
    kind: 'value',
    argument: 'percent',
    description: 'how much slower than the old revision the new one may be'
  },
  {
    input: 'max-error-rate-increase',
    kind: 'value',
    argument: 'percent',
    description: 'how many percentage points more 5XX than the old revision'
  },
  {
    input: 'max-p99-latency',
    kind: 'value',
    argument: 'duration',
    description: 'highest p99 response time of the new revision (e.g. 800ms)'
  },
  {
    input: 'metrics-delay',
    kind: 'value',
    argument: 'duration',
    description: 'how long after a minute its CloudWatch metrics are read (default 1m)'
  },
  {
    input: 'min-requests',
    kind: 'value',
    argument: 'count',
    description: 'requests a revision needs in a window before it is judged (default 20)'
  },
  {
    input: 'pauses',
    kind: 'value',
    argument: 'continue-on-pass|wait',
    description: 'at a PAUSE hook: continue once the step passed, or end paused'
  },
  {
    input: 'pause-at',
    kind: 'value',
    argument: 'stages',
    description: 'lifecycle stages to pause at (comma-separated), or none'
  },
  {
    input: 'pause-timeout',
    kind: 'value',
    argument: 'minutes',
    description: 'how long a PAUSE hook waits before its timeout action'
  },
  {
    input: 'pause-timeout-action',
    kind: 'value',
    argument: 'continue|rollback',
    description: 'what ECS does when a PAUSE hook times out'
  },
  {
    input: 'test-url',
    kind: 'value',
    argument: 'url',
    description: 'blue-green: URL through the test listener, checked before production moves'
  },
  {
    input: 'test-duration',
    kind: 'value',
    argument: 'duration',
    description: 'blue-green: how long --test-url is checked (default 1m)'
  },
  {
    input: 'resume',
    kind: 'value',
    argument: 'continue|abort',
    description: 'continue or abort the deployment paused at a PAUSE hook; deploys nothing new'
  },
  {
    input: 'alarms',
    kind: 'names',
    argument: 'names',
    description: 'CloudWatch alarms attached as deployment alarms with rollback'
  },
  {
    input: 'version',
    kind: 'value',
    argument: 'label',
    description: "the release label (the revision's version tag; default the short commit)"
  },
  {
    input: 'emergency-reason',
    kind: 'value',
    argument: 'text',
    description: "staging-gate's emergency reason, recorded on the GitHub deployment"
  },
  {
    input: 'tags',
    kind: 'lines',
    argument: 'key=value',
    description: 'an extra tag of the new revision'
  },
  {
    input: 'keep-revisions',
    kind: 'value',
    argument: 'count',
    description: 'after a success, deregister older revisions beyond this many'
  },
  {
    input: 'pre-deploy-command',
    kind: 'value',
    argument: 'command',
    description: 'run this one-off task (a migration) from the new revision first'
  },
  {
    input: 'pre-deploy-container',
    kind: 'value',
    argument: 'name',
    description: 'the container that runs --pre-deploy-command'
  },
  {
    input: 'dry-run',
    kind: 'flag',
    description: "show the new task definition's changes; change nothing"
  },
  {
    input: 'environment',
    kind: 'value',
    argument: 'name',
    description: 'the environment of the config file to deploy to, and record the deployment in'
  },
  config.environmentUrl
]

export const VERIFY_OPTIONS: readonly InputOption[] = [
  {
    input: 'environment',
    kind: 'value',
    argument: 'name',
    description: 'the environment of the config file whose checks (or url) to run'
  },
  config.environmentUrl,
  {
    input: 'version',
    kind: 'value',
    argument: 'label',
    description: 'the version deployed (FARGATE_PROMOTE_VERSION of command checks)'
  },
  config.checks('the checks'),
  { input: 'url', kind: 'value', argument: 'url', description: 'one HTTP check (GET) of this URL' },
  {
    input: 'expect-status',
    kind: 'value',
    argument: 'codes',
    description: 'with --url: accepted statuses (200, 200-299, 2xx; default 2xx)'
  },
  {
    input: 'body-contains',
    kind: 'value',
    argument: 'text',
    description: 'with --url: text the body must contain'
  },
  {
    input: 'mode',
    kind: 'value',
    argument: 'verify|monitor',
    description: 'verify: until the checks pass; monitor: watch for --duration',
    defaultValue: 'verify'
  },
  {
    input: 'timeout',
    kind: 'value',
    argument: DURATION,
    description: 'verify: give up on checks not passed after this long',
    defaultValue: '5m'
  },
  {
    input: 'interval',
    kind: 'value',
    argument: DURATION,
    description: 'time between the rounds of each check',
    defaultValue: '10s'
  },
  {
    input: 'consecutive-successes',
    kind: 'value',
    argument: 'count',
    description: 'verify: passing rounds in a row each check needs (1-100)',
    defaultValue: '3'
  },
  {
    input: 'duration',
    kind: 'value',
    argument: DURATION,
    description: 'monitor: how long to keep checking'
  },
  {
    input: 'failure-limit',
    kind: 'value',
    argument: 'count',
    description: 'monitor: failed rounds a check may have',
    defaultValue: '0'
  },
  {
    input: 'requests',
    kind: 'value',
    argument: 'count',
    description: 'HTTP requests per round (load sampling)',
    defaultValue: '1'
  },
  {
    input: 'concurrency',
    kind: 'value',
    argument: 'count',
    description: 'with --requests: requests in flight at once',
    defaultValue: '1'
  },
  {
    input: 'p95-latency',
    kind: 'value',
    argument: DURATION,
    description: 'HTTP rounds fail above this p95 latency'
  },
  {
    input: 'p99-latency',
    kind: 'value',
    argument: DURATION,
    description: 'HTTP rounds fail above this p99 latency'
  },
  {
    input: 'max-error-rate',
    kind: 'value',
    argument: 'rate',
    description: 'HTTP error rate allowed per round (0.01 or 1%; default 0)'
  },
  {
    input: 'fail-on-unhealthy',
    kind: 'negatable',
    description: 'exit 0 even when unhealthy (the output still says so)'
  }
]

export const GATE_OPTIONS: readonly InputOption[] = [
  config.cluster('the staging'),
  config.service('the staging service that must run the candidate'),
  config.services('several staging services that must all run the candidate'),
  {
    input: 'version',
    kind: 'value',
    argument: 'label',
    description: "the candidate's version (the version tag on staging)"
  },
  {
    input: 'sha',
    kind: 'value',
    argument: 'commit',
    description: "the candidate's commit (default GITHUB_SHA, else the checkout's HEAD)"
  },
  {
    input: 'image',
    kind: 'value',
    argument: 'image',
    description: "the candidate's image (a tag or a digest reference)"
  },
  {
    input: 'min-soak',
    kind: 'value',
    argument: DURATION,
    description:
      "how long the candidate must have run on staging (default the config's soak, else 15m)"
  },
  config.checks('health checks staging must pass once'),
  {
    input: 'checks-timeout',
    kind: 'value',
    argument: DURATION,
    description: 'how long the checks and alarms get to pass',
    defaultValue: '60s'
  },
  {
    input: 'alarms',
    kind: 'names',
    argument: 'names',
    description: 'CloudWatch alarms that must not be in ALARM'
  },
  {
    input: 'alarm-prefix',
    kind: 'value',
    argument: 'prefix',
    description: 'every alarm named with this prefix must not be in ALARM'
  },
  {
    input: 'protected-branch',
    kind: 'value',
    argument: 'branch|none',
    description: "the branch the candidate must be on (default the repository's default branch)"
  },
  {
    input: 'require-github-deployment',
    kind: 'value',
    argument: 'auto|true|false',
    description: 'require a successful GitHub deployment of the commit to the environment',
    defaultValue: 'auto'
  },
  {
    input: 'environment',
    kind: 'value',
    argument: 'name',
    description: 'the staging environment of the config file',
    defaultValue: 'staging'
  },
  config.environmentUrl,
  {
    input: 'emergency',
    kind: 'flag',
    description: 'emergency bypass: failed checks are reported but do not block (audited)'
  },
  {
    input: 'emergency-reason',
    kind: 'value',
    argument: 'text',
    description: 'why the release cannot wait (required with --emergency)'
  },
  {
    input: 'emergency-actors',
    kind: 'names',
    argument: 'logins',
    description: 'GitHub logins allowed to use --emergency (the actor is GITHUB_ACTOR)'
  }
]

export const ROLLBACK_OPTIONS: readonly InputOption[] = [
  config.cluster('the'),
  config.service('the ECS service to roll back'),
  {
    input: 'to',
    kind: 'value',
    argument: 'target',
    description: 'previous, a version label, a revision number or a task-definition ARN',
    defaultValue: 'previous'
  },
  {
    input: 'reason',
    kind: 'value',
    argument: 'text',
    description: 'why; recorded on the revision and the GitHub deployment'
  },
  {
    input: 'wait',
    kind: 'negatable',
    description: 'end once ECS accepted the rollback, without watching it'
  },
  {
    input: 'timeout',
    kind: 'value',
    argument: DURATION,
    description: 'give up waiting after this long',
    defaultValue: '15m'
  },
  {
    input: 'poll-interval',
    kind: 'value',
    argument: DURATION,
    description: 'how often to poll ECS while waiting',
    defaultValue: '5s'
  },
  config.checks('health checks to run after the rollback'),
  {
    input: 'checks-timeout',
    kind: 'value',
    argument: DURATION,
    description: 'how long the checks may take to pass',
    defaultValue: '5m'
  },
  {
    input: 'checks-interval',
    kind: 'value',
    argument: DURATION,
    description: 'time between two rounds of each check',
    defaultValue: '10s'
  },
  {
    input: 'stop-in-progress',
    kind: 'negatable',
    description: 'wait for a deployment in progress to finish instead of stopping it'
  },
  {
    input: 'environment',
    kind: 'value',
    argument: 'name',
    description: 'the environment of the config file (its cluster, service, checks, GitHub history)'
  },
  config.environmentUrl
]
