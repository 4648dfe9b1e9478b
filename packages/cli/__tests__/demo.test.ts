/**
 * The demo's pieces in units: the templates a Node team adapts (adaptTemplate), the image
 * behaviour label (setBehaviour), the application repository (createWorkspace), what the
 * story reads back (observe.ts), and `npm run demo`'s argument errors (scripts/demo.mjs run as
 * a child process: it exits before it starts anything).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PRODUCT_ROOT } from '../src/commands/rehearse.js'
import { actionStep, liveImage } from '../src/demo/observe.js'
import type { Stage } from '../src/demo/stage.js'
import { TEMPLATES, adaptTemplate, createWorkspace, setBehaviour } from '../src/demo/workspace.js'

const template = (name: string) =>
  readFileSync(join(PRODUCT_ROOT, 'workflows-templates', name), 'utf8')

/** The `with:` block of a job of a workflow's text, as lines. */
function withOf(text: string, job: string): string[] {
  const lines = text.split('\n')
  const start = lines.indexOf(`  ${job}:`)
  if (start === -1) throw new Error(`no job ${job}`)
  const at = lines.findIndex((line, i) => i > start && line === '    with:')
  const block: string[] = []
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('      ')) break
    block.push(line.trim())
  }
  return block
}

describe('adaptTemplate', () => {
  it('dev.yml: the test-suite call runs Node with the app\'s own "npm test"', () => {
    const adapted = adaptTemplate('dev.yml', template('dev.yml'))
    expect(withOf(adapted, 'test')).toEqual([
      'language: node',
      'coverage-threshold: 80',
      'test-command: npm test'
    ])
    expect(adapted).not.toMatch(/language: python/)
  })

  it('staging.yml: both test-suite calls run Node; the integration call keeps its inputs', () => {
    const shipped = template('staging.yml')
    const adapted = adaptTemplate('staging.yml', shipped)
    expect(withOf(adapted, 'test')).toEqual([
      'language: node',
      'coverage-threshold: 80',
      'test-command: npm test'
    ])
    const integration = withOf(shipped, 'integration')
    expect(integration[0]).toBe('language: python')
    expect(withOf(adapted, 'integration')).toEqual(['language: node', ...integration.slice(1)])
    expect(withOf(adapted, 'integration')).toContain('target-environment: staging')
    expect(withOf(adapted, 'integration')).not.toContain('test-command: npm test')
    expect(adapted).not.toMatch(/language: python/)
    // Nothing else changed: the adapted file is the shipped one with those lines.
    const removeAdapted = (text: string) =>
      text
        .split('\n')
        .filter(line => !/^\s+(language: (python|node)|test-command: npm test)$/.test(line))
        .join('\n')
    expect(removeAdapted(adapted)).toBe(removeAdapted(shipped))
  })

  it.each(TEMPLATES.filter(name => name !== 'dev.yml' && name !== 'staging.yml'))(
    '%s is copied unchanged',
    name => {
      const text = template(name)
      expect(adaptTemplate(name, text)).toBe(text)
    }
  )

  it('only dev.yml and staging.yml are adapted, whatever the text', () => {
    const python =
      'jobs:\n  test:\n    with:\n      language: python\n      coverage-threshold: 80\n'
    expect(adaptTemplate('pull-request.yml', python)).toBe(python)
    expect(adaptTemplate('staging.yml', python)).toBe(
      'jobs:\n  test:\n    with:\n      language: node\n      coverage-threshold: 80\n      test-command: npm test\n'
    )
  })

  it('every template the demo copies is shipped', () => {
    for (const name of TEMPLATES) expect(template(name)).toMatch(/^jobs:/m)
  })
})

