import { describe, expect, it } from '@jest/globals'
import { stripVTControlCharacters } from 'node:util'
import { parseConfigText, type GitHubClient } from '@fargate-promote/promotion'
import pc from 'picocolors'
import {
  readBoard,
  soakOf,
  verificationOf,
  type Board,
  type EnvironmentStatus
} from '../src/status/board.js'
import type { ServiceStatus } from '../src/status/ecs.js'
import { boardJson, boardMarkdown, boardText, shortImage } from '../src/status/view.js'

const NOW = Date.UTC(2026, 10, 26, 12)
const MIN = 60_000

const CONFIG = `version: 1
environments:
  staging:
    region: eu-west-1
    cluster: shop-staging
    services: [{ name: web, containers: [web] }]
    soak: 30m
  production:
    region: us-east-1
    cluster: shop-production
    services: [{ name: web, containers: [web] }]
`

const service = (overrides: Partial<ServiceStatus> = {}): ServiceStatus => ({
  service: 'web',
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/web:7',
  revision: 'web:7',
  version: '1.4.2',
  images: { web: [`repo/shop/web@sha256:${'0123456789abcdef'.repeat(4)}`] },
  runningTasks: 2,
  desiredTasks: 2,
  liveSince: NOW - 10 * MIN,
  serving: true,
  problems: [],
  ...overrides
})

