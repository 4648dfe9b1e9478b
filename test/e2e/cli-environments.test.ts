/**
 * `fargate-promote environments apply` end to end against the sim's GitHub: the CLI's own
 * Octokit talks HTTP to the stand-in, and the sim's call log shows what it changed.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot } from './run-action.js'
import { RAW_CONTROL, runCli } from './cli-support.js'

let sim: Sim
let app: string
let env: Record<string, string>

const EXAMPLE = `${repoRoot}/workflows-templates/fargate-promote.yml`
const CONFIG = '.github/fargate-promote.yml'
const GH = '/github/repos/acme/shop'

beforeAll(async () => {
  // Declared users and teams: every other login and team is unknown (404), as on GitHub.
  sim = await startSim({
    scenario: {
      github: {
        users: ['alice-release', 'bob'],
        teams: [{ org: 'shop-org', slug: 'platform' }]
      }
    }
  })
  env = {
    GITHUB_API_URL: `${sim.url}/github`,
    GH_TOKEN: 'ghp_test',
    GITHUB_REPOSITORY: 'acme/shop'
  }
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

beforeEach(async () => {
  await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })
  app = mkdtempSync(join(tmpdir(), 'fp-cli-'))
  mkdirSync(join(app, '.github'))
  copyFileSync(EXAMPLE, join(app, CONFIG))
})

afterEach(() => rmSync(app, { recursive: true, force: true }))

/** The desired state of an environment without reviewers or wait timer, as --json prints it. */
const unprotected = (branchMode: string, patterns: { name: string; type: string }[]) => ({
  waitTimer: 0,
  reviewers: [],
  preventSelfReview: false,
  branchMode,
  patterns
})

const apply = (...args: string[]) => runCli(['environments', 'apply', ...args], { env, cwd: app })
const lastSeq = () => sim.calls().at(-1)?.seq ?? 0
const mutatingSince = (seq: number) =>
  sim.calls().filter(call => call.seq > seq && call.service === 'github' && call.mutating)

