import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { RequestError } from '@octokit/request-error'
import { startSim, validateScenario, type Sim } from '../src/index.js'

/**
 * Commit ancestry and `GET /repos/{o}/{r}/compare/{base}...{head}` through the unmodified
 * Octokit, with histories declared through the control API (`POST /_sim/github`, `/push`).
 */

const sha = (c: string) => c.repeat(40)
const [A, B, C, D, X, Y, Z] = ['a', 'b', 'c', 'd', 'e', 'f', '9'].map(sha) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string
]
const repo = { owner: 'acme', repo: 'shop' }

let sim: Sim
// Expected 4xx answers would otherwise be logged by Octokit's request-log plugin.
const quiet = () => undefined
const quietLog = { debug: quiet, info: quiet, warn: quiet, error: quiet }
let octokit: Octokit

const control = async (path: string, body: unknown) => {
  const res = await fetch(`${sim.url}/_sim${path}`, {
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

const compare = (basehead: string) =>
  octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead })

beforeAll(async () => {
  sim = await startSim()
  octokit = new Octokit({
    baseUrl: `${sim.url}/github`,
    auth: 'ghs_compare',
    log: quietLog
  })
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(async () => {
  await sim.reset()
})

/** main: A-B-C; feature branches off at B: B-X-Y; orphan: Z, unrelated. */
async function seedShop(): Promise<void> {
  const seeded = await control('/github', {
    repositories: [
      { name: 'acme/shop', branches: { main: [A, B, C], 'feature/x': [B, X, Y], orphan: [Z] } }
    ]
  })
  expect(seeded).toEqual({
    status: 200,
    body: {
      users: 'any',
      teams: 'any',
      repositories: [{ name: 'acme/shop', branches: { main: C, 'feature/x': Y, orphan: Z } }]
    }
  })
}

describe('compare: the direction of BASE...HEAD', () => {
  it('a commit on main: compare/{sha}...main is ahead (main has more), main...{sha} behind', async () => {
    await seedShop()
    // The staging gate's question, "is the candidate on main?": base = candidate, head = main.
    const contained = await compare(`${A}...main`)
    expect(contained.data).toMatchObject({
      status: 'ahead',
      ahead_by: 2,
      behind_by: 0,
      total_commits: 2,
      base_commit: { sha: A },
      merge_base_commit: { sha: A }
    })
    expect(contained.data.commits.map(c => c.sha)).toEqual([B, C])
    expect(contained.data.commits[0]!.parents).toEqual([
      expect.objectContaining({ sha: A, url: expect.stringContaining(`/commits/${A}`) })
    ])
    // The mirror: head A is behind base main; no commits are reachable from A only.
    const behind = await octokit.rest.repos.compareCommits({ ...repo, base: 'main', head: A })
    expect(behind.data).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 2, commits: [] })
    const same = await compare(`${C}...main`)
    expect(same.data).toMatchObject({ status: 'identical', ahead_by: 0, behind_by: 0 })
    expect(same.data.commits).toEqual([])
  })

  it('a commit of another branch diverges from main, whichever way round', async () => {
    await seedShop()
    const fromFeature = await compare(`${Y}...main`)
    expect(fromFeature.data).toMatchObject({
      status: 'diverged',
      ahead_by: 1,
      behind_by: 2,
      merge_base_commit: { sha: B }
    })
    expect(fromFeature.data.commits.map(c => c.sha)).toEqual([C])
    const toFeature = await compare('main...feature/x')
    expect(toFeature.data).toMatchObject({ status: 'diverged', ahead_by: 2, behind_by: 1 })
    expect(toFeature.data.commits.map(c => c.sha)).toEqual([X, Y])
    expect(toFeature.data.url).toBe(`${sim.url}/github/repos/acme/shop/compare/main...feature/x`)
    expect(toFeature.data.html_url).toBe('https://github.com/acme/shop/compare/main...feature/x')
    expect(toFeature.data.permalink_url).toBe(
      `https://github.com/acme/shop/compare/acme:${C}...acme:${Y}`
    )
    expect(toFeature.data.files).toEqual([])
  })

  it('takes refs/heads/ names, short shas and owner:ref for this repository', async () => {
    await seedShop()
    const short = await compare(`${B.slice(0, 7)}...refs/heads/main`)
    expect(short.data).toMatchObject({ status: 'ahead', base_commit: { sha: B }, ahead_by: 1 })
    const owned = await compare(`acme:main...ACME:${A}`)
    expect(owned.data.status).toBe('behind')
  })

  it('answers 404 for unknown refs and malformed baseheads, with no common ancestor named', async () => {
    await seedShop()
    for (const basehead of [
      `${D}...main`, // a sha nobody declared
      'main...develop', // a branch the repository does not have
      'main..feature/x',
      'main',
      'main...feature/x...orphan',
      'other:main...main', // another owner's fork
      'main...x..y'
    ]) {
      const error = await httpError(compare(basehead))
      expect([basehead, error.status]).toEqual([basehead, 404])
      expect(error.response?.data).toMatchObject({ message: 'Not Found' })
    }
    const unrelated = await httpError(compare('main...orphan'))
    expect(unrelated.status).toBe(404)
    expect(unrelated.response?.data).toEqual({
      message: 'No common ancestor between main and orphan.',
      documentation_url: 'https://docs.github.com/rest/commits/commits#compare-two-commits',
      status: '404'
    })
  })

  it('pages the commits when asked, and caps an unpaged answer at 250', async () => {
    const history = Array.from({ length: 301 }, (_, i) => i.toString(16).padStart(40, '0'))
    await control('/github', { repositories: [{ name: 'acme/big', branches: { main: history } }] })
    const base = history[0]!
    const unpaged = await octokit.rest.repos.compareCommits({
      owner: 'acme',
      repo: 'big',
      base,
      head: 'main'
    })
    expect(unpaged.data).toMatchObject({ ahead_by: 300, total_commits: 300 })
    expect(unpaged.data.commits).toHaveLength(250)
    expect(unpaged.data.commits[0]!.sha).toBe(history[1])
    const third = await octokit.rest.repos.compareCommits({
      owner: 'acme',
      repo: 'big',
      base,
      head: 'main',
      per_page: 100,
      page: 3
    })
    expect(third.data.commits.map(c => c.sha)).toEqual(history.slice(201, 301))
    expect(third.headers.link).toContain('rel="prev"')
    expect(third.headers.link).not.toContain('rel="next"')
  })
})

describe('commit ancestry: declaring, pushing and the undeclared repository', () => {
  it('pushes commits on top of a branch and refuses a commit with another parent', async () => {
    await seedShop()
    const pushed = await control('/github/push', {
      repository: 'acme/shop',
      branch: 'main',
      commits: [D]
    })
    expect(pushed).toEqual({
      status: 200,
      body: { repository: 'acme/shop', branch: 'main', head: D }
    })
    expect((await compare(`${C}...main`)).data).toMatchObject({ status: 'ahead', ahead_by: 1 })
    const commit = await octokit.rest.repos.getCommit({ ...repo, ref: 'main' })
    expect(commit.data.sha).toBe(D)
    expect(commit.data.parents.map(p => p.sha)).toEqual([C])
    // X already follows B: it cannot also follow D.
    const conflict = await control('/github/push', {
      repository: 'acme/shop',
      branch: 'main',
      commits: [X]
    })
    expect(conflict.status).toBe(400)
    expect(conflict.body.message).toBe(`commits[0]: commit ${X} already has parent ${B}, not ${D}`)
    // A new branch starts where its first commit is; pushing commits that already follow the
    // head (a fast-forward) is accepted.
    await control('/github/push', { repository: 'acme/shop', branch: 'release', commits: [B] })
    const ff = await control('/github/push', {
      repository: 'acme/shop',
      branch: 'release',
      commits: [X, Y]
    })
    expect(ff.status).toBe(200)
    expect((await compare('feature/x...release')).data.status).toBe('identical')
  })

  it('refuses malformed declarations and pushes with the path of the bad value', async () => {
    const cases: [string, unknown, string][] = [
      ['/github', { repositories: [{ name: 'shop' }] }, 'repositories[0].name'],
      [
        '/github',
        { repositories: [{ name: 'acme/shop', branches: { main: ['abc'] } }] },
        'repositories[0].branches.main[0]: must be a full 40-character sha, got "abc"'
      ],
      [
        '/github',
        { repositories: [{ name: 'acme/shop', branches: { main: [A, A] } }] },
        'repositories[0].branches.main[1]'
      ],
      [
        '/github',
        { repositories: [{ name: 'acme/shop', branches: { 'a..b': [A] } }] },
        'repositories[0].branches.a..b: must be a branch name'
      ],
      [
        '/github',
        { repositories: [{ name: 'acme/shop', branches: { main: [] } }] },
        'must list at least 1 commit'
      ],
      ['/github', { repos: [] }, 'repos: unknown field'],
      ['/github', [], 'must be a mapping'],
      ['/github/push', { repository: 'acme/shop', branch: 'main' }, 'commits: must be a list'],
      ['/github/push', { repository: 'acme/shop', commits: [A] }, 'branch: must be a branch name']
    ]
    for (const [path, body, message] of cases) {
      const answer = await control(path, body)
      expect([path, answer.status]).toEqual([path, 400])
      expect(answer.body.message).toContain(message)
    }
    // A history that contradicts one declared before names the commit.
    await seedShop()
    const contradiction = await control('/github', {
      repositories: [{ name: 'acme/shop', branches: { other: [A, C] } }]
    })
    expect(contradiction).toEqual({
      status: 400,
      body: {
        message: `repositories[0].branches.other[1]: commit ${C} already has parent ${B}, not ${A}`
      }
    })
  })

  it('without declared branches any branch is a root commit of its own', async () => {
    expect((await compare('main...main')).data).toMatchObject({ status: 'identical' })
    expect((await httpError(compare('main...develop'))).response?.data).toMatchObject({
      message: 'No common ancestor between main and develop.'
    })
    // A sha the sim never heard of is not a commit of the repository.
    expect((await httpError(compare(`${A}...main`))).status).toBe(404)
    // Once a branch is set, only set branches exist.
    await control('/github/push', { repository: 'acme/shop', branch: 'main', commits: [A, B] })
    expect((await compare(`${A}...main`)).data.status).toBe('ahead')
    expect((await httpError(compare('main...develop'))).status).toBe(404)
  })

  it('reads histories from a scenario, re-applied on reset, and validates them first', async () => {
    const scenario = {
      github: { repositories: [{ name: 'acme/shop', branches: { main: [A, B] } }] }
    }
    const seeded = await startSim({ scenario })
    try {
      const client = new Octokit({
        baseUrl: `${seeded.url}/github`,
        auth: 'ghs_scenario',
        log: quietLog
      })
      const ask = () =>
        client.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${A}...main` })
      expect((await ask()).data.status).toBe('ahead')
      await seeded.reset()
      expect((await ask()).data.status).toBe('ahead')
    } finally {
      await seeded.stop()
    }
    expect(() =>
      validateScenario({ github: { repositories: [{ name: 'acme/shop', branches: { main: 1 } }] } })
    ).toThrow('github.repositories[0].branches.main: must be a list, got 1')
    await expect(
      startSim({
        scenario: {
          github: {
            repositories: [{ name: 'acme/shop', branches: { main: [A, B], other: [C, B] } }]
          }
        }
      })
    ).rejects.toThrow(`scenario: github repositories[0].branches.other[1]: commit ${B}`)
  })
})
