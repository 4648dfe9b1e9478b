/**
 * The shipped templates with a manual gate at a PAUSE hook, rehearsed against one simulator:
 * a production deploy (deploy.yml, config `pause-at` + `pauses: wait`) ends paused without
 * verifying the release before, then resume.yml — approved through production's reviewers —
 * continues it to the new revision, or aborts it back to the previous one, each recorded on the
 * same GitHub deployment.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs'
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { parseConfigText } from '@fargate-promote/promotion'
import { rehearse } from '../src/rehearse.js'
import type { EnvironmentProtection } from '../src/engine/context.js'
import type { RehearsalResult } from '../src/model.js'
import { openSim } from '../src/sim/open.js'
import type { RunningSim } from '../src/sim/start.js'
import {
  PRODUCT_ROOT,
  cleanUp,
  job,
  optionsFor,
  step,
  tempDir,
  writeRepo
} from './fixtures/engine/repo.js'

afterEach(cleanUp)

const hostEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
/** A sim minute is a quarter of a real second: the canary's 10 minutes pass in seconds. */
const SCALE = 240
const template = (name: string): string =>
  readFileSync(new URL(`../../../workflows-templates/${name}`, import.meta.url), 'utf8')

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}

/** Production: a canary that stops before production traffic moves, for a person to decide. */
const configText = (port: number) => `version: 1
application: shop
environments:
  production:
    region: eu-west-1
    role: arn:aws:iam::123456789012:role/shop-production-deploy
    cluster: shop-production
    services:
      - name: web
        containers: [web]
    desired-count: 2
    url: http://127.0.0.1:${port}
    strategy: canary
    canary-percent: 10%
    canary-bake: 10m
    bake-time: 1m
    max-error-rate: 5%
    min-requests: 10
    pause-at: [PRE_PRODUCTION_TRAFFIC_SHIFT]
    pauses: wait
`

/** What production.yml does after its gate: the reusable deploy.yml for production. */
const RELEASE = `name: Release
on: workflow_dispatch
permissions:
  contents: read
jobs:
  deploy:
    uses: ./.github/workflows/deploy.yml
    permissions:
      contents: read
      id-token: write
      deployments: write
    with:
      environment: production
      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:2.0.0
      version: 2.0.0
      monitor: 10m
      rollback-on-failure: true
`

/** Production's reviewers: every job in the environment waits for an approval. */
const protection = (environment: string): EnvironmentProtection | undefined =>
  environment === 'production'
    ? { reviewers: ['alice-release'], waitTimerMinutes: 0, branches: ['main'] }
    : undefined

interface Production {
  sim: RunningSim
  repoRoot: string
  /** The task definition the service runs now. */
  live: () => Promise<string | undefined>
  /** The service's ECS deployments, newest first: revision, rollout state, running tasks of a complete one. */
  rollout: () => Promise<
    { taskDefinition?: string; rolloutState?: string; runningCount?: number }[]
  >
  /** Production's listener weights: target group ARN → weight. */
  weights: () => Promise<Record<string, number | undefined>>
  /** The environment's GitHub deployments, newest first, each with its statuses (newest first). */
  deployments: () => Promise<{ id: number; statuses: { state: string; description: string }[] }[]>
  /** Rehearses one workflow of the repository, by hand (workflow_dispatch), approving production. */
  run: (workflow: string, inputs?: Record<string, string>) => Promise<RehearsalResult>
  stop: () => Promise<void>
}

