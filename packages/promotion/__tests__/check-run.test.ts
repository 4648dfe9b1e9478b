import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '@fargate-promote/common'
import {
  writeGateCheckRun,
  type GateCheck,
  type GateVerdict,
  type GitHubClient
} from '../src/index.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const REPOSITORY = { owner: 'acme', repo: 'web' }

interface Recorded {
  route: string
  parameters: Record<string, unknown>
}

/** Answers like GitHub's check-runs endpoints: 201 with an id on create, 200 on update. */
class FakeGitHub implements GitHubClient {
  readonly requests: Recorded[] = []
  constructor(private readonly createStatus = 201) {}

  request(route: string, parameters: Record<string, unknown> = {}) {
    this.requests.push({ route, parameters })
    if (route === 'POST /repos/{owner}/{repo}/check-runs') {
      return Promise.resolve({ status: this.createStatus, data: { id: 4242 } })
    }
    if (route === 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}') {
      return Promise.resolve({ status: 200, data: { id: parameters.check_run_id } })
    }
    return Promise.resolve({ status: 404, data: { message: 'Not Found' } })
  }
}

function gateCheck(index: number, ok: boolean, blocking = !ok): GateCheck {
  return {
    name: `health: check ${index}`,
    kind: 'health',
    ok,
    blocking,
    detail: ok ? 'passing' : `check ${index} | failed <b>500</b>\nsecond line`
  }
}

function verdict(extra: Partial<GateVerdict> = {}): GateVerdict {
  return {
    approved: false,
    mode: 'blocked',
    checks: [gateCheck(1, true), gateCheck(2, false)],
    images: { web: `repo/web@sha256:${'a'.repeat(64)}` },
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:1:task-definition/web:42',
    version: '1.4.2',
    sha: SHA,
    soakedForMs: 240_000,
    remainingSoakMs: 660_000,
    minSoakMs: 900_000,
    nextSteps: ['Wait 11m and re-run the gate.'],
    services: [],
    evaluatedAt: Date.UTC(2026, 10, 26, 12, 0, 0, 123),
    ...extra
  }
}

function output(request: Recorded | undefined) {
  return request?.parameters.output as {
    title: string
    summary: string
    annotations: { path: string; annotation_level: string; title: string; message: string }[]
  }
}

