/**
 * The bad-input corpus against the four committed action bundles (actions/<name>/dist), run as
 * the runner runs them (test/e2e/run-action.ts) against one sim seeded with the staging cluster
 * and its `web` service, so that a deploy, a rollback or a GitHub record would be possible.
 * Each entry must fail the step with an error naming the input, change nothing (no mutating
 * AWS or GitHub call), set no output beyond the action's failure outputs and forge no workflow
 * command. Entries run three at a time; each row awaits its own run.
 */
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction, type ActionRun } from '../../e2e/run-action.js'
import { listenerUrl } from '../../support/sim-listener.js'
import { CORPUS, type ActionName, type Entry } from './corpus.js'
import { annotations, describeCall, foreignCommands, forgedLines } from './observe.js'
import { startGitHubTap, type GitHubTap } from './github-tap.js'
import { limit } from './limit.js'
import { createWorkspace, type Workspace } from './workspace.js'

/** Valid inputs each entry's bad one goes over: alone, each would start a real change. */
const BASE: Record<ActionName, Record<string, string>> = {
  'deploy-fargate': {
    cluster: 'staging',
    service: 'web',
    images: 'web=registry.example.com/shop/web:1.1.0',
    version: '1.1.0',
    'poll-interval': '100ms',
    timeout: '2m'
  },
  'health-verify': {
    url: '{listener}/',
    timeout: '2s',
    interval: '500ms',
    'consecutive-successes': '1'
  },
  'staging-gate': {
    cluster: 'staging',
    service: 'web',
    version: '1.0.0',
    'min-soak': '0s',
    'checks-timeout': '2s',
    'github-token': 'ghp_test'
  },
  rollback: {
    cluster: 'staging',
    service: 'web',
    reason: 'bad-input corpus',
    'poll-interval': '100ms',
    timeout: '2m'
  }
}

/**
 * What each action documents it sets when it fails before a result, with the values they must
 * have: the bad text may neither add a key nor change these.
 */
const FAILURE_OUTPUTS: Record<ActionName, Record<string, RegExp>> = {
  'deploy-fargate': { status: /^failed$/, 'failure-reason': /[^]*/ },
  'health-verify': {},
  'staging-gate': {},
  rollback: { status: /^failed$/, healthy: /^$/, 'duration-seconds': /^\d+$/ }
}

interface Observed {
  run: ActionRun
  /** The run's changing AWS calls (the sim's log) and GitHub requests (the tap's). */
  changes: string[]
}

const entries = CORPUS.filter(
  (entry): entry is Entry & { target: ActionName } => entry.target !== 'cli'
)

let sim: Sim
let github: GitHubTap
let workspace: Workspace
const observed = new Map<string, Promise<Observed>>()

function inputsOf(entry: Entry & { target: ActionName }): Record<string, string> {
  const inputs: Record<string, string> = { ...BASE[entry.target] }
  for (const [name, value] of Object.entries(entry.inputs ?? {})) {
    if (value === null) delete inputs[name]
    else inputs[name] = value
  }
  const config = workspace.configOf(entry)
  if (config !== undefined) inputs.config = config
  return Object.fromEntries(Object.entries(inputs).map(([name, v]) => [name, workspace.fill(v)]))
}

async function observe(entry: Entry & { target: ActionName }): Promise<Observed> {
  const run = await runAction({
    action: entry.target,
    inputs: inputsOf(entry),
    simUrl: sim.url,
    env: {
      GITHUB_WORKSPACE: workspace.root,
      GITHUB_API_URL: github.apiUrl(entry.id),
      // The SDK adds `app/<id>` to the User-Agent: the sim's log tells whose AWS call it was.
      AWS_SDK_UA_APP_ID: entry.id
    },
    timeoutMs: 60_000
  })
  const aws = sim
    .calls()
    .filter(call => call.mutating && (call.userAgent ?? '').includes(`app/${entry.id}`))
  return { run, changes: [...aws.map(describeCall), ...github.changes(entry.id)] }
}

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
  github = await startGitHubTap(sim.url)
  workspace = createWorkspace(entries, await listenerUrl(sim.url))
  const slot = limit(3)
  for (const entry of entries) {
    const result = slot(() => observe(entry))
    // Rejections are reported by the entry's own test.
    result.catch(() => undefined)
    observed.set(entry.id, result)
  }
}, 60_000)

afterAll(async () => {
  await Promise.allSettled(observed.values())
  workspace?.remove()
  await github?.stop()
  await sim?.stop()
})

const names = (entry: Entry) =>
  entry.names.map(name => name.replaceAll('{config}', workspace.configOf(entry) ?? '{config}'))

async function check(entry: Entry & { target: ActionName }): Promise<void> {
  const { run, changes } = (await observed.get(entry.id)) as Observed
  const found = annotations(run.stdout)
  const errors = found.filter(annotation => annotation.level === 'error')
  // Fails, naming the input (or the file and field) in its error annotation.
  expect({ exitCode: run.exitCode, errors: errors.length > 0 }).toEqual({
    exitCode: 1,
    errors: true
  })
  const text = errors.map(error => error.message).join('\n')
  for (const name of names(entry)) expect(text).toContain(name)
  // Every annotation is a configuration error: none of another kind, none a warning or notice.
  expect(
    found.filter(a => a.level !== 'error' || !a.title.startsWith('Configuration error'))
  ).toEqual([])
  // Nothing changed in AWS or GitHub.
  expect(changes).toEqual([])
  // No output beyond the documented failure outputs, and those say failed.
  const allowed = FAILURE_OUTPUTS[entry.target]
  expect(Object.keys(run.outputs).filter(name => !(name in allowed))).toEqual([])
  const wrong = Object.entries(run.outputs).filter(([name, value]) => !allowed[name]?.test(value))
  expect(wrong).toEqual([])
  // No workflow command but the action's own, and the forged text never starts a line.
  expect(foreignCommands(run.stdout)).toEqual([])
  expect(forgedLines(run.stdout, entry.smuggled)).toEqual([])
}

const rows = (defective: boolean) =>
  entries
    .filter(entry => (entry.defect !== undefined) === defective)
    .map(entry => [entry.id, entry] as const)

describe('a bad input fails the step, naming it, and changes nothing', () => {
  test.each(rows(false))('%s', (_id, entry) => check(entry), 120_000)
  // Defects found by the corpus (see each entry's `defect`): these pass once the product is fixed.
  if (rows(true).length > 0) {
    test.failing.each(rows(true))('%s', (_id, entry) => check(entry), 120_000)
  }
})
