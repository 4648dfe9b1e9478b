import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { RequestError } from '@octokit/request-error'
import { startSim, type Sim } from '../src/index.js'

/**
 * Runs waiting for an environment's reviewers, declared through the control API and read the way
 * a status command reads them on GitHub: the unmodified Octokit's listWorkflowRunsForRepo,
 * getWorkflowRun and getPendingDeploymentsForRun.
 */

const repo = { owner: 'acme', repo: 'shop' }
const quiet = () => undefined
const quietLog = { debug: quiet, info: quiet, warn: quiet, error: quiet }

let sim: Sim
let octokit: Octokit

const control = async (method: string, path: string, body: unknown) => {
  const res = await fetch(`${sim.url}/_sim${path}`, { method, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const waiting = (body: Record<string, unknown>) =>
  control('POST', '/github/waiting', {
    repository: 'acme/shop',
    runId: 9001,
    workflow: 'Deploy',
    environment: 'production',
    ...body
  })
const answered = (runId: number, environment: string) =>
  control('DELETE', '/github/waiting', { repository: 'acme/shop', runId, environment })

async function httpStatus(promise: Promise<unknown>): Promise<number> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError)
    return (error as RequestError).status
  }
  throw new Error('expected the request to fail')
}

beforeAll(async () => {
  sim = await startSim({})
  octokit = new Octokit({ baseUrl: `${sim.url}/github`, auth: 't', log: quietLog })
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(async () => {
  await sim.reset()
})

describe('runs waiting on an environment', () => {
  it('lists a waiting run and its pending deployment as GitHub shapes them', async () => {
    const declared = await waiting({
      reviewers: [
        { type: 'User', login: 'alice' },
        { type: 'Team', slug: 'acme/release-managers' }
      ],
      waitTimer: 5,
      createdAt: '2026-11-26T12:00:00Z'
    })
    expect(declared).toEqual({
      status: 200,
      body: { repository: 'acme/shop', runId: 9001, status: 'waiting', waitingOn: ['production'] }
    })
    const head = (await octokit.rest.repos.getCommit({ ...repo, ref: 'main' })).data.sha
    const runs = (
      await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, status: 'waiting' })
    ).data
    expect(runs.total_count).toBe(1)
    expect(runs.workflow_runs[0]).toMatchObject({
      id: 9001,
      name: 'Deploy',
      status: 'waiting',
      conclusion: null,
      head_sha: head,
      head_branch: 'main',
      event: 'push',
      run_number: 1,
      run_attempt: 1,
      path: '.github/workflows/deploy.yml',
      created_at: '2026-11-26T12:00:00Z',
      html_url: 'https://github.com/acme/shop/actions/runs/9001',
      url: `${sim.url}/github/repos/acme/shop/actions/runs/9001`,
      actor: { login: 'acme' },
      repository: { full_name: 'acme/shop' }
    })
    const pending = (
      await octokit.rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: 9001 })
    ).data
    expect(pending).toEqual([
      {
        environment: {
          id: expect.any(Number),
          node_id: expect.any(String),
          name: 'production',
          url: `${sim.url}/github/repos/acme/shop/environments/production`,
          html_url:
            'https://github.com/acme/shop/deployments/activity_log?environments_filter=production'
        },
        wait_timer: 5,
        wait_timer_started_at: '2026-11-26T12:00:00Z',
        current_user_can_approve: false,
        reviewers: [
          { type: 'User', reviewer: expect.objectContaining({ login: 'alice', type: 'User' }) },
          {
            type: 'Team',
            reviewer: expect.objectContaining({
              slug: 'release-managers',
              name: 'release-managers'
            })
          }
        ]
      }
    ])
    const run = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 9001 })
    expect(run.data.status).toBe('waiting')
  })

  it('waits on several environments until each is answered, then runs on', async () => {
    await waiting({ environment: 'production', currentUserCanApprove: true })
    await waiting({ environment: 'staging', reviewers: [{ type: 'Team', slug: 'sre' }] })
    const pending = await octokit.rest.actions.getPendingDeploymentsForRun({
      ...repo,
      run_id: 9001
    })
    expect(pending.data.map(p => [p.environment.name, p.current_user_can_approve])).toEqual([
      ['production', true],
      ['staging', false]
    ])
    expect(pending.data[1]?.reviewers[0]?.reviewer).toMatchObject({ slug: 'sre' })
    expect(await answered(9001, 'production')).toEqual({
      status: 200,
      body: { repository: 'acme/shop', runId: 9001, status: 'waiting', waitingOn: ['staging'] }
    })
    expect((await answered(9001, 'staging')).body).toMatchObject({
      status: 'in_progress',
      waitingOn: []
    })
    expect(await answered(9001, 'staging')).toEqual({
      status: 404,
      body: { message: "run 9001 of acme/shop is not waiting on environment 'staging'" }
    })
    expect(await answered(1, 'staging')).toMatchObject({ status: 404 })
    const waitingRuns = await octokit.rest.actions.listWorkflowRunsForRepo({
      ...repo,
      status: 'waiting'
    })
    expect(waitingRuns.data).toEqual({ total_count: 0, workflow_runs: [] })
    const all = await octokit.rest.actions.listWorkflowRunsForRepo(repo)
    expect(all.data.workflow_runs.map(r => r.status)).toEqual(['in_progress'])
    expect(
      (await octokit.rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: 9001 })).data
    ).toEqual([])
  })

  it('filters by branch, event, head sha and actor; newest first, in pages', async () => {
    const sha = 'a'.repeat(40)
    await waiting({ runId: 1, createdAt: Date.UTC(2026, 0, 1) })
    await waiting({
      runId: 2,
      workflow: 'Release',
      headBranch: 'release/1',
      headSha: sha.toUpperCase(),
      event: 'workflow_dispatch',
      actor: 'bob',
      createdAt: Date.UTC(2026, 0, 2)
    })
    await waiting({ runId: 3, createdAt: Date.UTC(2026, 0, 1) })
    const ids = async (query: Record<string, string>) =>
      (
        await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, ...query })
      ).data.workflow_runs.map(r => r.id)
    expect(await ids({})).toEqual([2, 3, 1])
    expect(await ids({ branch: 'release/1' })).toEqual([2])
    expect(await ids({ event: 'workflow_dispatch' })).toEqual([2])
    expect(await ids({ head_sha: sha })).toEqual([2])
    expect(await ids({ actor: 'BOB' })).toEqual([2])
    expect(await ids({ actor: 'acme', branch: 'main' })).toEqual([3, 1])
    expect(await ids({ status: 'completed' })).toEqual([])
    const runs = await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, per_page: 2 })
    expect(runs.data.total_count).toBe(3)
    expect(runs.headers.link).toContain('rel="next"')
    const every = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, {
      ...repo,
      per_page: 2
    })
    expect(every.map(r => [r.id, r.run_number])).toEqual([
      [2, 1],
      [3, 2],
      [1, 1]
    ])
  })

  it('names an environment by its id once it exists, and 404s an unknown run', async () => {
    const env = await octokit.rest.repos.createOrUpdateEnvironment({
      ...repo,
      environment_name: 'production'
    })
    await waiting({})
    const pending = await octokit.rest.actions.getPendingDeploymentsForRun({
      ...repo,
      run_id: 9001
    })
    expect(pending.data[0]?.environment.id).toBe(env.data.id)
    expect(await httpStatus(octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 7 }))).toBe(404)
    expect(
      await httpStatus(octokit.rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: 7 }))
    ).toBe(404)
  })

  it('refuses reviewers a declared world does not know, and a run of another workflow', async () => {
    await control('POST', '/github', {
      users: ['alice', { login: 'acme', type: 'Organization' }],
      teams: ['acme/sre']
    })
    expect(await waiting({ reviewers: [{ type: 'User', login: 'bob' }] })).toEqual({
      status: 400,
      body: { message: "reviewers[0].login: user 'bob' is not declared" }
    })
    expect(await waiting({ reviewers: [{ type: 'User', login: 'acme' }] })).toEqual({
      status: 400,
      body: { message: "reviewers[0].login: 'acme' is not a user (Organization)" }
    })
    expect(await waiting({ reviewers: [{ type: 'Team', slug: 'release-managers' }] })).toEqual({
      status: 400,
      body: { message: "reviewers[0].slug: team 'acme/release-managers' is not declared" }
    })
    expect((await waiting({ reviewers: [{ type: 'Team', slug: 'sre' }] })).status).toBe(200)
    expect(await waiting({ workflow: 'Release', environment: 'staging' })).toEqual({
      status: 400,
      body: { message: "workflow: run 9001 is a run of 'Deploy', not 'Release'" }
    })
    // Once nobody waits on it, the id may start a run of another workflow.
    await answered(9001, 'production')
    expect((await waiting({ workflow: 'Release', environment: 'staging' })).body).toMatchObject({
      status: 'waiting',
      waitingOn: ['staging']
    })
    const run = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 9001 })
    expect([run.data.name, run.data.run_number]).toEqual(['Release', 1])
  })

  it.each([
    [{ repository: 'shop' }, "repository: must be 'owner/name'"],
    [{ runId: 0 }, 'runId: must be an integer from 1 to'],
    [{ runId: undefined }, 'runId: is required'],
    [{ workflow: ' ' }, 'workflow: must be a non-empty string'],
    [{ environment: 7 }, 'environment: must be a non-empty string'],
    [{ reviewers: 'alice' }, 'reviewers: must be a list'],
    [
      { reviewers: Array.from({ length: 7 }, (_, i) => ({ type: 'User', login: `u${i}` })) },
      'reviewers: at most 6 reviewers, got 7'
    ],
    [{ reviewers: [{ type: 'Bot', login: 'x' }] }, 'reviewers[0].type: must be User or Team'],
    [{ reviewers: [{ type: 'User', slug: 'x' }] }, 'reviewers[0].slug: unknown field'],
    [{ reviewers: [{ type: 'Team', login: 'x' }] }, 'reviewers[0].login: unknown field'],
    [{ reviewers: [{ type: 'Team', slug: 'a/b/c' }] }, 'reviewers[0].slug: must be a team slug'],
    [{ waitTimer: 43201 }, 'waitTimer: must be an integer from 0 to 43200'],
    [{ createdAt: 'yesterday' }, 'createdAt: must be an ISO 8601 time or epoch milliseconds'],
    [{ createdAt: true }, 'createdAt: must be an ISO 8601 time'],
    [{ headSha: 'abc' }, 'headSha: must be a full 40-character sha'],
    [{ headBranch: 'refs/heads/main' }, 'headBranch: must be a branch name'],
    [{ event: 'Push!' }, 'event: must be an event name like push'],
    [{ actor: '-x' }, 'actor: must be a GitHub login'],
    [{ currentUserCanApprove: 'yes' }, 'currentUserCanApprove: must be true or false'],
    [{ colour: 'red' }, 'colour: unknown field']
  ])('%j is a 400 naming the field', async (change, message) => {
    const res = await waiting(change)
    expect(res.status).toBe(400)
    expect(res.body.message).toContain(message)
  })

  it('reads a null body as an empty one', async () => {
    expect(await control('POST', '/github/waiting', null)).toEqual({
      status: 400,
      body: { message: "repository: must be 'owner/name', got undefined" }
    })
    expect(await control('DELETE', '/github/waiting', null)).toMatchObject({ status: 400 })
  })

  it('checks the body of an answer, and forgets every run on reset', async () => {
    expect(await control('DELETE', '/github/waiting', { repository: 'acme/shop' })).toEqual({
      status: 400,
      body: { message: 'runId: is required' }
    })
    await waiting({})
    await sim.reset()
    expect((await octokit.rest.actions.listWorkflowRunsForRepo(repo)).data.total_count).toBe(0)
  })
})
