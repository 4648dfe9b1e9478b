// Writes actions/<name>/.env.example from each action.yml, for running one action on this machine
// with @github/local-action (`npm run local -- <name>`): every input as INPUT_<NAME> (upper case,
// hyphens kept, as the runner names them) with its description, values for the sample world
// below, and the GITHUB_*, AWS_* and RUNNER_* variables the actions read. Generated, so a new or
// renamed input cannot be missing from an example (the local-action test runs --check).
// Usage: node scripts/env-example.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { actionNames, root } from './actions.mjs'

/** Where the example files point the AWS SDK and Octokit; `npm run local` puts the real address. */
export const EXAMPLE_SIM_URL = 'http://127.0.0.1:4566'
const SHA = '5f3c9a1e2b7d4c6f8a0b1c2d3e4f5a6b7c8d9e0f'
const PARENT_SHA = '0e1d2c3b4a5f60718293a4b5c6d7e8f901234567'
const SIM_TOKEN = 'sim-token-not-a-secret'

function webRevision(version, commit) {
  return {
    family: 'web',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [
      {
        name: 'web',
        image: `registry.example.com/shop/web:${version}`,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }]
      }
    ],
    tags: [
      { key: 'version', value: version },
      { key: 'commit', value: commit }
    ]
  }
}

/**
 * The simulator world the examples are written for: cluster `staging` with `web` (2 tasks of
 * web:2 = 1.1.0, the commit GITHUB_SHA names; web:1 = 1.0.0 before it) behind the ALB
 * `web-staging`, the alarm `web-staging-5xx`, and acme/shop whose main holds both commits.
 */
export const SAMPLE_WORLD = {
  region: 'eu-west-1',
  clusters: ['staging'],
  loadBalancers: [
    {
      name: 'web-staging',
      listeners: [{ port: 80, targetGroups: [{ name: 'web-staging-blue', weight: 100 }] }]
    }
  ],
  targetGroups: [
    {
      name: 'web-staging-blue',
      port: 8080,
      healthCheckPath: '/health',
      healthCheckIntervalSeconds: 5,
      healthCheckTimeoutSeconds: 2,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
      deregistrationDelaySeconds: 5
    }
  ],
  taskDefinitions: [webRevision('1.0.0', PARENT_SHA), webRevision('1.1.0', SHA)],
  services: [
    {
      cluster: 'staging',
      name: 'web',
      taskDefinition: 'web:2',
      desiredCount: 2,
      targetGroup: 'web-staging-blue',
      containerName: 'web',
      containerPort: 8080,
      healthCheckGracePeriodSeconds: 10,
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      },
      waitForSteady: true
    }
  ],
  alarms: [{ name: 'web-staging-5xx', state: 'OK' }],
  github: { repositories: [{ name: 'acme/shop', branches: { main: [PARENT_SHA, SHA] } }] }
}

/** The sample world's service, as the simulator's state names it. */
export const SAMPLE_SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/staging/web'

/** Input values for the sample world; every other input is left empty (its default applies). */
const SAMPLE_INPUTS = {
  'deploy-fargate': {
    config: 'none',
    cluster: 'staging',
    service: 'web',
    images: 'web=registry.example.com/shop/web:1.2.0',
    version: '1.2.0',
    environment: 'staging',
    'github-token': SIM_TOKEN
  },
  'health-verify': {
    config: 'none',
    environment: 'staging',
    checks: [
      '- name: service',
      '  ecs-service: { cluster: staging, service: web }',
      '- name: targets',
      '  target-group: { target-group: web-staging-blue }',
      '- name: alarms',
      '  cloudwatch-alarm: { alarms: [web-staging-5xx] }'
    ].join('\n')
  },
  rollback: {
    config: 'none',
    cluster: 'staging',
    service: 'web',
    to: '1.0.0',
    reason: 'Trying a rollback locally',
    environment: 'staging',
    'github-token': SIM_TOKEN
  },
  'staging-gate': {
    config: 'none',
    cluster: 'staging',
    service: 'web',
    version: '1.1.0',
    sha: SHA,
    'min-soak': '0s',
    alarms: 'web-staging-5xx',
    'require-github-deployment': 'false',
    'github-token': SIM_TOKEN
  }
}

/** Variables `npm run local` sets for every run (the simulator's address and clock, temp files). */
export const RUN_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'GITHUB_API_URL',
  'FARGATE_PROMOTE_SIM_CLOCK',
  'GITHUB_STEP_SUMMARY',
  'RUNNER_TEMP'
]

function variable(key, value, setByRun = false) {
  return `${key}=${dotenvValue(value)}${setByRun ? ' # set by npm run local' : ''}`
}