describe('verificationOf and soakOf', () => {
  it.each([
    [undefined, 'unknown'],
    [null, 'none'],
    ['success', 'verified'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['inactive', 'inactive'],
    ['in_progress', 'in-progress'],
    ['queued', 'in-progress'],
    ['strange', 'unknown']
  ])('a deployment %p is %p', (state, expected) => {
    const deployment =
      state === undefined || state === null
        ? state
        : { id: 1, sha: 's', createdAt: '', ...(state === 'strange' ? {} : { state }) }
    expect(verificationOf(deployment)).toBe(expected)
  })

  it('the soak left: since the newest service went live, else since the GitHub deployment', () => {
    expect(soakOf('30m', [service()], undefined, NOW)).toEqual({
      requiredMs: 30 * MIN,
      since: NOW - 10 * MIN,
      remainingMs: 20 * MIN
    })
    const recorded = { id: 1, sha: 's', createdAt: new Date(NOW - 45 * MIN).toISOString() }
    expect(soakOf('30m', [service({ liveSince: undefined })], recorded, NOW)).toMatchObject({
      remainingMs: 0
    })
    expect(soakOf('30m', [service({ liveSince: undefined })], null, NOW)).toBeUndefined()
    expect(soakOf(undefined, [service()], null, NOW)).toBeUndefined()
  })
})

describe('readBoard', () => {
  it('every environment in the order of the config; a part that fails says why, the rest is shown', async () => {
    const loaded = await parseConfigText(CONFIG, '.github/fargate-promote.yml')
    const regions: string[] = []
    const github: GitHubClient = {
      request: route => {
        if (route.endsWith('/deployments')) return Promise.reject(new Error('GitHub is down'))
        return Promise.resolve({ status: 404, data: {} })
      }
    }
    const board = await readBoard(loaded, {
      clients: region => {
        regions.push(region)
        return Promise.reject(new Error(`no credentials for ${region}`))
      },
      github: { client: github, repo: { owner: 'acme', repo: 'shop' } },
      now: NOW
    })
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1'])
    expect(board).toMatchObject({
      config: '.github/fargate-promote.yml',
      repository: 'acme/shop',
      approvalsUnknown: expect.stringContaining('404 or 403'),
      environments: [
        {
          name: 'staging',
          region: 'eu-west-1',
          services: [],
          ecsError: 'no credentials for eu-west-1',
          githubError: 'GitHub is down',
          verification: 'unknown'
        },
        { name: 'production', cluster: 'shop-production', verification: 'unknown' }
      ]
    })
    expect(board.environments[0]?.approvals).toBeUndefined()
  })

  it('without GitHub: why it was not read, and nothing of it', async () => {
    const loaded = await parseConfigText(CONFIG, 'c.yml')
    const board = await readBoard(loaded, {
      clients: () => Promise.reject(new Error('x')),
      githubUnavailable: '--no-github was given',
      now: NOW
    })
    expect(board.githubUnavailable).toBe('--no-github was given')
    expect(board.repository).toBeUndefined()
    expect(board.environments.map(e => [e.name, e.deployment, e.verification])).toEqual([
      ['staging', undefined, 'unknown'],
      ['production', undefined, 'unknown']
    ])
  })
})

const staging: EnvironmentStatus = {
  name: 'staging',
  region: 'eu-west-1',
  cluster: 'shop-staging',
  services: [
    service(),
    service({
      service: 'worker',
      images: {},
      revision: undefined,
      version: undefined,
      serving: false,
      problems: ['desired count is 0: no task serves traffic'],
      runningTasks: 0,
      desiredTasks: 0
    })
  ],
  deployment: {
    id: 8,
    sha: 'abc',
    createdAt: new Date(NOW - 12 * MIN).toISOString(),
    creator: 'alice[bot]',
    state: 'success',
    description: 'Deployed 1.4.2'
  },
  latest: {
    id: 9,
    sha: 'def',
    createdAt: '',
    version: '1.5.0',
    state: 'failure',
    description: 'rolled-back: crash'
  },
  verification: 'verified',
  soak: { requiredMs: 30 * MIN, since: NOW - 10 * MIN, remainingMs: 20 * MIN },
  approvals: []
}

const production: EnvironmentStatus = {
  name: 'production',
  region: 'eu-west-1',
  cluster: 'shop-production',
  services: [],
  ecsError: 'Cluster not found.',
  deployment: {
    id: 3,
    sha: 'abc',
    createdAt: '',
    state: 'failure',
    description: 'failed: <script>|x'
  },
  verification: 'failed',
  approvals: [
    {
      environment: 'production',
      runId: 11,
      runUrl: 'https://github.com/acme/shop/actions/runs/11',
      workflow: 'Promote',
      branch: 'main',
      actor: 'bob',
      reviewers: ['alice-release', 'platform']
    },
    { environment: 'production', runId: 12, reviewers: [] }
  ]
}

const board: Board = {
  config: '.github/fargate-promote.yml',
  repository: 'acme/shop',
  generatedAt: NOW,
  approvalsUnknown: undefined,
  environments: [
    staging,
    production,
    {
      ...production,
      name: 'dev',
      approvals: undefined,
      deployment: undefined,
      verification: 'unknown',
      ecsError: undefined,
      githubError: 'timeout'
    }
  ]
}

describe('the board', () => {
  it('as a table: a row per service, the environment on its first; then what needs attention', () => {
    const text = boardText(board, pc.createColors(false))
    expect(text.split('\n')).toEqual([
      'ENVIRONMENT  SERVICE  VERSION  REVISION  TASKS  IMAGES                   DEPLOYED  BY          VERIFIED  SOAK      APPROVALS',
      'staging      web      1.4.2    web:7     2/2    web@sha256:0123456789ab  12m ago   alice[bot]  verified  20m left  none',
      '             worker   -        -         0/0    -',
      'production   -        -        -         -      -                        -         -           failed    -         2 waiting',
      'dev          -        -        -         -      -                        -         -           unknown   -         unknown',
      'staging/worker: desired count is 0: no task serves traffic',
      'staging: the newest deployment 9 (1.5.0) is not what runs; failure: rolled-back: crash',
      'production: ECS could not be read: Cluster not found.',
      'production: deployment 3 failure: failed: <script>|x',
      'production: run 11 (Promote on main by bob) waits for alice-release, platform https://github.com/acme/shop/actions/runs/11',
      'production: run 12 (workflow) waits for a reviewer',
      'dev: GitHub could not be read: timeout'
    ])
  })

  it('coloured on a terminal: not serving red, verified green', () => {
    const text = boardText(board, pc.createColors(true))
    expect(text).toContain(pc.createColors(true).green('verified'))
    expect(text).toContain(pc.createColors(true).red('0/0'))
    expect(stripVTControlCharacters(text)).toBe(boardText(board, pc.createColors(false)))
  })

  it('as Markdown: every cell and line escaped', () => {
    const lines = boardMarkdown({ ...board, githubUnavailable: 'no token' }).split('\n')
    expect(lines[0]).toBe(
      '| environment | service | version | revision | tasks | images | deployed | by | verified | soak | approvals |'
    )
    expect(lines[2]).toBe(
      '| staging | web | 1.4.2 | web:7 | 2/2 | web@sha256:0123456789ab | 12m ago | alice&#91;bot&#93; | verified | 20m left | none |'
    )
    expect(lines).toContain('- GitHub was not read: no token.')
    expect(lines).toContain('- production: deployment 3 failure: failed: &lt;script&gt;&#124;x')
    expect(boardMarkdown({ ...board, environments: [] }).split('\n')).toHaveLength(2)
  })

  it('as JSON: times in ISO 8601', () => {
    const json = boardJson(board)
    expect(json).toMatchObject({
      ok: true,
      generatedAt: '2026-11-26T12:00:00.000Z',
      environments: [
        {
          services: [
            { liveSince: '2026-11-26T11:50:00.000Z' },
            { liveSince: '2026-11-26T11:50:00.000Z' }
          ],
          soak: { since: '2026-11-26T11:50:00.000Z', remainingMs: 20 * MIN }
        },
        { name: 'production' },
        { name: 'dev' }
      ]
    })
  })

  it('shortens an image to its name and 12 hex characters of its digest', () => {
    expect(shortImage(`registry.example.com/shop/web@sha256:${'a'.repeat(64)}`)).toBe(
      `web@sha256:${'a'.repeat(12)}`
    )
    expect(shortImage('nginx:1.27')).toBe('nginx:1.27')
  })
})
