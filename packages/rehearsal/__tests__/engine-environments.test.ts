import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { parseConfigText, type PromotionConfig } from '@fargate-promote/promotion'
import { startSim, type Sim } from '@fargate-promote/sim'
import type { EnvironmentProtection } from '../src/engine/context.js'
import type { ApprovalRequest } from '../src/engine/context.js'
import type { JobResult } from '../src/model.js'
import { REHEARSAL_TOKEN } from '../src/rehearse.js'
import { protectionFromConfig, repositoryOf, scenarioFromConfig } from '../src/sim/seed.js'
import {
  cleanUp,
  job,
  markerStep,
  markerWritten,
  rehearseRepo,
  type Overrides
} from './fixtures/engine/repo.js'

const WORKFLOW = '.github/workflows/ci.yml'

const CONFIG = `version: 1
application: shop
environments:
  staging:
    region: eu-west-1
    cluster: shop-staging
    services:
      - name: web
        containers: [web]
    url: https://staging.example.test
  production:
    region: eu-west-1
    cluster: shop-production
    services:
      - name: web
        containers: [web, sidecar]
      - name: worker
        containers: [worker]
    desired-count: 2
    url: https://shop.example.test
    alarms: [shop-5xx, shop-latency]
    protection:
      reviewers:
        users: [alice]
        teams: [shop/releasers]
      wait-timer: 5
      branches: [main, 'release/*']
`

let config: PromotionConfig
let sim: Sim

