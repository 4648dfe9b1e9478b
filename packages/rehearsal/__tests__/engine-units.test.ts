import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { parseWorkflow, NoOperationTraceWriter } from '@actions/workflow-parser'
import type { PromotionConfig } from '@fargate-promote/promotion'
import { startSim, type Sim } from '@fargate-promote/sim'
import { contextPaths } from '../src/checks/paths.js'
import { actionResolver, declaredOutputs, readManifest } from '../src/engine/actions.js'
import { CommandReader, maskText, parseFileCommands } from '../src/engine/commands.js'
import { silentListener } from '../src/engine/context.js'
import { branchMatches } from '../src/engine/environments.js'
import type { JobState } from '../src/engine/job-state.js'
import { expandMatrix, matrixName } from '../src/engine/matrix.js'
import { runProcess } from '../src/engine/process.js'
import { trackEnvironmentEvents } from '../src/engine/timeline.js'
import { asText, toData, toPlain } from '../src/expressions/data.js'
import {
  ExpressionProblem,
  evaluate,
  evaluateCondition,
  evaluateData,
  evaluateToken,
  parseExpression
} from '../src/expressions/evaluate.js'
import { interpolate } from '../src/expressions/interpolate.js'
import type { EnvironmentEvent, StepResult } from '../src/model.js'
import { scenarioFromConfig } from '../src/sim/seed.js'
import { connectSim } from '../src/sim/start.js'
import { BUILTIN_STAND_INS, declaredStandIn } from '../src/stand-ins/builtin.js'
import type { StandInContext } from '../src/stand-ins/types.js'
import { formatProblem, insideRepository } from '../src/workflow/load.js'
import { dispatchInputs, triggersOf, whyNotTriggered } from '../src/workflow/triggers.js'
import {
  PRODUCT_REPOSITORY,
  PRODUCT_ROOT,
  cleanUp,
  onPush,
  rehearseRepo,
  job,
  tempDir,
  writeRepo
} from './fixtures/engine/repo.js'

afterEach(cleanUp)

const STATUS = { failed: false, cancelled: false }

function root(text: string) {
  const parsed = parseWorkflow({ name: 'w.yml', content: text }, new NoOperationTraceWriter())
  if (parsed.value === undefined) throw new Error('not parsed')
  return parsed.value
}

describe('runProcess', () => {
  const base = { cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }

  it('streams stdout and stderr line by line (CRLF too, a last line without newline)', async () => {
    const lines: string[] = []
    const code = await runProcess({
      ...base,
      command: 'sh',
      args: ['-c', "printf 'one\\r\\ntwo\\n'; printf 'err\\n' >&2; printf 'last'; exit 3"],
      onLine: line => lines.push(line),
      signal: new AbortController().signal
    })
    expect(code).toBe(3)
    expect(lines.sort()).toEqual(['err', 'last', 'one', 'two'])
  })

  it('a process killed by a signal counts as exit code 130', async () => {
    const code = await runProcess({
      ...base,
      command: 'sh',
      args: ['-c', 'kill -TERM $$'],
      onLine: () => undefined,
      signal: new AbortController().signal
    })
    expect(code).toBe(130)
  })

  it('aborting sends SIGINT, then SIGTERM after the grace period to a process that ignores SIGINT', async () => {
    const controller = new AbortController()
    const lines: string[] = []
    const running = runProcess({
      ...base,
      command: 'sh',
      args: ['-c', 'trap "" INT; echo ready; while :; do sleep 0.05; done'],
      onLine: line => {
        lines.push(line)
        if (line === 'ready') controller.abort()
      },
      signal: controller.signal,
      graceMs: 50
    })
    expect(await running).toBe(130)
    expect(lines).toEqual(['ready'])
  })

  it('a process that cannot start rejects', async () => {
    await expect(
      runProcess({
        ...base,
        command: 'no-such-command-anywhere',
        args: [],
        onLine: () => undefined,
        signal: new AbortController().signal
      })
    ).rejects.toThrow(/ENOENT/)
  })
})

