import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSimClock } from '../src/clock.js'
import { applyScenario, loadScenario, validateScenario } from '../src/scenario.js'
import { startSim, type Sim } from '../src/server.js'
import { createWorld } from '../src/world.js'
import { fakeFactories } from './server-fakes.js'

const demoPath = fileURLToPath(new URL('../scenarios/demo.yml', import.meta.url))
const ECR_WEB = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web'

const minimal = {
  clusters: ['staging'],
  targetGroups: [
    { name: 'web-blue', port: 8080, healthCheckPath: '/health', deregistrationDelaySeconds: 5 }
  ],
  loadBalancers: [
    { name: 'web', listeners: [{ port: 80, targetGroups: [{ name: 'web-blue', weight: 100 }] }] }
  ],
  taskDefinitions: [
    {
      family: 'web',
      containerDefinitions: [
        {
          name: 'web',
          image: 'registry.example.com/web:1',
          portMappings: [{ containerPort: 8080 }]
        }
      ]
    }
  ],
  services: [
    {
      cluster: 'staging',
      name: 'web',
      taskDefinition: 'web',
      desiredCount: 2,
      targetGroup: 'web-blue'
    }
  ],
  alarms: [{ name: 'web-5xx', state: 'OK' }],
  queues: [{ name: 'orders', deadLetterQueue: 'orders-dlq', messages: 2 }, { name: 'orders-dlq' }]
}

const withChange = (path: (string | number)[], value: unknown): unknown => {
  const copy = structuredClone(minimal) as Record<string, unknown>
  let holder: Record<string | number, unknown> = copy
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (value === undefined) delete holder[last]
  else holder[last] = value
  return copy
}

