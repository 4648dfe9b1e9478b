import { describe, expect, it } from '@jest/globals'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import { validateScenario } from '../src/scenario.js'
import { startSim } from '../src/server.js'
import { runTrafficCli } from '../src/traffic-cli.js'

/**
 * A scenario can seed a service ready for ECS-native canary, linear and blue/green deployments
 * (two target groups on the listener, advancedConfiguration on the service), and
 * fargate-sim-traffic sends steady traffic to a listener from a process of its own.
 */

const scenario = {
  clusters: ['prod'],
  targetGroups: [
    {
      name: 'web-a',
      port: 8080,
      healthCheckPath: '/health',
      healthCheckIntervalSeconds: 5,
      healthCheckTimeoutSeconds: 2
    },
    {
      name: 'web-b',
      port: 8080,
      healthCheckPath: '/health',
      healthCheckIntervalSeconds: 5,
      healthCheckTimeoutSeconds: 2
    }
  ],
  loadBalancers: [
    {
      name: 'shop',
      listeners: [
        {
          port: 80,
          targetGroups: [
            { name: 'web-a', weight: 100 },
            { name: 'web-b', weight: 0 }
          ]
        }
      ]
    }
  ],
  taskDefinitions: [
    {
      family: 'web',
      containerDefinitions: [
        { name: 'web', image: 'shop/web:1', portMappings: [{ containerPort: 8080 }] }
      ]
    }
  ],
  services: [
    {
      cluster: 'prod',
      name: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      targetGroup: 'web-a',
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 },
      advancedConfiguration: {
        alternateTargetGroup: 'web-b',
        productionListener: { loadBalancer: 'shop', port: 80 },
        roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'
      },
      waitForSteady: true
    }
  ]
}

const service = (changes: Record<string, unknown>) => ({
  ...scenario,
  services: [{ ...scenario.services[0], ...changes }]
})
const advanced = (changes: Record<string, unknown>) =>
  service({ advancedConfiguration: { ...scenario.services[0]?.advancedConfiguration, ...changes } })

describe('scenario: a service ready for ECS-native traffic shifting', () => {
  it('is created with advancedConfiguration: the alternate group, the listener, the role', async () => {
    const sim = await startSim({ scenario, timeScale: 30, virtualTime: true })
    const ecs = new ECSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
    })
    try {
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })
      )
      const [lb] = services?.[0]?.loadBalancers ?? []
      const listener = (
        (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
          listeners: { listenerArn: string }[]
        }
      ).listeners[0]
      expect(lb?.targetGroupArn).toMatch(/:targetgroup\/web-a\//)
      expect(lb?.advancedConfiguration).toEqual({
        alternateTargetGroupArn: expect.stringMatching(/:targetgroup\/web-b\//),
        productionListenerRule: listener?.listenerArn,
        roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure'
      })
      expect(services?.[0]?.deploymentConfiguration?.strategy).toBe('BLUE_GREEN')
      expect(services?.[0]?.runningCount).toBe(1)
    } finally {
      ecs.destroy()
      await sim.stop()
    }
  })

  it.each([
    [
      advanced({ alternateTargetGroup: 'web-a' }),
      /alternateTargetGroup: 'web-a' must be a declared target group other than 'web-a'/
    ],
    [
      advanced({ alternateTargetGroup: 'web-c' }),
      /alternateTargetGroup: 'web-c' must be a declared/
    ],
    [
      advanced({ productionListener: { loadBalancer: 'shop', port: 443 } }),
      /productionListener: load balancer 'shop' declares no listener on port 443/
    ],
    [advanced({ roleArn: '' }), /advancedConfiguration\.roleArn: must be a non-empty string/],
    [advanced({ role: 'x' }), /advancedConfiguration\.role: unknown field/],
    [
      service({ targetGroup: undefined }),
      /services\[0\]\.advancedConfiguration: only makes sense with a targetGroup/
    ]
  ])('refuses a bad advancedConfiguration with its path (%#)', (bad, message) => {
    expect(() => validateScenario(bad)).toThrow(message)
  })
})

describe('fargate-sim-traffic', () => {
  const io = () => {
    const out: string[] = []
    const err: string[] = []
    let stop = () => {}
    const stopSignal = new Promise<void>(resolve => (stop = resolve))
    return {
      out,
      err,
      stop: () => stop(),
      io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), stopSignal }
    }
  }

  it.each([
    [['--rate', '1'], /Invalid URL/],
    [['--url', 'http://127.0.0.1:1', '--rate', '0'], /--rate must be a positive number, got "0"/],
    [
      ['--url', 'http://127.0.0.1:1', '--rate', '1', '--time-scale', 'x'],
      /--time-scale must be a positive number/
    ],
    [['--url', 'http://127.0.0.1:1', '--rate', '1', '--burst'], /Unknown option '--burst'/]
  ])('refuses %j with the usage, exit 2', async (args, message) => {
    const run = io()
    expect(await runTrafficCli(args, run.io)).toBe(2)
    expect(run.err.join('')).toMatch(message)
    expect(run.err.join('')).toContain('usage: fargate-sim-traffic')
  })

  it('sends to the listener until stopped, then prints the counts by revision', async () => {
    const sim = await startSim({ scenario, timeScale: 30, virtualTime: true })
    try {
      const { listeners } = (await (await fetch(`${sim.url}/_sim/listeners`)).json()) as {
        listeners: { url: string }[]
      }
      const run = io()
      const done = runTrafficCli(
        ['--url', listeners[0]?.url ?? '', '--rate', '2', '--time-scale', '30'],
        run.io
      )
      expect(run.out).toEqual(['sending\n'])
      // 2 requests per sim second at scale 30: one every 16 real ms.
      await new Promise(resolve => setTimeout(resolve, 300))
      run.stop()
      expect(await done).toBe(0)
      const counts = JSON.parse(run.out[1] ?? '{}') as {
        sent: number
        byRevision: Record<string, Record<string, number>>
      }
      expect(counts.sent).toBeGreaterThan(3)
      expect(Object.keys(counts.byRevision)).toEqual(['web:1'])
    } finally {
      await sim.stop()
    }
  })
})