describe('workflow commands and runner files', () => {
  it('parseFileCommands: name=value, heredocs, CRLF; other lines ignored; a missing delimiter throws', () => {
    expect(parseFileCommands('a=1\r\nb=x=y\r\nnot a command\nm<<EOF\none\n\ntwo\nEOF\n\n')).toEqual(
      {
        a: '1',
        b: 'x=y',
        m: 'one\n\ntwo'
      }
    )
    expect(() => parseFileCommands('m<<END\nno end\n')).toThrow(
      "Matching delimiter not found 'END'."
    )
  })

  it('CommandReader: annotations, masks (blank ones ignored), debug hidden, other commands kept', () => {
    const reader = new CommandReader()
    expect(reader.read('::notice file=a.ts,line=3::look%0Ahere')).toBe(false)
    expect(reader.read('::add-mask::  ')).toBe(true)
    expect(reader.read('::add-mask::s%25cret')).toBe(true)
    expect(reader.read('::debug::hidden')).toBe(true)
    expect(reader.read('::group::Title')).toBe(false)
    expect(reader.read('::endgroup::')).toBe(false)
    expect(reader.read('not :: a command')).toBe(false)
    expect(reader.effects).toEqual({
      annotations: [{ level: 'notice', message: 'look\nhere' }],
      masks: ['s%cret']
    })
  })

  it('maskText: a secret base64- or percent-encoded is masked too, as the runner does', () => {
    const encoded = Buffer.from('s3cr3t/token').toString('base64')
    expect(maskText(`${encoded} s3cr3t%2Ftoken`, ['s3cr3t/token'])).toBe('*** ***')
  })

  it('maskText: longer secrets first, empty masks ignored', () => {
    expect(maskText('token abc and abcdef', ['abc', 'abcdef', ''])).toBe('token *** and ***')
    expect(maskText('nothing', [])).toBe('nothing')
  })
})

describe('matrix', () => {
  it('expandMatrix: nothing to expand', () => {
    expect(expandMatrix(undefined)).toEqual([])
    expect(expandMatrix(['a'])).toEqual([])
    expect(expandMatrix('x')).toEqual([])
    expect(expandMatrix({})).toEqual([])
  })

  it("expandMatrix: GitHub's documented include example", () => {
    // docs.github.com: Expanding or adding matrix configurations.
    expect(
      expandMatrix({
        fruit: ['apple', 'pear'],
        animal: ['cat', 'dog'],
        include: [
          { color: 'green' },
          { color: 'pink', animal: 'cat' },
          { fruit: 'apple', shape: 'circle' },
          { fruit: 'banana' },
          { fruit: 'banana', animal: 'cat' }
        ]
      })
    ).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' }
    ])
  })

  it('expandMatrix: a single value, exclude on part of the keys, include extending every fitting combination', () => {
    expect(expandMatrix({ os: 'linux', node: [18, 20] })).toEqual([
      { os: 'linux', node: 18 },
      { os: 'linux', node: 20 }
    ])
    expect(
      expandMatrix({
        os: ['linux', 'mac'],
        node: [18, 20],
        exclude: [{ os: 'mac' }],
        include: [
          { node: 20, npm: 10 },
          { npm: 9, extra: true },
          { os: 'windows', node: 22 }
        ]
      })
    ).toEqual([
      // An added key (npm) may be overwritten by a later include; an original one may not.
      { os: 'linux', node: 18, npm: 9, extra: true },
      { os: 'linux', node: 20, npm: 9, extra: true },
      { os: 'windows', node: 22 }
    ])
    expect(expandMatrix({ x: [{ a: 1 }], include: 'nope', exclude: 'nope' })).toEqual([
      { x: { a: 1 } }
    ])
  })

  it('matrixName', () => {
    expect(matrixName('build', {})).toBe('build')
    expect(matrixName('build', { os: 'linux', node: 20, cfg: { a: 1 } })).toBe(
      'build (linux, 20, {"a":1})'
    )
  })
})

