import { describe, expect, it } from '@jest/globals'
import { SettingsFileError } from '@fargate-promote/common'
import { stringify } from 'yaml'
import {
  parseConfigText,
  planEnvironments,
  planHasChanges,
  type EnvironmentPlan,
  type LoadedConfig
} from '../src/index.js'
import { FakeGitHub, type FakeEnvironment } from './protection-fake-github.js'

const REPO = { owner: 'acme', repo: 'shop' }
const FILE = '.github/fargate-promote.yml'

/** A valid config whose environments have the given protection sections. */
async function configWith(
  protections: Record<string, Record<string, unknown>>
): Promise<LoadedConfig> {
  const environments = Object.fromEntries(
    Object.entries(protections).map(([name, protection]) => [
      name,
      {
        region: 'eu-west-1',
        cluster: name,
        services: [{ name: 'web', containers: ['web'] }],
        protection
      }
    ])
  )
  return parseConfigText(stringify({ version: 1, environments }), FILE)
}

async function planOne(protection: Record<string, unknown>, current?: Partial<FakeEnvironment>) {
  const github = new FakeGitHub()
  if (current !== undefined) github.environment('production', current)
  const plan = await planEnvironments({
    config: await configWith({ production: protection }),
    repo: REPO,
    github
  })
  return { plan, github, environment: plan.environments[0] as EnvironmentPlan }
}

const custom = { protected_branches: false, custom_branch_policies: true }

describe('planEnvironments: one environment, table-driven', () => {
  const cases: {
    name: string
    protection: Record<string, unknown>
    current?: Partial<FakeEnvironment>
    action: EnvironmentPlan['action']
    changes?: EnvironmentPlan['changes']
    add?: EnvironmentPlan['addPatterns']
    remove?: string[]
  }[] = [
    {
      name: 'a missing environment without protection is created as GitHub defaults it',
      protection: {},
      action: 'create',
      changes: []
    },
    {
      name: 'a missing environment with every setting',
      protection: {
        reviewers: { users: ['alice'], teams: ['acme/platform'] },
        'wait-timer': 5,
        'prevent-self-review': true,
        branches: ['main'],
        tags: ['v*']
      },
      action: 'create',
      changes: [
        { setting: 'wait-timer', from: 0, to: 5 },
        { setting: 'reviewers', from: [], to: ['alice', 'acme/platform'] },
        { setting: 'prevent-self-review', from: false, to: true },
        { setting: 'branch-policy', from: 'all', to: 'custom' }
      ],
      add: [
        { name: 'main', type: 'branch' },
        { name: 'v*', type: 'tag' }
      ]
    },
    {
      name: 'an environment that matches needs nothing',
      protection: { reviewers: { users: ['alice'] }, 'wait-timer': 5, branches: ['main'] },
      current: {
        waitTimer: 5,
        reviewers: [{ type: 'User', id: 101 }],
        branchPolicy: custom,
        policies: [{ id: 1, name: 'main', type: 'branch' }]
      },
      action: 'none',
      changes: []
    },
    {
      name: 'a changed wait timer is the only change',
      protection: { 'wait-timer': 10 },
      current: { waitTimer: 3 },
      action: 'update',
      changes: [{ setting: 'wait-timer', from: 3, to: 10 }]
    },
    {
      name: 'reviewers compare as a set of ids, named as the config and GitHub name them',
      protection: { reviewers: { users: ['Alice'], teams: ['acme/sre'] } },
      current: {
        reviewers: [
          { type: 'Team', id: 201 },
          { type: 'User', id: 101 }
        ]
      },
      action: 'update',
      changes: [
        { setting: 'reviewers', from: ['acme/platform', 'alice'], to: ['Alice', 'acme/sre'] }
      ]
    },
    {
      name: 'reviewers in another order are no change',
      protection: { reviewers: { users: ['bob', 'alice'] } },
      current: {
        reviewers: [
          { type: 'User', id: 101 },
          { type: 'User', id: 102 }
        ]
      },
      action: 'none'
    },
    {
      name: 'prevent-self-review without reviewers is not drift (GitHub cannot show it)',
      protection: { 'prevent-self-review': true },
      current: {},
      action: 'none'
    },
    {
      name: 'patterns added and removed; a policy without a type is a branch pattern',
      protection: { branches: ['main', 'release/*'], tags: ['v*'] },
      current: {
        branchPolicy: custom,
        policies: [
          { id: 7, name: 'main' },
          { id: 8, name: 'old/*', type: 'branch' },
          { id: 9, name: 'main', type: 'tag' }
        ]
      },
      action: 'update',
      changes: [],
      add: [
        { name: 'release/*', type: 'branch' },
        { name: 'v*', type: 'tag' }
      ],
      remove: ['old/*', 'main']
    },
    {
      name: 'no branches and no tags opens the environment to every branch; GitHub drops the patterns',
      protection: {},
      current: { branchPolicy: custom, policies: [{ id: 7, name: 'main', type: 'branch' }] },
      action: 'update',
      changes: [{ setting: 'branch-policy', from: 'custom', to: 'all' }],
      add: [],
      remove: []
    },
    {
      name: 'protected-branches mode becomes custom patterns',
      protection: { branches: ['main', 'main'] },
      current: { branchPolicy: { protected_branches: true, custom_branch_policies: false } },
      action: 'update',
      changes: [{ setting: 'branch-policy', from: 'protected', to: 'custom' }],
      add: [{ name: 'main', type: 'branch' }]
    },
    {
      name: 'an empty branch list means custom mode with no pattern: nothing may deploy',
      protection: { branches: [] },
      current: {},
      action: 'update',
      changes: [{ setting: 'branch-policy', from: 'all', to: 'custom' }],
      add: []
    }
  ]

  it.each(cases)('$name', async ({ protection, current, action, changes, add, remove }) => {
    const { environment, github } = await planOne(protection, current)
    expect(environment.action).toBe(action)
    if (changes !== undefined) expect(environment.changes).toEqual(changes)
    if (add !== undefined) expect(environment.addPatterns).toEqual(add)
    if (remove !== undefined) expect(environment.removePatterns.map(p => p.name)).toEqual(remove)
    // Planning only reads.
    expect(github.mutations).toEqual([])
  })
})

