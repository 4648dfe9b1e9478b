/**
 * Untrusted text and paths (issue: "untrusted text and paths made safe"), against the real
 * bundles: text from a repository's files never becomes a workflow command, a URL with a line
 * break is refused instead of quietly requested elsewhere, file inputs stay inside the workspace
 * or the runner's temp directory, and a task definition too large for ECS is refused before
 * any AWS call.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSim, type Sim } from '@fargate-promote/sim'
import { listenerUrl } from '../support/sim-listener.js'
import { repoRoot, runAction, type ActionRun } from './run-action.js'

let sim: Sim
/** A workspace of the test's own, so files can be put inside and outside it. */
let workspace: string
let outside: string

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
  workspace = mkdtempSync(join(tmpdir(), 'untrusted-workspace-'))
  outside = mkdtempSync(join(tmpdir(), 'untrusted-outside-'))
})

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

/** What .NET's TrimStart removes (Char.IsWhiteSpace), which includes NEL (U+0085). */
const DOTNET_LEADING_WHITE_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

/** The line as the runner's command parser sees it. */
const trimmed = (line: string) => line.replace(DOTNET_LEADING_WHITE_SPACE, '')

/** What the runner would act on: lines it reads as workflow commands (actions/runner ActionCommand). */
function commandLines(run: ActionRun): string[] {
  return run.stdout
    .split(/\r\n|\r|\n/)
    .filter(line => trimmed(line).startsWith('::') || line.includes('##['))
}

function action(name: string, inputs: Record<string, string>) {
  return runAction({
    action: name,
    inputs,
    simUrl: sim.url,
    env: { GITHUB_WORKSPACE: workspace },
    timeoutMs: 60_000
  })
}

/** A checks file whose check names try to start workflow commands, as a repository could. */
async function hostileChecks(): Promise<string> {
  const url = await listenerUrl(sim.url)
  const file = join(workspace, 'checks.yml')
  writeFileSync(
    file,
    [
      '- name: "a\\n::error::x"',
      `  http: { url: "${url}/", expect-status: 418 }`,
      '- name: "b ##[warning]y"',
      `  http: { url: "${url}/" }`,
      // YAML's \N is NEL (U+0085): white space to the runner's TrimStart, not to JavaScript's.
      '- name: "c\\n\\N::error::z"',
      `  http: { url: "${url}/" }`
    ].join('\n')
  )
  return 'checks.yml'
}

describe('text from a repository never becomes a workflow command', () => {
  test.each([
    ['health-verify', { timeout: '2s', interval: '500ms', 'consecutive-successes': '1' }],
    [
      'staging-gate',
      { cluster: 'staging', service: 'web', 'min-soak': '0s', 'checks-timeout': '2s' }
    ],
    [
      'rollback',
      {
        cluster: 'staging',
        service: 'web',
        to: '1',
        'checks-timeout': '2s',
        'checks-interval': '500ms'
      }
    ]
  ])(
    '%s: check names with a line break and ##[ stay text',
    async (name, inputs) => {
      const run = await action(name, { ...inputs, checks: await hostileChecks() })
      const commands = commandLines(run)
      // The step's own annotations may quote a check's name: the line break in it is escaped
      // (%0A), so it stays inside that one annotation. No line of its own starts a command, and
      // the legacy `##[` form (which the runner finds anywhere in a line) is broken up.
      expect(commands.filter(line => /^::error::[xz]/.test(trimmed(line)))).toEqual([])
      expect(commands.filter(line => line.includes('##[warning]y'))).toEqual([])
      expect(
        commands
          .filter(line => line.includes('::error::x'))
          .every(line => line.includes('a%0A::error::x'))
      ).toBe(true)
      // The text itself still reaches the log, readable.
      expect(run.stdout.replaceAll('\u200b', '')).toContain('::error::x')
    },
    90_000
  )
})

describe('a URL with a control character is refused, naming the input', () => {
  test('health-verify url: no request is made', async () => {
    const url = await listenerUrl(sim.url)
    const run = await action('health-verify', { url: `${url}/\n::error::y` })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      "health-verify failed: Input 'url': the URL contains a line break. Give the URL on one line, without control characters."
    )
    expect(commandLines(run).filter(line => line.startsWith('::error::y'))).toEqual([])
    expect(sim.calls()).toEqual([])
  }, 60_000)

  test('a url field in a checks file: refused with the file, check and field', async () => {
    writeFileSync(
      join(workspace, 'checks.yml'),
      '- name: web\n  http: { url: "http://127.0.0.1:1/\\tx" }\n'
    )
    const run = await action('health-verify', { checks: 'checks.yml' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      "Input 'checks' (file 'checks.yml', line 2, field '[0].http.url'): the URL contains a tab. Give the URL on one line, without control characters."
    )
  }, 60_000)
})

describe('file inputs stay inside the workspace or the runner temp directory', () => {
  function writeOutside(name: string, text: string): string {
    const path = join(outside, name)
    writeFileSync(path, text)
    return path
  }

  test.each([
    [
      'a path climbing out with ../',
      () => `../${join(outside.split('/').pop() as string, 'td.json')}`
    ],
    ['an absolute path elsewhere', () => join(outside, 'td.json')],
    [
      'a symlink in the workspace to a file elsewhere',
      () => {
        symlinkSync(join(outside, 'td.json'), join(workspace, 'td.json'))
        return 'td.json'
      }
    ]
  ])(
    'deploy-fargate task-definition: %s is refused and nothing is read or changed',
    async (_what, path) => {
      writeOutside(
        'td.json',
        JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1' }] })
      )
      const run = await action('deploy-fargate', {
        cluster: 'staging',
        service: 'web',
        'task-definition': path()
      })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(
        /deploy-fargate failed: Input 'task-definition': '.*' resolves to .*, outside the workspace/
      )
      expect(sim.calls()).toEqual([])
    },
    60_000
  )

  test('health-verify checks: a file outside is refused', async () => {
    const path = writeOutside('checks.yml', '- name: web\n  http: { url: "http://127.0.0.1:1/" }\n')
    const run = await action('health-verify', { checks: path })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /health-verify failed: Input 'checks': '.*checks\.yml' resolves to .*, outside the workspace/
    )
  }, 60_000)

  test('a file a render step wrote to RUNNER_TEMP is read', async () => {
    const path = writeOutside(
      'rendered.json',
      JSON.stringify({
        family: 'web',
        containerDefinitions: [{ name: 'web', image: 'registry.example.com/shop/web:1.0.0' }]
      })
    )
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: { cluster: 'staging', service: 'web', 'task-definition': path, 'dry-run': 'true' },
      simUrl: sim.url,
      env: { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: outside },
      timeoutMs: 60_000
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('dry-run')
  }, 60_000)
})

describe('a task definition too large for ECS', () => {
  test('is refused before any AWS call, naming the input and the size', async () => {
    const huge = {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'nginx:1', command: ['x'.repeat(1_000_000)] }]
    }
    writeFileSync(join(workspace, 'td.json'), JSON.stringify(huge))
    const run = await action('deploy-fargate', {
      cluster: 'staging',
      service: 'web',
      'task-definition': 'td.json'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /deploy-fargate failed: Input 'task-definition': task definition 'td\.json' is \d+ bytes as JSON; ECS registers at most 65536 \(64 KiB\)/
    )
    expect(sim.calls()).toEqual([])
  }, 60_000)
})
