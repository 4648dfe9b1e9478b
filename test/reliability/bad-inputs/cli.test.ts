/**
 * The bad-input corpus against `fargate-promote` (deploy, verify, gate, rollback and the config
 * file it reads), run in-process as its bin runs it (test/e2e/cli-support.ts) in a workspace of
 * its own, against one sim seeded with the staging cluster and its `web` service. Each entry
 * must exit with the documented code (2 usage, 3 invalid config) naming the option or the file
 * and field on stderr, print nothing on stdout, change nothing in AWS or GitHub, and write no
 * line a runner would take for a workflow command. The CLI runs in this process, so entries run
 * one after the other: each one's AWS calls are those the sim logged during it.
 */
import { startSim, type Sim } from '@fargate-promote/sim'
import { runCli, simEnv } from '../../e2e/cli-support.js'
import { repoRoot } from '../../e2e/run-action.js'
import { listenerUrl } from '../../support/sim-listener.js'
import { CORPUS, type Entry } from './corpus.js'
import { startGitHubTap, type GitHubTap } from './github-tap.js'
import { describeCall, forgedLines, runnerLines } from './observe.js'
import { createWorkspace, type Workspace } from './workspace.js'

const entries = CORPUS.filter(entry => entry.target === 'cli')

let sim: Sim
let github: GitHubTap
let workspace: Workspace

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  github = await startGitHubTap(sim.url)
  workspace = createWorkspace(entries, await listenerUrl(sim.url))
}, 60_000)

afterAll(async () => {
  workspace?.remove()
  await github?.stop()
  await sim?.stop()
})

function argvOf(entry: Entry): string[] {
  const config = workspace.configOf(entry)
  const argv = (entry.argv ?? []).map(arg => workspace.fill(arg))
  return config === undefined ? argv : ['--config', config, ...argv]
}

async function check(entry: Entry): Promise<void> {
  const before = Math.max(0, ...sim.calls().map(call => call.seq))
  const result = await runCli(argvOf(entry), {
    env: simEnv(sim.url, { GITHUB_API_URL: github.apiUrl(entry.id) }),
    cwd: workspace.root
  })
  const changes = [
    ...sim
      .calls()
      .filter(call => call.seq > before && call.mutating)
      .map(describeCall),
    ...github.changes(entry.id)
  ]
  // The documented exit code, the option (or file and field) named, nothing on stdout.
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: entry.code, stdout: '' })
  const names = entry.names.map(name =>
    name.replaceAll('{config}', workspace.configOf(entry) ?? '{config}')
  )
  for (const name of names) expect(result.stderr).toContain(name)
  expect(changes).toEqual([])
  // Not an Actions step: no line of either stream may read as a workflow command.
  const streams = `${result.stdout}\n${result.stderr}`
  expect(
    runnerLines(streams).filter(line => line.startsWith('::') || line.includes('##['))
  ).toEqual([])
  expect(forgedLines(streams, entry.smuggled)).toEqual([])
}

const rows = (defective: boolean) =>
  entries
    .filter(entry => (entry.defect !== undefined) === defective)
    .map(entry => [entry.id, entry] as const)

describe('a bad option or config fails with its exit code, naming it, and changes nothing', () => {
  test.each(rows(false))('%s', (_id, entry) => check(entry), 60_000)
  // Defects found by the corpus (see each entry's `defect`): these pass once the product is fixed.
  if (rows(true).length > 0) {
    test.failing.each(rows(true))('%s', (_id, entry) => check(entry), 60_000)
  }
})