describe('planEnvironments: the <name>-monitor companion of each environment', () => {
  it('has no reviewers, no wait timer and no self-review rule, and the branches and tags of its environment', async () => {
    const { plan, github } = await planOne({
      reviewers: { users: ['alice'], teams: ['acme/platform'] },
      'wait-timer': 5,
      'prevent-self-review': true,
      branches: ['main'],
      tags: ['v*']
    })
    expect(plan.environments.map(e => e.name)).toEqual(['production', 'production-monitor'])
    expect(plan.environments[1]).toEqual({
      name: 'production-monitor',
      action: 'create',
      changes: [{ setting: 'branch-policy', from: 'all', to: 'custom' }],
      addPatterns: [
        { name: 'main', type: 'branch' },
        { name: 'v*', type: 'tag' }
      ],
      removePatterns: [],
      desired: {
        waitTimer: 0,
        reviewers: [],
        preventSelfReview: false,
        branchMode: 'custom',
        patterns: [
          { name: 'main', type: 'branch' },
          { name: 'v*', type: 'tag' }
        ]
      }
    })
    expect(github.mutations).toEqual([])
  })

  it('lets every branch deploy when its environment names no branches and no tags', async () => {
    const { plan } = await planOne({ reviewers: { users: ['alice'] }, 'wait-timer': 3 })
    expect(plan.environments[1]).toEqual({
      name: 'production-monitor',
      action: 'create',
      changes: [],
      addPatterns: [],
      removePatterns: [],
      desired: {
        waitTimer: 0,
        reviewers: [],
        preventSelfReview: false,
        branchMode: 'all',
        patterns: []
      }
    })
  })

  it('lets no branch deploy when its environment lists an empty branch list', async () => {
    const { plan } = await planOne({ branches: [] })
    expect(plan.environments[1]).toMatchObject({
      name: 'production-monitor',
      action: 'create',
      changes: [{ setting: 'branch-policy', from: 'all', to: 'custom' }],
      addPatterns: [],
      desired: { branchMode: 'custom', patterns: [] }
    })
  })

  it('is planned right after its environment, in the order of the config', async () => {
    const github = new FakeGitHub()
    const config = await configWith({ dev: {}, staging: { branches: ['main'] }, production: {} })
    const plan = await planEnvironments({ config, repo: REPO, github })
    expect(plan.environments.map(e => e.name)).toEqual([
      'dev',
      'dev-monitor',
      'staging',
      'staging-monitor',
      'production',
      'production-monitor'
    ])
  })

  it('is compared with what the repository has: reviewers, a wait timer or a stray pattern are drift', async () => {
    const github = new FakeGitHub()
    github.environment('production', { branchPolicy: custom, policies: [{ id: 1, name: 'main' }] })
    github.environment('production-monitor', {
      waitTimer: 10,
      reviewers: [{ type: 'User', id: 102 }],
      preventSelfReview: true,
      branchPolicy: custom,
      policies: [
        { id: 2, name: 'main', type: 'branch' },
        { id: 3, name: 'hotfix/*', type: 'branch' }
      ]
    })
    const drifted = await planEnvironments({
      config: await configWith({ production: { branches: ['main'] } }),
      repo: REPO,
      github
    })
    expect(drifted.environments[0]).toMatchObject({ name: 'production', action: 'none' })
    expect(drifted.environments[1]).toEqual({
      name: 'production-monitor',
      action: 'update',
      changes: [
        { setting: 'wait-timer', from: 10, to: 0 },
        { setting: 'reviewers', from: ['bob'], to: [] },
        { setting: 'prevent-self-review', from: true, to: false }
      ],
      addPatterns: [],
      removePatterns: [{ id: 3, name: 'hotfix/*', type: 'branch' }],
      desired: {
        waitTimer: 0,
        reviewers: [],
        preventSelfReview: false,
        branchMode: 'custom',
        patterns: [{ name: 'main', type: 'branch' }]
      }
    })
    expect(planHasChanges(drifted)).toBe(true)
    expect(github.mutations).toEqual([])
  })
})