describe('expressions', () => {
  const scope = {
    contexts: { github: { ref: 'refs/heads/main' }, env: { A: 'x' } },
    status: () => STATUS
  }

  it('interpolate: text and ${{ }} (quotes may hold }}), several; an unclosed one throws', () => {
    expect(interpolate('plain', () => 'never')).toBe('plain')
    expect(interpolate("a-${{ 'x}}y' }}-${{ n }}", e => (e === 'n' ? 3 : e))).toBe("a-'x}}y'-3")
    expect(interpolate('${{ obj }}', () => ({ k: 1 }))).toBe('{\n  "k": 1\n}')
    expect(() => interpolate('a ${{ b', () => '')).toThrow('Unclosed ${{ in: a ${{ b')
  })

  it('toData / toPlain / asText', () => {
    const misses: string[] = []
    const d = toData({ list: [1, 'two', null, true, { deep: 'x' }] }, p => misses.push(p), 'ctx')
    expect(toPlain(d)).toEqual({ list: [1, 'two', null, true, { deep: 'x' }] })
    expect(asText(undefined)).toBe('')
    expect(asText(null)).toBe('')
    expect(asText(false)).toBe('false')
    expect(asText(2.5)).toBe('2.5')
    expect(asText(['a'])).toBe('[\n  "a"\n]')
  })

  it('evaluate, evaluateCondition and evaluateData; hashFiles when the scope can hash', () => {
    expect(evaluate("format('{0}-{1}', github.ref, env.A)", scope)).toBe('refs/heads/main-x')
    expect(evaluateCondition("github.ref == 'refs/heads/main'", scope)).toBe(true)
    expect(evaluateCondition("env.NOPE == ''", scope)).toBe(true)
    expect(evaluateData('1 == 1', scope).coerceString()).toBe('true')
    expect(evaluate("hashFiles('a', 'b')", scope)).toBe('')
    expect(evaluate("hashFiles('a', 'b')", { ...scope, hashFiles: p => p.join('+') })).toBe('a+b')
    expect(
      evaluate('failure()', { ...scope, status: () => ({ failed: true, cancelled: false }) })
    ).toBe(true)
    expect(
      evaluate('failure()', { ...scope, status: () => ({ failed: true, cancelled: true }) })
    ).toBe(false)
    expect(evaluate('success()', { ...scope, status: () => ({ ...STATUS, blocked: true }) })).toBe(
      false
    )
  })

  it('errors are ExpressionProblems naming the expression', () => {
    expect(() => parseExpression('')).toThrow(new ExpressionProblem('', 'The expression is empty.'))
    expect(() => evaluate("format('{0} {1}', 'x')", scope)).toThrow(ExpressionProblem)
    try {
      evaluate('github.ref ==', scope)
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionProblem)
      expect((error as ExpressionProblem).expression).toBe('github.ref ==')
    }
  })

  it('evaluateToken: undefined, literals, sequences, mappings and expressions', () => {
    const tokenRoot = root(`on: push
jobs:
  a:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, true, text, null]
        e: ['\${{ github.ref }}']
        o: [{ k: v }]
    steps:
      - run: echo
`)
    expect(evaluateToken(undefined, scope)).toBeUndefined()
    expect(evaluateToken(tokenRoot, scope)).toMatchObject({
      jobs: {
        a: {
          strategy: {
            matrix: { n: [1, true, 'text', null], e: ['refs/heads/main'], o: [{ k: 'v' }] }
          }
        }
      }
    })
  })

  it('contextPaths: through functions, operators, groups and computed indexes', () => {
    expect(
      contextPaths(
        parseExpression(
          "!(needs.a.outputs['x'] == steps.s.outputs.y) && contains(vars.LIST, secrets.K) || needs[env.JOB].result"
        )
      )
    ).toEqual([
      ['needs', 'a', 'outputs', 'x'],
      ['steps', 's', 'outputs', 'y'],
      ['vars', 'LIST'],
      ['secrets', 'K'],
      ['needs'],
      ['env', 'JOB']
    ])
    expect(contextPaths(undefined)).toEqual([])
  })
})

