import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { RequestError } from '@octokit/request-error'
import { startSim, type Sim } from '../src/index.js'

/**
 * Which users and teams exist, through the unmodified Octokit: everyone until the world
 * declares its own (`POST /_sim/github` or a scenario's `github:`), then only those; and
 * environment reviewers that name nobody.
 */

const repo = { owner: 'acme', repo: 'shop' }

let sim: Sim
// Expected 4xx answers would otherwise be logged by Octokit's request-log plugin.
const quiet = () => undefined
const quietLog = { debug: quiet, info: quiet, warn: quiet, error: quiet }
let octokit: Octokit

const declare = async (body: unknown) => {
  const res = await fetch(`${sim.url}/_sim/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function httpError(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError)
    return error as RequestError
  }
  throw new Error('expected the request to fail')
}

type Reviewer = { type: 'User' | 'Team'; id: number }
const putReviewers = (environment_name: string, reviewers: Reviewer[]) =>
  octokit.request('PUT /repos/{owner}/{repo}/environments/{environment_name}', {
    ...repo,
    environment_name,
    reviewers
  })

beforeAll(async () => {
  sim = await startSim()
  octokit = new Octokit({
    baseUrl: `${sim.url}/github`,
    auth: 'ghs_directory',
    log: quietLog
  })
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(async () => {
  await sim.reset()
})

const notFound = {
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest',
  status: '404'
}

describe('users and teams', () => {
  it('until the world declares any, every user and team exists with a stable id', async () => {
    const first = await octokit.rest.users.getByUsername({ username: 'anyone' })
    const again = await octokit.rest.users.getByUsername({ username: 'anyone' })
    expect(first.data).toMatchObject({ login: 'anyone', type: 'User' })
    expect(again.data.id).toBe(first.data.id)
    const team = await octokit.rest.teams.getByName({ org: 'acme', team_slug: 'Anything' })
    expect(team.data).toMatchObject({ slug: 'anything', organization: { login: 'acme' } })
    const put = await putReviewers('qa', [{ type: 'User', id: 12345 }])
    expect(put.status).toBe(200)
  })

  it('once declared, only declared users and teams exist; others are 404 Not Found', async () => {
    const declared = await declare({
      users: ['alice', { login: 'bob', id: 4242 }, { login: 'acme', type: 'Organization' }],
      teams: ['acme/Release-Managers', { org: 'acme', slug: 'sre', name: 'SRE', id: 77 }]
    })
    expect(declared.status).toBe(200)
    expect(declared.body.users).toEqual([
      { login: 'alice', id: expect.any(Number), type: 'User' },
      { login: 'bob', id: 4242, type: 'User' },
      { login: 'acme', id: expect.any(Number), type: 'Organization' }
    ])
    expect(declared.body.teams).toEqual([
      { org: 'acme', slug: 'release-managers', name: 'release-managers', id: expect.any(Number) },
      { org: 'acme', slug: 'sre', name: 'SRE', id: 77 }
    ])

    // Logins are case-insensitive; GitHub answers with the declared spelling.
    const bob = await octokit.rest.users.getByUsername({ username: 'BOB' })
    expect(bob.data).toMatchObject({ login: 'bob', id: 4242, type: 'User' })
    expect((await octokit.rest.users.getByUsername({ username: 'acme' })).data.type).toBe(
      'Organization'
    )
    const mallory = await httpError(octokit.rest.users.getByUsername({ username: 'mallory' }))
    expect(mallory.status).toBe(404)
    expect(mallory.response?.data).toEqual(notFound)

    const sre = await octokit.rest.teams.getByName({ org: 'ACME', team_slug: 'sre' })
    expect(sre.data).toMatchObject({ id: 77, name: 'SRE', slug: 'sre' })
    for (const [org, team_slug] of [
      ['acme', 'nope'],
      ['other', 'sre']
    ] as const) {
      const missing = await httpError(octokit.rest.teams.getByName({ org, team_slug }))
      expect(missing.status).toBe(404)
      expect(missing.response?.data).toEqual(notFound)
    }
  })

  it('users and teams are declared independently, and reset forgets both', async () => {
    await declare({ users: [] })
    expect((await httpError(octokit.rest.users.getByUsername({ username: 'alice' }))).status).toBe(
      404
    )
    expect((await octokit.rest.teams.getByName({ org: 'acme', team_slug: 'ops' })).status).toBe(200)
    // A later declaration adds to the earlier one.
    await declare({ users: ['alice'] })
    await declare({ users: ['carol'] })
    expect((await octokit.rest.users.getByUsername({ username: 'alice' })).status).toBe(200)
    await sim.reset()
    expect((await octokit.rest.users.getByUsername({ username: 'mallory' })).status).toBe(200)
  })

  it('refuses malformed declarations and ids used twice', async () => {
    const cases: [unknown, string][] = [
      [{ users: [''] }, 'users[0]: must be a GitHub login'],
      [{ users: ['-dash'] }, 'users[0]: must be a GitHub login'],
      [{ users: [{ login: 'a', id: 0 }] }, 'users[0].id: must be a positive integer'],
      [{ users: [{ login: 'a', type: 'Robot' }] }, 'users[0].type: must be one of'],
      [{ users: [{ name: 'a' }] }, 'users[0].name: unknown field'],
      [{ users: 'alice' }, 'users: must be a list'],
      [{ teams: ['acme'] }, "teams[0]: must be 'org/slug'"],
      [{ teams: ['acme/a/b'] }, "teams[0]: must be 'org/slug'"],
      [{ teams: [{ org: 'acme', slug: 'x', name: '' }] }, 'teams[0].name: must be a non-empty'],
      [
        {
          users: [
            { login: 'a', id: 5 },
            { login: 'b', id: 5 }
          ]
        },
        "users[1]: id 5 is already a's"
      ],
      [
        {
          teams: [
            { org: 'o', slug: 'a', id: 5 },
            { org: 'o', slug: 'b', id: 5 }
          ]
        },
        "teams[1]: id 5 is already o/a's"
      ]
    ]
    for (const [body, message] of cases) {
      const answer = await declare(body)
      expect([body, answer.status]).toEqual([body, 400])
      expect(answer.body.message).toContain(message)
    }
    // Nothing of a refused declaration was applied.
    expect((await octokit.rest.users.getByUsername({ username: 'b' })).status).toBe(200)
  })
})

describe('environment reviewers', () => {
  it('answers 422 for reviewer ids that name no declared user or team', async () => {
    const declared = await declare({
      users: ['alice', { login: 'acme', type: 'Organization', id: 900 }],
      teams: [{ org: 'acme', slug: 'release-managers', id: 31 }]
    })
    const alice = (declared.body.users as { id: number }[])[0]!.id
    const ok = await putReviewers('production', [
      { type: 'User', id: alice },
      { type: 'Team', id: 31 }
    ])
    expect(ok.data.protection_rules).toEqual([
      expect.objectContaining({
        type: 'required_reviewers',
        reviewers: [
          { type: 'User', reviewer: expect.objectContaining({ login: 'alice', id: alice }) },
          {
            type: 'Team',
            reviewer: expect.objectContaining({ slug: 'release-managers', id: 31 })
          }
        ]
      })
    ])
    const unknown: Reviewer[] = [
      { type: 'User', id: 7 },
      { type: 'Team', id: 8 },
      { type: 'User', id: 900 } // an organization cannot review
    ]
    for (const reviewer of unknown) {
      const refused = await httpError(putReviewers('staging', [reviewer]))
      expect(refused.status).toBe(422)
      expect(refused.response?.data).toMatchObject({
        message: 'Validation Failed',
        errors: [
          {
            resource: 'Environment',
            field: 'reviewers',
            code: 'invalid',
            message: `${reviewer.type} with id ${reviewer.id} does not exist or cannot review in this repository.`
          }
        ]
      })
    }
    // A refused PUT creates nothing and leaves an existing environment as it was.
    expect(
      (await httpError(octokit.rest.repos.getEnvironment({ ...repo, environment_name: 'staging' })))
        .status
    ).toBe(404)
    await httpError(putReviewers('production', [{ type: 'User', id: 7 }]))
    const production = await octokit.rest.repos.getEnvironment({
      ...repo,
      environment_name: 'production'
    })
    expect(production.data.protection_rules).toHaveLength(1)
  })

  it('reads users and teams from a scenario', async () => {
    const seeded = await startSim({
      scenario: { github: { users: ['alice'], teams: ['acme/ops'] } }
    })
    try {
      const client = new Octokit({
        baseUrl: `${seeded.url}/github`,
        auth: 'ghs_scenario',
        log: quietLog
      })
      expect((await client.rest.users.getByUsername({ username: 'alice' })).status).toBe(200)
      const bob = await httpError(client.rest.users.getByUsername({ username: 'bob' }))
      expect(bob.status).toBe(404)
      const state = (await (await fetch(`${seeded.url}/_sim/state`)).json()) as {
        github: { users: unknown; teams: unknown }
      }
      expect(state.github.users).toEqual([{ login: 'alice', id: expect.any(Number), type: 'User' }])
      expect(state.github.teams).toEqual([
        { org: 'acme', slug: 'ops', name: 'ops', id: expect.any(Number) }
      ])
    } finally {
      await seeded.stop()
    }
  })
})