describe('validateScenario', () => {
  it('accepts the minimal scenario with defaults filled in', () => {
    const scenario = validateScenario(minimal)
    expect(scenario.region).toBe('us-east-1')
    expect(scenario.services[0]).toMatchObject({
      containerName: 'web',
      containerPort: 8080,
      waitForSteady: false
    })
    expect(scenario.queues.map(q => q.name)).toEqual(['orders-dlq', 'orders'])
    expect(scenario.alarms[0]).toMatchObject({
      metricName: 'HTTPCode_Target_5XX_Count',
      threshold: 1
    })
    expect(validateScenario(undefined).clusters).toEqual([])
  })

  it('accepts the shipped demo scenario', async () => {
    const demo = await loadScenario(demoPath)
    expect(demo.clusters).toEqual(['dev', 'staging', 'prod'])
    expect(demo.services.filter(s => s.name === 'web').map(s => s.desiredCount)).toEqual([1, 2, 3])
    expect(demo.services.every(s => s.waitForSteady)).toBe(true)
    expect(demo.targetGroups).toHaveLength(6)
    expect(demo.queues.map(q => q.name)).toContain('orders-prod-dlq')
  })

  it.each([
    [['services', 0, 'cluster'], 'qa', "services[0].cluster: cluster 'qa' is not declared"],
    [
      ['services', 0, 'taskDefinition'],
      'api:3',
      "services[0].taskDefinition: task definition family 'api' is not declared"
    ],
    [
      ['services', 0, 'targetGroup'],
      'nope',
      "services[0].targetGroup: target group 'nope' is not declared"
    ],
    [
      ['services', 0, 'containerName'],
      'sidecar',
      "services[0].containerName: container 'sidecar' is not in task definition family 'web'"
    ],
    [
      ['services', 0, 'desiredCount'],
      -1,
      'services[0].desiredCount: must be an integer from 0 to 100, got -1'
    ],
    [
      ['services', 0, 'waitForSteady'],
      'yes',
      'services[0].waitForSteady: must be true or false, got "yes"'
    ],
    [['services', 0, 'colour'], 'red', 'services[0].colour: unknown field'],
    [
      ['services', 1],
      { cluster: 'staging', name: 'web', taskDefinition: 'web' },
      "services[1].name: duplicate service 'staging/web'"
    ],
    [
      ['services', 1],
      { cluster: 'staging', name: 'w', taskDefinition: 'web', containerPort: 80 },
      'services[1].containerPort: only makes sense with a targetGroup'
    ],
    [
      ['services', 0, 'deploymentConfiguration'],
      [],
      'services[0].deploymentConfiguration: must be a mapping, got []'
    ],
    [
      ['services', 0, 'tags'],
      [{ key: 'a', value: 1, x: 2 }],
      'services[0].tags[0].x: unknown field'
    ],
    [['clusters'], 'dev', 'clusters: must be a list, got "dev"'],
    [['clusters', 1], 'staging', "clusters[1]: duplicate cluster 'staging'"],
    [['clusters', 1], 'bad name', 'clusters[1]: must be a cluster name, got "bad name"'],
    [['region'], 'mars', "region: 'mars' is not a region name like us-east-1"],
    [['colour'], 'red', 'colour: unknown field'],
    [
      ['targetGroups', 0, 'port'],
      70000,
      'targetGroups[0].port: must be an integer from 1 to 65535, got 70000'
    ],
    [
      ['targetGroups', 0, 'name'],
      '-bad',
      "targetGroups[0].name: '-bad' is not a valid target group name"
    ],
    [
      ['targetGroups', 0, 'healthCheckIntervalSeconds'],
      1,
      'targetGroups[0].healthCheckIntervalSeconds: must be an integer from 5 to 300, got 1'
    ],
    [
      ['loadBalancers', 0, 'listeners', 0, 'targetGroups', 0, 'name'],
      'x',
      "loadBalancers[0].listeners[0].targetGroups[0].name: target group 'x' is not declared"
    ],
    [
      ['loadBalancers', 0, 'listeners', 0, 'targetGroups'],
      [],
      'loadBalancers[0].listeners[0].targetGroups: needs at least one target group'
    ],
    [
      ['loadBalancers', 0, 'listeners', 1],
      { port: 80, targetGroups: [{ name: 'web-blue' }] },
      "loadBalancers[0].listeners[1].port: duplicate listener port '80'"
    ],
    [['loadBalancers', 1], { name: 'web' }, "loadBalancers[1].name: duplicate load balancer 'web'"],
    [
      ['taskDefinitions', 0, 'containerDefinitions'],
      [],
      'taskDefinitions[0].containerDefinitions: needs at least one container'
    ],
    [
      ['taskDefinitions', 0, 'containerDefinitions', 0, 'image'],
      '',
      'taskDefinitions[0].containerDefinitions[0].image: must be a non-empty string, got ""'
    ],
    [
      ['taskDefinitions', 0, 'family'],
      undefined,
      'taskDefinitions[0].family: must be a non-empty string, got undefined'
    ],
    [
      ['alarms', 0, 'state'],
      'RED',
      "alarms[0].state: must be one of OK, ALARM, INSUFFICIENT_DATA, got 'RED'"
    ],
    [['alarms', 0, 'threshold'], 'high', 'alarms[0].threshold: must be a number, got "high"'],
    [['alarms', 1], { name: 'web-5xx' }, "alarms[1].name: duplicate alarm 'web-5xx'"],
    [
      ['queues', 0, 'deadLetterQueue'],
      'lost',
      "queues[0].deadLetterQueue: queue 'lost' is not declared"
    ],
    [
      ['queues', 1, 'deadLetterQueue'],
      'orders',
      "queues[0].deadLetterQueue: dead-letter cycle through 'orders'"
    ],
    [['queues', 0, 'name'], 'a b', "queues[0].name: 'a b' is not a valid queue name"],
    [
      ['queues', 0, 'messages'],
      1.5,
      'queues[0].messages: must be an integer from 0 to 10000, got 1.5'
    ],
    [
      ['behaviours'],
      { '-flaky': { errorRate: 2 } },
      'behaviours.-flaky.errorRate: must be between 0 and 1, got 2'
    ],
    [
      ['behaviours'],
      { '-flaky': { pullError: 'yes' } },
      'behaviours.-flaky.pullError: must be a boolean, got "yes"'
    ],
    [['behaviours'], { '-flaky': { colour: 1 } }, 'behaviours.-flaky.colour: unknown field'],
    [
      ['behaviours'],
      { '-live': { errorRate: 0.2, onlyWhenEnv: { APP_ENVIRONMENT: 1 } } },
      'behaviours.-live.onlyWhenEnv.APP_ENVIRONMENT: must be a string, got 1'
    ],
    [
      ['behaviours'],
      { '-live': { onlyWhenEnv: ['production'] } },
      'behaviours.-live.onlyWhenEnv: must be a mapping of variable names to values, got ["production"]'
    ],
    [
      ['images'],
      [{ repository: 'registry.example.com/web', tag: 'v1' }],
      'images[0].repository: must be an ECR repository URI'
    ],
    [['images'], [{ repository: ECR_WEB, tag: 'v1' }, 'v2'], 'images[1]: must be an object'],
    [
      ['images'],
      [
        { repository: ECR_WEB, tag: 'v1' },
        { repository: ECR_WEB, tag: 'v1', behaviour: '-crash' }
      ],
      `images[1].tag: duplicate image '${ECR_WEB}:v1'`
    ],
    [['images'], 'v1', 'images: must be a list']
  ])('%j = %j fails with the path', (path, value, message) => {
    expect(() => validateScenario(withChange(path, value))).toThrow(message)
  })

  it('accepts behaviours and explicit container ports', () => {
    const scenario = validateScenario(
      withChange(['behaviours'], {
        '-flaky': { errorRate: 0.5, pullError: false, exitReason: 'x' }
      })
    )
    expect(scenario.behaviours['-flaky']).toEqual({
      errorRate: 0.5,
      pullError: false,
      exitReason: 'x'
    })
    const explicit = validateScenario(withChange(['services', 0, 'containerPort'], 9090))
    expect(explicit.services[0]?.containerPort).toBe(9090)
  })
})