/** The simulator seeded from the config, and the application repository with the templates. */
async function production(): Promise<Production> {
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
  const repoRoot = await writeRepo({
    '.github/fargate-promote.yml': text,
    '.github/workflows/release.yml': RELEASE,
    '.github/workflows/deploy.yml': template('deploy.yml'),
    '.github/workflows/rollback.yml': template('rollback.yml'),
    '.github/workflows/resume.yml': template('resume.yml')
  })
  const aws = {
    endpoint: sim.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' }
  }
  const ecs = new ECSClient(aws)
  const elb = new ElasticLoadBalancingV2Client(aws)
  const service = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'shop-production', services: ['web'] })))
      .services?.[0]
  const base = `${sim.url}/github/repos/shop/web`
  let runId = 0
  return {
    sim,
    repoRoot,
    live: async () => (await service())?.taskDefinition,
    rollout: async () =>
      ((await service())?.deployments ?? []).map(d => ({
        taskDefinition: d.taskDefinition,
        rolloutState: d.rolloutState,
        ...(d.rolloutState === 'COMPLETED' && { runningCount: d.runningCount })
      })),
    weights: async () => {
      const rule = (await service())?.loadBalancers?.[0]?.advancedConfiguration
        ?.productionListenerRule
      const { Listeners } = await elb.send(
        new DescribeListenersCommand({ ListenerArns: [rule ?? ''] })
      )
      const groups = Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? []
      return Object.fromEntries(groups.map(g => [g.TargetGroupArn ?? '', g.Weight]))
    },
    deployments: async () => {
      const list = (await (await fetch(`${base}/deployments?environment=production`)).json()) as {
        id: number
      }[]
      return Promise.all(
        list.map(async ({ id }) => ({
          id,
          statuses: (await (await fetch(`${base}/deployments/${id}/statuses`)).json()) as {
            state: string
            description: string
          }[]
        }))
      )
    },
    run: (workflow, inputs = {}) =>
      rehearse(
        optionsFor(repoRoot, {
          workflow,
          event: 'workflow_dispatch',
          inputs,
          decisions: { production: 'approve' },
          protection,
          url: sim.url,
          scale: SCALE,
          sim: { url: sim.url, time: sim.time },
          runId: ++runId
        })
      ),
    stop: async () => {
      ecs.destroy()
      elb.destroy()
      await sim.stop()
    }
  }
}

/** The release deploy, which must end paused with nothing moved and nothing verified. */
async function pausedRelease(p: Production): Promise<{ previous: string; newRevision: string }> {
  const previous = (await p.live()) as string
  const weightsBefore = await p.weights()
  const release = await p.run('.github/workflows/release.yml')
  expect(release.conclusion).toBe('success')
  const deploy = step(release, 'deploy/deploy', 'deploy')
  expect(deploy.outputs.status).toBe('paused')
  const newRevision = deploy.outputs['task-definition-arn'] as string
  expect(newRevision).not.toBe(previous)
  expect(deploy.outputs['paused-hook-id']).toMatch(/\S/)
  // Not verified, not monitored: production still runs the release before.
  expect(step(release, 'deploy/deploy', 'verify').state).toBe('skipped')
  expect(step(release, 'deploy/deploy', 'monitor').state).toBe('skipped')
  const paused = step(release, 'deploy/deploy', 'paused')
  expect(paused.state).toBe('success')
  expect(paused.summary).toContain('paused, not verified')
  expect(paused.annotations.map(a => a.level)).toEqual(['notice'])
  // The workflow's outputs say paused and point at resume.yml; nothing claims healthy.
  const outputs = job(release, 'deploy').outputs
  expect(outputs.status).toBe('paused')
  expect(outputs.healthy).toBe('')
  expect(outputs.resume).toContain('Actions → Resume')
  expect(job(release, 'deploy/rollback').state).toBe('skipped')
  // Production still runs the previous revision: its deployment complete with every task, all
  // production traffic on it; the new one waits, in progress, with no production request.
  expect(await p.rollout()).toEqual([
    { taskDefinition: newRevision, rolloutState: 'IN_PROGRESS' },
    { taskDefinition: previous, rolloutState: 'COMPLETED', runningCount: 2 }
  ])
  expect(await p.weights()).toEqual(weightsBefore)
  const [record] = await p.deployments()
  expect(record?.id).toBe(Number(outputs['github-deployment-id']))
  expect(record?.statuses[0]).toMatchObject({
    state: 'in_progress',
    description: 'Paused at PRE_PRODUCTION_TRAFFIC_SHIFT: continue or abort with resume'
  })
  return { previous, newRevision }
}

