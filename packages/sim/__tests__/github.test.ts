import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Octokit } from '@octokit/rest'
import { RequestError } from '@octokit/request-error'
import { createSimClock } from '../src/clock.js'
import { createGitHubApi } from '../src/github/index.js'

/** What the sim's server does for `/github/*`: JSON in, the API's response out. */
const clock = createSimClock()
const api = createGitHubApi({ clock })
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const text = Buffer.concat(chunks).toString('utf8')
    const headers: Record<string, string | undefined> = {}
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(',') : v
    const { port } = server.address() as AddressInfo
    api
      .handle({
        method: req.method ?? 'GET',
        path: url.pathname.replace(/^\/github/, ''),
        query: url.searchParams,
        body: text === '' ? undefined : JSON.parse(text),
        headers,
        baseUrl: `http://127.0.0.1:${port}/github`
      })
      .then(response => {
        res.writeHead(response.status, {
          'content-type': 'application/json; charset=utf-8',
          ...response.headers
        })
        res.end(response.status === 204 ? undefined : JSON.stringify(response.body))
      })
      .catch((error: unknown) => {
        res.writeHead(500)
        res.end(String(error))
      })
  })
})

let octokit: Octokit
let anonymous: Octokit
const owner = 'acme'
const repo = 'shop'

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github`
  // Expected 4xx answers would otherwise be logged by Octokit's request-log plugin.
  const quiet = () => undefined
  const log = { debug: quiet, info: quiet, warn: quiet, error: quiet }
  octokit = new Octokit({ baseUrl, auth: 'token', log })
  anonymous = new Octokit({ baseUrl, log })
})
afterAll(async () => {
  await new Promise<void>(resolve => server.close(() => resolve()))
})
beforeEach(async () => {
  await api.reset()
})

/** A request whose route and parameters are not type-checked, for deliberately bad input. */
const raw = (route: string, parameters: Record<string, unknown>) =>
  octokit.request(route, parameters)

async function httpError(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError)
    return error as RequestError
  }
  throw new Error('expected the request to fail')
}

const SHA = 'a'.repeat(40)

describe('deployments', () => {
  it('creates a deployment with GitHub defaults and reads it back', async () => {
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'main',
      payload: JSON.stringify({ image: 'web:1.2.3' }),
      required_contexts: []
    })
    expect(created.status).toBe(201)
    expect(created.headers['x-github-request-id']).toMatch(/^[0-9A-F:]+$/)
    expect(created.headers['x-ratelimit-remaining']).toBeDefined()
    const d = created.data as {
      id: number
      sha: string
      node_id: string
      url: string
      statuses_url: string
      created_at: string
    }
    expect(d).toMatchObject({
      ref: 'main',
      task: 'deploy',
      environment: 'production',
      original_environment: 'production',
      production_environment: true,
      transient_environment: false,
      payload: { image: 'web:1.2.3' },
      description: '',
      creator: { login: 'github-actions[bot]', type: 'Bot' }
    })
    expect(d.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(d.node_id).toEqual(expect.any(String))
    expect(d.url).toMatch(new RegExp(`/github/repos/acme/shop/deployments/${d.id}$`))
    expect(d.statuses_url).toBe(`${d.url}/statuses`)
    expect(d.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const read = await octokit.rest.repos.getDeployment({ owner, repo, deployment_id: d.id })
    expect(read.data).toEqual(d)
    // The same ref always resolves to the same sha; the environment now exists.
    const again = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'refs/heads/main',
      environment: 'staging'
    })
    expect((again.data as { sha: string }).sha).toBe(d.sha)
    const env = await octokit.rest.repos.getEnvironment({
      owner,
      repo,
      environment_name: 'staging'
    })
    expect(env.data.protection_rules).toEqual([])
  })

  it('keeps a full sha, completes a short one and refuses bad refs and bodies', async () => {
    const full = await octokit.rest.repos.createDeployment({ owner, repo, ref: SHA.toUpperCase() })
    expect((full.data as { sha: string }).sha).toBe(SHA)
    const short = await octokit.rest.repos.createDeployment({ owner, repo, ref: 'aaaaaaa' })
    expect((short.data as { sha: string }).sha).toBe(SHA)
    const other = await octokit.rest.repos.createDeployment({ owner, repo, ref: 'bbbbbbb' })
    expect((other.data as { sha: string }).sha).toMatch(/^bbbbbbb[0-9a-f]{33}$/)
    const badRef = await httpError(
      octokit.rest.repos.createDeployment({ owner, repo, ref: 'bad..ref' })
    )
    expect(badRef.status).toBe(422)
    expect((badRef.response?.data as { message: string }).message).toBe(
      'No ref found for: bad..ref'
    )
    const noRef = await httpError(raw('POST /repos/{owner}/{repo}/deployments', { owner, repo }))
    expect(noRef.status).toBe(422)
    expect(noRef.response?.data).toMatchObject({
      message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
      errors: [{ resource: 'Deployment', field: 'ref', code: 'missing_field' }]
    })
    const badType = await httpError(
      raw('POST /repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        ref: 'main',
        auto_merge: 'yes'
      })
    )
    expect(badType.status).toBe(422)
    const badPayload = await httpError(
      raw('POST /repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        ref: 'main',
        payload: 5
      })
    )
    expect(badPayload.status).toBe(422)
    const longDescription = await httpError(
      octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'main',
        description: 'x'.repeat(141)
      })
    )
    expect(longDescription.status).toBe(422)
    const plain = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'main',
      payload: 'not json',
      description: null as unknown as string
    })
    expect(plain.data).toMatchObject({ payload: 'not json', description: null })
  })

  it('answers 404 Not Found for unknown deployments, routes and repo names', async () => {
    const missing = await httpError(
      octokit.rest.repos.getDeployment({ owner, repo, deployment_id: 999 })
    )
    expect(missing.status).toBe(404)
    expect(missing.response?.data).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.any(String)
    })
    expect(missing.message).toContain('Not Found')
    expect(
      (
        await httpError(
          octokit.request('GET /repos/{owner}/{repo}/deployments/abc', { owner, repo })
        )
      ).status
    ).toBe(404)
    expect(
      (await httpError(octokit.request('GET /repos/{owner}/{repo}/unknown', { owner, repo })))
        .status
    ).toBe(404)
    expect(
      (await httpError(octokit.request('GET /repos/{owner}/{repo}', { owner: 'bad owner', repo })))
        .status
    ).toBe(404)
    expect(
      (
        await httpError(
          octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: 999 })
        )
      ).status
    ).toBe(404)
  })

  it('refuses writes without a token but serves reads', async () => {
    const denied = await httpError(
      anonymous.rest.repos.createDeployment({ owner, repo, ref: 'main' })
    )
    expect(denied.status).toBe(401)
    expect((denied.response?.data as { message: string }).message).toBe('Requires authentication')
    const list = await anonymous.rest.repos.listDeployments({ owner, repo })
    expect(list.data).toEqual([])
  })

  it('paginates a filtered list with absolute Link URLs that keep the filter', async () => {
    const ids: number[] = []
    for (let i = 0; i < 7; i++) {
      const environment = i % 3 === 2 ? 'production' : 'staging'
      const d = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: `v${i}`,
        environment,
        task: 'deploy'
      })
      if (environment === 'staging') ids.push((d.data as { id: number }).id)
    }
    const first = await octokit.rest.repos.listDeployments({
      owner,
      repo,
      environment: 'staging',
      per_page: 2
    })
    expect(first.headers.link).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/github\/repos\/acme\/shop\/deployments\?environment=staging&per_page=2&page=2>; rel="next", <[^>]*page=3>; rel="last"$/
    )
    const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
      owner,
      repo,
      environment: 'staging',
      per_page: 2
    })
    expect(all.map(d => d.id)).toEqual([...ids].reverse())
    expect(all.every(d => d.environment === 'staging')).toBe(true)
    const last = await octokit.rest.repos.listDeployments({
      owner,
      repo,
      environment: 'staging',
      per_page: 2,
      page: 3
    })
    expect(last.headers.link).toContain('rel="prev"')
    expect(last.headers.link).toContain('rel="first"')
    expect(last.headers.link).not.toContain('rel="next"')
    const bySha = await octokit.rest.repos.listDeployments({ owner, repo, sha: all[0]!.sha })
    expect(bySha.data.map(d => d.id)).toEqual([all[0]!.id])
    expect(
      (await octokit.rest.repos.listDeployments({ owner, repo, ref: 'v0', task: 'deploy' })).data
    ).toHaveLength(1)
    expect(
      (await octokit.rest.repos.listDeployments({ owner, repo, per_page: 500 })).data
    ).toHaveLength(7)
  })
})

describe('deployment statuses', () => {
  const deploy = async (environment: string, extra: Record<string, unknown> = {}) =>
    (
      (
        await octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: 'main',
          environment,
          ...extra
        })
      ).data as { id: number }
    ).id
  const states = async (id: number) =>
    (await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: id })).data.map(
      s => s.state
    )

  it('records statuses newest first with log_url mirrored into target_url', async () => {
    const id = await deploy('staging')
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state: 'in_progress'
    })
    const done = await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state: 'success',
      log_url: 'https://ci.example/run/1',
      environment_url: 'https://staging.example',
      description: 'Deployed web:1.2.3'
    })
    expect(done.status).toBe(201)
    expect(done.data).toMatchObject({
      state: 'success',
      log_url: 'https://ci.example/run/1',
      target_url: 'https://ci.example/run/1',
      environment_url: 'https://staging.example',
      environment: 'staging',
      description: 'Deployed web:1.2.3'
    })
    expect(done.data.deployment_url).toMatch(new RegExp(`/deployments/${id}$`))
    expect(await states(id)).toEqual(['success', 'in_progress'])
    const one = await octokit.rest.repos.getDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      status_id: done.data.id
    })
    expect(one.data.id).toBe(done.data.id)
    expect(
      (
        await httpError(
          octokit.rest.repos.getDeploymentStatus({ owner, repo, deployment_id: id, status_id: 1 })
        )
      ).status
    ).toBe(404)
    const legacy = await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state: 'success',
      target_url: 'https://ci.example/run/2',
      environment: 'staging-eu'
    })
    expect(legacy.data).toMatchObject({
      log_url: 'https://ci.example/run/2',
      environment: 'staging-eu'
    })
    const next = await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: id,
      state: 'queued'
    })
    expect(next.data.environment).toBe('staging-eu')
  })

  it('marks earlier successful non-production deployments of the environment inactive', async () => {
    const transient = await deploy('staging', { transient_environment: true })
    const prodOld = await deploy('production')
    const old = await deploy('staging')
    const failed = await deploy('staging')
    const otherEnv = await deploy('dev')
    // Each success would retire the earlier ones, so succeed in creation order.
    for (const id of [transient, prodOld, old, otherEnv]) {
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: 'success'
      })
    }
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: failed,
      state: 'failure'
    })
    const quiet = await deploy('staging')
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: quiet,
      state: 'success',
      auto_inactive: false
    })
    expect(await states(old)).toEqual(['success'])
    const fresh = await deploy('staging')
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: fresh,
      state: 'success'
    })
    expect(await states(old)).toEqual(['inactive', 'success'])
    expect(await states(quiet)).toEqual(['inactive', 'success'])
    expect(await states(transient)).toEqual(['success'])
    expect(await states(failed)).toEqual(['failure'])
    expect(await states(otherEnv)).toEqual(['success'])
    const prodNew = await deploy('production')
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: prodNew,
      state: 'success'
    })
    expect(await states(prodOld)).toEqual(['success'])
  })

  it('answers a bad state with the 422 validation shape', async () => {
    const id = await deploy('staging')
    const error = await httpError(
      raw('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner,
        repo,
        deployment_id: id,
        state: 'done'
      })
    )
    expect(error.status).toBe(422)
    expect(error.response?.data).toMatchObject({
      errors: [{ resource: 'DeploymentStatus', field: 'state', code: 'invalid', value: 'done' }]
    })
    expect(
      (
        await httpError(
          raw('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
            owner,
            repo,
            deployment_id: id
          })
        )
      ).status
    ).toBe(422)
    expect(
      (
        await httpError(
          octokit.rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: id,
            state: 'error',
            description: 'x'.repeat(141)
          })
        )
      ).status
    ).toBe(422)
    expect(await states(id)).toEqual([])
  })

  it('deletes only inactive deployments or the last one of an environment', async () => {
    const a = await deploy('staging')
    const b = await deploy('staging')
    expect(
      (await httpError(octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: a })))
        .status
    ).toBe(422)
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: a,
      state: 'inactive'
    })
    expect(
      (await octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: a })).status
    ).toBe(204)
    expect(
      (await octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: b })).status
    ).toBe(204)
    expect((await octokit.rest.repos.listDeployments({ owner, repo })).data).toEqual([])
  })
})

describe('check runs', () => {
  const annotations = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => ({
      path: 'src/app.ts',
      start_line: from + i,
      end_line: from + i,
      annotation_level: 'warning' as const,
      message: `finding ${from + i}`
    }))

  it('appends annotations across updates and completes the run', async () => {
    const created = await octokit.rest.checks.create({
      owner,
      repo,
      name: 'verify',
      head_sha: SHA,
      status: 'in_progress',
      output: { title: 'Verifying', summary: 'started', annotations: annotations(50) }
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      completed_at: null,
      head_sha: SHA
    })
    expect(created.data.output.annotations_count).toBe(50)
    const id = created.data.id
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: id,
      output: { summary: 'more', annotations: annotations(30, 51) }
    })
    const done = await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: id,
      conclusion: 'failure',
      output: { title: 'Failed', summary: 'done', text: 'details' }
    })
    expect(done.status).toBe(200)
    expect(done.data).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Failed', summary: 'done', text: 'details', annotations_count: 80 }
    })
    expect(done.data.completed_at).toEqual(expect.any(String))
    const all = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      owner,
      repo,
      check_run_id: id,
      per_page: 30
    })
    expect(all.map(a => a.message)).toEqual(
      Array.from({ length: 80 }, (_, i) => `finding ${i + 1}`)
    )
    expect(all[0]!.blob_href).toBe(`https://github.com/acme/shop/blob/${SHA}/src/app.ts`)
    const read = await octokit.rest.checks.get({ owner, repo, check_run_id: id })
    expect(read.data.output.annotations_url).toMatch(new RegExp(`/check-runs/${id}/annotations$`))
  })

  it.each([
    ['no name', { head_sha: SHA }],
    ['a ref for head_sha', { name: 'x', head_sha: 'main' }],
    ['completed without conclusion', { name: 'x', head_sha: SHA, status: 'completed' }],
    ['an unknown status', { name: 'x', head_sha: SHA, status: 'waiting' }],
    ['stale', { name: 'x', head_sha: SHA, conclusion: 'stale' }],
    ['output without title', { name: 'x', head_sha: SHA, output: { summary: 's' } }],
    [
      '51 annotations',
      {
        name: 'x',
        head_sha: SHA,
        output: { title: 't', summary: 's', annotations: annotations(51) }
      }
    ],
    [
      'a bad level',
      {
        name: 'x',
        head_sha: SHA,
        output: {
          title: 't',
          summary: 's',
          annotations: [{ ...annotations(1)[0], annotation_level: 'error' }]
        }
      }
    ],
    [
      'columns across lines',
      {
        name: 'x',
        head_sha: SHA,
        output: {
          title: 't',
          summary: 's',
          annotations: [{ ...annotations(1)[0], end_line: 3, start_column: 1 }]
        }
      }
    ],
    [
      'end before start',
      {
        name: 'x',
        head_sha: SHA,
        output: {
          title: 't',
          summary: 's',
          annotations: [{ ...annotations(1)[0], start_line: 5, end_line: 3 }]
        }
      }
    ],
    ['four actions', { name: 'x', head_sha: SHA, actions: [{}, {}, {}, {}] }],
    ['a bad timestamp', { name: 'x', head_sha: SHA, started_at: 'yesterday' }]
  ])('refuses %s with 422', async (_label, body) => {
    const error = await httpError(
      raw('POST /repos/{owner}/{repo}/check-runs', { owner, repo, ...body })
    )
    expect(error.status).toBe(422)
    expect((await octokit.rest.checks.listForRef({ owner, repo, ref: SHA })).data.total_count).toBe(
      0
    )
  })

  it('refuses an update that completes without a conclusion and a PATCH of an unknown run', async () => {
    const run = await octokit.rest.checks.create({ owner, repo, name: 'verify', head_sha: SHA })
    expect(run.data.status).toBe('queued')
    expect(
      (
        await httpError(
          octokit.rest.checks.update({
            owner,
            repo,
            check_run_id: run.data.id,
            status: 'completed'
          })
        )
      ).status
    ).toBe(422)
    expect(
      (
        await httpError(
          octokit.rest.checks.update({
            owner,
            repo,
            check_run_id: run.data.id,
            output: { title: 'no summary' } as never
          })
        )
      ).status
    ).toBe(422)
    expect(
      (
        await httpError(
          octokit.rest.checks.update({ owner, repo, check_run_id: 12345, status: 'in_progress' })
        )
      ).status
    ).toBe(404)
    const reopened = await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: run.data.id,
      status: 'in_progress',
      name: 'verify-2',
      details_url: 'https://ci.example/1',
      external_id: 'e1'
    })
    expect(reopened.data).toMatchObject({
      status: 'in_progress',
      name: 'verify-2',
      details_url: 'https://ci.example/1',
      external_id: 'e1'
    })
  })

  it('lists the latest run per name for a ref, filtered by check name', async () => {
    await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })
    api.setBranch('acme/shop', 'main', SHA)
    await octokit.rest.checks.create({
      owner,
      repo,
      name: 'verify',
      head_sha: SHA,
      conclusion: 'failure'
    })
    const second = await octokit.rest.checks.create({
      owner,
      repo,
      name: 'verify',
      head_sha: SHA,
      completed_at: '2026-01-01T00:00:00Z',
      conclusion: 'success'
    })
    await octokit.rest.checks.create({ owner, repo, name: 'gate', head_sha: SHA })
    await octokit.rest.checks.create({ owner, repo, name: 'verify', head_sha: 'b'.repeat(40) })
    const latest = await octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: 'main',
      check_name: 'verify'
    })
    expect(latest.data.total_count).toBe(1)
    expect(latest.data.check_runs[0]!.id).toBe(second.data.id)
    expect(latest.data.check_runs[0]!.completed_at).toBe('2026-01-01T00:00:00Z')
    const all = await octokit.paginate(octokit.rest.checks.listForRef, {
      owner,
      repo,
      ref: SHA,
      filter: 'all',
      per_page: 1
    })
    expect(all.map(r => r.name).sort()).toEqual(['gate', 'verify', 'verify'])
    const queued = await octokit.rest.checks.listForRef({ owner, repo, ref: SHA, status: 'queued' })
    expect(queued.data.check_runs.map(r => r.name)).toEqual(['gate'])
    expect(
      (await httpError(octokit.rest.checks.listForRef({ owner, repo, ref: 'a b' }))).status
    ).toBe(422)
  })
})

