/**
 * Every problem of a step's inputs in one run (issue 16, item 7): each reader lists them all,
 * each naming its input, the value and the form expected, instead of stopping at the first.
 */
import { describe, expect, test } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ConfigurationError,
  ConfigurationErrors,
  configurationProblems
} from '@fargate-promote/common'
import {
  readDeployInputs,
  readGateInputs,
  readRollbackInputs,
  readVerifyInputs
} from '@fargate-promote/promotion'
import { useTempDir } from '../../../test/support/temp-dir.js'
import { CONTEXT, reader } from './inputs-helpers.js'

type Read = (values: Record<string, string>) => Promise<unknown>

/** The messages of every problem `read` reports, in order. */
async function problems(read: Read, values: Record<string, string>): Promise<string[]> {
  try {
    await read(values)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return configurationProblems(error as ConfigurationError).map(problem => problem.message)
  }
  throw new Error('expected the inputs to be refused')
}

const deploy: Read = values => readDeployInputs(reader(values), CONTEXT)
const verify: Read = values => readVerifyInputs(reader(values), CONTEXT)
const gate: Read = values => readGateInputs(reader(values), CONTEXT)
const rollback: Read = values => readRollbackInputs(reader(values), CONTEXT)

describe('every problem of a step is reported in one run', () => {
  test('deploy: a missing cluster, bad images lines, an image, a duration, a boolean, a tag', async () => {
    const found = await problems(deploy, {
      service: 'web',
      images: 'nginx:1\nweb=Repo//Bad\nweb=nginx:2',
      timeout: 'soon',
      wait: 'yes',
      tags: 'aws:team=x',
      'desired-count': '-1',
      'environment-variables': 'LOG_LEVEL=debug'
    })
    expect(found).toEqual([
      "Input 'cluster': not given. Give the ECS cluster name or ARN.",
      "Input 'timeout': 'soon' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      "Input 'desired-count': '-1' is not a whole number from 0 to 5000.",
      "Input 'images' (line 1): 'nginx:1' is not container=image (one per line, e.g. web=nginx:1.27).",
      expect.stringMatching(
        /^Input 'images' \(line 2\): container 'web': 'Repo\/\/Bad' is not a valid image reference: /
      ),
      "Input 'images' (line 3): 'web=nginx:2': key 'web' is already set on line 2. Set each key once.",
      "Input 'environment-variables' (line 1): 'LOG_LEVEL=debug': key 'LOG_LEVEL' is not container.NAME (a container, a dot, a variable name of letters, digits and _).",
      "Input 'tags' (line 1): key 'aws:team' uses the 'aws:' prefix, which AWS reserves. Choose another key.",
      "Input 'wait': 'yes' is not true or false."
    ])
  })

  test('deploy: every bad image is named with its container, and image needs container', async () => {
    const found = await problems(deploy, {
      cluster: 'c',
      service: 'web',
      images: 'web=Repo//Bad\nworker=',
      image: 'UPPER/case'
    })
    expect(found).toEqual([
      expect.stringMatching(
        /^Input 'images' \(line 1\): container 'web': 'Repo\/\/Bad' is not a valid image reference: .* Use \[registry\/\]repository\[:tag\]\[@sha256:digest\]/
      ),
      "Input 'images' (line 2): container 'worker' has no image after '='. Write container=image, e.g. web=nginx:1.27.",
      "Input 'image': needs 'container' too: the two go together."
    ])
  })

  test('deploy: a malformed images line hides no image of the well-formed lines', async () => {
    const found = await problems(deploy, {
      cluster: 'c',
      service: 'web',
      images: 'a\nweb=UPPER:1\n\nworker=nginx:1\n# sidecar=Bad\nsidecar=',
      image: 'nginx:2',
      container: 'worker'
    })
    expect(found).toEqual([
      "Input 'images' (line 1): 'a' is not container=image (one per line, e.g. web=nginx:1.27).",
      expect.stringMatching(
        /^Input 'images' \(line 2\): container 'web': 'UPPER:1' is not a valid image reference: the repository component 'UPPER' is not valid/
      ),
      "Input 'images' (line 6): container 'sidecar' has no image after '='. Write container=image, e.g. web=nginx:1.27.",
      "Input 'image': container 'worker' has an image in both 'images' and 'image'. Give it once."
    ])
  })

  test("deploy: staging-gate's JSON images: every bad image, each naming its container", async () => {
    const found = await problems(deploy, {
      cluster: 'c',
      service: 'web',
      images: '{"web":"UPPER:1","worker":"nginx:1","sidecar":""}'
    })
    expect(found).toEqual([
      expect.stringMatching(/^Input 'images': container 'web': 'UPPER:1' is not a valid image/),
      "Input 'images': container 'sidecar' has no image after '='. Write container=image, e.g. web=nginx:1.27."
    ])
  })

  test('deploy: a malformed tags line hides no tag ECS would refuse', async () => {
    const found = await problems(deploy, {
      cluster: 'c',
      service: 'web',
      tags: 'team\naws:owner=me\nok=fine\nnote=a#b'
    })
    expect(found).toEqual([
      "Input 'tags' (line 1): 'team' is not key=value (one per line, e.g. team=payments).",
      "Input 'tags' (line 2): key 'aws:owner' uses the 'aws:' prefix, which AWS reserves. Choose another key.",
      "Input 'tags' (line 4): 'note=a#b' has characters ECS does not accept in tags. Use letters, digits, spaces and + - = . _ : / @."
    ])
  })

  test('deploy: too many services and services listed twice are both reported', async () => {
    const names = Array.from({ length: 11 }, (_, index) => `s${index}`)
    const found = await problems(deploy, {
      cluster: 'c',
      services: [...names, 's1', 's2', 's1'].join('\n')
    })
    expect(found).toEqual([
      "Input 'services': lists 14 services; at most 10 go together (one DescribeServices call). Split them over several steps.",
      "Input 'services': lists 's1', 's2' twice. List each service once."
    ])
  })

  test('deploy: a version ECS cannot tag, a bad task-definition-arn and both services inputs', async () => {
    const found = await problems(deploy, {
      cluster: 'c',
      service: 'web',
      services: 'web\nworker',
      version: 'v1#2',
      'task-definition-arn': 'api:latest',
      'on-failure': 'retry'
    })
    expect(found).toEqual([
      "Input 'service': was given together with 'services'. Use 'service' for one service or 'services' for several, not both.",
      "Input 'version': 'version=v1#2' has characters ECS does not accept in tags. Use letters, digits, spaces and + - = . _ : / @.",
      "Input 'task-definition-arn': 'api:latest' is not a task-definition ARN or family:revision. Give e.g. arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42.",
      "Input 'on-failure': 'retry' is not one of 'rollback', 'none'."
    ])
  })

  test('verify: no checks, a bad interval, mode, concurrency and error rate', async () => {
    const found = await problems(verify, {
      'expect-status': '200',
      interval: '0',
      mode: 'watch',
      'max-error-rate': 'lots',
      'consecutive-successes': '0'
    })
    expect(found).toEqual([
      "Input 'expect-status': only applies to 'url'. In 'checks', write it as a field of the http check.",
      "Input 'checks': not given. Give a YAML list of checks (or the path of a .yml/.yaml/.json file), or 'url' for a single HTTP check.",
      "Input 'mode': 'watch' is not one of 'verify', 'monitor'.",
      "Input 'max-error-rate': 'lots' is not a fraction from 0 to 1 (0.01) or a percentage from 0% to 100% (1%).",
      "Input 'interval': '0' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      "Input 'consecutive-successes': '0' is not a whole number from 1 to 100."
    ])
  })

  test('verify: a bad url and checks given with it are both named', async () => {
    const found = await problems(verify, {
      url: 'ftp://a.example/',
      checks: '- name: web\n  http: { url: "https://a.example/" }',
      requests: 'many'
    })
    expect(found).toEqual([
      "Input 'url': 'ftp://a.example/' uses 'ftp:'; only http and https URLs are accepted.",
      "Input 'checks': was given together with 'url'. Use 'url' for one HTTP check, or write it into 'checks' as '- name: http' with 'http: { url: … }'.",
      "Input 'requests': 'many' is not a whole number from 1 to 10000."
    ])
  })

  test('gate: no cluster, a bad sha and image, soak, branch and emergency without reason', async () => {
    const found = await problems(gate, {
      service: 'web',
      sha: 'xyz',
      image: 'Bad Image',
      'min-soak': 'a while',
      'protected-branch': 'main..x',
      'github-token': 't',
      emergency: 'true'
    })
    expect(found).toEqual([
      "Input 'cluster': not given. Give the staging ECS cluster name or ARN.",
      "Input 'sha': 'xyz' is not a commit SHA. Give 7 to 40 hexadecimal characters, e.g. ${{ github.sha }}.",
      expect.stringMatching(/^Input 'image': 'Bad Image' is not a valid image reference: /),
      "Input 'min-soak': 'a while' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      "Input 'protected-branch': 'main..x' is not a branch name. Give the protected branch (for example main), or none.",
      "Input 'emergency-reason': not given. Give why this release cannot wait for the gate when 'emergency' is true (it is recorded in the check run, the summary and the outputs)."
    ])
  })

  test('rollback: no service, a bad to, polling and checks without wait', async () => {
    const found = await problems(rollback, {
      cluster: 'c',
      to: '-3',
      timeout: '1x',
      'poll-interval': 'often',
      'checks-interval': '2h',
      wait: 'false',
      checks: '- name: web\n  http: { url: "https://a.example/" }'
    })
    expect(found).toEqual([
      "Input 'checks': needs 'wait: true': the checks run once the rollback is observed complete. Remove the checks or set wait to true.",
      "Input 'service': not given. Give the ECS service to roll back.",
      "Input 'to': revision '-3' is not a positive whole number. Task-definition revisions start at 1; give one such as 42.",
      "Input 'timeout': '1x' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      "Input 'poll-interval': 'often' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      "Input 'checks-interval': '2h' is not a duration from 100ms to 5m."
    ])
  })

  test('the error lists them all in its message, one line each', async () => {
    const error = await deploy({ service: 'web', wait: 'yes' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationErrors)
    expect((error as Error).message).toBe(
      [
        '2 problems:',
        "- Input 'cluster': not given. Give the ECS cluster name or ARN.",
        "- Input 'wait': 'yes' is not true or false."
      ].join('\n')
    )
    expect((error as ConfigurationErrors).describe(input => `--${input}`)).toContain(
      "- --wait: 'yes' is not true or false."
    )
  })

  test('a value is quoted with its control characters escaped and cut when long', async () => {
    const found = await problems(deploy, {
      cluster: 'c',
      service: 'web',
      wait: `x\u001b[2J${'y'.repeat(300)}`
    })
    expect(found).toEqual([`Input 'wait': 'x\\x1b[2J${'y'.repeat(195)}…' is not true or false.`])
  })
})

describe('a config file that cannot be read', () => {
  const dir = useTempDir('input-problems-')

  test('is reported with the inputs own problems; what it would give is not reported missing', async () => {
    writeFileSync(join(dir(), 'app.yml'), 'version: 1\nenvironments:\n  staging:\n    region: x\n')
    const context = { ...CONTEXT, workspace: dir() }
    const found = await readDeployInputs(
      reader({ config: 'app.yml', environment: 'staging', timeout: 'soon' }),
      context
    ).then(
      () => [],
      (error: unknown) => configurationProblems(error as ConfigurationError)
    )
    // Neither cluster nor service is reported: the file names them once it is fixed.
    expect(found.map(problem => problem.subject)).toEqual([
      { file: 'app.yml' },
      { input: 'timeout' }
    ])
    expect(found[0]?.message).toMatch(/required, and missing here/)
  })

  test('an environment the file does not list, and a bad input', async () => {
    writeFileSync(
      join(dir(), 'app.yml'),
      'version: 1\nenvironments:\n  staging:\n    region: eu-west-1\n    cluster: c\n    services: [{ name: web, containers: [web] }]\n'
    )
    const context = { ...CONTEXT, workspace: dir() }
    const found = await readRollbackInputs(
      reader({ config: 'app.yml', environment: 'prod', to: 'arn:bad' }),
      context
    ).then(
      () => [],
      (error: unknown) => configurationProblems(error as ConfigurationError)
    )
    expect(found.map(problem => problem.subject.input)).toEqual(['environment', 'to'])
  })
})