describe('a production deploy paused at a PAUSE hook, answered by resume.yml', () => {
  it('ends paused unverified; continue (approved) at each pause makes the new revision live, GitHub success', async () => {
    const p = await production()
    try {
      const { previous, newRevision } = await pausedRelease(p)
      const resume = () =>
        p.run('.github/workflows/resume.yml', { environment: 'production', decision: 'continue' })

      // A canary shifts production traffic twice (10 %, then 100 %) and ECS runs the
      // PRE_PRODUCTION_TRAFFIC_SHIFT hook before each: the first continue lets the 10 % step
      // through, judged, and stops again before 100 % — still unverified, still in progress.
      const first = await resume()
      expect(first.conclusion).toBe('success')
      const firstJob = job(first, 'resume')
      // The manual gate: the job ran in production, after its reviewers' approval.
      expect(firstJob.environment).toMatchObject({
        name: 'production',
        approval: { decision: 'approved' }
      })
      expect(step(first, 'resume', 'resume').outputs.status).toBe('paused')
      expect(step(first, 'resume', 'resume').log).toMatch(/10% step, .*: pass/)
      expect(step(first, 'resume', 'verify').state).toBe('skipped')
      expect(step(first, 'resume', 'summary').summary).toContain('paused again')
      expect(job(first, 'rollback').state).toBe('skipped')
      expect((await p.rollout())[1]).toEqual({
        taskDefinition: previous,
        rolloutState: 'COMPLETED',
        runningCount: 2
      })
      expect((await p.deployments())[0]?.statuses[0]?.state).toBe('in_progress')

      // The second continue takes it to 100 %: complete, verified, recorded as deployed.
      const second = await resume()
      expect(second.conclusion).toBe('success')
      expect(step(second, 'resume', 'resume').outputs.status).toBe('succeeded')
      const verify = step(second, 'resume', 'verify')
      expect(verify.state).toBe('success')
      expect(verify.outputs.healthy).toBe('true')
      expect(job(second, 'rollback').state).toBe('skipped')
      expect(await p.live()).toBe(newRevision)
      expect(await p.rollout()).toEqual([
        { taskDefinition: newRevision, rolloutState: 'COMPLETED', runningCount: 2 }
      ])
      const [record, ...older] = await p.deployments()
      expect(older).toEqual([])
      expect(record?.statuses[0]).toMatchObject({
        state: 'success',
        description: expect.stringMatching(/^Deployed 2\.0\.0 \(continued by octocat/)
      })
      expect(record?.statuses.map(status => status.description)).toContain(
        'Continuing by octocat at the pause'
      )
    } finally {
      await p.stop()
    }
  }, 180_000)

  it('abort rolls back: the previous revision, all traffic on it, GitHub failure', async () => {
    const p = await production()
    try {
      const weightsBefore = await p.weights()
      const { previous } = await pausedRelease(p)

      const aborted = await p.run('.github/workflows/resume.yml', {
        environment: 'production',
        decision: 'abort'
      })
      // It did what was asked: the run passes, and nothing is verified or rolled back again.
      expect(aborted.conclusion).toBe('success')
      expect(step(aborted, 'resume', 'resume').outputs.status).toBe('rolled-back')
      expect(step(aborted, 'resume', 'verify').state).toBe('skipped')
      expect(job(aborted, 'rollback').state).toBe('skipped')
      expect(await p.live()).toBe(previous)
      expect((await p.rollout())[0]).toEqual({
        taskDefinition: previous,
        rolloutState: 'COMPLETED',
        runningCount: 2
      })
      expect(await p.weights()).toEqual(weightsBefore)
      expect(Object.values(weightsBefore).sort()).toEqual([0, 100])
      const [record] = await p.deployments()
      expect(record?.statuses[0]).toMatchObject({
        state: 'failure',
        description: 'Aborted by octocat at the pause at PRE_PRODUCTION_TRAFFIC_SHIFT.'
      })
    } finally {
      await p.stop()
    }
  }, 180_000)
})
