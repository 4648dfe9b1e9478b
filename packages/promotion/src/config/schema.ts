import { parseDuration, urlControlProblem } from '@fargate-promote/common'
import { CHECKS_FILE, ChecksSchema } from '@fargate-promote/health'
import { z } from 'zod'
import { GITHUB_LOGIN } from '../github/login.js'

/*
 * `.github/fargate-promote.yml`: one file per application with every environment's settings.
 * The same schema types the file, validates it (file, line and field in every error) and is
 * published as JSON Schema so editors complete and check it. Keys are kebab-case like the
 * actions' inputs, so a setting has one name everywhere.
 */

const MAX_WAIT_TIMER_MINUTES = 43_200
const MAX_REVIEWERS = 6
const MAX_SERVICES = 10
const DAY_MS = 86_400_000

const nonEmpty = z.string().trim().min(1, 'must not be empty.')

/** `30m`, `24h`, `1h30m`: the duration form the actions' inputs take. */
const duration = (what: string, max: number) =>
  z
    .string(`not a duration. Write a number with a unit: 90s, 30m, 24h or 1h30m (${what}).`)
    .refine(text => parseDuration(text) !== undefined, {
      message: `not a duration. Write a number with a unit: 90s, 30m, 24h or 1h30m (${what}).`
    })
    .refine(text => (parseDuration(text) ?? 0) <= max, {
      message: `${what} is at most ${max / 3_600_000} hours.`
    })
    .describe(`${what}: a number with a unit, such as 30m, 24h or 1h30m.`)

const name = (what: string) =>
  nonEmpty
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, `must be ${what}: letters, digits, '-' and '_'.`)
    .describe(what)

const Service = z
  .strictObject({
    name: name('the ECS service name'),
    containers: z
      .array(name('a container name'))
      .min(1)
      .max(10)
      .describe('Containers of the service that receive the built image.')
  })
  .meta({ id: 'Service' })

const roleArn = nonEmpty.regex(
  /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  'must be an IAM role ARN (arn:aws:iam::123456789012:role/name).'
)

const githubLogin = nonEmpty.regex(
  GITHUB_LOGIN,
  'must be a GitHub login (letters, digits and hyphens).'
)
const teamSlug = nonEmpty.regex(
  /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  'must be org/team-slug, for example my-org/platform.'
)

const Protection = z
  .strictObject({
    reviewers: z
      .strictObject({
        users: z.array(githubLogin).default([]).describe('GitHub logins that may approve.'),
        teams: z.array(teamSlug).default([]).describe('Teams (org/slug) whose members may approve.')
      })
      .prefault({})
      .refine(r => r.users.length + r.teams.length <= MAX_REVIEWERS, {
        message: `GitHub allows at most ${MAX_REVIEWERS} reviewers (users and teams together).`
      }),
    'wait-timer': z
      .int('must be a whole number of minutes.')
      .min(0, 'must be 0 or more minutes.')
      .max(
        MAX_WAIT_TIMER_MINUTES,
        `is at most ${MAX_WAIT_TIMER_MINUTES} minutes (30 days), GitHub's limit.`
      )
      .default(0)
      .describe('Minutes to wait after approval before the job runs (0-43200).'),
    'prevent-self-review': z
      .boolean()
      .default(false)
      .describe('The person who triggered the run may not approve it.'),
    branches: z
      .array(nonEmpty)
      .optional()
      .describe(
        'Branch name patterns allowed to deploy (for example main, release/*). Leave out for all.'
      ),
    tags: z
      .array(nonEmpty)
      .optional()
      .describe('Tag name patterns allowed to deploy (for example v*).')
  })
  .meta({ id: 'Protection' })

const Tests = z
  .strictObject({
    integration: nonEmpty
      .optional()
      .describe('Command run against the deployed environment (its URL in FARGATE_PROMOTE_URL).'),
    performance: nonEmpty.optional().describe('Command of the performance check.')
  })
  .meta({ id: 'Tests' })

/**
 * Checks in the health-verify format (health's own schema, so an inline check is checked with
 * the file's line and field), or the path of a checks file in the repository.
 */
const Checks = z
  .union([
    // A string is a path: without a checks file's extension it would be read as inline YAML.
    nonEmpty.regex(CHECKS_FILE, 'must be the path of a .yml, .yaml or .json checks file.'),
    ChecksSchema
  ])
  .describe('Health checks in the health-verify format: a list, or the path of a .yml file.')

/** `10`, `10%` or `0.5%`: the form the actions' percentage inputs take. */
const percent = (what: string) =>
  z
    .union([
      z.number().min(0).max(100),
      nonEmpty.regex(/^\d+(\.\d+)?\s*%?$/, 'must be a percentage such as 10%.')
    ])
    .optional()
    .describe(`${what}: a percentage such as 10%.`)

const minutes = (what: string) => duration(what, DAY_MS).optional()

/**
 * An http(s) URL. Control characters are refused first, as the `url` input refuses them: zod's
 * url check drops a line break silently, and the request would go somewhere else.
 */
const httpUrl = z.string().check(
  z.superRefine((text, context) => {
    const problem = urlControlProblem(text)
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: text })
  }),
  z.url({ protocol: /^https?$/ })
)