describe('setBehaviour', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fp-demo-behaviour-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it("sets the Dockerfile's rehearsal behaviour label, and nothing else", async () => {
    const dockerfile = readFileSync(join(PRODUCT_ROOT, 'examples/sample-app/Dockerfile'), 'utf8')
    expect(dockerfile).toContain('LABEL fargate-promote.rehearsal.behaviour=""')
    writeFileSync(join(dir, 'Dockerfile'), dockerfile)
    await setBehaviour(dir, '-crash')
    const changed = readFileSync(join(dir, 'Dockerfile'), 'utf8')
    expect(changed).toBe(
      dockerfile.replace(
        'LABEL fargate-promote.rehearsal.behaviour=""',
        'LABEL fargate-promote.rehearsal.behaviour="-crash"'
      )
    )
    await setBehaviour(dir, '')
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(dockerfile)
  })

  it('leaves a Dockerfile without the label as it is', async () => {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20\n')
    await setBehaviour(dir, '-crash')
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM node:20\n')
  })

  it('fails when there is no Dockerfile', async () => {
    await expect(setBehaviour(dir, '-crash')).rejects.toThrow(/ENOENT/)
  })
})

describe('createWorkspace', () => {
  it('the sample app committed on main by Dana, the adapted templates beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fp-demo-workspace-'))
    try {
      const git = await createWorkspace(PRODUCT_ROOT, dir, process.env.PATH ?? '/usr/bin:/bin')
      expect(await git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main')
      expect(await git('log', '--format=%an <%ae> %s')).toBe(
        'Dana Developer <dana@example.com> shop-web 1.0.0'
      )
      expect(await git('status', '--porcelain')).toBe('')
      const files = (await git('ls-files')).split('\n')
      expect(files).toEqual(
        expect.arrayContaining(['.github/fargate-promote.yml', 'Dockerfile', 'package.json'])
      )
      // The templates are on disk, where the rehearsals read them. The sample app's .gitignore
      // keeps .github/workflows/ out of its commits (they are copies of workflows-templates/),
      // so the demo's commit does not hold them either.
      for (const name of TEMPLATES) {
        expect(readFileSync(join(dir, '.github/workflows', name), 'utf8')).toBe(
          adaptTemplate(name, template(name))
        )
      }
      expect(await git('check-ignore', '.github/workflows/dev.yml')).toBe(
        '.github/workflows/dev.yml'
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('observe', () => {
  it('liveImage refuses an environment the config does not have', async () => {
    const stage = { config: { config: { environments: {} } } } as unknown as Stage
    await expect(liveImage(stage, 'qa')).rejects.toThrow('no environment qa')
  })

  it('actionStep finds the step of a job that uses one of our actions', () => {
    const step = (uses?: string) => ({
      ...(uses !== undefined && { uses }),
      outputs: {},
      annotations: []
    })
    const gate = step('fargate-promote/fargate-promote/actions/staging-gate@v1')
    const result = {
      jobs: [
        { key: 'build', steps: [step('actions/checkout@v4')] },
        { key: 'gate', steps: [step(), gate] }
      ]
    }
    expect(actionStep(result, 'gate', 'staging-gate')).toBe(gate)
    expect(actionStep(result, 'gate', 'rollback')).toBeUndefined()
    expect(actionStep(result, 'deploy', 'staging-gate')).toBeUndefined()
  })
})

describe('npm run demo: its arguments', () => {
  const demo = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [join(PRODUCT_ROOT, 'scripts/demo.mjs'), ...args],
        { cwd: PRODUCT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } }
      )
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }
  const USAGE =
    'usage: npm run demo [-- --act 1-6] [--keep] [--time-scale N] [--report PATH] [--quiet]'

  it.each([
    [['--act', '9']],
    [['--act', '0']],
    [['--act', '2.5']],
    [['--act', 'two']],
    [['--time-scale', '0']],
    [['--time-scale', 'fast']]
  ])(
    '%j: exit 2 with the usage, before anything runs',
    async args => {
      const result = await demo(...args)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('--act must be 1 to 6 and --time-scale a positive number.')
      expect(result.stderr).toContain(USAGE)
      expect(result.stdout).toBe('')
    },
    30_000
  )

  it('an unknown option: exit 2, the parser says which, with the usage', async () => {
    const result = await demo('--acts', '2')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Unknown option '--acts'/)
    expect(result.stderr).toContain(USAGE)
  }, 30_000)

  it('--help: the usage on stdout, exit 0', async () => {
    const result = await demo('--help')
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(USAGE)
  }, 30_000)
})
