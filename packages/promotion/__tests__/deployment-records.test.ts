import { describe, expect, it } from '@jest/globals'
import {
  listDeploymentHistory,
  parseRepository,
  setDeploymentState,
  startDeploymentRecord,
  type GitHubClient
} from '../src/index.js'

interface Recorded {
  route: string
  parameters: Record<string, unknown>
}

interface FakeDeployment {
  id: number
  sha: string
  created_at: string
  payload: unknown
  statuses: { state: string; created_at: string }[]
}

/**
 * How GitHub answers one create: `lost` creates the deployment and then fails (a 502 from its
 * front end, after the work was done); `before` fails without creating; `refused` is a 422.
 */
type CreateFault = 'lost' | 'before' | 'refused'

const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status })

/** Answers like GitHub's deployments API from an in-memory list. */
class FakeGitHub implements GitHubClient {
  readonly requests: Recorded[] = []
  constructor(
    readonly deployments: FakeDeployment[] = [],
    private readonly createAnswer: { status: number; data: unknown } = {
      status: 201,
      data: { id: 77 }
    },
    private readonly createFaults: CreateFault[] = []
  ) {}

  private create(parameters: Record<string, unknown>) {
    const fault = this.createFaults.shift()
    if (fault === undefined) return Promise.resolve(this.createAnswer)
    if (fault === 'refused') return Promise.reject(httpError(422))
    if (fault === 'lost') {
      const { payload, ref } = parameters as { payload: unknown; ref: string }
      const id = 90 + this.deployments.length
      // Listed after the others: the lookup must not take whichever comes first.
      this.deployments.push({
        id,
        sha: ref,
        created_at: '2026-12-08T01:00:00Z',
        payload,
        statuses: []
      })
    }
    return Promise.reject(httpError(502))
  }

  request(route: string, parameters: Record<string, unknown> = {}) {
    this.requests.push({ route, parameters })
    switch (route) {
      case 'POST /repos/{owner}/{repo}/deployments':
        return this.create(parameters)
      case 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses':
        return Promise.resolve({ status: 201, data: { id: 1, state: parameters.state } })
      case 'GET /repos/{owner}/{repo}/deployments': {
        const data = this.deployments
          .filter(d => parameters.sha === undefined || d.sha === parameters.sha)
          .slice(0, parameters.per_page as number)
          .map(({ statuses: _statuses, ...deployment }) => deployment)
        return Promise.resolve({ status: 200, data })
      }
      case 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
        const found = this.deployments.find(d => d.id === parameters.deployment_id)
        const data = [...(found?.statuses ?? [])].reverse().slice(0, parameters.per_page as number)
        return Promise.resolve({ status: 200, data })
      }
      default:
        return Promise.resolve({ status: 404, data: { message: 'Not Found' } })
    }
  }
}

const payload = { cluster: 'staging', service: 'web', version: '1.4.2' }