describe('planEnvironments: the repository as a whole', () => {
  it('reports environments the config does not name, case-insensitively, and never plans to delete them', async () => {
    const github = new FakeGitHub()
    github.environment('Production')
    github.environment('preview-42')
    const config = await configWith({ production: {}, staging: {} })
    const plan = await planEnvironments({ config, repo: REPO, github })
    expect(plan.unmanaged).toEqual(['preview-42'])
    expect(plan.environments.map(e => [e.name, e.action])).toEqual([
      ['production', 'create'],
      ['production-monitor', 'create'],
      ['staging', 'create'],
      ['staging-monitor', 'create']
    ])
    expect(planHasChanges(plan)).toBe(true)
  })

  it('counts the monitor environments as managed, case-insensitively, and only those of the config', async () => {
    const github = new FakeGitHub()
    github.environment('production-monitor')
    github.environment('Staging-Monitor')
    github.environment('monitor')
    github.environment('production-monitor-old')
    github.environment('preview-42-monitor')
    const config = await configWith({ production: {}, staging: {} })
    const plan = await planEnvironments({ config, repo: REPO, github })
    expect(plan.unmanaged).toEqual(['monitor', 'preview-42-monitor', 'production-monitor-old'])
    expect(plan.environments.map(e => [e.name, e.action])).toEqual([
      ['production', 'create'],
      ['production-monitor', 'none'],
      ['staging', 'create'],
      ['staging-monitor', 'create']
    ])
    expect(github.mutations).toEqual([])
  })

  it('reads every page of environments and of branch policies', async () => {
    const github = new FakeGitHub()
    for (let i = 0; i < 230; i++) github.environment(`preview-${String(i).padStart(3, '0')}`)
    const policies = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      name: `b${i}`,
      type: 'branch' as const
    }))
    github.environment('production', { branchPolicy: custom, policies })
    github.environment('production-monitor', { branchPolicy: custom, policies: [...policies] })
    const branches = policies.map(p => p.name)
    const config = await configWith({ production: { branches } })
    const plan = await planEnvironments({ config, repo: REPO, github })
    expect(plan.unmanaged).toHaveLength(230)
    expect(plan.environments.map(e => [e.name, e.action])).toEqual([
      ['production', 'none'],
      ['production-monitor', 'none']
    ])
    expect(planHasChanges(plan)).toBe(false)
    const pageRequests = (name: string) =>
      github.requests.filter(
        r =>
          r.route ===
            'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies' &&
          r.parameters.environment_name === name
      )
    expect(pageRequests('production')).toHaveLength(2)
    expect(pageRequests('production-monitor')).toHaveLength(2)
  })

  it('works with a client that resolves error statuses instead of throwing them', async () => {
    const github = new FakeGitHub()
    github.resolveErrors = true
    const config = await configWith({ production: { reviewers: { users: ['alice'] } } })
    const plan = await planEnvironments({ config, repo: REPO, github })
    expect(plan.environments[0]?.action).toBe('create')
  })

  it('passes on a GitHub failure that is not a missing environment', async () => {
    const github = new FakeGitHub()
    github.failures.set('GET /repos/{owner}/{repo}/environments/{environment_name}', 500)
    const config = await configWith({ production: {} })
    await expect(planEnvironments({ config, repo: REPO, github })).rejects.toMatchObject({
      status: 500
    })
    github.resolveErrors = true
    await expect(planEnvironments({ config, repo: REPO, github })).rejects.toThrow(
      'GitHub answered GET /repos/{owner}/{repo}/environments/{environment_name} with HTTP 500: Not Found.'
    )
  })
})