describe('triggers and inputs', () => {
  it('triggersOf: none, one, a list, a mapping', () => {
    expect(triggersOf(root('jobs: {}\n'))).toEqual({})
    expect(triggersOf(root('on: push\njobs: {}\n'))).toEqual({ push: {} })
    expect(triggersOf(root('on: [push, pull_request]\njobs: {}\n'))).toEqual({
      push: {},
      pull_request: {}
    })
    expect(
      triggersOf(root('on:\n  push:\n    branches: [main]\n  workflow_dispatch:\njobs: {}\n'))
    ).toEqual({ push: { branches: ['main'] }, workflow_dispatch: {} })
  })

  it('whyNotTriggered: a workflow with no on:, filters that let the push through', () => {
    expect(whyNotTriggered(root('jobs: {}\n'), 'push', 'refs/heads/main')).toBe(
      'The workflow does not run on push (it runs on nothing).'
    )
    const filtered = root(
      "on:\n  push:\n    branches: [main]\n    tags: ['v*']\n    branches-ignore: []\n  workflow_dispatch:\njobs: {}\n"
    )
    expect(whyNotTriggered(filtered, 'push', 'refs/heads/main')).toBeUndefined()
    expect(whyNotTriggered(filtered, 'push', 'refs/tags/v1')).toBeUndefined()
    expect(whyNotTriggered(filtered, 'workflow_dispatch', 'refs/heads/any')).toBeUndefined()
    expect(
      whyNotTriggered(
        root("on:\n  push:\n    branches: 'release/**'\njobs: {}\n"),
        'push',
        'refs/heads/release/1/2'
      )
    ).toBeUndefined()
  })

  it('dispatchInputs: defaults and types', () => {
    const workflow = root(`on:
  workflow_dispatch:
    inputs:
      flag: { type: boolean, default: true }
      off: { type: boolean }
      count: { type: number, default: 2 }
      env: { type: choice, options: [a, b], default: a }
      note: {}
      tag: { type: string, required: true, default: latest }
jobs: {}
`)
    expect(dispatchInputs(workflow, {})).toEqual({
      inputs: { flag: true, off: false, count: 2, env: 'a', note: '', tag: 'latest' },
      errors: []
    })
    expect(dispatchInputs(workflow, { flag: 'false', count: '7.5', env: 'b', note: 'hi' })).toEqual(
      {
        inputs: { flag: false, off: false, count: 7.5, env: 'b', note: 'hi', tag: 'latest' },
        errors: []
      }
    )
  })

  it('branchMatches: *, ** and ? as GitHub branch patterns', () => {
    expect(branchMatches('main', 'main')).toBe(true)
    expect(branchMatches('release/*', 'release/1.2')).toBe(true)
    expect(branchMatches('release/*', 'release/1.2/hotfix')).toBe(false)
    expect(branchMatches('release/**', 'release/1.2/hotfix')).toBe(true)
    expect(branchMatches('v?', 'v1')).toBe(true)
    expect(branchMatches('v1.0', 'v1x0')).toBe(false)
    expect(branchMatches('feat+(x)', 'feat+(x)')).toBe(true)
  })
})