describe('writeGateCheckRun', () => {
  it('splits more than 50 annotations into a POST and PATCHes of at most 50', async () => {
    const github = new FakeGitHub()
    const checks = Array.from({ length: 120 }, (_, i) => gateCheck(i, false))
    const result = await writeGateCheckRun(
      { repository: REPOSITORY, sha: SHA, verdict: verdict({ checks }) },
      { github }
    )

    expect(result).toEqual({ id: 4242, conclusion: 'failure', annotations: 120, requests: 3 })
    expect(github.requests.map(r => r.route)).toEqual([
      'POST /repos/{owner}/{repo}/check-runs',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
    ])
    expect(github.requests.map(r => output(r).annotations.length)).toEqual([50, 50, 20])
    expect(github.requests[1]?.parameters).toMatchObject({
      owner: 'acme',
      repo: 'web',
      check_run_id: 4242
    })
    const titles = github.requests.flatMap(r => output(r).annotations.map(a => a.title))
    expect(titles[0]).toBe('staging gate: health: check 0')
    expect(titles[119]).toBe('staging gate: health: check 119')
    expect(new Set(titles).size).toBe(120)
  })

  it("records a cancelled gate with GitHub's cancelled conclusion: no verdict, nothing approved", async () => {
    const github = new FakeGitHub()
    const result = await writeGateCheckRun(
      { repository: REPOSITORY, sha: SHA, verdict: verdict({ cancelled: true }) },
      { github }
    )
    expect(result.conclusion).toBe('cancelled')
    expect(github.requests[0]?.parameters).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled'
    })
    expect(output(github.requests[0]).title).toBe(
      'Cancelled: no verdict for 1.4.2; nothing is approved'
    )
  })

  it('creates a completed failure run with a table and one annotation per failed check', async () => {
    const github = new FakeGitHub()
    await writeGateCheckRun(
      {
        repository: REPOSITORY,
        sha: SHA,
        verdict: verdict(),
        detailsUrl: 'https://github.com/acme/web/actions/runs/1',
        path: '.github/workflows/promote.yml'
      },
      { github }
    )
    const [create] = github.requests
    expect(create?.parameters).toMatchObject({
      owner: 'acme',
      repo: 'web',
      name: 'staging-gate',
      head_sha: SHA,
      status: 'completed',
      conclusion: 'failure',
      completed_at: '2026-11-26T12:00:00Z',
      details_url: 'https://github.com/acme/web/actions/runs/1'
    })
    const out = output(create)
    expect(out.title).toBe('Blocked: 1 of 2 checks failed for 1.4.2')
    expect(out.summary).toContain('**Blocked**: 1 check(s) failed.')
    expect(out.summary).toContain('| health: check 1 | ✅ pass | passing |')
    expect(out.summary).toContain(
      '| health: check 2 | ❌ fail | check 2 &#124; failed &lt;b&gt;500&lt;/b&gt;<br>second line |'
    )
    expect(out.summary).toContain('Soak: 4m of 15m, 11m to go.')
    expect(out.summary).toContain(`| web | <code>repo/web@sha256:${'a'.repeat(64)}</code> |`)
    expect(out.summary).toContain('- Wait 11m and re-run the gate.')
    expect(out.annotations).toEqual([
      {
        path: '.github/workflows/promote.yml',
        start_line: 1,
        end_line: 1,
        annotation_level: 'failure',
        title: 'staging gate: health: check 2',
        message: 'check 2 | failed <b>500</b>\nsecond line'
      }
    ])
  })

  it('keeps a hostile check name or image inside its own cell: one row per check', async () => {
    const github = new FakeGitHub()
    const hostile: GateCheck = {
      name: 'x\r| forged | ✅ pass | ok',
      kind: 'health',
      ok: false,
      blocking: true,
      detail: 'line one\rline two\n\n# heading [Approve](https://evil.example)'
    }
    await writeGateCheckRun(
      {
        repository: REPOSITORY,
        sha: SHA,
        verdict: verdict({ checks: [hostile], images: { web: 'repo/web:`x` | y' } }),
        path: '.github/workflows/promote.yml'
      },
      { github }
    )
    const summary = output(github.requests[0]).summary
    const lines = summary.split(/\r\n|\r|\n/)
    const rows = lines.filter(line => line.startsWith('| ') && !line.startsWith('| Check'))
    expect(rows).toEqual([
      '| x<br>&#124; forged &#124; ✅ pass &#124; ok | ❌ fail | line one<br>line two<br><br># heading &#91;Approve&#93;(https://evil.example) |',
      '| Container | Image |',
      '| web | <code>repo/web:`x` &#124; y</code> |'
    ])
  })

  it('makes an emergency bypass visible: neutral, EMERGENCY BYPASS title, warnings', async () => {
    const github = new FakeGitHub()
    const result = await writeGateCheckRun(
      {
        repository: REPOSITORY,
        sha: SHA,
        verdict: verdict({
          approved: true,
          mode: 'emergency',
          checks: [gateCheck(1, true), gateCheck(2, false, false)],
          emergency: { reason: 'Payment outage INC-123', actor: 'alice' }
        })
      },
      { github }
    )
    expect(result.conclusion).toBe('neutral')
    const out = output(github.requests[0])
    expect(out.title).toBe('EMERGENCY BYPASS by alice: 1.4.2 released with 1 failing check')
    expect(out.summary).toContain('**EMERGENCY BYPASS** by alice: Payment outage INC-123')
    expect(out.summary).toContain('| health: check 2 | ⚠️ fail (bypassed) |')
    expect(out.annotations).toEqual([
      expect.objectContaining({ annotation_level: 'warning', path: '.github/workflows' })
    ])
  })

  it('names an unknown actor and an unnamed candidate in the title', async () => {
    const github = new FakeGitHub()
    await writeGateCheckRun(
      {
        repository: REPOSITORY,
        sha: SHA,
        verdict: verdict({
          approved: true,
          mode: 'emergency',
          checks: [gateCheck(1, false, false), gateCheck(2, false, false)],
          version: undefined,
          sha: undefined,
          emergency: { reason: 'outage' }
        })
      },
      { github }
    )
    const out = output(github.requests[0])
    expect(out.title).toBe(
      'EMERGENCY BYPASS by unknown actor: the candidate released with 2 failing checks'
    )
    expect(out.summary).toContain('**EMERGENCY BYPASS** by unknown actor: outage')
  })

  it('concludes success with no annotation when approved', async () => {
    const github = new FakeGitHub()
    const result = await writeGateCheckRun(
      {
        repository: REPOSITORY,
        sha: SHA,
        verdict: verdict({
          approved: true,
          mode: 'approved',
          checks: [gateCheck(1, true)],
          remainingSoakMs: 0,
          soakedForMs: 1_200_000,
          nextSteps: [],
          images: {},
          version: undefined
        })
      },
      { github }
    )
    expect(result).toEqual({ id: 4242, conclusion: 'success', annotations: 0, requests: 1 })
    const out = output(github.requests[0])
    expect(out.title).toBe(`Approved: ${SHA.slice(0, 12)} may go to production`)
    expect(out.summary).toContain('Soak: 20m of 15m.')
    expect(out.summary).not.toContain('Next steps')
    expect(out.annotations).toEqual([])
    expect(github.requests[0]?.parameters).not.toHaveProperty('details_url')
  })

  it('fails when GitHub does not create the check run', async () => {
    await expect(
      writeGateCheckRun(
        { repository: REPOSITORY, sha: SHA, verdict: verdict() },
        { github: new FakeGitHub(202) }
      )
    ).rejects.toThrow('GitHub did not create the staging-gate check run (HTTP 202).')
  })

  it('fails when GitHub refuses more annotations', async () => {
    const github: GitHubClient = {
      request: route =>
        Promise.resolve(
          route.startsWith('POST')
            ? { status: 201, data: { id: 1 } }
            : { status: 422, data: { message: 'Validation Failed' } }
        )
    }
    const checks = Array.from({ length: 51 }, (_, i) => gateCheck(i, false))
    await expect(
      writeGateCheckRun(
        { repository: REPOSITORY, sha: SHA, verdict: verdict({ checks }) },
        { github }
      )
    ).rejects.toThrow('GitHub did not add annotations to check run 1 (HTTP 422).')
  })

  it('refuses an abbreviated SHA before any request', async () => {
    const github = new FakeGitHub()
    const promise = writeGateCheckRun(
      { repository: REPOSITORY, sha: '0123456', verdict: verdict() },
      { github }
    )
    await expect(promise).rejects.toThrow(ConfigurationError)
    await expect(promise).rejects.toThrow("check run sha: '0123456' is not a full commit SHA.")
    expect(github.requests).toHaveLength(0)
  })

  it('clips a long title and a long detail', async () => {
    const github = new FakeGitHub()
    const long = 'x'.repeat(20_000)
    await writeGateCheckRun(
      {
        repository: REPOSITORY,
        sha: SHA,
        verdict: verdict({
          version: long,
          checks: [{ ...gateCheck(1, false), detail: long }]
        })
      },
      { github }
    )
    const out = output(github.requests[0])
    expect(out.title).toHaveLength(255)
    expect(out.title.endsWith('…')).toBe(true)
    expect(out.annotations[0]?.message).toHaveLength(16_000)
  })
})