describe('environments', () => {
  it('creates protection rules and reports them as GitHub does', async () => {
    const alice = await octokit.rest.users.getByUsername({ username: 'alice' })
    const team = await octokit.rest.teams.getByName({ org: 'acme', team_slug: 'Release-Managers' })
    const put = await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      wait_timer: 30,
      prevent_self_review: true,
      reviewers: [
        { type: 'User', id: alice.data.id },
        { type: 'Team', id: team.data.id }
      ],
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }
    })
    expect(put.status).toBe(200)
    expect(put.data.protection_rules).toEqual([
      { id: expect.any(Number), node_id: expect.any(String), type: 'wait_timer', wait_timer: 30 },
      {
        id: expect.any(Number),
        node_id: expect.any(String),
        type: 'required_reviewers',
        prevent_self_review: true,
        reviewers: [
          {
            type: 'User',
            reviewer: expect.objectContaining({ login: 'alice', id: alice.data.id })
          },
          {
            type: 'Team',
            reviewer: expect.objectContaining({ slug: 'release-managers', id: team.data.id })
          }
        ]
      },
      { id: expect.any(Number), node_id: expect.any(String), type: 'branch_policy' }
    ])
    expect(put.data.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true
    })
    // Updating only the wait timer keeps the other rules and their ids.
    const updated = await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      wait_timer: 0
    })
    expect(updated.data.protection_rules!.map(r => r.type)).toEqual([
      'required_reviewers',
      'branch_policy'
    ])
    expect(updated.data.protection_rules![0]!.id).toBe(put.data.protection_rules![1]!.id)
    const cleared = await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      reviewers: null,
      deployment_branch_policy: null
    })
    expect(cleared.data.protection_rules).toEqual([])
    expect(cleared.data.deployment_branch_policy).toBeNull()
    const unknownReviewer = await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'qa',
      reviewers: [
        { type: 'User', id: 7 },
        { type: 'Team', id: 8 }
      ]
    })
    expect(unknownReviewer.data.protection_rules![0]).toMatchObject({
      reviewers: [{ reviewer: { login: 'user-7' } }, { reviewer: { slug: 'team-8' } }]
    })
  })

  it('lists, reads, deletes and encodes names with slashes', async () => {
    await octokit.rest.repos.createOrUpdateEnvironment({ owner, repo, environment_name: 'staging' })
    await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'review/pr-1'
    })
    const list = await octokit.rest.repos.getAllEnvironments({ owner, repo })
    expect(list.data.total_count).toBe(2)
    expect(list.data.environments!.map(e => e.name)).toEqual(['review/pr-1', 'staging'])
    const slashed = await octokit.rest.repos.getEnvironment({
      owner,
      repo,
      environment_name: 'review/pr-1'
    })
    expect(slashed.data.url).toMatch(/environments\/review%2Fpr-1$/)
    const flattened = await octokit.paginate(octokit.rest.repos.getAllEnvironments, {
      owner,
      repo,
      per_page: 1
    })
    expect((flattened as unknown as { name: string }[]).map(e => e.name)).toEqual([
      'review/pr-1',
      'staging'
    ])
    await octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: 'staging' })
    const missing = await httpError(
      octokit.rest.repos.getEnvironment({ owner, repo, environment_name: 'staging' })
    )
    expect(missing.status).toBe(404)
    expect(missing.response?.data).toMatchObject({ message: 'Not Found' })
  })

  it.each([
    [
      'both branch policies',
      { deployment_branch_policy: { protected_branches: true, custom_branch_policies: true } }
    ],
    [
      'neither branch policy',
      { deployment_branch_policy: { protected_branches: false, custom_branch_policies: false } }
    ],
    ['a half branch policy', { deployment_branch_policy: { protected_branches: true } }],
    ['a wait over 30 days', { wait_timer: 43201 }],
    ['a negative wait', { wait_timer: -1 }],
    ['a fractional wait', { wait_timer: 1.5 }],
    [
      'seven reviewers',
      { reviewers: Array.from({ length: 7 }, (_, i) => ({ type: 'User', id: i + 1 })) }
    ],
    ['a bot reviewer', { reviewers: [{ type: 'Bot', id: 1 }] }],
    ['a reviewer without id', { reviewers: [{ type: 'User' }] }],
    ['reviewers not a list', { reviewers: 'alice' }],
    ['a string flag', { prevent_self_review: 'yes' }]
  ])('refuses %s with 422 and creates nothing', async (_label, body) => {
    const error = await httpError(
      raw('PUT /repos/{owner}/{repo}/environments/{environment_name}', {
        owner,
        repo,
        environment_name: 'production',
        ...body
      })
    )
    expect(error.status).toBe(422)
    expect((await octokit.rest.repos.getAllEnvironments({ owner, repo })).data.total_count).toBe(0)
  })

  it('manages custom deployment branch policies', async () => {
    await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false }
    })
    const refused = await httpError(
      octokit.rest.repos.createDeploymentBranchPolicy({
        owner,
        repo,
        environment_name: 'production',
        name: 'main'
      })
    )
    expect(refused.status).toBe(404)
    await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }
    })
    const created = await octokit.rest.repos.createDeploymentBranchPolicy({
      owner,
      repo,
      environment_name: 'production',
      name: 'release/*'
    })
    expect(created.status).toBe(200)
    expect(created.data).toMatchObject({ name: 'release/*', type: 'branch' })
    // A duplicate is a 303 to the existing policy, which fetch follows.
    const duplicate = await octokit.rest.repos.createDeploymentBranchPolicy({
      owner,
      repo,
      environment_name: 'production',
      name: 'release/*'
    })
    expect(duplicate.data.id).toBe(created.data.id)
    await octokit.rest.repos.createDeploymentBranchPolicy({
      owner,
      repo,
      environment_name: 'production',
      name: 'v*',
      type: 'tag'
    })
    const list = await octokit.rest.repos.listDeploymentBranchPolicies({
      owner,
      repo,
      environment_name: 'production'
    })
    expect(list.data.total_count).toBe(2)
    expect(list.data.branch_policies.map(p => `${p.type}:${p.name}`)).toEqual([
      'branch:release/*',
      'tag:v*'
    ])
    const renamed = await octokit.rest.repos.updateDeploymentBranchPolicy({
      owner,
      repo,
      environment_name: 'production',
      branch_policy_id: created.data.id!,
      name: 'main'
    })
    expect(renamed.data.name).toBe('main')
    await octokit.rest.repos.deleteDeploymentBranchPolicy({
      owner,
      repo,
      environment_name: 'production',
      branch_policy_id: created.data.id!
    })
    expect(
      (
        await httpError(
          octokit.rest.repos.getDeploymentBranchPolicy({
            owner,
            repo,
            environment_name: 'production',
            branch_policy_id: created.data.id!
          })
        )
      ).status
    ).toBe(404)
    expect(
      (
        await httpError(
          raw(
            'POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
            { owner, repo, environment_name: 'production' }
          )
        )
      ).status
    ).toBe(422)
    // Switching back to protected branches drops the custom patterns.
    await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false }
    })
    await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }
    })
    expect(
      (
        await octokit.rest.repos.listDeploymentBranchPolicies({
          owner,
          repo,
          environment_name: 'production'
        })
      ).data.total_count
    ).toBe(0)
  })
})

