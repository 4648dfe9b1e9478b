import { describe, expect, it } from '@jest/globals'
import { stringify } from 'yaml'
import {
  ApplyError,
  applyPlan,
  parseConfigText,
  planEnvironments,
  planHasChanges,
  type LoadedConfig
} from '../src/index.js'
import { FakeGitHub } from './protection-fake-github.js'

const REPO = { owner: 'acme', repo: 'shop' }
const ENV = '/repos/{owner}/{repo}/environments/{environment_name}'
const where = (name: string) => ({ owner: 'acme', repo: 'shop', environment_name: name })

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
  return parseConfigText(stringify({ version: 1, environments }), '.github/fargate-promote.yml')
}

const PIPELINE = {
  dev: {},
  staging: { branches: ['main'] },
  production: {
    reviewers: { users: ['alice'], teams: ['acme/platform'] },
    'wait-timer': 5,
    'prevent-self-review': true,
    branches: ['main'],
    tags: ['v*']
  }
}

describe('applyPlan', () => {
  it('creates the environments with GitHub semantics, and a second plan is empty', async () => {
    const github = new FakeGitHub()
    const config = await configWith(PIPELINE)
    const applied = await applyPlan(await planEnvironments({ config, repo: REPO, github }), github)
    expect(applied).toEqual([
      'dev',
      'dev-monitor',
      'staging',
      'staging-monitor',
      'production',
      'production-monitor'
    ])
    const puts = github.requests.filter(r => r.route === `PUT ${ENV}`).map(r => r.parameters)
    const custom = { protected_branches: false, custom_branch_policies: true }
    const unprotected = { wait_timer: 0, prevent_self_review: false, reviewers: [] }
    expect(puts).toEqual([
      { ...where('dev'), ...unprotected, deployment_branch_policy: null },
      { ...where('dev-monitor'), ...unprotected, deployment_branch_policy: null },
      { ...where('staging'), ...unprotected, deployment_branch_policy: custom },
      { ...where('staging-monitor'), ...unprotected, deployment_branch_policy: custom },
      {
        owner: 'acme',
        repo: 'shop',
        environment_name: 'production',
        wait_timer: 5,
        prevent_self_review: true,
        reviewers: [
          { type: 'User', id: 101 },
          { type: 'Team', id: 201 }
        ],
        deployment_branch_policy: custom
      },
      { ...where('production-monitor'), ...unprotected, deployment_branch_policy: custom }
    ])
    const posts = github.requests.filter(r => r.route === `POST ${ENV}/deployment-branch-policies`)
    expect(
      posts.map(r => [r.parameters.environment_name, r.parameters.name, r.parameters.type])
    ).toEqual([
      ['staging', 'main', 'branch'],
      ['staging-monitor', 'main', 'branch'],
      ['production', 'main', 'branch'],
      ['production', 'v*', 'tag'],
      ['production-monitor', 'main', 'branch'],
      ['production-monitor', 'v*', 'tag']
    ])

    const before = github.requests.length
    const again = await planEnvironments({ config, repo: REPO, github })
    expect(planHasChanges(again)).toBe(false)
    expect(await applyPlan(again, github)).toEqual([])
    expect(github.requests.slice(before).filter(r => !r.route.startsWith('GET '))).toEqual([])
  })

  it('repairs drift: only what differs is sent, patterns removed by id', async () => {
    const github = new FakeGitHub()
    const config = await configWith(PIPELINE)
    await applyPlan(await planEnvironments({ config, repo: REPO, github }), github)
    const production = github.environments.get('production')!
    production.waitTimer = 0
    production.policies.push({ id: 77, name: 'hotfix/*', type: 'branch' })
    const staging = github.environments.get('staging')!
    staging.policies.push({ id: 78, name: 'dev', type: 'branch' })

    const drift = await planEnvironments({ config, repo: REPO, github })
    expect(drift.environments.map(e => [e.name, e.action])).toEqual([
      ['dev', 'none'],
      ['dev-monitor', 'none'],
      ['staging', 'update'],
      ['staging-monitor', 'none'],
      ['production', 'update'],
      ['production-monitor', 'none']
    ])
    const before = github.requests.length
    expect(await applyPlan(drift, github)).toEqual(['staging', 'production'])
    expect(
      github.requests
        .slice(before)
        .map(r => [
          r.route.split(' ')[0],
          r.parameters.environment_name,
          r.parameters.branch_policy_id
        ])
    ).toEqual([
      ['DELETE', 'staging', 78],
      ['PUT', 'production', undefined],
      ['DELETE', 'production', 77]
    ])
    expect(planHasChanges(await planEnvironments({ config, repo: REPO, github }))).toBe(false)
  })

  it('repairs a monitor environment changed behind its back, and leaves its environment alone', async () => {
    const github = new FakeGitHub()
    const config = await configWith(PIPELINE)
    await applyPlan(await planEnvironments({ config, repo: REPO, github }), github)
    const monitor = github.environments.get('production-monitor')!
    monitor.waitTimer = 10
    monitor.reviewers = [{ type: 'User', id: 102 }]
    monitor.preventSelfReview = true
    monitor.policies.push({ id: 79, name: 'hotfix/*', type: 'branch' })
    // Opened to every branch: GitHub drops the patterns.
    const stagingMonitor = github.environments.get('staging-monitor')!
    stagingMonitor.branchPolicy = null
    stagingMonitor.policies = []

    const drift = await planEnvironments({ config, repo: REPO, github })
    expect(planHasChanges(drift)).toBe(true)
    expect(drift.environments.map(e => [e.name, e.action])).toEqual([
      ['dev', 'none'],
      ['dev-monitor', 'none'],
      ['staging', 'none'],
      ['staging-monitor', 'update'],
      ['production', 'none'],
      ['production-monitor', 'update']
    ])
    const before = github.requests.length
    expect(await applyPlan(drift, github)).toEqual(['staging-monitor', 'production-monitor'])
    const custom = { protected_branches: false, custom_branch_policies: true }
    expect(github.requests.slice(before).map(r => [r.route.split(' ')[0], r.parameters])).toEqual([
      [
        'PUT',
        {
          ...where('staging-monitor'),
          wait_timer: 0,
          prevent_self_review: false,
          reviewers: [],
          deployment_branch_policy: custom
        }
      ],
      ['POST', { ...where('staging-monitor'), name: 'main', type: 'branch' }],
      [
        'PUT',
        {
          ...where('production-monitor'),
          wait_timer: 0,
          prevent_self_review: false,
          reviewers: [],
          deployment_branch_policy: custom
        }
      ],
      ['DELETE', { ...where('production-monitor'), branch_policy_id: 79 }]
    ])
    expect(github.environments.get('production-monitor')).toMatchObject({
      waitTimer: 0,
      reviewers: [],
      preventSelfReview: false
    })
    expect(github.environments.get('production')?.waitTimer).toBe(5)
    expect(planHasChanges(await planEnvironments({ config, repo: REPO, github }))).toBe(false)
  })

  it('takes a 303 for a pattern that exists already as done', async () => {
    const github = new FakeGitHub()
    const config = await configWith({ staging: { branches: ['main'] } })
    const plan = await planEnvironments({ config, repo: REPO, github })
    // Someone adds the same pattern between the plan and the apply.
    const custom = { protected_branches: false, custom_branch_policies: true }
    github.environment('staging', {
      branchPolicy: custom,
      policies: [{ id: 5, name: 'main', type: 'branch' }]
    })
    github.environment('staging-monitor', {
      branchPolicy: custom,
      policies: [{ id: 6, name: 'main', type: 'branch' }]
    })
    expect(await applyPlan(plan, github)).toEqual(['staging', 'staging-monitor'])
    github.resolveErrors = true
    expect(await applyPlan(plan, github)).toEqual(['staging', 'staging-monitor'])
    expect(github.environments.get('staging')?.policies).toEqual([
      { id: 5, name: 'main', type: 'branch' }
    ])
    expect(github.environments.get('staging-monitor')?.policies).toEqual([
      { id: 6, name: 'main', type: 'branch' }
    ])
  })

  it('says which environment failed and which were applied before it', async () => {
    const github = new FakeGitHub()
    const config = await configWith(PIPELINE)
    const plan = await planEnvironments({ config, repo: REPO, github })
    github.failures.set(`POST ${ENV}/deployment-branch-policies`, 422)
    const error = (await applyPlan(plan, github).catch((e: unknown) => e)) as ApplyError
    expect(error).toBeInstanceOf(ApplyError)
    expect(error.environment).toBe('staging')
    expect(error.applied).toEqual(['dev', 'dev-monitor'])
    expect(error.message).toBe("Applying environment 'staging' failed: HTTP 422")

    github.resolveErrors = true
    await expect(applyPlan(plan, github)).rejects.toThrow(
      `Applying environment 'staging' failed: GitHub answered POST ${ENV}/deployment-branch-policies with HTTP 422: Not Found.`
    )
  })
})
