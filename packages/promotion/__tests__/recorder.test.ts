import { describe, expect, it } from '@jest/globals'
import { MemoryLogger } from '@fargate-promote/common'
import type { GitHubClient } from '../src/github/client.js'
import { DeploymentRecorder } from '../src/github/recorder.js'

/** Answers like GitHub's deployments endpoints: 201 with an id on create, 201 on a status. */
class FakeGitHub implements GitHubClient {
  readonly routes: string[] = []
  request(route: string) {
    this.routes.push(route)
    if (route === 'POST /repos/{owner}/{repo}/deployments') {
      return Promise.resolve({ status: 201, data: { id: 77 } })
    }
    return Promise.resolve({ status: 201, data: {} })
  }
}

describe('DeploymentRecorder', () => {
  it('makes one GitHub client for the whole record, so its throttling spaces every write', async () => {
    const github = new FakeGitHub()
    let made = 0
    const recorder = new DeploymentRecorder(
      { owner: 'acme', repo: 'web', environment: 'staging', ref: 'abc123' },
      {
        github: () => {
          made += 1
          return Promise.resolve(github)
        },
        log: new MemoryLogger()
      }
    )
    recorder.start('deploying web', () =>
      Promise.resolve({ cluster: 'staging', service: 'web', version: '1.0.0' })
    )
    expect(await recorder.finish({ state: 'success', description: 'web runs 1.0.0' })).toBe(77)
    expect(await recorder.supersede(76, 'inactive', 'replaced by 77')).toBe(true)
    expect(made).toBe(1)
    expect(github.routes).toEqual([
      'POST /repos/{owner}/{repo}/deployments',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'
    ])
  })
})
