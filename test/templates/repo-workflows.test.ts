/**
 * This repository's own workflows. workflows.test.ts already puts every .github/workflows/*.yml
 * through GitHub's workflow parser, actionlint and every project rule (its `workflows` list and
 * its actionlint patterns include them); this file checks what the release workflow promises:
 * the tag is checked before anything is released, the CLI is published to npm with provenance
 * from the tarball that was tried, CHANGELOG.md gets the release's section on the default branch,
 * and the release's text reaches the scripts only as data.
 */
import { readFileSync } from 'node:fs'
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
  const found = job(jobName).steps.find(candidate => candidate.name === name)
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
      ['changelog', 'move-major-tag', 'publish-cli', 'tag'].sort()
    )
    expect(job('tag').permissions).toBeUndefined()
    expect(job('move-major-tag').permissions).toEqual({ contents: 'write' })
    expect(job('changelog').permissions).toEqual({ contents: 'write' })
    expect(job('publish-cli').permissions).toEqual({ contents: 'read', 'id-token': 'write' })
  })

  test('every release job waits for the tag check and takes its values from it', () => {
    for (const name of ['move-major-tag', 'changelog', 'publish-cli'])
      expect(job(name).needs).toBe('tag')
    expect(job('tag').outputs).toEqual({
      version: '${{ steps.tag.outputs.version }}',
      major: '${{ steps.tag.outputs.major }}'
    })
    expect(step('move-major-tag', 'Move the major tag').env?.MAJOR).toBe(
      '${{ needs.tag.outputs.major }}'
    )
    for (const name of ['Version from the tag', 'Publish with provenance'])
      expect(step('publish-cli', name).env?.VERSION).toBe('${{ needs.tag.outputs.version }}')
  })

  describe('the tag check', () => {
    const check = (tag: string, prerelease = 'false') =>
      runStep(job('tag').steps[0]?.run, { env: { TAG: tag, PRERELEASE: prerelease } })

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

  test('publishes the CLI it packed and tried, with provenance, from the npm environment', () => {
    const publish = job('publish-cli')
    expect(publish.environment).toBe('npm')
    const setup = publish.steps.find(candidate => candidate.uses?.startsWith('actions/setup-node@'))
    expect(setup?.with).toMatchObject({
      'node-version': 24,
      'registry-url': 'https://registry.npmjs.org'
    })
    expect(publish.steps.some(candidate => candidate.run === 'npm ci --ignore-scripts')).toBe(true)
    const version = index(
      'publish-cli',
      /npm pkg set "version=\$VERSION" --workspace packages\/cli/
    )
    const pack = index('publish-cli', /npm pack --workspace packages\/cli/)
    const tried = index('publish-cli', /fargate-promote --version/)
    const published = index('publish-cli', /npm publish/)
    expect([version, pack, tried, published].every(at => at >= 0)).toBe(true)
    expect(version < pack && pack === tried && tried < published).toBe(true)
    const publishStep = step('publish-cli', 'Publish with provenance')
    expect(publishStep.run).toContain(
      'npm publish "$RUNNER_TEMP/cli/fargate-promote-cli-$VERSION.tgz" --provenance --access public'
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
      BODY: '${{ github.event.release.body }}'
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