describe('planEnvironments: reviewers GitHub does not know', () => {
  it('names every unknown user, team and organization with file, line and field, and applies nothing', async () => {
    const github = new FakeGitHub()
    const config = await configWith({
      staging: { reviewers: { users: ['alice', 'ghost'] } },
      production: { reviewers: { users: ['acme-org', 'ghost'], teams: ['acme/nobody'] } }
    })
    const failure = planEnvironments({ config, repo: REPO, github })
    await expect(failure).rejects.toBeInstanceOf(SettingsFileError)
    const error = (await failure.catch((e: unknown) => e)) as SettingsFileError
    expect(error.problems.map(p => [p.field, p.message.split('.')[0]])).toEqual([
      ['environments.staging.protection.reviewers.users[1]', "GitHub has no user 'ghost'"],
      [
        'environments.production.protection.reviewers.users[0]',
        "'acme-org' is an organization, not a user"
      ],
      ['environments.production.protection.reviewers.users[1]', "GitHub has no user 'ghost'"],
      [
        'environments.production.protection.reviewers.teams[0]',
        "GitHub has no team 'nobody' in organization 'acme', or the token cannot see it (reading teams needs the read:org scope)"
      ]
    ])
    expect(error.problems.every(p => p.file === FILE && p.line > 1)).toBe(true)
    // One lookup per distinct name, and nothing applied.
    expect(github.requests.filter(r => r.route === 'GET /users/{username}')).toHaveLength(3)
    expect(github.mutations).toEqual([])
  })

  it('puts each problem on the line of the reviewer', async () => {
    const github = new FakeGitHub()
    const text = [
      'version: 1',
      'environments:',
      '  production:',
      '    region: eu-west-1',
      '    cluster: prod',
      '    services: [{ name: web, containers: [web] }]',
      '    protection:',
      '      reviewers:',
      '        users:',
      '          - alice',
      '          - nobody-here'
    ].join('\n')
    const config = await parseConfigText(text, FILE)
    const error = (await planEnvironments({ config, repo: REPO, github }).catch(
      (e: unknown) => e
    )) as SettingsFileError
    expect(error.problems).toEqual([
      {
        file: FILE,
        line: 11,
        column: 1,
        field: 'environments.production.protection.reviewers.users[1]',
        message: "GitHub has no user 'nobody-here'. Correct the login or remove the reviewer."
      }
    ])
    expect(error.message).toContain(
      "line 11, field 'environments.production.protection.reviewers.users[1]'"
    )
  })

  it('passes on a failed lookup that is not a 404 (a bad token is not a missing user)', async () => {
    const github = new FakeGitHub()
    github.failures.set('GET /users/{username}', 401)
    const config = await configWith({ production: { reviewers: { users: ['alice'] } } })
    await expect(planEnvironments({ config, repo: REPO, github })).rejects.toMatchObject({
      status: 401
    })
  })
})

