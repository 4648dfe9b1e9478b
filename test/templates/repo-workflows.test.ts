/**
 * This repository's own workflows. workflows.test.ts already puts every .github/workflows/*.yml
 * through GitHub's workflow parser, actionlint and every project rule (its `workflows` list and
 * its actionlint patterns include them); this file checks what the release workflow promises:
 * the tag and the package versions are checked and `npm test` passes before anything is
 * released, the CLI is published to npm with provenance from the tarball that was tried (npm's
 * `latest` only for the newest release), the major tag moves only after that and never
 * backwards, CHANGELOG.md gets the release's section on the default branch, and the release's
 * text reaches the scripts only as data.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { parse } from 'yaml'
import { runStep } from './run-step.js'
import { checkWorkflow } from './workflow-rules.js'

const root = new URL('../..', import.meta.url).pathname
const read = (file: string): string => readFileSync(join(root, file), 'utf8')

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  needs?: string | string[]
  if?: string
  environment?: string
  permissions?: Record<string, string>
  outputs?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  on: Record<string, { types: string[] }>
  permissions: Record<string, string>
  jobs: Record<string, Job>
}

const release = parse(read('.github/workflows/release.yml')) as Workflow
const job = (name: string): Job => {
  const found = release.jobs[name]
  if (found === undefined) throw new Error(`release.yml has no job '${name}'`)
  return found
}
const step = (jobName: string, name: string): Step => {
  const found = job(jobName).steps.find(
    candidate => candidate.name === name || candidate.id === name
  )
  if (found === undefined) throw new Error(`job '${jobName}' has no step '${name}'`)
  return found
}
const index = (jobName: string, pattern: RegExp): number =>
  job(jobName).steps.findIndex(candidate => pattern.test(candidate.run ?? ''))

describe('release.yml', () => {
  test('runs on a published release; only the jobs that write may write', () => {
    expect(release.on).toEqual({ release: { types: ['published'] } })
    expect(release.permissions).toEqual({ contents: 'read' })
    expect(Object.keys(release.jobs).sort()).toEqual(
      ['changelog', 'move-major-tag', 'publish-cli', 'tag', 'verify'].sort()
    )
    expect(job('tag').permissions).toBeUndefined()
    expect(job('verify').permissions).toBeUndefined()
    expect(job('move-major-tag').permissions).toEqual({ contents: 'write' })
    expect(job('changelog').permissions).toEqual({ contents: 'write' })
    expect(job('publish-cli').permissions).toEqual({ contents: 'read', 'id-token': 'write' })
  })

  test('npm test passes before anything is released; the major tag moves after npm', () => {
    expect(job('verify').needs).toBe('tag')
    expect(job('publish-cli').needs).toEqual(['tag', 'verify'])
    expect(job('changelog').needs).toEqual(['tag', 'verify'])
    expect(job('move-major-tag').needs).toEqual(['tag', 'publish-cli'])
    expect(job('move-major-tag').if).toBe("needs.tag.outputs.move-major == 'true'")
    const verify = job('verify')
    expect(verify.steps[0]?.with).toMatchObject({
      ref: '${{ github.event.release.tag_name }}',
      'persist-credentials': false
    })
    const setup = verify.steps.find(candidate => candidate.uses?.startsWith('actions/setup-node@'))
    expect(setup?.uses).toMatch(/^actions\/setup-node@[0-9a-f]{40}$/)
    expect(setup?.with).toMatchObject({ 'node-version': 24 })
    expect(verify.steps.map(candidate => candidate.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm test',
      // npm test rebuilds only the bundles whose inputs changed; a release rebuilds them all.
      'npm run check-dist -- --rebuild'
    ])
  })

  test('every release job takes its values from the tag check', () => {
    expect(job('tag').outputs).toEqual({
      version: '${{ steps.tag.outputs.version }}',
      major: '${{ steps.tag.outputs.major }}',
      'move-major': '${{ steps.channel.outputs.move-major }}',
      'npm-tag': '${{ steps.channel.outputs.npm-tag }}',
      newest: '${{ steps.channel.outputs.newest }}'
    })
    expect(step('move-major-tag', 'Move the major tag').env?.MAJOR).toBe(
      '${{ needs.tag.outputs.major }}'
    )
    for (const name of ['Pack the CLI and run the packed one', 'Publish with provenance'])
      expect(step('publish-cli', name).env?.VERSION).toBe('${{ needs.tag.outputs.version }}')
    expect(step('publish-cli', 'Publish with provenance').env?.NPM_TAG).toBe(
      '${{ needs.tag.outputs.npm-tag }}'
    )
  })

  test('no job that can mint an OIDC token restores a dependency cache', () => {
    const minting = Object.entries(release.jobs).filter(
      ([, { permissions }]) => permissions?.['id-token'] === 'write'
    )
    expect(minting.map(([name]) => name)).toEqual(['publish-cli'])
    for (const [, { steps }] of minting)
      for (const candidate of steps) expect(candidate.with?.cache).toBeUndefined()
  })

  describe('the tag check', () => {
    const check = (tag: string, prerelease = 'false') =>
      runStep(step('tag', 'tag').run, { env: { TAG: tag, PRERELEASE: prerelease } })

    test('vX.Y.Z of a full release gives the version and the major tag', () => {
      expect(check('v1.4.2')).toMatchObject({
        status: 0,
        outputs: { version: '1.4.2', major: 'v1' }
      })
      expect(check('v12.0.10').outputs).toEqual({ version: '12.0.10', major: 'v12' })
    })

    test.each(['1.4.2', 'v1.4', 'v1.4.2-rc.1', 'v1.4.2.1', 'release-1', 'v1.4.2\nmajor=v9'])(
      'refuses %j: no output, nothing released',
      tag => {
        const run = check(tag)
        expect(run.status).not.toBe(0)
        expect(run.outputText).toBe('')
        expect(run.stdout).toContain('is not of the form vX.Y.Z: nothing was released.')
      }
    )

    test('refuses a pre-release', () => {
      const run = check('v2.0.0', 'true')
      expect(run.status).not.toBe(0)
      expect(run.outputText).toBe('')
      expect(run.stdout).toContain('v2.0.0 is a pre-release')
    })
  })

  describe('the version check', () => {
    const manifests = (root: string, cli = root) => ({
      'package.json': JSON.stringify({ name: 'fargate-promote', version: root }),
      'packages/cli/package.json': JSON.stringify({ name: '@fargate-promote/cli', version: cli })
    })
    const check = (files: Record<string, string>) =>
      runStep(step('tag', "The package versions are the tag's").run, {
        env: { VERSION: '1.4.2' },
        files
      })

    test("passes when package.json and packages/cli/package.json have the tag's version", () => {
      expect(check(manifests('1.4.2'))).toMatchObject({ status: 0, stdout: '' })
    })

    test('fails on a version the tag does not have, naming the file and what to do', () => {
      const stale = check(manifests('1.4.1'))
      expect(stale.status).toBe(1)
      expect(stale.stdout).toContain(
        "::error file=package.json::package.json has version '1.4.1', the tag v1.4.2: nothing was released. Set the version to 1.4.2 in package.json and packages/cli/package.json, run npm run build"
      )
      expect(stale.stdout).toContain("packages/cli/package.json has version '1.4.1'")
      const cliOnly = check(manifests('1.4.2', '1.4.0'))
      expect(cliOnly.status).toBe(1)
      expect(cliOnly.stdout).not.toContain('::error file=package.json::')
      expect(cliOnly.stdout).toContain(
        "::error file=packages/cli/package.json::packages/cli/package.json has version '1.4.0'"
      )
    })

    test("this repository's two versions agree", () => {
      const rootVersion = (JSON.parse(read('package.json')) as { version: string }).version
      const files = {
        'package.json': read('package.json'),
        'packages/cli/package.json': read('packages/cli/package.json')
      }
      expect(
        runStep(step('tag', "The package versions are the tag's").run, {
          env: { VERSION: rootVersion },
          files
        }).status
      ).toBe(0)
    })
  })

  describe('where a release goes: the major tag only forwards, npm latest only the newest', () => {
    /** A repository with these tags, read by the step's `git tag` through GIT_DIR. */
    const channel = (tag: string, tags: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'release-tags-'))
      try {
        const git = (...args: string[]) => {
          const ran = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
          if (ran.status !== 0) throw new Error(`git ${args.join(' ')}: ${ran.stderr}`)
        }
        git('init', '-q')
        git(
          '-c',
          'user.name=t',
          '-c',
          'user.email=t@example.com',
          'commit',
          '-q',
          '--allow-empty',
          '-m',
          'one'
        )
        for (const name of tags) git('tag', name)
        const major = /^(v\d+)\./.exec(tag)?.[1] ?? ''
        return runStep(step('tag', 'channel').run, {
          env: { TAG: tag, MAJOR: major, GIT_DIR: join(dir, '.git') }
        })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    const history = [
      'v1',
      'v1.2.4',
      'v1.3.0',
      'v1.10.0',
      'v2',
      'v2.0.0',
      'v2.1.0-rc.1',
      'not-a-release'
    ]

    test('the newest release moves its major tag and is npm latest (versions, not text, compared)', () => {
      const run = channel('v2.0.0', history)
      expect(run).toMatchObject({
        status: 0,
        outputs: { 'move-major': 'true', 'npm-tag': 'latest', newest: 'true' }
      })
      expect(run.summary).toBe(
        'v2.0.0 is the newest release: v2 moves to it; npm dist-tag latest.\n'
      )
    })

    test('the newest of an older line moves that line forwards; npm latest stays', () => {
      const run = channel('v1.10.0', history)
      expect(run.outputs).toEqual({ 'move-major': 'true', 'npm-tag': 'latest-1', newest: 'false' })
      expect(run.summary).toContain('latest stays on v2.0.0')
    })

    test("a patch older than its line's newest moves nothing backwards", () => {
      const run = channel('v1.2.5', [...history, 'v1.2.5'])
      expect(run.outputs).toEqual({ 'move-major': 'false', 'npm-tag': 'previous', newest: 'false' })
      expect(run.summary).toBe(
        'v1.2.5 is older than v1.10.0: v1 stays on v1.10.0; npm dist-tag previous (latest stays on v2.0.0).\n'
      )
    })

    test('a tag the checkout does not have releases nothing', () => {
      const run = channel('v3.0.0', history)
      expect(run.status).toBe(1)
      expect(run.outputText).toBe('')
      expect(run.stdout).toContain('::error::The checkout has no tag v3.0.0')
    })
  })

  test('publishes the CLI it packed and tried, with provenance, from the npm environment', () => {
    const publish = job('publish-cli')
    expect(publish.environment).toBe('npm')
    const setup = publish.steps.find(candidate => candidate.uses?.startsWith('actions/setup-node@'))
    expect(setup?.with).toEqual({
      'node-version': 24,
      'registry-url': 'https://registry.npmjs.org'
    })
    expect(publish.steps.some(candidate => candidate.run === 'npm ci --ignore-scripts')).toBe(true)
    // The tarball carries the versions the tag check found: nothing relabels it here.
    expect(
      publish.steps.filter(candidate => /npm pkg set|npm version/.test(candidate.run ?? ''))
    ).toEqual([])
    const pack = index(
      'publish-cli',
      /^node scripts\/pack-cli\.mjs --destination "\$RUNNER_TEMP\/cli"/
    )
    const tried = index('publish-cli', /fargate-promote --version/)
    const published = index('publish-cli', /npm publish/)
    expect([pack, tried, published].every(at => at >= 0)).toBe(true)
    expect(pack === tried && tried < published).toBe(true)
    const publishStep = step('publish-cli', 'Publish with provenance')
    expect(publishStep.run).toContain(
      'npm publish "$RUNNER_TEMP/cli/fargate-promote-cli-$VERSION.tgz" --provenance --access public --tag "$NPM_TAG"'
    )
    expect(publishStep.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}')
    const checkout = publish.steps[0]
    expect(checkout?.with).toMatchObject({
      ref: '${{ github.event.release.tag_name }}',
      'persist-credentials': false
    })
  })

  test("the packed CLI's version must be the tag's", () => {
    const script = step('publish-cli', 'Pack the CLI and run the packed one').run
    expect(script).toContain('reported="$(node_modules/.bin/fargate-promote --version)"')
    expect(script).toContain('if [[ "$reported" != "$VERSION" ]]; then')
    expect(script).toContain('--offline --no-audit --no-fund')
  })

  test('adds the release to CHANGELOG.md on the default branch, the notes passed as data', () => {
    const changelog = job('changelog')
    expect(changelog.steps[0]?.with).toMatchObject({
      ref: '${{ github.event.repository.default_branch }}'
    })
    const add = step('changelog', "Add the release's section")
    expect(add.run).toBe('node scripts/release-changelog.mjs CHANGELOG.md')
    expect(add.env).toEqual({
      TAG: '${{ github.event.release.tag_name }}',
      PUBLISHED_AT: '${{ github.event.release.published_at }}',
      BODY: '${{ github.event.release.body }}',
      NEWEST: '${{ needs.tag.outputs.newest }}'
    })
    const commit = step('changelog', 'Commit it to the default branch')
    expect(commit.env?.BRANCH).toBe('${{ github.event.repository.default_branch }}')
    expect(commit.run).toContain('git push origin "HEAD:refs/heads/$BRANCH"')
  })

  test('no run script of any job expands an expression', () => {
    const expanding = Object.entries(release.jobs).flatMap(([name, { steps }]) =>
      steps.filter(({ run }) => run?.includes('${{')).map(({ run }) => `${name}: ${run}`)
    )
    expect(expanding).toEqual([])
  })
})

