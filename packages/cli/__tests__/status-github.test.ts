import { describe, expect, it } from '@jest/globals'
import type { GitHubClient } from '@fargate-promote/promotion'
import {
  isUnavailable,
  listDeployments,
  pendingApprovals,
  withStatus
} from '../src/status/github.js'

const repo = { owner: 'acme', repo: 'shop' }

type Answer = (parameters: Record<string, unknown>) => unknown

/** Answers by route (a value, or a function that may throw as Octokit does); 404 otherwise. */
function fakeGitHub(
  answers: Record<string, Answer | object>
): GitHubClient & { asked: [string, Record<string, unknown>][] } {
  const asked: [string, Record<string, unknown>][] = []
  return {
    asked,
    async request(route, parameters = {}) {
      asked.push([route, parameters])
      await Promise.resolve()
      const answer = answers[route]
      if (answer === undefined) return { status: 404, data: { message: 'Not Found' } }
      const data = typeof answer === 'function' ? (answer as Answer)(parameters) : answer
      return { status: 200, data }
    }
  }
}

const DEPLOYMENTS = 'GET /repos/{owner}/{repo}/deployments'
const STATUSES = 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'
const RUNS = 'GET /repos/{owner}/{repo}/actions/runs'
const PENDING = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments'

describe('listDeployments', () => {
  it('newest first, with creator, version and revision from the payload (object or JSON text)', async () => {
    const github = fakeGitHub({
      [DEPLOYMENTS]: [
        {
          id: 3,
          sha: 'abc',
          ref: 'main',
          created_at: '2026-11-26T10:00:00Z',
          creator: { login: 'alice' },
          payload: JSON.stringify({ version: '1.2.0', taskDefinitionArn: 'arn:td/web:3' })
        },
        { id: 5, sha: 'def', created_at: '2026-11-26T11:00:00Z', payload: { version: '1.3.0' } },
        { id: 4, sha: 'ghi', payload: '{not json' },
        { sha: 'no id' }
      ]
    })
    const list = await listDeployments(github, repo, 'staging')
    expect(list.map(deployment => deployment.id)).toEqual([5, 4, 3])
    expect(list[0]).toEqual({
      id: 5,
      sha: 'def',
      createdAt: '2026-11-26T11:00:00Z',
      version: '1.3.0'
    })
    expect(list[1]).toEqual({ id: 4, sha: 'ghi', createdAt: '' })
    expect(list[2]).toMatchObject({
      ref: 'main',
      creator: 'alice',
      version: '1.2.0',
      taskDefinitionArn: 'arn:td/web:3'
    })
    expect(github.asked[0]).toEqual([
      DEPLOYMENTS,
      { owner: 'acme', repo: 'shop', environment: 'staging', per_page: 20 }
    ])
  })

  it('an error status from a client that does not throw is thrown, with its status', async () => {
    const github = fakeGitHub({})
    const error = await listDeployments(github, repo, 'staging').catch((e: unknown) => e)
    expect(error).toMatchObject({
      status: 404,
      message: `GitHub answered ${DEPLOYMENTS} with HTTP 404.`
    })
    expect(isUnavailable(error)).toBe(true)
    expect(isUnavailable(new Error('boom'))).toBe(false)
  })
})

describe('withStatus', () => {
  it('adds the newest status: state, description, when, log', async () => {
    const github = fakeGitHub({
      [STATUSES]: [
        {
          state: 'success',
          description: 'Deployed 1.3.0',
          created_at: '2026-11-26T11:05:00Z',
          target_url: 'https://github.com/acme/shop/actions/runs/9'
        }
      ]
    })
    const deployment = { id: 5, sha: 'def', createdAt: '2026-11-26T11:00:00Z' }
    expect(await withStatus(github, repo, deployment)).toEqual({
      ...deployment,
      state: 'success',
      description: 'Deployed 1.3.0',
      stateAt: '2026-11-26T11:05:00Z',
      logUrl: 'https://github.com/acme/shop/actions/runs/9'
    })
    expect(await withStatus(fakeGitHub({ [STATUSES]: [] }), repo, deployment)).toEqual(deployment)
  })
})

describe('pendingApprovals', () => {
  it('every waiting run, one approval per environment it waits for, with its reviewers', async () => {
    const github = fakeGitHub({
      [RUNS]: {
        total_count: 2,
        workflow_runs: [
          {
            id: 11,
            name: 'Promote',
            html_url: 'https://github.com/acme/shop/actions/runs/11',
            head_branch: 'main',
            head_sha: 'abc',
            actor: { login: 'bob' }
          },
          { id: 12, triggering_actor: { login: 'carol' } },
          { name: 'no id' }
        ]
      },
      [PENDING]: (parameters: Record<string, unknown>) =>
        parameters.run_id === 11
          ? [
              {
                environment: { name: 'production' },
                wait_timer: 5,
                reviewers: [
                  { type: 'User', reviewer: { login: 'alice-release' } },
                  { type: 'Team', reviewer: { slug: 'platform', name: 'Platform' } },
                  { type: 'User', reviewer: {} }
                ]
              },
              { environment: {} }
            ]
          : [{ environment: { name: 'staging' } }]
    })
    expect(await pendingApprovals(github, repo)).toEqual([
      {
        environment: 'production',
        runId: 11,
        runUrl: 'https://github.com/acme/shop/actions/runs/11',
        workflow: 'Promote',
        branch: 'main',
        sha: 'abc',
        actor: 'bob',
        reviewers: ['alice-release', 'platform'],
        waitTimer: 5
      },
      { environment: 'staging', runId: 12, actor: 'carol', reviewers: [] }
    ])
    expect(github.asked[0]).toEqual([
      RUNS,
      { owner: 'acme', repo: 'shop', status: 'waiting', per_page: 100 }
    ])
  })

  it('unknown (not none) when GitHub does not show them; other errors are thrown', async () => {
    expect(await pendingApprovals(fakeGitHub({}), repo)).toBeUndefined()
    const forbidden = fakeGitHub({
      [RUNS]: () => {
        throw Object.assign(new Error('Resource not accessible'), { status: 403 })
      }
    })
    expect(await pendingApprovals(forbidden, repo)).toBeUndefined()
    const broken = fakeGitHub({
      [RUNS]: () => {
        throw Object.assign(new Error('Server Error'), { status: 500 })
      }
    })
    await expect(pendingApprovals(broken, repo)).rejects.toThrow('Server Error')
    expect(await pendingApprovals(fakeGitHub({ [RUNS]: {} }), repo)).toEqual([])
  })
})
