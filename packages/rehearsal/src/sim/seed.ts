import type { EnvironmentConfig, PromotionConfig } from '@fargate-promote/promotion'
import type { EnvironmentProtection } from '../engine/context.js'

const ACCOUNT = '123456789012'
const CONTAINER_PORT = 8080

/** The repository an environment's images come from in the seeded world. */
export function repositoryOf(region: string, application: string, container: string): string {
  return `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${application}/${container}`
}

function loopbackPort(url: string | undefined): number | undefined {
  if (url === undefined) return undefined
  const parsed = new URL(url)
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost') return undefined
  return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80))
}

interface SeedParts {
  loadBalancers: unknown[]
  targetGroups: unknown[]
  taskDefinitions: unknown[]
  services: unknown[]
}

function seedEnvironment(
  name: string,
  env: EnvironmentConfig,
  application: string,
  parts: SeedParts,
  initial: string
) {
  const port = loopbackPort(env.url)
  env.services.forEach((service, index) => {
    const family = `${application}-${name}-${service.name}`
    const group = `${application}-${name}-${service.name}`.slice(0, 32)
    // The environment's URL is served by its first service's load balancer.
    const balanced = index === 0 && port !== undefined
    if (balanced) {
      parts.loadBalancers.push({
        name: `${application}-${name}`.slice(0, 32),
        listeners: [{ port: 80, bindPort: port, targetGroups: [{ name: group, weight: 100 }] }]
      })
      parts.targetGroups.push({
        name: group,
        port: CONTAINER_PORT,
        healthCheckPath: '/health',
        healthCheckIntervalSeconds: 5,
        healthCheckTimeoutSeconds: 2,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
        deregistrationDelaySeconds: 5
      })
    }
    parts.taskDefinitions.push({
      family,
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      containerDefinitions: service.containers.map((container, i) => ({
        name: container,
        image: `${repositoryOf(env.region, application, container)}:${initial}`,
        essential: i === 0,
        ...(i === 0 && { portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }] }),
        environment: [
          { name: 'APP_VERSION', value: initial },
          // Which environment a container runs in: `-fails-in-<env>` images fail only there.
          { name: 'APP_ENVIRONMENT', value: name }
        ]
      }))
    })
    parts.services.push({
      cluster: env.cluster,
      name: service.name,
      taskDefinition: family,
      desiredCount: env['desired-count'] ?? 1,
      ...(balanced && {
        targetGroup: group,
        containerName: service.containers[0],
        containerPort: CONTAINER_PORT,
        healthCheckGracePeriodSeconds: 10
      }),
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      },
      waitForSteady: true
    })
  })
}

/**
 * `-fails-in-<env>`: a release that is healthy everywhere but in one environment, where one
 * request in five is answered 500 (load-balancer health checks pass) — the error only that
 * environment's settings or traffic bring out. An image built with this behaviour label plays it.
 */
export function environmentFailures(environments: string[]): Record<string, unknown> {
  return Object.fromEntries(
    environments.map(env => [
      `-fails-in-${env}`,
      { errorRate: 0.2, onlyWhenEnv: { APP_ENVIRONMENT: env } }
    ])
  )
}

/**
 * A simulator world from the config file: each environment's cluster and services running the
 * `initial` release, a load balancer listening on the environment's URL when it is a loopback
 * URL (http://127.0.0.1:PORT), its alarms (OK), and the reviewers as GitHub users and teams.
 */
export function scenarioFromConfig(
  config: PromotionConfig,
  options: {
    repository: string
    initial?: string
    actor: string
    history?: Record<string, string[]>
  }
): Record<string, unknown> {
  const application = config.application ?? 'app'
  const parts: SeedParts = {
    loadBalancers: [],
    targetGroups: [],
    taskDefinitions: [],
    services: []
  }
  const environments = Object.entries(config.environments)
  for (const [name, env] of environments)
    seedEnvironment(name, env, application, parts, options.initial ?? 'initial')
  const users = new Set([options.actor])
  const teams = new Set<string>()
  for (const [, env] of environments) {
    env.protection.reviewers.users.forEach(u => users.add(u))
    env.protection.reviewers.teams.forEach(t => teams.add(t))
  }
  return {
    region: environments[0]?.[1].region ?? 'us-east-1',
    clusters: [...new Set(environments.map(([, env]) => env.cluster))],
    ...parts,
    alarms: [...new Set(environments.flatMap(([, env]) => env.alarms))].map(name => ({
      name,
      state: 'OK'
    })),
    behaviours: environmentFailures(environments.map(([name]) => name)),
    github: {
      users: [...users],
      teams: [...teams],
      ...(options.history !== undefined && {
        repositories: [{ name: options.repository, branches: options.history }]
      })
    }
  }
}

/** Protection rules of an environment from the config; `<env>-monitor` gets its branches only. */
export function protectionFromConfig(
  config: PromotionConfig
): (environment: string) => EnvironmentProtection | undefined {
  return environment => {
    const companion = environment.endsWith('-monitor')
    const env =
      config.environments[companion ? environment.slice(0, -'-monitor'.length) : environment]
    if (env === undefined) return undefined
    const { protection } = env
    return {
      reviewers: companion ? [] : [...protection.reviewers.users, ...protection.reviewers.teams],
      waitTimerMinutes: companion ? 0 : protection['wait-timer'],
      branches: protection.branches ?? [],
      tags: protection.tags ?? [],
      preventSelfReview: !companion && protection['prevent-self-review']
    }
  }
}