describe("the release's CHANGELOG.md step", () => {
  const CHANGELOG = `# Changelog

Intro.

## Unreleased

- A fix nobody wrote into the release notes.

## v1.0.0 — 2026-12-01

- First.
`
  const addSection = (env: Record<string, string>, changelog = CHANGELOG) =>
    runStep(step('changelog', "Add the release's section").run, {
      env: { TAG: 'v1.1.0', PUBLISHED_AT: '2026-12-07T10:11:12Z', ...env },
      files: {
        'CHANGELOG.md': changelog,
        'scripts/release-changelog.mjs': read('scripts/release-changelog.mjs')
      },
      collect: ['CHANGELOG.md', 'pwned']
    })

  test('puts the notes under Unreleased, which is emptied; headings one level down', () => {
    const run = addSection({ BODY: "## What's Changed\r\n* Faster deploys by @alice\r\n" })
    expect(run).toMatchObject({ status: 0, stdout: 'CHANGELOG.md: added v1.1.0.\n' })
    expect(run.collected['CHANGELOG.md']).toBe(`# Changelog

Intro.

## Unreleased

_Nothing yet._

## v1.1.0 — 2026-12-07

#### What's Changed
* Faster deploys by @alice

- A fix nobody wrote into the release notes.

## v1.0.0 — 2026-12-01

- First.
`)
  })

  test('without notes, the Unreleased entries become the release; a second run changes nothing', () => {
    const first = addSection({ BODY: '' })
    const section = '## v1.1.0 — 2026-12-07\n\n- A fix nobody wrote into the release notes.\n'
    expect(first.collected['CHANGELOG.md']).toContain(`_Nothing yet._\n\n${section}`)
    const again = addSection({ BODY: 'other notes' }, first.collected['CHANGELOG.md'])
    expect(again).toMatchObject({ status: 0, stdout: 'CHANGELOG.md already has v1.1.0.\n' })
    expect(again.collected['CHANGELOG.md']).toBe(first.collected['CHANGELOG.md'])
  })

  test('notes that hold the Unreleased entries are not repeated; nothing at all is said so', () => {
    const copied = addSection({ BODY: '- A fix nobody wrote into the release notes.' })
    expect(copied.collected['CHANGELOG.md']?.match(/A fix nobody/g)).toHaveLength(1)
    const empty = addSection({ BODY: '' }, '# Changelog\n\n## Unreleased\n\n_Nothing yet._\n')
    expect(empty.collected['CHANGELOG.md']).toBe(
      '# Changelog\n\n## Unreleased\n\n_Nothing yet._\n\n## v1.1.0 — 2026-12-07\n\n_No notes._\n'
    )
  })

  test("an older release goes in version order; Unreleased keeps the default branch's entries", () => {
    const run = addSection(
      { TAG: 'v1.0.1', BODY: '- A patch.', NEWEST: 'false' },
      `${CHANGELOG}
## v0.9.0 — 2026-11-01

- Before.
`
    )
    expect(run).toMatchObject({ status: 0, stdout: 'CHANGELOG.md: added v1.0.1.\n' })
    expect(run.collected['CHANGELOG.md']).toBe(`# Changelog

Intro.

## Unreleased

- A fix nobody wrote into the release notes.

## v1.0.1 — 2026-12-07

- A patch.

## v1.0.0 — 2026-12-01

- First.

## v0.9.0 — 2026-11-01

- Before.
`)
    const last = addSection({ TAG: 'v0.1.0', BODY: '', NEWEST: 'false' })
    expect(last.collected['CHANGELOG.md']).toBe(
      `${CHANGELOG}\n## v0.1.0 — 2026-12-07\n\n_No notes._\n`
    )
  })

  test('release notes stay text: no command in them runs', () => {
    const body = '$(touch pwned) `touch pwned` ${{ github.token }} "; touch pwned; "'
    const run = addSection({ BODY: body })
    expect(run.status).toBe(0)
    expect(run.collected.pwned).toBe('')
    expect(run.collected['CHANGELOG.md']).toContain(`## v1.1.0 — 2026-12-07\n\n${body}\n`)
  })

  test('a tag or date of another form changes nothing and says why', () => {
    const badTag = addSection({ TAG: 'v1.1', BODY: 'x' })
    expect(badTag.status).toBe(1)
    expect(badTag.stderr).toBe("release-changelog: TAG 'v1.1' is not of the form vX.Y.Z.\n")
    expect(badTag.collected['CHANGELOG.md']).toBe(CHANGELOG)
    const badDate = addSection({ PUBLISHED_AT: 'yesterday', BODY: 'x' })
    expect(badDate.stderr).toBe("release-changelog: the date 'yesterday' is not YYYY-MM-DD.\n")
  })

  test("this repository's CHANGELOG.md has the Unreleased section the step moves", () => {
    const run = addSection({ BODY: 'Notes.' }, read('CHANGELOG.md'))
    const [before, after] = (run.collected['CHANGELOG.md'] ?? '').split('## v1.1.0 — 2026-12-07')
    expect(before).toMatch(/## Unreleased\n\n_Nothing yet._\n\n$/)
    expect(after).toMatch(/^\n\nNotes\.\n\n### One config file for the whole pipeline\n/)
    expect(after).toContain('\n## First version — 2026-11-26 (not released)\n')
  })
})

describe('the OIDC rule knows npm provenance', () => {
  const context = { ownRepository: 'acme/own', actions: new Map(), workflows: new Map() }
  const publishing = (run: string) => `on: release
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-24.04
    permissions:
      id-token: write
    steps:
      - run: ${run}
`

  test('a job publishing with --provenance may mint OIDC tokens; one that does not may not', () => {
    expect(checkWorkflow('ok.yml', publishing('npm publish --provenance'), context)).toEqual([])
    expect(
      checkWorkflow('bad.yml', publishing('npm publish --access public'), context).map(
        finding => finding.rule
      )
    ).toEqual(['excessive-permissions'])
  })
})