const elbArn = (what: string) =>
  nonEmpty
    .regex(/^arn:[^:]+:elasticloadbalancing:/, `must be the ARN of ${what}.`)
    .optional()
    .describe(`ARN of ${what}.`)

/** deploy-fargate's strategy settings (issue 17), under the inputs' names. */
const strategySettings = {
  strategy: z
    .enum(['rolling', 'canary', 'linear', 'blue-green'])
    .optional()
    .describe('How ECS moves a service to a new revision. Default rolling.'),
  'canary-percent': percent('Canary: share of production traffic in the canary step'),
  'canary-bake': minutes('Canary: how long the canary step lasts, in whole minutes'),
  'step-percent': percent('Linear: share of production traffic moved per step'),
  'step-bake': minutes('Linear: how long each step lasts, in whole minutes'),
  'bake-time': minutes('How long both revisions run once all traffic has moved'),
  'alternate-target-group': elbArn('the target group the new revision is registered in'),
  'production-listener-rule': elbArn('the listener rule ECS moves production traffic on'),
  'test-listener-rule': elbArn('the listener rule of blue/green test traffic'),
  'infrastructure-role': roleArn
    .optional()
    .describe('IAM role that lets ECS change the listener rules.'),
  'max-error-rate': percent('Highest share of 5XX answers of the new revision in a step'),
  'max-latency-increase': percent('How much slower than the old revision the new one may be'),
  'max-error-rate-increase': percent('How many more 5XX answers than the old revision'),
  'max-p99-latency': duration('highest p99 response time of the new revision', 600_000).optional(),
  'metrics-delay': duration(
    'how long after a minute ends its CloudWatch metrics are read',
    600_000
  ).optional(),
  'min-requests': z
    .int('must be a whole number of requests.')
    .min(1, 'must be 1 or more requests.')
    .optional()
    .describe('Requests a revision needs in an analysis window before it is judged.'),
  pauses: z
    .enum(['continue-on-pass', 'wait'])
    .optional()
    .describe('At a PAUSE hook: continue once the analysis passed, or wait.'),
  'pause-at': z
    .union([
      z.literal('none'),
      z
        .array(
          z.enum([
            'RECONCILE_SERVICE',
            'PRE_SCALE_UP',
            'POST_SCALE_UP',
            'POST_TEST_TRAFFIC_SHIFT',
            'PRE_PRODUCTION_TRAFFIC_SHIFT',
            'POST_PRODUCTION_TRAFFIC_SHIFT'
          ])
        )
        .min(1)
    ])
    .optional()
    .describe('Lifecycle stages at which the deployment waits at a PAUSE hook, or none.'),
  'pause-timeout': minutes('How long a PAUSE hook waits before its timeout action'),
  'pause-timeout-action': z
    .enum(['continue', 'rollback'])
    .optional()
    .describe('What ECS does when a PAUSE hook times out. Default rollback.'),
  'test-url': httpUrl
    .optional()
    .describe('Blue-green: URL through the test listener, checked before production moves.'),
  'test-duration': duration('how long the test listener is checked', 60 * 60_000).optional()
}

export const EnvironmentSchema = z
  .strictObject({
    region: nonEmpty
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1.')
      .describe('AWS region of the cluster.'),
    role: roleArn
      .optional()
      .describe('IAM role the deploy jobs assume through OIDC in this GitHub environment.'),
    'rollback-role': roleArn
      .optional()
      .describe(
        'IAM role the monitoring and rollback jobs assume in the <name>-monitor GitHub environment (reads and rollback only). Default role.'
      ),
    cluster: name('the ECS cluster name'),
    services: z.array(Service).min(1).max(MAX_SERVICES),
    'desired-count': z
      .int('must be a whole number of tasks.')
      .min(0, 'must be 0 or more tasks.')
      .max(1000, 'is at most 1000 tasks per service.')
      .optional()
      .describe('Tasks per service.'),
    url: httpUrl.optional().describe('URL of the environment.'),
    alarms: z
      .array(nonEmpty)
      .default([])
      .describe('CloudWatch alarms attached as ECS deployment alarms (rollback when they fire).'),
    checks: Checks.optional(),
    soak: duration('soak time on this environment before promotion', 7 * DAY_MS).optional(),
    monitor: duration('monitoring after a deployment', 7 * DAY_MS).optional(),
    tests: Tests.optional(),
    protection: Protection.prefault({}),
    ...strategySettings
  })
  .meta({ id: 'Environment' })

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).describe('Version of this file format: 1.'),
  application: name('the application name').optional(),
  environments: z
    .record(
      name('an environment name').refine(key => !key.endsWith('-monitor'), {
        message:
          "ends with '-monitor', the suffix of the monitoring environment apply creates for each environment. Rename it."
      }),
      EnvironmentSchema
    )
    .refine(environments => Object.keys(environments).length > 0, {
      message: 'lists no environment. Add one, for example dev.'
    })
})

export type PromotionConfig = z.output<typeof ConfigSchema>
export type EnvironmentConfig = z.output<typeof EnvironmentSchema>
export type ProtectionConfig = EnvironmentConfig['protection']

/** The schema an editor loads (draft-07: what yaml-language-server reads). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ConfigSchema, { target: 'draft-07', io: 'input' })
}
