import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '@fargate-promote/common'
import { RollbackRecorder, type GitHubClient } from '../src/index.js'

interface Recorded {
  route: string
  parameters: Record<string, unknown>
}

/** GitHub's deployment endpoints: one earlier successful release of `web`, statuses appended. */
class FakeGitHub implements GitHubClient {
  readonly requests: Recorded[] = []
  failStatusOf?: number

  request(route: string, parameters: Record<string, unknown> = {}) {
    this.requests.push({ route, parameters })
    if (route === 'GET /repos/{owner}/{repo}/deployments') {
      return Promise.resolve({
        status: 200,
        data: [
          { id: 7, sha: 'abc', created_at: '2026-11-25T10:00:00Z', payload: { service: 'web' } }
        ]
      })
    }
    if (route === 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses') {
      return Promise.resolve({ status: 200, data: [{ state: 'success' }] })
    }
    if (route === 'POST /repos/{owner}/{repo}/deployments') {
      return Promise.resolve({ status: 201, data: { id: 8 } })
    }
    if (route === 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses') {
      if (parameters.deployment_id === this.failStatusOf) {
        return Promise.reject(new Error('Resource not accessible by integration'))
      }
      return Promise.resolve({ status: 201, data: {} })
    }
    return Promise.resolve({ status: 404, data: { message: 'Not Found' } })
  }

  /** The states posted, as [deployment id, state]. */
  states(): [unknown, unknown][] {
    return this.requests
      .filter(r => r.route === 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses')
      .map(r => [r.parameters.deployment_id, r.parameters.state])
  }
}

function recorder(github: FakeGitHub, log = new MemoryLogger()) {
  return new RollbackRecorder(
    {
      record: { owner: 'acme', repo: 'shop', environment: 'production', ref: 'abc' },
      cluster: 'prod',
      service: 'web',
      reason: 'errors after 1.4.2'
    },
    { github: () => Promise.resolve(github), log }
  )
}

const started = {
  fromTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:9',
  toTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
  version: Promise.resolve('1.4.1')
}

describe('RollbackRecorder', () => {
  it("posts the rollback's own state first, then marks the release it replaced inactive", async () => {
    const github = new FakeGitHub()
    const records = recorder(github)
    records.started(started)
    const report = await records.finished({ state: 'success', description: 'Rolled back' })
    expect(report).toEqual({ deploymentId: 8, superseded: { id: 7, state: 'inactive' } })
    expect(github.states()).toEqual([
      [8, 'in_progress'],
      [8, 'success'],
      [7, 'inactive']
    ])
    const created = github.requests.find(r => r.route === 'POST /repos/{owner}/{repo}/deployments')
    expect(created?.parameters.payload).toMatchObject({ version: '1.4.1', rollback: true })
  })

  it("a failure to mark the replaced release leaves the rollback's own state posted", async () => {
    const github = new FakeGitHub()
    github.failStatusOf = 7
    const log = new MemoryLogger()
    const records = recorder(github, log)
    records.started(started)
    const report = await records.finished({ state: 'success', description: 'Rolled back' })
    expect(report).toEqual({ deploymentId: 8 })
    expect(github.states()).toEqual([
      [8, 'in_progress'],
      [8, 'success'],
      [7, 'inactive']
    ])
    expect(log.text()).toContain(
      'Could not mark GitHub deployment 7 inactive: Resource not accessible by integration'
    )
  })

  it('leaves the replaced release alone after a failed rollback, and posts nothing unobserved', async () => {
    const failed = new FakeGitHub()
    const records = recorder(failed)
    records.started(started)
    await records.finished({ state: 'failure', description: 'Rollback failed' })
    expect(failed.states()).toEqual([
      [8, 'in_progress'],
      [8, 'failure']
    ])
    const unwatched = new FakeGitHub()
    const other = recorder(unwatched)
    other.started(started)
    expect(await other.finished({ state: undefined, description: '' })).toEqual({ deploymentId: 8 })
    expect(unwatched.states()).toEqual([[8, 'in_progress']])
  })
})
