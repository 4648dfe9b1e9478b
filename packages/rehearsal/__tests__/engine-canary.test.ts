import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:net'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { parseConfigText } from '@fargate-promote/promotion'
import { openSim } from '../src/sim/open.js'
import { alternateGroupOf, scenarioFromConfig } from '../src/sim/seed.js'
import {
  PRODUCT_REPOSITORY,
  PRODUCT_ROOT,
  cleanUp,
  job,
  onPush,
  rehearseRepo,
  step,
  tempDir
} from './fixtures/engine/repo.js'

afterEach(cleanUp)

const hostEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
/** A sim minute is a quarter of a real second: a 10 % canary is judged in a few seconds. */
const SCALE = 240

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}

const configText = (port: number, strategy = 'canary') => `version: 1
application: shop
environments:
  production:
    region: eu-west-1
    cluster: shop-production
    services:
      - name: web
        containers: [web]
    desired-count: 2
    url: http://127.0.0.1:${port}
    strategy: ${strategy}
    canary-percent: 10%
    canary-bake: 10m
    bake-time: 1m
    max-error-rate: 5%
    min-requests: 10
`

/** The product's deploy-fargate, reading production (strategy canary) from the config file. */
const WORKFLOW = onPush(`  deploy:
    runs-on: ubuntu-latest
    environment: production
    permissions:
      deployments: write
    steps:
      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
      - id: deploy
        uses: ${PRODUCT_REPOSITORY}/actions/deploy-fargate@v1
        with:
          environment: production
          images: web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:2.0.0-errors
          circuit-breaker: false
          github-token: \${{ github.token }}
`)

describe('a rehearsal of a workflow whose config says canary', () => {
  it('seeds the second target group and the service for it; rolling config does not', async () => {
    const canary = (await parseConfigText(configText(47190), 'c.yml')).config
    const rolling = (await parseConfigText(configText(47190, 'rolling'), 'c.yml')).config
    const options = { repository: 'acme/shop', actor: 'dana' }
    const seeded = scenarioFromConfig(canary, options) as {
      services: { advancedConfiguration?: unknown; deploymentConfiguration: object }[]
      loadBalancers: { listeners: { targetGroups: unknown[] }[] }[]
    }
    expect(seeded.loadBalancers[0]?.listeners[0]?.targetGroups).toEqual([
      { name: 'shop-production-web', weight: 100 },
      { name: alternateGroupOf('shop-production-web'), weight: 0 }
    ])
    expect(seeded.services[0]?.advancedConfiguration).toEqual({
      alternateTargetGroup: 'shop-production-web-alt',
      productionListener: { loadBalancer: 'shop-production', port: 80 },
      roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers'
    })
    expect(seeded.services[0]?.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN' })
    // Rolling: one target group, no advancedConfiguration; asked for, the group alone.
    const plain = scenarioFromConfig(rolling, options) as typeof seeded
    expect(plain.loadBalancers[0]?.listeners[0]?.targetGroups).toHaveLength(1)
    expect(plain.services[0]?.advancedConfiguration).toBeUndefined()
    const prepared = scenarioFromConfig(rolling, {
      ...options,
      alternateTargetGroups: ['production']
    }) as typeof seeded
    expect(prepared.loadBalancers[0]?.listeners[0]?.targetGroups).toHaveLength(2)
    expect(prepared.services[0]?.advancedConfiguration).toBeUndefined()
    expect(prepared.services[0]?.deploymentConfiguration).not.toHaveProperty('strategy')
  })

  it('plays an -errors canary aborted at 10 %: weights back, previous revision, GitHub failure', async () => {
    const port = await freePort()
    const text = configText(port)
    const sim = await openSim({
      config: (await parseConfigText(text, '.github/fargate-promote.yml')).config,
      productRoot: PRODUCT_ROOT,
      workDir: tempDir(),
      timeScale: SCALE,
      repository: 'shop/web',
      actor: 'octocat',
      initial: '1.0.0',
      hostEnv
    })
    const aws = {
      endpoint: sim.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
    }
    const ecs = new ECSClient(aws)
    const elb = new ElasticLoadBalancingV2Client(aws)
    /** Production's weights: target group ARN → weight, as the listener forwards now. */
    const weights = async () => {
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster: 'shop-production', services: ['web'] })
      )
      const rule = services?.[0]?.loadBalancers?.[0]?.advancedConfiguration?.productionListenerRule
      const { Listeners } = await elb.send(
        new DescribeListenersCommand({ ListenerArns: [rule ?? ''] })
      )
      const groups = Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
      return Object.fromEntries(groups.map(g => [g.TargetGroupArn ?? '', g.Weight]))
    }
    try {
      const before = await weights()
      expect(Object.values(before).sort()).toEqual([0, 100])
      const result = await rehearseRepo(
        { '.github/fargate-promote.yml': text, '.github/workflows/ci.yml': WORKFLOW },
        { url: sim.url, scale: SCALE, sim: { url: sim.url, time: sim.time } }
      )
      const deploy = step(result, 'deploy', 'deploy')
      expect(job(result, 'deploy').state).toBe('failure')
      expect(deploy.outputs.status).toBe('rolled-back')
      expect(deploy.outputs['failure-reason']).toMatch(/^The analysis failed: new revision: /)
      const blast = Number(deploy.outputs['blast-radius'])
      expect(blast).toBeGreaterThan(0)
      expect(blast).toBeLessThanOrEqual(0.12)

      // The service runs its previous task definition again.
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster: 'shop-production', services: ['web'] })
      )
      expect(services?.[0]?.taskDefinition).toMatch(/:task-definition\/shop-production-web:1$/)
      // Production traffic is back at 100 % on the group that served it before.
      expect(await weights()).toEqual(before)
      // deploy-fargate, not ECS, stopped it: StopServiceDeployment ROLLBACK in the call log.
      const { calls } = (await (
        await fetch(`${sim.url}/_sim/calls?service=ecs&operation=StopServiceDeployment`)
      ).json()) as { calls: { params: { stopType?: string } }[] }
      expect(calls.map(c => c.params.stopType)).toEqual(['ROLLBACK'])
      // GitHub records the production deployment as failed, with the analysis.
      const base = `${sim.url}/github/repos/shop/web`
      const [deployment] = (await (
        await fetch(`${base}/deployments?environment=production`)
      ).json()) as { id: number }[]
      const [status] = (await (
        await fetch(`${base}/deployments/${deployment?.id}/statuses`)
      ).json()) as { state: string; description: string }[]
      expect(status?.state).toBe('failure')
      expect(status?.description).toMatch(/analysis/i)
    } finally {
      ecs.destroy()
      elb.destroy()
      await sim.stop()
    }
  }, 120_000)
})