beforeAll(async () => {
  config = (await parseConfigText(CONFIG, '.github/fargate-promote.yml')).config
  sim = await startSim({ virtualTime: true, timeScale: 60000 })
  // The reviewers of the config as the simulator's GitHub users and teams.
  const { github } = scenarioFromConfig(config, { repository: 'shop/web', actor: 'octocat' })
  const response = await fetch(`${sim.url}/_sim/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(github)
  })
  expect(response.status).toBe(200)
})

afterAll(async () => {
  await sim.stop()
})

afterEach(cleanUp)

const PRODUCTION: EnvironmentProtection = {
  reviewers: ['alice'],
  waitTimerMinutes: 5,
  branches: ['main']
}

/** deploy runs in production (its URL from a step), then notify after it. */
const deployWorkflow = `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
      url: \${{ steps.d.outputs.url }}
    steps:
      - id: d
        run: echo "url=https://shop.example.test" >> "$GITHUB_OUTPUT"
${markerStep}  notify:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo notified
`

function onSim(overrides: Overrides = {}): Overrides {
  return {
    url: sim.url,
    scale: sim.clock.scale,
    protection: environment => (environment === 'production' ? PRODUCTION : undefined),
    ...overrides
  }
}

async function pendingDeployments(runId: number): Promise<unknown[]> {
  const response = await fetch(
    `${sim.url}/github/repos/shop/web/actions/runs/${runId}/pending_deployments`,
    { headers: { authorization: `Bearer ${REHEARSAL_TOKEN}` } }
  )
  expect(response.status).toBe(200)
  return (await response.json()) as unknown[]
}

describe('required reviewers and the wait timer', () => {
  it('--approve: the approval is recorded, the wait timer passes, the job runs', async () => {
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({ decisions: { production: 'approve' }, runId: 11 })
    )
    const deploy = job(result, 'deploy')
    expect(deploy.state).toBe('success')
    expect(deploy.reason).toBeUndefined()
    expect(deploy.environment).toEqual({
      name: 'production',
      url: 'https://shop.example.test',
      approval: {
        decision: 'approved',
        by: 'alice (--approve)',
        at: expect.any(Number),
        waitTimerMs: 300_000
      }
    })
    expect(markerWritten(result.repoRoot)).toBe(true)
    expect(result.timeline).toEqual([
      {
        environment: 'production',
        at: expect.any(Number),
        kind: 'approval-requested',
        detail: 'approval of alice',
        job: 'deploy'
      },
      {
        environment: 'production',
        at: expect.any(Number),
        kind: 'approved',
        detail: 'approved by alice (--approve)',
        job: 'deploy'
      },
      {
        environment: 'production',
        at: expect.any(Number),
        kind: 'wait-timer',
        detail: 'wait timer 5 min',
        job: 'deploy'
      }
    ])
    // The job started once the wait timer (5 sim minutes) had passed.
    const approvedAt = deploy.environment?.approval?.at as number
    expect(deploy.startedAt as number).toBeGreaterThanOrEqual(approvedAt + 240_000)
    expect(job(result, 'notify').state).toBe('success')
    // Nothing waits in the simulator's GitHub once the job was approved.
    expect(await pendingDeployments(11)).toEqual([])
  })

  it('--reject: the job fails with the reason, nothing in it runs, jobs after it are skipped', async () => {
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({ decisions: { production: 'reject' } })
    )
    const deploy = job(result, 'deploy')
    expect(deploy).toMatchObject({
      state: 'failure',
      reason: 'Rejected by alice (--reject): the job did not run.',
      steps: [],
      environment: {
        name: 'production',
        approval: { decision: 'rejected', by: 'alice (--reject)', waitTimerMs: 300_000 }
      }
    })
    expect(markerWritten(result.repoRoot)).toBe(false)
    expect(result.timeline.map(e => [e.kind, e.detail])).toEqual([
      ['approval-requested', 'approval of alice'],
      ['rejected', 'rejected by alice (--reject)']
    ])
    expect(job(result, 'notify').state).toBe('skipped')
    expect(result.conclusion).toBe('failure')
  })

  it('no decision and no way to ask: the job fails naming --approve and --reject', async () => {
    const result = await rehearseRepo({ [WORKFLOW]: deployWorkflow }, onSim())
    expect(job(result, 'deploy')).toMatchObject({
      state: 'failure',
      reason:
        'production needs the approval of alice: give --approve production or --reject production, or run in a terminal to be asked.',
      steps: []
    })
    expect(markerWritten(result.repoRoot)).toBe(false)
  })

  it('ask: called with the environment, the job and the reviewers while the run waits in the simulator', async () => {
    const asked: ApprovalRequest[] = []
    const pending: unknown[][] = []
    const waiting: string[] = []
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({
        runId: 12,
        protection: protectionFromConfig(config),
        listener: {
          jobChanged: (j: JobResult) => {
            if (j.state === 'waiting') waiting.push(`${j.key}: ${j.reason ?? ''}`)
          },
          stepChanged: () => undefined,
          stepLine: () => undefined,
          environment: () => undefined,
          problem: () => undefined
        },
        ask: async request => {
          asked.push(request)
          pending.push(await pendingDeployments(12))
          return true
        }
      })
    )
    expect(asked).toEqual([
      { environment: 'production', job: 'deploy', reviewers: ['alice', 'shop/releasers'] }
    ])
    expect(pending).toEqual([
      [
        expect.objectContaining({
          environment: expect.objectContaining({ name: 'production' }),
          wait_timer: 5,
          reviewers: [
            expect.objectContaining({
              type: 'User',
              reviewer: expect.objectContaining({ login: 'alice' })
            }),
            expect.objectContaining({
              type: 'Team',
              reviewer: expect.objectContaining({ slug: 'releasers' })
            })
          ]
        })
      ]
    ])
    expect(waiting).toEqual([
      'deploy: approval of production by alice, shop/releasers',
      'deploy: wait timer of production: 5 min'
    ])
    expect(job(result, 'deploy').environment?.approval).toMatchObject({
      decision: 'approved',
      by: 'alice (asked on the terminal)'
    })
    expect(await pendingDeployments(12)).toEqual([])
  })

  it('ask answering no rejects the job', async () => {
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({ ask: () => Promise.resolve(false), actor: 'mona' })
    )
    expect(job(result, 'deploy')).toMatchObject({
      state: 'failure',
      reason: 'Rejected by alice (asked on the terminal): the job did not run.'
    })
  })

  it('a decision given up front wins over ask', async () => {
    let asked = 0
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({
        decisions: { production: 'approve' },
        ask: () => {
          asked++
          return Promise.resolve(false)
        }
      })
    )
    expect(asked).toBe(0)
    expect(job(result, 'deploy').state).toBe('success')
  })
})

describe('prevent-self-review', () => {
  const rules = (reviewers: string[]): EnvironmentProtection => ({
    reviewers,
    waitTimerMinutes: 0,
    branches: [],
    preventSelfReview: true
  })

  it('the approval is recorded for a reviewer other than the person who started the run', async () => {
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({
        actor: 'alice',
        decisions: { production: 'approve' },
        protection: () => rules(['Alice', 'bob'])
      })
    )
    expect(job(result, 'deploy').environment?.approval).toEqual({
      decision: 'approved',
      by: 'bob (--approve)',
      at: expect.any(Number),
      waitTimerMs: 0
    })
  })

  it('an environment whose only reviewer started the run cannot be approved', async () => {
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({
        actor: 'alice',
        decisions: { production: 'approve' },
        protection: () => rules(['alice'])
      })
    )
    expect(job(result, 'deploy')).toMatchObject({
      state: 'failure',
      reason:
        'production prevents self-review and alice, who started the run, is its only reviewer: nobody can approve it.',
      steps: []
    })
  })
})

describe('branch policies', () => {
  it('a branch the environment does not allow: the job fails with GitHub wording, nobody is asked', async () => {
    let asked = 0
    const result = await rehearseRepo(
      { [WORKFLOW]: deployWorkflow },
      onSim({
        ref: 'refs/heads/feature/login',
        ask: () => {
          asked++
          return Promise.resolve(true)
        }
      })
    )
    expect(job(result, 'deploy')).toMatchObject({
      state: 'failure',
      reason:
        'Branch "feature/login" is not allowed to deploy to production due to environment protection rules.',
      steps: []
    })
    expect(asked).toBe(0)
    expect(result.timeline).toEqual([])
  })

  it('the <env>-monitor companion: the branch policy only, no reviewers and no wait timer', async () => {
    const workflow = `on: push
jobs:
  monitor:
    runs-on: ubuntu-latest
    environment: production-monitor
    steps:
      - run: echo monitoring
`
    const allowed = await rehearseRepo(
      { [WORKFLOW]: workflow },
      onSim({ ref: 'refs/heads/release/1.2', protection: protectionFromConfig(config) })
    )
    expect(job(allowed, 'monitor')).toMatchObject({
      state: 'success',
      environment: { name: 'production-monitor' }
    })
    expect(job(allowed, 'monitor').environment?.approval).toBeUndefined()
    expect(allowed.timeline).toEqual([])
    const refused = await rehearseRepo(
      { [WORKFLOW]: workflow },
      onSim({ ref: 'refs/heads/release/1.2/hotfix', protection: protectionFromConfig(config) })
    )
    expect(job(refused, 'monitor').reason).toBe(
      'Branch "release/1.2/hotfix" is not allowed to deploy to production-monitor due to environment protection rules.'
    )
  })
})

describe('environments without reviewers', () => {
  it('a wait timer alone: approved by no reviewers, then the timer', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: `on:
  workflow_dispatch:
    inputs:
      target: { type: string, default: staging }
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: \${{ inputs.target }}
    steps:
      - run: echo deployed
`
      },
      onSim({
        event: 'workflow_dispatch',
        protection: () => ({ reviewers: [], waitTimerMinutes: 1, branches: [] })
      })
    )
    expect(job(result, 'deploy')).toMatchObject({
      state: 'success',
      environment: {
        name: 'staging',
        approval: { decision: 'approved', by: 'no reviewers', waitTimerMs: 60_000 }
      }
    })
    expect(result.timeline.map(e => e.kind)).toEqual(['wait-timer'])
  })

  it('an environment without rules (or none in the config) just runs', async () => {
    const result = await rehearseRepo(
      {
        [WORKFLOW]: `on: push
jobs:
  dev:
    runs-on: ubuntu-latest
    environment: dev
    steps:
      - run: echo dev
  staging:
    runs-on: ubuntu-latest
    environment:
      name: staging
      url: https://staging.example.test
    steps:
      - run: echo staging
  none:
    runs-on: ubuntu-latest
    environment: \${{ '' }}
    steps:
      - run: echo none
`
      },
      onSim({ protection: protectionFromConfig(config) })
    )
    expect(result.jobs.map(j => [j.key, j.state, j.environment])).toEqual([
      ['dev', 'success', { name: 'dev' }],
      ['staging', 'success', { name: 'staging', url: 'https://staging.example.test' }],
      ['none', 'success', undefined]
    ])
    expect(result.timeline).toEqual([])
  })
})

describe('the simulator world and protection rules from the config file', () => {
  it('scenarioFromConfig: clusters, services running the initial release, alarms, reviewers as users and teams', () => {
    const scenario = scenarioFromConfig(config, {
      repository: 'shop/web',
      actor: 'octocat',
      initial: '1.0.0',
      history: { main: ['a'.repeat(40)] }
    })
    expect(scenario).toMatchObject({
      region: 'eu-west-1',
      clusters: ['shop-staging', 'shop-production'],
      loadBalancers: [],
      targetGroups: [],
      alarms: [
        { name: 'shop-5xx', state: 'OK' },
        { name: 'shop-latency', state: 'OK' }
      ],
      github: {
        users: ['octocat', 'alice'],
        teams: ['shop/releasers'],
        repositories: [{ name: 'shop/web', branches: { main: ['a'.repeat(40)] } }]
      }
    })
    const { services, taskDefinitions } = scenario as {
      services: { cluster: string; name: string; desiredCount: number }[]
      taskDefinitions: {
        family: string
        containerDefinitions: { name: string; image: string; essential: boolean }[]
      }[]
    }
    expect(services.map(s => [s.cluster, s.name, s.desiredCount])).toEqual([
      ['shop-staging', 'web', 1],
      ['shop-production', 'web', 2],
      ['shop-production', 'worker', 2]
    ])
    expect(taskDefinitions[1]).toMatchObject({
      family: 'shop-production-web',
      containerDefinitions: [
        {
          name: 'web',
          image: `${repositoryOf('eu-west-1', 'shop', 'web')}:1.0.0`,
          essential: true
        },
        {
          name: 'sidecar',
          image: expect.stringMatching(/shop\/sidecar:1\.0\.0$/),
          essential: false
        }
      ]
    })
    expect(repositoryOf('eu-west-1', 'shop', 'web')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web'
    )
  })

  it('scenarioFromConfig: a loopback URL gets a load balancer listening on its port', async () => {
    const loaded = await parseConfigText(
      `version: 1
environments:
  dev:
    region: us-east-1
    cluster: dev
    services:
      - name: api
        containers: [api]
      - name: jobs
        containers: [jobs]
    url: http://127.0.0.1:47190
  local:
    region: us-east-1
    cluster: local
    services:
      - name: api
        containers: [api]
    url: http://localhost
`,
      'config.yml'
    )
    const scenario = scenarioFromConfig(loaded.config, { repository: 'o/r', actor: 'me' }) as {
      loadBalancers: { name: string; listeners: { bindPort: number }[] }[]
      targetGroups: { name: string }[]
      services: { name: string; targetGroup?: string }[]
      github: Record<string, unknown>
    }
    expect(scenario.loadBalancers).toEqual([
      expect.objectContaining({
        name: 'app-dev',
        listeners: [expect.objectContaining({ bindPort: 47190 })]
      }),
      expect.objectContaining({
        name: 'app-local',
        listeners: [expect.objectContaining({ bindPort: 80 })]
      })
    ])
    expect(scenario.targetGroups.map(t => t.name)).toEqual(['app-dev-api', 'app-local-api'])
    // Only the first service of an environment is behind its load balancer.
    expect(scenario.services.map(s => [s.name, s.targetGroup])).toEqual([
      ['api', 'app-dev-api'],
      ['jobs', undefined],
      ['api', 'app-local-api']
    ])
    expect(scenario.github).toEqual({ users: ['me'], teams: [] })
  })

  it('protectionFromConfig: reviewers (users and teams), wait timer, branches; <env>-monitor gets the branches only', () => {
    const protection = protectionFromConfig(config)
    expect(protection('production')).toEqual({
      reviewers: ['alice', 'shop/releasers'],
      waitTimerMinutes: 5,
      branches: ['main', 'release/*'],
      tags: [],
      preventSelfReview: false
    })
    expect(protection('production-monitor')).toEqual({
      reviewers: [],
      waitTimerMinutes: 0,
      branches: ['main', 'release/*'],
      tags: [],
      preventSelfReview: false
    })
    expect(protection('staging')).toEqual({
      reviewers: [],
      waitTimerMinutes: 0,
      branches: [],
      tags: [],
      preventSelfReview: false
    })
    expect(protection('qa')).toBeUndefined()
    expect(protection('qa-monitor')).toBeUndefined()
  })
})