describe('commits, refs and the repository', () => {
  it('resolves branches to the same sha everywhere and honours setBranch', async () => {
    const commit = await octokit.rest.repos.getCommit({ owner, repo, ref: 'main' })
    const ref = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })
    expect(commit.data.sha).toBe(ref.data.object.sha)
    expect(ref.data.ref).toBe('refs/heads/main')
    expect(commit.data.commit.message).toContain(commit.data.sha.slice(0, 7))
    expect(commit.data.html_url).toBe(`https://github.com/acme/shop/commit/${commit.data.sha}`)
    api.setBranch('acme/shop', 'refs/heads/main', 'C'.repeat(40))
    expect((await octokit.rest.repos.getCommit({ owner, repo, ref: 'main' })).data.sha).toBe(
      'c'.repeat(40)
    )
    const feature = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/feature/login' })
    expect(feature.data.ref).toBe('refs/heads/feature/login')
    const tag = await octokit.rest.git.getRef({ owner, repo, ref: 'tags/v1.0.0' })
    expect(tag.data.object.type).toBe('commit')
    expect((await httpError(octokit.rest.git.getRef({ owner, repo, ref: 'main' }))).status).toBe(
      404
    )
    expect(
      (await httpError(octokit.rest.repos.getCommit({ owner, repo, ref: 'x..y' }))).status
    ).toBe(422)
    expect(() => api.setBranch('nope', 'main', SHA)).toThrow('not owner/repo')
    const info = await octokit.rest.repos.get({ owner, repo })
    expect(info.data).toMatchObject({
      full_name: 'acme/shop',
      default_branch: 'main',
      owner: { login: 'acme' }
    })
  })
})

