/**
 * Bad inputs reported together (issue 16, item 7), against the real deploy-fargate bundle: one
 * run names every bad input, each in an annotation of its own with the value and the form
 * expected, and nothing is asked of AWS.
 */
import { startSim, type Sim } from '@fargate-promote/sim'
import { repoRoot, runAction, type ActionRun } from './run-action.js'

let sim: Sim

beforeAll(async () => {
  sim = await startSim({ scenario: `${repoRoot}/test/fixtures/e2e.yml`, timeScale: 40 })
}, 60_000)

afterAll(async () => {
  await sim.stop()
})

beforeEach(async () => {
  await sim.reset()
})

/** The step's error annotations, as the runner reads them: `::error title=…::message`. */
function errorAnnotations(run: ActionRun): { title: string; message: string }[] {
  return run.stdout
    .split('\n')
    .map(line => /^::error title=([^:]*)::(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, title = '', message = '']) => ({ title, message }))
}

/** What deploy-fargate documents for a failure; nothing else may be set. */
const FAILURE_OUTPUTS = ['status', 'failure-reason']

describe('deploy-fargate with several bad inputs', () => {
  test('one run reports every one, an annotation each, and calls no AWS API', async () => {
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: {
        service: 'web',
        images: 'nginx:1',
        image: 'Repo//Bad',
        container: 'web',
        timeout: 'soon',
        wait: '##[warning]yes',
        'desired-count': 'lots'
      },
      simUrl: sim.url,
      timeoutMs: 60_000
    })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)).toEqual([
      {
        title: 'Configuration error (1 of 6)',
        message:
          "deploy-fargate failed: Input 'cluster': not given. Give the ECS cluster name or ARN."
      },
      {
        title: 'Configuration error (2 of 6)',
        message:
          "deploy-fargate failed: Input 'timeout': 'soon' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
      },
      {
        title: 'Configuration error (3 of 6)',
        message:
          "deploy-fargate failed: Input 'desired-count': 'lots' is not a whole number from 0 to 5000."
      },
      {
        title: 'Configuration error (4 of 6)',
        message:
          "deploy-fargate failed: Input 'images' (line 1): 'nginx:1' is not container=image (one per line, e.g. web=nginx:1.27)."
      },
      {
        title: 'Configuration error (5 of 6)',
        message: expect.stringMatching(
          /^deploy-fargate failed: Input 'image': 'Repo\/\/Bad' is not a valid image reference: .*Use \[registry\/\]repository\[:tag\]\[@sha256:digest\]/
        )
      },
      {
        title: 'Configuration error (6 of 6)',
        // The value's `##[` is broken up: the runner finds that legacy command form anywhere.
        message: "deploy-fargate failed: Input 'wait': '##\u200b[warning]yes' is not true or false."
      }
    ])
    expect(run.stdout).not.toContain('##[warning]')
    expect(sim.calls()).toEqual([])
    expect(Object.keys(run.outputs).filter(name => !FAILURE_OUTPUTS.includes(name))).toEqual([])
  }, 60_000)

  test('a single bad input keeps its one annotation, unnumbered', async () => {
    const run = await runAction({
      action: 'deploy-fargate',
      inputs: { cluster: 'staging', service: 'web', images: 'nginx:1' },
      simUrl: sim.url,
      timeoutMs: 60_000
    })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)).toEqual([
      {
        title: 'Configuration error',
        message:
          "deploy-fargate failed: Input 'images' (line 1): 'nginx:1' is not container=image (one per line, e.g. web=nginx:1.27)."
      }
    ])
    expect(sim.calls()).toEqual([])
  }, 60_000)
})