async function github(method: string, path: string, body?: unknown) {
  const answer = await fetch(`${sim.url}${GH}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: 'token ghp_test' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return {
    status: answer.status,
    data: (await answer.json().catch(() => undefined)) as Record<string, unknown>
  }
}

describe('environments apply', () => {
  it('applies the example config, and a second run changes nothing and says so', async () => {
    const first = await apply()
    expect(first).toMatchObject({ code: 0 })
    expect(first.stdout).toMatch(/^ENVIRONMENT +ACTION +SETTING +CURRENT +DESIRED$/m)
    expect(first.stdout).toMatch(/^production +create +wait-timer +0 +5$/m)
    expect(first.stdout).toMatch(/reviewers +\(none\) +alice-release, shop-org\/platform$/m)
    expect(first.stdout).toMatch(/branch pattern +- +main$/m)
    expect(first.stdout).toMatch(
      /^production-monitor +create +branch-policy +all branches +listed patterns$/m
    )
    expect(first.stdout).toMatch(/^dev-monitor +create +- +- +-$/m)
    expect(first.stdout).toContain(
      'Applied 6 environments of acme/shop: dev, dev-monitor, staging, staging-monitor, production, production-monitor.'
    )
    expect(first.stderr).toContain('✔ Reading the environments of acme/shop')

    const production = await github('GET', '/environments/production')
    expect(production.data.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true
    })
    const rules = production.data.protection_rules as { type: string; wait_timer?: number }[]
    expect(rules.find(rule => rule.type === 'wait_timer')?.wait_timer).toBe(5)
    const policies = await github('GET', '/environments/production/deployment-branch-policies')
    expect(
      (policies.data.branch_policies as { name: string; type: string }[]).map(
        p => `${p.type}:${p.name}`
      )
    ).toEqual(['branch:main'])
    expect((await github('GET', '/environments/dev')).data.deployment_branch_policy).toBeNull()

    // production-monitor: production's branches, without its reviewers and wait timer.
    const monitor = await github('GET', '/environments/production-monitor')
    expect(monitor.data.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true
    })
    expect((monitor.data.protection_rules as { type: string }[]).map(rule => rule.type)).toEqual([
      'branch_policy'
    ])
    const monitorPolicies = await github(
      'GET',
      '/environments/production-monitor/deployment-branch-policies'
    )
    expect(
      (monitorPolicies.data.branch_policies as { name: string; type: string }[]).map(
        p => `${p.type}:${p.name}`
      )
    ).toEqual(['branch:main'])
    const devMonitor = await github('GET', '/environments/dev-monitor')
    expect(devMonitor.data.deployment_branch_policy).toBeNull()
    expect(devMonitor.data.protection_rules).toEqual([])

    const before = lastSeq()
    const second = await apply()
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/^production +none +- +- +-$/m)
    expect(second.stdout).toMatch(/^production-monitor +none +- +- +-$/m)
    expect(second.stdout).toContain(
      'No changes: the environments of acme/shop match .github/fargate-promote.yml.'
    )
    expect(mutatingSince(before)).toEqual([])
  })

  it('--dry-run shows the changes and applies none', async () => {
    const before = lastSeq()
    const result = await apply('--dry-run', '--repo', 'acme/shop')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^staging +create +branch-policy +all branches +listed patterns$/m
    )
    expect(result.stdout).toMatch(
      /^staging-monitor +create +branch-policy +all branches +listed patterns$/m
    )
    expect(result.stdout).toContain('Dry run: 6 environments would change; nothing was applied.')
    expect(mutatingSince(before)).toEqual([])
    expect((await github('GET', '/environments/staging')).status).toBe(404)
    expect((await github('GET', '/environments/staging-monitor')).status).toBe(404)
  })

  it('--check exits 4 after settings are changed behind its back, and changes nothing itself', async () => {
    expect((await apply()).code).toBe(0)
    expect((await apply('--check')).code).toBe(0)
    expect((await github('PUT', '/environments/production', { wait_timer: 1 })).status).toBe(200)
    expect(
      (
        await github('POST', '/environments/staging/deployment-branch-policies', {
          name: 'hotfix/*'
        })
      ).status
    ).toBe(200)
    const before = lastSeq()
    const check = await apply('--check')
    expect(check.code).toBe(4)
    expect(check.stdout).toMatch(/^staging +update +branch pattern +hotfix\/\* +-$/m)
    expect(check.stdout).toMatch(/^production +update +wait-timer +1 +5$/m)
    expect(check.stdout).toContain(
      'Drift: 2 environments of acme/shop differ from .github/fargate-promote.yml (staging, production).'
    )
    const json = await apply('--check', '--json')
    expect(json.code).toBe(4)
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      mode: 'check',
      drift: true,
      applied: []
    })
    expect(json.stderr).toBe('')
    expect(mutatingSince(before)).toEqual([])

    // Applying repairs it: the repository matches again.
    expect((await apply()).code).toBe(0)
    expect((await apply('--check')).code).toBe(0)
  })

  it('--check reports a monitor environment changed behind its back as drift, and apply repairs it', async () => {
    expect((await apply()).code).toBe(0)
    expect(
      (await github('PUT', '/environments/production-monitor', { wait_timer: 7 })).status
    ).toBe(200)
    expect(
      (
        await github('POST', '/environments/staging-monitor/deployment-branch-policies', {
          name: 'hotfix/*'
        })
      ).status
    ).toBe(200)
    const before = lastSeq()
    const check = await apply('--check')
    expect(check.code).toBe(4)
    expect(check.stdout).toMatch(/^staging +none +- +- +-$/m)
    expect(check.stdout).toMatch(/^staging-monitor +update +branch pattern +hotfix\/\* +-$/m)
    expect(check.stdout).toMatch(/^production +none +- +- +-$/m)
    expect(check.stdout).toMatch(/^production-monitor +update +wait-timer +7 +0$/m)
    expect(check.stdout).toContain(
      'Drift: 2 environments of acme/shop differ from .github/fargate-promote.yml (staging-monitor, production-monitor).'
    )
    const json = await apply('--check', '--json')
    expect(json.code).toBe(4)
    const document = JSON.parse(json.stdout) as {
      environments: { name: string; action: string; changes: unknown[] }[]
    }
    expect(document).toMatchObject({ ok: true, mode: 'check', drift: true, applied: [] })
    expect(
      document.environments.filter(e => e.action !== 'none').map(e => [e.name, e.changes])
    ).toEqual([
      ['staging-monitor', []],
      ['production-monitor', [{ setting: 'wait-timer', from: 7, to: 0 }]]
    ])
    expect(mutatingSince(before)).toEqual([])

    const repaired = await apply()
    expect(repaired.code).toBe(0)
    expect(repaired.stdout).toContain(
      'Applied 2 environments of acme/shop: staging-monitor, production-monitor.'
    )
    const monitor = await github('GET', '/environments/production-monitor')
    expect((monitor.data.protection_rules as { type: string }[]).map(rule => rule.type)).toEqual([
      'branch_policy'
    ])
    const policies = await github('GET', '/environments/staging-monitor/deployment-branch-policies')
    expect((policies.data.branch_policies as { name: string }[]).map(p => p.name)).toEqual(['main'])
    expect((await apply('--check')).code).toBe(0)
  })

  it('--json prints one document on stdout and nothing on stderr', async () => {
    const result = await apply('--json')
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const document = JSON.parse(result.stdout) as {
      environments: { name: string; action: string }[]
    }
    expect(document).toMatchObject({
      ok: true,
      repository: 'acme/shop',
      config: CONFIG,
      mode: 'apply',
      drift: true,
      applied: [
        'dev',
        'dev-monitor',
        'staging',
        'staging-monitor',
        'production',
        'production-monitor'
      ],
      unmanaged: []
    })
    expect(document.environments.map(e => [e.name, e.action])).toEqual([
      ['dev', 'create'],
      ['dev-monitor', 'create'],
      ['staging', 'create'],
      ['staging-monitor', 'create'],
      ['production', 'create'],
      ['production-monitor', 'create']
    ])
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
  })

  it('--json lists each environment of the config and its -monitor companion, named once in the config', async () => {
    const service = '    services: [{ name: web, containers: [web] }]'
    const text = [
      'version: 1',
      'environments:',
      '  qa:',
      '    region: eu-west-1',
      '    cluster: shop-qa',
      service,
      '  live:',
      '    region: eu-west-1',
      '    cluster: shop-live',
      service,
      '    protection:',
      '      wait-timer: 2',
      '      tags: [v*]'
    ]
    writeFileSync(join(app, CONFIG), `${text.join('\n')}\n`)
    const result = await apply('--json')
    expect(result.code).toBe(0)
    const document = JSON.parse(result.stdout) as {
      applied: string[]
      environments: { name: string; desired: Record<string, unknown> }[]
    }
    expect(document.applied).toEqual(['qa', 'qa-monitor', 'live', 'live-monitor'])
    expect(document.environments.map(e => [e.name, e.desired])).toEqual([
      ['qa', unprotected('all', [])],
      ['qa-monitor', unprotected('all', [])],
      ['live', { ...unprotected('custom', [{ name: 'v*', type: 'tag' }]), waitTimer: 2 }],
      ['live-monitor', unprotected('custom', [{ name: 'v*', type: 'tag' }])]
    ])
    const names = (await github('GET', '/environments')).data.environments as { name: string }[]
    expect(names.map(e => e.name)).toEqual(['live', 'live-monitor', 'qa', 'qa-monitor'])
  })

  it('reports environments the config does not name, escaped, and leaves them alone', async () => {
    // The sim refuses C0 controls in a name, as GitHub does; C1 and bidi controls get through.
    const name = 'preview\u009b31m-\u202egpj.exe'
    expect((await github('PUT', `/environments/${encodeURIComponent(name)}`, {})).status).toBe(200)
    // A monitor environment made by hand before apply managed them is managed, not listed.
    expect((await github('PUT', '/environments/production-monitor', {})).status).toBe(200)
    const result = await apply()
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('left as they are: preview\\x9b31m-\\u202egpj.exe.')
    expect(result.stdout).not.toMatch(RAW_CONTROL)
    const json = await apply('--json')
    expect(json.stdout).not.toMatch(RAW_CONTROL)
    expect(JSON.parse(json.stdout).unmanaged).toEqual([name])
    expect((await github('GET', `/environments/${encodeURIComponent(name)}`)).status).toBe(200)
  })
})

describe('environments apply refuses bad input and changes nothing', () => {
  const VALID_HEAD = ['version: 1', 'environments:']
  const staging = [
    '  staging:',
    '    region: eu-west-1',
    '    cluster: shop-staging',
    '    services: [{ name: web, containers: [web] }]'
  ]
  const cases: { name: string; lines: string[]; expected: RegExp[] }[] = [
    {
      name: 'an unknown key',
      lines: [...VALID_HEAD, ...staging, '    protection:', '      wait_timer: 5'],
      expected: [
        /^error \.github\/fargate-promote\.yml:8:7: environments\.staging\.protection\.wait_timer: unknown key 'wait_timer'/m
      ]
    },
    {
      name: 'a wrong type',
      lines: [...VALID_HEAD, ...staging, '    desired-count: three'],
      expected: [/:7:20: environments\.staging\.desired-count: must be a whole number of tasks\.$/m]
    },
    {
      name: 'a wait timer over 43,200 minutes',
      lines: [...VALID_HEAD, ...staging, '    protection:', '      wait-timer: 43201'],
      expected: [
        /:8:19: environments\.staging\.protection\.wait-timer: is at most 43200 minutes \(30 days\), GitHub's limit\.$/m
      ]
    },
    {
      name: 'an environment missing its cluster',
      lines: [
        ...VALID_HEAD,
        '  production:',
        '    region: eu-west-1',
        '    services: [{ name: web, containers: [web] }]'
      ],
      expected: [/:3:3: environments\.production\.cluster: required, and missing here\.$/m]
    },
    {
      name: 'a duplicate key (YAML itself)',
      lines: [...VALID_HEAD, ...staging, '    cluster: again'],
      expected: [
        /^error \.github\/fargate-promote\.yml:7: not valid YAML at column 5: Map keys must be unique\.$/m
      ]
    },
    {
      name: 'no environment at all',
      lines: ['version: 1', 'environments: {}'],
      expected: [/:2:15: environments: lists no environment\. Add one, for example dev\.$/m]
    },
    {
      name: 'every problem at once',
      lines: [
        ...VALID_HEAD,
        ...staging,
        '    desired-count: three',
        '    protection:',
        '      wait_timer: 5',
        '      wait-timer: 43201',
        '  production:',
        '    region: eu-west-1'
      ],
      expected: [
        /:7:20: .*desired-count/m,
        /:9:7: .*wait_timer/m,
        /:10:19: .*wait-timer/m,
        /:11:3: .*cluster/m,
        /:11:3: .*services/m,
        /^5 problems; nothing was changed\.$/m
      ]
    }
  ]

  it.each(cases)(
    '$name: exit 3, file:line:column, no GitHub request',
    async ({ lines, expected }) => {
      writeFileSync(join(app, CONFIG), `${lines.join('\n')}\n`)
      const before = lastSeq()
      const result = await apply()
      expect(result.code).toBe(3)
      expect(result.stdout).toBe('')
      for (const pattern of expected) expect(result.stderr).toMatch(pattern)
      expect(sim.calls().filter(call => call.seq > before && call.service === 'github')).toEqual([])

      const json = await apply('--json')
      expect(json.code).toBe(3)
      const document = JSON.parse(json.stdout)
      expect(document).toMatchObject({ ok: false, exitCode: 3 })
      // YAML syntax errors carry the column in their message; schema problems as a field.
      expect(document.errors[0]).toMatchObject({ file: CONFIG, line: expect.any(Number) })
    }
  )

  it('a reviewer GitHub does not know: named with file, line and field, nothing applied', async () => {
    const text = `${[
      ...VALID_HEAD,
      '  production:',
      '    region: eu-west-1',
      '    cluster: shop-production',
      '    services: [{ name: web, containers: [web] }]',
      '    protection:',
      '      reviewers:',
      '        users: [alice-release, ghost-reviewer]',
      '        teams: [shop-org/platform, shop-org/nobody]'
    ].join('\n')}\n`
    writeFileSync(join(app, CONFIG), text)
    const before = lastSeq()
    const result = await apply()
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(
      "error .github/fargate-promote.yml:9:1: environments.production.protection.reviewers.users[1]: GitHub has no user 'ghost-reviewer'. Correct the login or remove the reviewer."
    )
    expect(result.stderr).toMatch(
      /:10:1: environments\.production\.protection\.reviewers\.teams\[1\]: GitHub has no team 'nobody' in organization 'shop-org'/
    )
    expect(mutatingSince(before)).toEqual([])
    expect((await github('GET', '/environments/production')).status).toBe(404)
  })

  it('usage: no repository, a malformed --repo, no token → exit 2; a missing config file → exit 3', async () => {
    const noRepo = await runCli(['environments', 'apply'], {
      env: { ...env, GITHUB_REPOSITORY: undefined },
      cwd: app
    })
    expect(noRepo).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give --repo owner/name or set GITHUB_REPOSITORY')
    })
    const badRepo = await apply('--repo', 'acme')
    expect(badRepo.code).toBe(2)
    expect(badRepo.stderr).toContain(
      "error: option '--repo <owner/name>' argument 'acme' is invalid. expected owner/name."
    )
    const badJson = await apply('--repo', 'acme', '--json')
    expect(JSON.parse(badJson.stdout)).toMatchObject({ ok: false, exitCode: 2 })
    const noToken = await runCli(['environments', 'apply'], {
      env: { ...env, GH_TOKEN: undefined },
      cwd: app
    })
    expect(noToken).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('No GitHub token: set GH_TOKEN or GITHUB_TOKEN')
    })
    const noConfig = await apply('--config', 'missing.yml')
    expect(noConfig.code).toBe(3)
    expect(noConfig.stderr).toContain("error --config: cannot read 'missing.yml'")
  })

  it('an apply that fails half-way says what it applied and which environment failed', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({
        service: 'github',
        operation: 'POST /repos/acme/shop/environments/staging/deployment-branch-policies',
        status: 500
      })
    })
    const result = await apply()
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Applied before the failure: dev, dev-monitor.')
    expect(result.stderr).toContain("error Applying environment 'staging' failed: Server Error")
    // Run again once GitHub is back: it finishes the job.
    const again = await apply()
    expect(again.stdout).toMatch(/^staging +update +branch pattern +- +main$/m)
    expect(again.stdout).toMatch(/^staging-monitor +create/m)
    expect(again.stdout).toMatch(/^production +create/m)
    expect(again.stdout).toMatch(/^production-monitor +create/m)
    expect((await apply('--check')).code).toBe(0)
  })

  it('a GitHub failure is exit 1 with GitHub’s message', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ service: 'github', status: 403, count: 10 })
    })
    const result = await apply()
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('API rate limit exceeded')
  })
})

describe('output', () => {
  it('colours on request only: --color on a pipe, none with NO_COLOR', async () => {
    const coloured = await apply('--dry-run', '--color')
    expect(coloured.stdout).toContain('\u001b[1mENVIRONMENT')
    const plain = await runCli(['environments', 'apply', '--dry-run'], {
      env: { ...env, NO_COLOR: '1', FORCE_COLOR: '1' },
      cwd: app
    })
    expect(plain.stdout).not.toMatch(RAW_CONTROL)
    const tty = await runCli(['environments', 'apply', '--dry-run'], {
      env: { ...env, CI: 'true' },
      cwd: app,
      tty: true
    })
    expect(tty.stdout).toContain('\u001b[')
    expect(tty.stderr).toContain('- Reading the environments of acme/shop')
  })

  it('--help lists the commands and the exit codes', async () => {
    const help = await runCli(['--help'], { cwd: app })
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/environments +Manage/)
    expect(help.stdout).toMatch(
      /^ {2}4 {2}drift: --check found environments that differ from the config$/m
    )
    const applyHelp = await runCli(['environments', 'apply', '--help'], { cwd: app })
    expect(applyHelp.stdout).toContain('--check')
    expect(applyHelp.stdout).toContain('--repo <owner/name>')
    const typo = await runCli(['environments', 'aply'], { cwd: app })
    expect(typo).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('(Did you mean apply?)')
    })
  })
})

describe('the bin', () => {
  it('runs as a child process: applies, then --check exits 0, with the process’s own streams', async () => {
    const bin = `${repoRoot}/packages/cli/bin/fargate-promote.js`
    const spawnBin = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [bin, ...args], {
          cwd: app,
          env: { PATH: process.env.PATH, ...env, CI: 'true' },
          stdio: ['ignore', 'pipe', 'pipe']
        })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        child.on('error', reject)
        child.on('close', code => resolve({ code, stdout, stderr }))
      })
    const applied = await spawnBin(['environments', 'apply', '--json'])
    expect(applied.code).toBe(0)
    expect(JSON.parse(applied.stdout)).toMatchObject({
      ok: true,
      applied: [
        'dev',
        'dev-monitor',
        'staging',
        'staging-monitor',
        'production',
        'production-monitor'
      ]
    })
    const check = await spawnBin(['environments', 'apply', '--check'])
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes') })
    await github('PUT', '/environments/dev', { wait_timer: 3 })
    expect((await spawnBin(['environments', 'apply', '--check'])).code).toBe(4)
  }, 60_000)
})