describe('startDeploymentRecord', () => {
  it('creates the deployment without auto-merge or required contexts, then marks it in_progress', async () => {
    const github = new FakeGitHub()
    const record = await startDeploymentRecord(
      {
        owner: 'acme',
        repo: 'web',
        ref: 'abc1234',
        environment: 'production',
        description: 'd'.repeat(200),
        payload,
        logUrl: 'https://github.com/acme/web/actions/runs/1',
        environmentUrl: 'https://web.example.com'
      },
      { github, newKey: () => 'key-1' }
    )
    expect(record).toEqual({ owner: 'acme', repo: 'web', id: 77, environment: 'production' })
    expect(github.requests).toEqual([
      {
        route: 'POST /repos/{owner}/{repo}/deployments',
        parameters: {
          owner: 'acme',
          repo: 'web',
          ref: 'abc1234',
          environment: 'production',
          description: 'd'.repeat(140),
          payload: { ...payload, recordKey: 'key-1' },
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
          production_environment: true,
          // Never retried: GitHub may have created it though its answer was lost (below).
          request: { retries: 0 }
        }
      },
      {
        route: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        parameters: {
          owner: 'acme',
          repo: 'web',
          deployment_id: 77,
          state: 'in_progress',
          description: 'd'.repeat(140),
          log_url: 'https://github.com/acme/web/actions/runs/1',
          environment_url: 'https://web.example.com',
          auto_inactive: true
        }
      }
    ])
  })

  const start = (github: FakeGitHub, keys = ['key-1', 'key-2']) =>
    startDeploymentRecord(
      {
        owner: 'acme',
        repo: 'web',
        ref: 'abc1234',
        environment: 'staging',
        description: 'd',
        payload
      },
      { github, newKey: () => keys.shift() ?? 'no-more-keys' }
    )
  const creates = (github: FakeGitHub) =>
    github.requests.filter(r => r.route === 'POST /repos/{owner}/{repo}/deployments')

  it('keeps the deployment GitHub created when its answer was lost: found by its key, not created twice', async () => {
    // Another run's deployment, listed first: only the key tells ours apart.
    const other = { id: 500, sha: 'abc1234', created_at: '2026-12-08T02:00:00Z', statuses: [] }
    const github = new FakeGitHub([], undefined, ['lost'])
    github.deployments.push({ ...other, payload: { ...payload, recordKey: 'another-run' } })
    const record = await start(github)
    expect(record.id).toBe(91)
    expect(creates(github)).toHaveLength(1)
    expect(github.deployments.map(d => d.id).sort()).toEqual([500, 91].sort())
    expect(github.requests.map(r => r.route)).toEqual([
      'POST /repos/{owner}/{repo}/deployments',
      'GET /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'
    ])
    expect(github.requests[1]?.parameters).toMatchObject({ environment: 'staging' })
    expect(github.requests[2]?.parameters).toMatchObject({ deployment_id: 91 })
  })

  it('creates again, each time without retries and with the same key, when GitHub failed before creating', async () => {
    // Only another run's deployment is listed: it is not ours.
    const other = { id: 500, sha: 'abc1234', created_at: '2026-12-08T02:00:00Z', statuses: [] }
    const github = new FakeGitHub(
      [{ ...other, payload: { ...payload, recordKey: 'another-run' } }],
      undefined,
      ['before', 'before']
    )
    const record = await start(github)
    expect(record.id).toBe(77)
    expect(creates(github)).toHaveLength(3)
    for (const create of creates(github)) {
      expect(create.parameters).toMatchObject({
        request: { retries: 0 },
        payload: { ...payload, recordKey: 'key-1' }
      })
    }
  })

  it('gives up after three lost answers, with the last error', async () => {
    const github = new FakeGitHub([], undefined, ['before', 'before', 'before'])
    await expect(start(github)).rejects.toMatchObject({ status: 502 })
    expect(creates(github)).toHaveLength(3)
  })

  it('does not look for or retry a create GitHub refused (4xx)', async () => {
    const github = new FakeGitHub([], undefined, ['refused'])
    await expect(start(github)).rejects.toMatchObject({ status: 422 })
    expect(github.requests.map(r => r.route)).toEqual(['POST /repos/{owner}/{repo}/deployments'])
  })

  it('gives every record its own key', async () => {
    const github = new FakeGitHub()
    await startDeploymentRecord(
      { owner: 'acme', repo: 'web', ref: 'a', environment: 'staging', description: 'd', payload },
      { github }
    )
    await startDeploymentRecord(
      { owner: 'acme', repo: 'web', ref: 'a', environment: 'staging', description: 'd', payload },
      { github }
    )
    const keys = creates(github).map(r => (r.parameters.payload as { recordKey: string }).recordKey)
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(new Set(keys).size).toBe(2)
  })

  it('links the environment URL without the user and password it may carry', async () => {
    const github = new FakeGitHub()
    await startDeploymentRecord(
      {
        owner: 'acme',
        repo: 'web',
        ref: 'abc1234',
        environment: 'staging',
        description: 'd',
        payload,
        environmentUrl: 'https://deployer:hunter2@web.example.com/app'
      },
      { github }
    )
    expect(github.requests[1]?.parameters).toMatchObject({
      environment_url: 'https://web.example.com/app'
    })
  })

  it.each([
    { environment: 'staging', productionEnvironment: undefined, expected: false },
    { environment: 'prod-eu', productionEnvironment: true, expected: true }
  ])(
    'marks $environment as production environment: $expected',
    async ({ environment, productionEnvironment, expected }) => {
      const github = new FakeGitHub()
      await startDeploymentRecord(
        {
          owner: 'o',
          repo: 'r',
          ref: 'main',
          environment,
          description: 'deploy',
          payload,
          ...(productionEnvironment !== undefined && { productionEnvironment })
        },
        { github }
      )
      expect(github.requests[0]?.parameters.production_environment).toBe(expected)
    }
  )

  it.each([
    {
      name: 'a 202 merge answer',
      answer: { status: 202, data: { message: 'Auto-merged master into topic on deployment.' } },
      message:
        'GitHub did not create the deployment (HTTP 202: Auto-merged master into topic on deployment.).'
    },
    {
      name: 'a 201 without an id',
      answer: { status: 201, data: {} },
      message: 'GitHub did not create the deployment (HTTP 201).'
    }
  ])('fails on $name and posts no status', async ({ answer, message }) => {
    const github = new FakeGitHub([], answer)
    await expect(
      startDeploymentRecord(
        { owner: 'o', repo: 'r', ref: 'main', environment: 'staging', description: 'x', payload },
        { github }
      )
    ).rejects.toThrow(message)
    expect(github.requests).toHaveLength(1)
  })
})