describe('the API object', () => {
  const request = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: 'token t' }
  ) =>
    api.handle({
      method,
      path,
      query: new URLSearchParams(),
      body,
      headers,
      baseUrl: 'http://sim/github'
    })

  it('answers bodies that are not JSON objects with 400 and undecodable paths with 404', async () => {
    const bad = await request('POST', '/repos/acme/shop/deployments', ['main'])
    expect(bad.status).toBe(400)
    expect((await request('GET', '/repos/acme/%E0%A4%A/deployments')).status).toBe(404)
    expect(
      (
        await request(
          'POST',
          '/repos/acme/shop/deployments',
          { ref: 'main' },
          { Authorization: 'token t' }
        )
      ).status
    ).toBe(201)
  })

  it('counts requests in the rate-limit headers and restarts the count on reset', async () => {
    await api.reset()
    const first = await request('GET', '/repos/acme/shop/deployments')
    const second = await request('GET', '/repos/acme/shop/deployments')
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-used': '1',
      'x-ratelimit-remaining': '4999'
    })
    expect(second.headers?.['x-ratelimit-used']).toBe('2')
  })

  it('classifies mutating requests and dumps what was recorded', async () => {
    expect(api.isMutating('post', '/repos/a/b/deployments')).toBe(true)
    expect(api.isMutating('DELETE', '/repos/a/b/environments/x')).toBe(true)
    expect(api.isMutating('GET', '/repos/a/b/deployments')).toBe(false)
    await request('POST', '/repos/acme/shop/deployments', { ref: 'main', environment: 'dev' })
    await request('POST', '/repos/acme/shop/check-runs', { name: 'verify', head_sha: SHA })
    const dump = api.dump() as {
      repositories: {
        fullName: string
        deployments: unknown[]
        checkRuns: unknown[]
        environments: unknown[]
      }[]
    }
    expect(dump.repositories).toHaveLength(1)
    expect(dump.repositories[0]).toMatchObject({
      fullName: 'acme/shop',
      deployments: [expect.objectContaining({ environment: 'dev', statuses: [] })],
      checkRuns: [expect.objectContaining({ name: 'verify' })],
      environments: [expect.objectContaining({ name: 'dev' })]
    })
    await api.reset()
    expect(api.dump()).toEqual({ users: 'any', teams: 'any', repositories: [] })
  })

  it('rethrows unexpected failures instead of hiding them', async () => {
    await expect(
      api.handle({
        method: 'GET',
        path: '/repos/acme/shop/deployments',
        query: null as unknown as URLSearchParams,
        body: undefined,
        headers: {},
        baseUrl: 'http://sim/github'
      })
    ).rejects.toThrow(TypeError)
  })
})