describe('loadScenario', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })
  const file = async (text: string) => {
    dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'))
    const path = join(dir, 'world.yml')
    await writeFile(path, text)
    return path
  }

  it('names the file and the path of a validation error', async () => {
    const path = await file(
      'clusters: [dev]\nservices:\n  - { cluster: qa, name: web, taskDefinition: web }\n'
    )
    await expect(loadScenario(path)).rejects.toThrow(
      `${path}: services[0].cluster: cluster 'qa' is not declared`
    )
  })

  it('reports YAML syntax errors and missing files', async () => {
    const path = await file('clusters: [dev\n')
    await expect(loadScenario(path)).rejects.toThrow(`${path} is not valid YAML`)
    await expect(loadScenario('/nonexistent/world.yml')).rejects.toThrow(
      'cannot read scenario file /nonexistent/world.yml'
    )
  })
})

describe('applyScenario through the modules', () => {
  let sim: Sim | undefined
  afterEach(async () => {
    await sim?.stop()
    sim = undefined
  })

  it('creates everything through handle() and re-applies it on reset', async () => {
    const fakes = fakeFactories()
    sim = await startSim({
      factories: fakes.factories,
      scenario: {
        ...minimal,
        region: 'eu-west-1',
        services: [{ ...minimal.services[0], waitForSteady: true }]
      },
      steady: { pollMs: 10 }
    })
    const { state } = fakes
    expect([...state.clusters]).toEqual(['staging'])
    const [tgArn, tg] = [...state.targetGroups.entries()][0] ?? []
    expect(tg).toMatchObject({
      Name: 'web-blue',
      Port: '8080',
      HealthCheckPath: '/health',
      TargetType: 'ip'
    })
    expect(tg?.Attributes).toEqual([{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }])
    expect(state.listeners[0]?.port).toBe(80)
    expect(state.services.get('staging/web')).toMatchObject({ desiredCount: 2, runningCount: 2 })
    expect(state.alarms.get('web-5xx')).toBe('OK')
    expect(state.queues.get('orders')?.attributes.RedrivePolicy).toBe(
      JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq',
        maxReceiveCount: 3
      })
    )
    expect(state.queues.get('orders')?.messages).toHaveLength(2)
    expect(state.contexts.every(c => c.region === 'eu-west-1')).toBe(true)
    const createService = state.contexts.findIndex(c => c.operation === 'CreateService')
    expect(state.contexts[createService]?.service).toBe('ecs')
    expect(tgArn).toBeDefined()
    expect(sim.calls()).toEqual([])

    state.clusters.add('extra')
    await sim.reset()
    expect([...state.clusters]).toEqual(['staging'])
    expect(state.queues.get('orders')?.messages).toHaveLength(2)
  })

  it('fails start when a module refuses a scenario call', async () => {
    const fakes = fakeFactories()
    const bad = {
      ...minimal,
      services: [{ ...minimal.services[0], cluster: 'staging' }],
      clusters: ['staging']
    }
    const factories = {
      ...fakes.factories,
      createEcsModule: () => {
        const ecs = fakes.factories.createEcsModule({} as never)
        return { ...ecs, handle: () => Promise.reject(new Error('cluster quota exceeded')) }
      }
    }
    await expect(startSim({ factories, scenario: bad })).rejects.toThrow(
      'scenario: ecs CreateCluster failed: cluster quota exceeded'
    )
  })

  it('pushes the scenario images first, and fails on a behaviour no one knows', async () => {
    const fakes = fakeFactories()
    sim = await startSim({
      factories: fakes.factories,
      scenario: { images: [{ repository: ECR_WEB, tag: 'v1', behaviour: '-crash' }] }
    })
    expect(sim.world.ecr.images().map(i => i.tag)).toEqual(['v1'])
    await expect(
      startSim({
        factories: fakeFactories().factories,
        scenario: { images: [{ repository: ECR_WEB, tag: 'v1', behaviour: '-flaky' }] }
      })
    ).rejects.toThrow(
      "scenario: images[0].behaviour: '-flaky' is not a behaviour marker the sim knows"
    )
  })

  it('gives up waiting for a service that never becomes steady', async () => {
    const fakes = fakeFactories()
    const clock = createSimClock({ timeScale: 1000 })
    const world = createWorld({ clock, factories: fakes.factories })
    const scenario = validateScenario({
      ...minimal,
      services: [{ ...minimal.services[0], desiredCount: 50, waitForSteady: true }]
    })
    await expect(
      applyScenario(world, scenario, { steadyTimeoutMs: 5000, pollMs: 1000 })
    ).rejects.toThrow(
      "scenario: service 'web' in cluster 'staging' did not reach a steady state within 5 sim seconds"
    )
    await world.reset()
  })

  it('reports modules that answer without the ARN it needs', async () => {
    const fakes = fakeFactories()
    const clock = createSimClock()
    const elb = fakes.factories.createElbModule({ clock })
    const world = createWorld({
      clock,
      factories: {
        ...fakes.factories,
        createElbModule: () => ({ ...elb, handle: () => Promise.resolve({ TargetGroups: [] }) })
      }
    })
    await expect(applyScenario(world, validateScenario(minimal))).rejects.toThrow(
      'scenario: creating target group web-blue returned no TargetGroupArn'
    )
    const noUrl = createWorld({
      clock,
      factories: {
        ...fakes.factories,
        createSqsModule: () => ({
          ...fakes.factories.createSqsModule({ clock }),
          handle: () => Promise.resolve(undefined)
        })
      }
    })
    await expect(
      applyScenario(noUrl, validateScenario({ queues: [{ name: 'q' }] }))
    ).rejects.toThrow('scenario: sqs CreateQueue for q returned no QueueUrl')
  })
})