describe("planEnvironments: GitHub's bodies read defensively", () => {
  /** A client that answers each route with a fixed body. */
  const stub = (answers: Record<string, unknown>) => ({
    requests: [] as string[],
    request(route: string) {
      this.requests.push(route)
      if (!(route in answers))
        return Promise.reject(Object.assign(new Error('Not Found'), { status: 404 }))
      return Promise.resolve({ status: 200, data: answers[route] })
    }
  })
  const LIST = { total_count: 1, environments: [{ name: 'production' }, { id: 3 }] }

  it('ignores rules, reviewers and policies it does not understand', async () => {
    const github = stub({
      'GET /users/{username}': { login: 'alice', id: 101, type: 'User' },
      'GET /repos/{owner}/{repo}/environments': LIST,
      'GET /repos/{owner}/{repo}/environments/{environment_name}': {
        protection_rules: [
          { type: 'wait_timer' },
          {
            type: 'required_reviewers',
            reviewers: [
              { type: 'User', reviewer: { id: 101, login: 'alice' } },
              { type: 'User', reviewer: {} },
              { type: 'Bot', reviewer: { id: 4 } },
              { type: 'Team', reviewer: { id: 7, slug: 'ops', organization: { login: 'acme' } } }
            ]
          },
          'not an object',
          { type: 'workflow_rule' }
        ],
        deployment_branch_policy: { custom_branch_policies: true }
      },
      'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies': {
        branch_policies: [{ id: 1, name: 'main' }, { name: 'no-id' }, null]
      }
    })
    const config = await configWith({
      production: { reviewers: { users: ['alice'] }, branches: ['main'] }
    })
    const plan = await planEnvironments({ config, repo: REPO, github })
    expect(plan.environments[0]?.changes).toEqual([
      { setting: 'reviewers', from: ['alice', 'acme/ops'], to: ['alice'] }
    ])
    expect(plan.environments[0]?.addPatterns).toEqual([])
  })

  it('fails on a list without its items, a user or team without an id', async () => {
    const config = await configWith({ production: {} })
    const noList = stub({ 'GET /repos/{owner}/{repo}/environments': { total_count: 0 } })
    await expect(planEnvironments({ config, repo: REPO, github: noList })).rejects.toThrow(
      "GitHub answered GET /repos/{owner}/{repo}/environments without a 'environments' list."
    )
    const withUser = await configWith({ production: { reviewers: { users: ['alice'] } } })
    const noUserId = stub({
      'GET /repos/{owner}/{repo}/environments': LIST,
      'GET /users/{username}': { login: 'alice' }
    })
    await expect(
      planEnvironments({ config: withUser, repo: REPO, github: noUserId })
    ).rejects.toThrow('GitHub answered GET /users/alice without an id.')
    const withTeam = await configWith({ production: { reviewers: { teams: ['acme/ops'] } } })
    const noTeamId = stub({
      'GET /repos/{owner}/{repo}/environments': LIST,
      'GET /orgs/{org}/teams/{team_slug}': {}
    })
    await expect(
      planEnvironments({ config: withTeam, repo: REPO, github: noTeamId })
    ).rejects.toThrow('GitHub answered GET /orgs/acme/teams/ops without an id.')
  })
})
