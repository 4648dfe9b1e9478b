import type { EnvironmentConfig, PromotionConfig } from '@fargate-promote/promotion'
import type { EnvironmentProtection } from '../engine/context.js'

const ACCOUNT = '123456789012'
const CONTAINER_PORT = 8080
/** The role that lets ECS move the listener's weights in a canary, linear or blue/green. */
export const INFRASTRUCTURE_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRoleForLoadBalancers`

/** The strategies in which ECS shifts production traffic between two target groups. */
export function shiftsTraffic(env: EnvironmentConfig): boolean {
  return env.strategy !== undefined && env.strategy !== 'rolling'
}

/** The second target group of an environment's listener: the new revision's, on every deploy. */
export function alternateGroupOf(group: string): string {
  return `${group.slice(0, 28)}-alt`
}

/**
 * What a canary, linear or blue/green deployment needs around an environment's first service:
 * `service` (its strategy is in the config) carries advancedConfiguration and starts as
 * BLUE_GREEN, which deploy-fargate turns into the config's strategy; `load-balancer` only puts
 * the alternate group on the listener (weight 0), for a service the deploy switches itself with
 * the ARNs of the config (the demo's act 6).
 */
export type ProgressiveSetup = 'service' | 'load-balancer'

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

function targetGroup(name: string) {
  return {
    name,
    port: CONTAINER_PORT,
    healthCheckPath: '/health',
    healthCheckIntervalSeconds: 5,
    healthCheckTimeoutSeconds: 2,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    // Drained in 5 sim seconds, so a rollback or the end of a canary's bake finishes quickly.
    deregistrationDelaySeconds: 5
  }
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
  initial: string,
  setup: ProgressiveSetup | undefined
) {
  const port = loopbackPort(env.url)
  env.services.forEach((service, index) => {
    const family = `${application}-${name}-${service.name}`
    const group = `${application}-${name}-${service.name}`.slice(0, 32)
    // The environment's URL is served by its first service's load balancer.
    const balanced = index === 0 && port !== undefined
    const loadBalancer = `${application}-${name}`.slice(0, 32)
    const alternate = balanced && setup !== undefined ? alternateGroupOf(group) : undefined
    if (balanced) {
      const groups = [group, ...(alternate === undefined ? [] : [alternate])]
      parts.loadBalancers.push({
        name: loadBalancer,
        listeners: [
          {
            port: 80,
            bindPort: port,
            targetGroups: groups.map((g, i) => ({ name: g, weight: i === 0 ? 100 : 0 }))
          }
        ]
      })
      parts.targetGroups.push(...groups.map(targetGroup))
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
        deploymentCircuitBreaker: { enable: true, rollback: true },
        // Set up by the infrastructure for traffic shifting: the deploy sets the config's strategy.
        ...(alternate !== undefined &&
          setup === 'service' && { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 })
      },
      ...(alternate !== undefined &&
        setup === 'service' && {
          advancedConfiguration: {
            alternateTargetGroup: alternate,
            productionListener: { loadBalancer, port: 80 },
            roleArn: INFRASTRUCTURE_ROLE
          }
        }),
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
    /** Environments whose load balancer gets the alternate group though the config says rolling. */
    alternateTargetGroups?: string[]
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
  for (const [name, env] of environments) {
    const setup: ProgressiveSetup | undefined = shiftsTraffic(env)
      ? 'service'
      : options.alternateTargetGroups?.includes(name) === true
        ? 'load-balancer'
        : undefined
    seedEnvironment(name, env, application, parts, options.initial ?? 'initial', setup)
  }
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