describe('actions, manifests and files', () => {
  it('readManifest: defaults as text, required inputs, outputs, post and post-if; defaults for the rest', async () => {
    const dir = await writeRepo({
      'action.yml': `name: Sample
inputs:
  retries: { default: 3 }
  strict: { default: false }
  path: { default: './x' }
  token: { required: true }
  optional: { required: false }
outputs:
  a: {}
  b: {}
runs:
  using: node24
  main: main.js
  post: post.js
  post-if: failure()
`
    })
    expect(readManifest(dir)).toEqual({
      name: 'Sample',
      inputs: {
        retries: { default: '3' },
        strict: { default: 'false' },
        path: { default: './x' },
        token: { required: true },
        optional: {}
      },
      outputs: ['a', 'b'],
      main: 'main.js',
      post: 'post.js',
      postIf: 'failure()'
    })
    const bare = await writeRepo({ 'action.yml': 'description: nothing\n' })
    expect(readManifest(bare)).toEqual({
      name: bare,
      inputs: {},
      outputs: [],
      main: 'dist/index.js'
    })
  })

  it('actionResolver: our actions by repository or ./, declared and built-in stand-ins, unknown ones', () => {
    const resolve = actionResolver(
      { root: PRODUCT_ROOT, repository: PRODUCT_REPOSITORY },
      { 'Acme/Thing': { note: 'n', outputs: { o: '1' } } }
    )
    const ours = resolve(`${PRODUCT_REPOSITORY}/actions/health-verify@v1`)
    expect(ours).toMatchObject({ kind: 'action', dir: `${PRODUCT_ROOT}/actions/health-verify` })
    // The manifest is read once.
    expect(resolve('./actions/health-verify')).toMatchObject({
      manifest: (ours as { manifest: unknown }).manifest
    })
    expect(resolve('acme/thing@v2')).toMatchObject({ kind: 'stand-in', key: 'acme/thing' })
    expect(resolve('actions/checkout@v4')).toMatchObject({
      kind: 'stand-in',
      key: 'actions/checkout'
    })
    expect(resolve('acme/other@v1')).toEqual({ kind: 'unknown', key: 'acme/other' })
    expect(resolve('./actions/not-there')).toEqual({ kind: 'unknown', key: './actions/not-there' })
    expect(declaredOutputs(resolve, 'acme/thing@v2')).toEqual(['o'])
    expect(declaredOutputs(resolve, 'acme/other@v1')).toBeUndefined()
    expect(declaredOutputs(resolve, './actions/health-verify')).toContain('healthy')
  })

  it('insideRepository and formatProblem', () => {
    expect(insideRepository('/repo', 'a/b.yml')).toBe('a/b.yml')
    expect(insideRepository('/repo', './a/../b.yml')).toBe('b.yml')
    expect(insideRepository('/repo', '../x.yml')).toBeUndefined()
    expect(insideRepository('/repo', '/etc/passwd')).toBeUndefined()
    expect(insideRepository('/repo', '.')).toBeUndefined()
    expect(formatProblem({ level: 'warning', message: 'm' })).toBe('warning: m')
    expect(formatProblem({ level: 'error', message: 'm', file: 'f.yml', job: 'j' })).toBe(
      'f.yml: error: job j: m'
    )
    expect(
      formatProblem({
        level: 'error',
        message: 'm',
        file: 'f.yml',
        line: 3,
        step: 's',
        expression: 'x'
      })
    ).toBe('f.yml:3: error: step s: m (${{ x }})')
  })
})

describe('the timeline of our actions, unit by unit', () => {
  function fakeJob(environment?: string) {
    const timeline: EnvironmentEvent[] = []
    const job = {
      engine: { timeline, listener: silentListener, now: () => 42 },
      result: { key: 'k', ...(environment !== undefined && { environment: { name: environment } }) }
    } as unknown as JobState
    return { job, timeline }
  }
  const stepOf = (uses: string | undefined, outputs: Record<string, string>) =>
    ({ uses, outputs }) as unknown as StepResult

  it('no event for another action, a step without uses, or without any environment', () => {
    const { job, timeline } = fakeJob('prod')
    trackEnvironmentEvents(job, stepOf('acme/x@v1', { status: 'succeeded' }), {})
    trackEnvironmentEvents(job, stepOf(undefined, { status: 'succeeded' }), {})
    const none = fakeJob()
    trackEnvironmentEvents(
      none.job,
      stepOf('./actions/deploy-fargate', { status: 'succeeded' }),
      {}
    )
    expect(timeline).toEqual([])
    expect(none.timeline).toEqual([])
  })

  it('a deploy without a version, the environment input winning over the job environment', () => {
    const { job, timeline } = fakeJob('prod')
    trackEnvironmentEvents(job, stepOf('o/r/actions/deploy-fargate@v1', { status: 'succeeded' }), {
      environment: 'staging'
    })
    trackEnvironmentEvents(job, stepOf('./actions/health-verify', { healthy: 'false' }), {})
    expect(timeline).toEqual([
      { environment: 'staging', at: 42, job: 'k', kind: 'deployed', detail: 'deployed' },
      {
        environment: 'prod',
        at: 42,
        job: 'k',
        kind: 'deployment-failed',
        detail: 'checks failed: '
      }
    ])
  })
})

describe('seed and connect', () => {
  it('scenarioFromConfig: an https loopback URL listens on 443; no environment falls back to us-east-1', () => {
    const scenario = scenarioFromConfig(
      {
        version: 1,
        environments: {
          edge: {
            region: 'ap-south-1',
            cluster: 'edge',
            services: [{ name: 'api', containers: ['api'] }],
            url: 'https://localhost/',
            alarms: [],
            protection: {
              reviewers: { users: [], teams: [] },
              'wait-timer': 0,
              'prevent-self-review': false
            }
          }
        }
      } as unknown as PromotionConfig,
      { repository: 'o/r', actor: 'me' }
    ) as { loadBalancers: { listeners: { bindPort: number }[] }[] }
    expect(scenario.loadBalancers[0]?.listeners[0]?.bindPort).toBe(443)
    expect(
      scenarioFromConfig({ version: 1, environments: {} } as unknown as PromotionConfig, {
        repository: 'o/r',
        actor: 'me'
      })
    ).toMatchObject({ region: 'us-east-1', clusters: [] })
  })
})