describe('setDeploymentState', () => {
  it.each(['success', 'failure', 'inactive', 'error'] as const)(
    'posts a %s status with auto_inactive',
    async state => {
      const github = new FakeGitHub()
      await setDeploymentState(
        { owner: 'o', repo: 'r', id: 5, environment: 'staging' },
        { state, description: `now ${state}` },
        { github }
      )
      expect(github.requests).toEqual([
        {
          route: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
          parameters: {
            owner: 'o',
            repo: 'r',
            deployment_id: 5,
            state,
            description: `now ${state}`,
            log_url: undefined,
            environment_url: undefined,
            auto_inactive: true
          }
        }
      ])
    }
  )
})

describe('listDeploymentHistory', () => {
  const at = (hour: number) => `2026-11-26T${String(hour).padStart(2, '0')}:00:00Z`
  const history = () =>
    new FakeGitHub([
      // GitHub's order is not documented: the oldest comes first here on purpose.
      {
        id: 1,
        sha: 'aaa1111',
        created_at: at(8),
        payload: JSON.stringify(payload),
        statuses: [
          { state: 'in_progress', created_at: at(8) },
          { state: 'success', created_at: at(9) }
        ]
      },
      { id: 3, sha: 'ccc3333', created_at: at(10), payload: '{not json', statuses: [] },
      {
        id: 2,
        sha: 'bbb2222',
        created_at: at(9),
        payload: ['a'],
        statuses: [{ state: 'failure', created_at: at(9) }]
      },
      {
        id: 4,
        sha: 'aaa1111ff',
        created_at: at(11),
        payload: { ...payload, version: '1.4.3' },
        statuses: [{ state: 'queued', created_at: at(11) }]
      }
    ])

  it('returns deployments newest first with parsed payloads and their newest state', async () => {
    const github = history()
    const entries = await listDeploymentHistory(
      { owner: 'acme', repo: 'web', environment: 'staging' },
      { github }
    )
    expect(entries).toEqual([
      {
        id: 4,
        sha: 'aaa1111ff',
        createdAt: at(11),
        payload: { ...payload, version: '1.4.3' },
        state: 'queued',
        stateAt: at(11)
      },
      {
        id: 3,
        sha: 'ccc3333',
        createdAt: at(10),
        payload: undefined,
        state: undefined,
        stateAt: undefined
      },
      {
        id: 2,
        sha: 'bbb2222',
        createdAt: at(9),
        payload: undefined,
        state: 'failure',
        stateAt: at(9)
      },
      { id: 1, sha: 'aaa1111', createdAt: at(8), payload, state: 'success', stateAt: at(9) }
    ])
    expect(github.requests[0]).toEqual({
      route: 'GET /repos/{owner}/{repo}/deployments',
      parameters: {
        owner: 'acme',
        repo: 'web',
        environment: 'staging',
        sha: undefined,
        per_page: 20
      }
    })
    expect(github.requests[1]?.parameters).toEqual({
      owner: 'acme',
      repo: 'web',
      deployment_id: 4,
      per_page: 1
    })
  })

  it('reads statuses only for the deployments it returns', async () => {
    const github = history()
    const entries = await listDeploymentHistory(
      { owner: 'acme', repo: 'web', environment: 'staging', sha: 'bbb2222', limit: 1 },
      { github }
    )
    expect(entries.map(e => e.id)).toEqual([2])
    expect(github.requests).toHaveLength(2)
    expect(github.requests[0]?.parameters).toMatchObject({ sha: 'bbb2222', per_page: 1 })
  })

  it('matches an abbreviated SHA among the newest 100', async () => {
    const github = history()
    const entries = await listDeploymentHistory(
      { owner: 'acme', repo: 'web', environment: 'staging', shaPrefix: 'AAA1111', limit: 5 },
      { github }
    )
    expect(entries.map(e => [e.id, e.state])).toEqual([
      [4, 'queued'],
      [1, 'success']
    ])
    expect(github.requests[0]?.parameters.per_page).toBe(100)
  })
})

describe('parseRepository', () => {
  it.each([
    ['acme/web', { owner: 'acme', repo: 'web' }],
    ['my-org/my.repo_1', { owner: 'my-org', repo: 'my.repo_1' }],
    ['acme', undefined],
    ['acme/web/extra', undefined],
    ['', undefined],
    [undefined, undefined]
  ])('%s → %j', (text, expected) => {
    expect(parseRepository(text)).toEqual(expected)
  })
})