function context(name) {
  return [
    '',
    '# The simulator (packages/sim) stands in for AWS; it accepts any credentials.',
    variable('AWS_ENDPOINT_URL', EXAMPLE_SIM_URL, true),
    variable('AWS_REGION', SAMPLE_WORLD.region),
    variable('AWS_ACCESS_KEY_ID', 'test'),
    variable('AWS_SECRET_ACCESS_KEY', 'test'),
    variable('AWS_EC2_METADATA_DISABLED', 'true'),
    '# The sim clock, "<origin epoch ms>,<scale>" (GET /_sim/clock): waits run at the sim speed.',
    '# Honoured only while AWS_ENDPOINT_URL is a loopback address. Empty: real time.',
    variable('FARGATE_PROMOTE_SIM_CLOCK', '', true),
    '',
    '# The workflow run, as the runner describes it; GITHUB_API_URL is the simulated GitHub. When you',
    '# run `npx local-action` yourself, export GITHUB_API_URL too: its Octokit reads it on start.',
    variable('GITHUB_API_URL', `${EXAMPLE_SIM_URL}/github`, true),
    variable('GITHUB_SERVER_URL', 'https://github.com'),
    variable('GITHUB_REPOSITORY', 'acme/shop'),
    variable('GITHUB_SHA', SHA),
    variable('GITHUB_REF', 'refs/heads/main'),
    variable('GITHUB_ACTOR', 'octocat'),
    variable('GITHUB_WORKFLOW', 'promote'),
    variable('GITHUB_RUN_ID', '1'),
    variable('GITHUB_RUN_ATTEMPT', '1'),
    '',
    '# Where the job summary and the reports go (the directories must exist).',
    variable('GITHUB_STEP_SUMMARY', `/tmp/${name}-summary.md`, true),
    variable('RUNNER_TEMP', '/tmp', true)
  ]
}

/** A value as dotenv reads it back: plain, or double-quoted with \n for multi-line text. */
export function dotenvValue(value) {
  if (/["'`\\\r]/.test(value)) {
    throw new Error(`env-example: quotes and backslashes are not supported in values: ${value}`)
  }
  return /[\n#]|^\s|\s$/.test(value) ? `"${value.replace(/\n/g, '\\n')}"` : value
}

function comment(text, width = 100) {
  const lines = []
  let line = '#'
  for (const word of text.trim().split(/\s+/)) {
    if (line.length + 1 + word.length > width && line !== '#') {
      lines.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  lines.push(line)
  return lines
}

function inputLines(name, inputs) {
  const sample = SAMPLE_INPUTS[name] ?? {}
  for (const input of Object.keys(sample)) {
    if (!(input in inputs)) throw new Error(`env-example: ${name} has no input '${input}'`)
  }
  return Object.entries(inputs).flatMap(([input, spec]) => {
    const fallback = spec.default === undefined ? '' : ` (default ${String(spec.default)})`
    return [
      '',
      ...comment(`${input}${fallback}: ${spec.description}`),
      `INPUT_${input.replace(/ /g, '_').toUpperCase()}=${dotenvValue(sample[input] ?? '')}`
    ]
  })
}

/** The .env.example of one action, from its action.yml. */
export function renderEnvExample(name) {
  const action = parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8'))
  const header = [
    `# ${name}, run on this machine with @github/local-action against the simulator:`,
    `#   npm run local -- ${name} [--env FILE] [--sim URL]`,
    '# starts the sim with a sample world (scripts/env-example.mjs), fills in its address and runs',
    `#   npx local-action run actions/${name} src/main.ts <this file>`,
    `# Copy this file to actions/${name}/.env (git-ignored) to change values; pass it with --env.`,
    '# Generated from action.yml by `node scripts/env-example.mjs`: do not edit. No real secrets:',
    '# the simulator accepts any credentials and any token.'
  ]
  const inputsHeader = [
    '',
    '# ---- Inputs of action.yml: INPUT_<NAME> as the runner sets them. Empty: the default applies.'
  ]
  return (
    [...header, ...context(name), ...inputsHeader, ...inputLines(name, action.inputs ?? {})].join(
      '\n'
    ) + '\n'
  )
}

export function envExamplePath(name) {
  return join(root, 'actions', name, '.env.example')
}

function main() {
  const check = process.argv.includes('--check')
  const stale = []
  for (const name of actionNames()) {
    const text = renderEnvExample(name)
    const path = envExamplePath(name)
    let current = ''
    try {
      current = readFileSync(path, 'utf8')
    } catch {
      // A missing file is stale like any other.
    }
    if (current === text) continue
    if (check) stale.push(`actions/${name}/.env.example`)
    else writeFileSync(path, text)
  }
  if (stale.length > 0) {
    console.error(
      `env-example: ${stale.join(', ')} not as action.yml generates it: run node scripts/env-example.mjs.`
    )
    process.exit(1)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()