describe('built-in stand-ins, called directly', () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSim({ virtualTime: true, timeScale: 1000 })
  })
  afterAll(async () => {
    await sim.stop()
  })

  function context(overrides: Partial<StandInContext>): StandInContext {
    return {
      with: {},
      env: {},
      workspace: tempDir(),
      runnerTemp: tempDir(),
      artifacts: tempDir(),
      simUrl: sim.url,
      signal: new AbortController().signal,
      ...overrides
    }
  }

  it('build-push: an image without a tag is pushed as latest (a registry port is not a tag)', async () => {
    const workspace = await writeRepo({ Dockerfile: 'FROM scratch\n' })
    const pushed = await BUILTIN_STAND_INS['docker/build-push-action']?.run(
      context({
        workspace,
        with: { tags: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/untagged' }
      })
    )
    expect(pushed?.note).toMatch(
      /^pushed 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shop\/untagged to the simulator: sha256:/
    )
    const response = await fetch(`${sim.url}/_sim/images`)
    const { images } = (await response.json()) as { images: { repository: string; tag: string }[] }
    expect(images).toContainEqual(
      expect.objectContaining({
        repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/untagged',
        tag: 'latest'
      })
    )
    await expect(
      BUILTIN_STAND_INS['docker/build-push-action']?.run(
        context({ workspace, with: { tags: 'localhost:5000/shop' } })
      )
    ).rejects.toThrow(/^the simulator refused the push of localhost:5000\/shop: /)
  })

  it('upload-artifact without a name or a path; a declared stand-in without outputs or env', async () => {
    const artifacts = tempDir()
    const result = await BUILTIN_STAND_INS['actions/upload-artifact']?.run(context({ artifacts }))
    expect(result).toEqual({
      note: 'no files to upload',
      outputs: { 'artifact-id': '1', 'artifact-url': `file://${artifacts}/artifact` }
    })
    const declared = declaredStandIn({})
    expect(declared.outputs).toEqual([])
    expect(await declared.run(context({}))).toEqual({ note: 'declared stand-in', outputs: {} })
  })

  it('connectSim: a URL that is not a simulator', async () => {
    await expect(connectSim(`${sim.url}/nowhere`)).rejects.toThrow(
      new RegExp(`^GET ${sim.url}/nowhere/_sim/clock: 404 `)
    )
  })
})

describe('small engine paths', () => {
  it('without hostEnv, steps get a minimal PATH, the job directory as HOME and C.UTF-8', async () => {
    const result = await rehearseRepo(
      {
        '.github/workflows/ci.yml': onPush(`  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "$LANG"
          test "$HOME" = "$RUNNER_TEMP" && echo "home is the job directory"
          echo "$PATH" | tr ':' '\\n' | tail -2 | tr '\\n' ' '
`)
      },
      { hostEnv: undefined }
    )
    expect(job(result, 'a').steps[0]?.log).toBe(
      'C.UTF-8\nhome is the job directory\n/usr/bin /bin \n'
    )
  })

  it('an environment object without a usable name is no environment; a job name that fails fails the job', async () => {
    const result = await rehearseRepo({
      '.github/workflows/ci.yml': onPush(`  a:
    runs-on: ubuntu-latest
    environment:
      name: \${{ github.head_ref }}
      url: https://x.test
    steps:
      - run: echo a
  b:
    name: \${{ fromJSON('[') }}
    runs-on: ubuntu-latest
    strategy:
      matrix:
        x: [1]
    steps:
      - run: echo never
`)
    })
    expect(job(result, 'a')).toMatchObject({ state: 'success' })
    expect(job(result, 'a').environment).toBeUndefined()
    expect(job(result, 'b (1)')).toMatchObject({
      state: 'failure',
      reason: expect.stringContaining("fromJSON('[')"),
      steps: []
    })
  })
})
