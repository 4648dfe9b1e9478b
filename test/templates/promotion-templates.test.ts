/**
 * The promotion rules the workflow templates promise, checked on the files application teams copy:
 * feature branches reach dev, main reaches staging, production is promoted by hand with exactly
 * the digest the staging gate approved, in the protected environment, and rolled back only after
 * a failure; deploys never overlap; OIDC tokens only where AWS is called; no expression in a script.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { Evaluator, Lexer, Parser, type data } from '@actions/expressions'
import { parseDuration } from '@fargate-promote/common'
import { parseChecks } from '@fargate-promote/health'
import { parse, stringify } from 'yaml'
import { expressionData } from './conditions.js'
import { runStep } from './run-step.js'
import { isWorkflow } from './workflow-rules.js'
import { wavesVariant } from './waves-variant.js'

const root = new URL('../..', import.meta.url).pathname
const templates = join(root, 'workflows-templates')
const own = 'fargate-promote/fargate-promote/actions/'

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  if?: string
  uses?: string
  with?: Record<string, unknown>
  strategy?: { 'max-parallel'?: number; matrix?: Record<string, unknown> }
  environment?: string | { name: string; url?: string }
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean }
  permissions?: Record<string, string>
  outputs?: Record<string, string>
  'timeout-minutes'?: number
  steps?: Step[]
}
interface Input {
  type: string
  default?: unknown
  required?: boolean
  options?: string[]
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, Input>; outputs?: Record<string, unknown> } | null>
  permissions: Record<string, string>
  concurrency?: { group: string; 'cancel-in-progress'?: boolean }
  jobs: Record<string, Job>
}

const text = (file: string): string => readFileSync(join(templates, file), 'utf8')
const load = (file: string): Workflow => parse(text(file)) as Workflow
const exampleConfig = text('fargate-promote.yml')

/** `${{ … }}` evaluated as GitHub does (@actions/expressions, the parser's own evaluator). */
function evaluate(expression: string, contexts: Record<string, unknown>): string {
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(expression.trim())?.[1]
  if (inner === undefined) throw new Error(`not an expression: ${expression}`)
  const lexed = new Lexer(inner).lex()
  const ast = new Parser(lexed.tokens, Object.keys(contexts), []).parse()
  const result = new Evaluator(ast, expressionData(contexts) as data.Dictionary).evaluate()
  return result.coerceString()
}
const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]
const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name
const stepsOf = (job: Job): Step[] => job.steps ?? []
const stepUsing = (job: Job, action: string): Step | undefined =>
  stepsOf(job).find(step => step.uses?.startsWith(`${own}${action}@`))
const callsAws = (job: Job): boolean =>
  stepsOf(job).some(step => step.uses?.startsWith('aws-actions/configure-aws-credentials@'))
function jobOf(workflow: Workflow, name: string): Job {
  const found = workflow.jobs[name]
  if (found === undefined) throw new Error(`no job '${name}'`)
  return found
}

const workflowFiles = [
  'build.yml',
  'deploy.yml',
  'dev.yml',
  'monitor.yml',
  'production.yml',
  'pull-request.yml',
  'resume.yml',
  'rollback.yml',
  'staging.yml',
  'test-suite.yml'
]

describe('production.yml', () => {
  const production = load('production.yml')
  const job = (name: string) => jobOf(production, name)

  test('is started by hand only, with a version, the emergency switch and a reason', () => {
    expect(Object.keys(production.on)).toEqual(['workflow_dispatch'])
    const inputs = production.on.workflow_dispatch?.inputs ?? {}
    expect(inputs.version?.type).toBe('string')
    expect(inputs.emergency).toMatchObject({ type: 'boolean', default: false })
    expect(inputs.reason?.type).toBe('string')
  })

  test('one promotion at a time, never cancelled', () => {
    expect(production.concurrency).toEqual({
      group: 'production-promotion',
      'cancel-in-progress': false
    })
  })

  test('gate -> deploy -> summary: one deploy of every production service by default', () => {
    expect(Object.keys(production.jobs)).toEqual(['gate', 'deploy', 'summary'])
    expect(needsOf(job('deploy'))).toEqual(['gate'])
    expect(needsOf(job('summary'))).toEqual(['gate', 'deploy'])
    expect(job('summary').if).toBe('always()')
  })

  test("an emergency bypass reaches the production deploy's GitHub record, and only then", () => {
    expect(job('gate').outputs?.['emergency-reason']).toBe(
      '${{ steps.gate.outputs.emergency-reason }}'
    )
    expect(job('deploy').with?.['emergency-reason']).toBe(
      "${{ needs.gate.outputs.emergency == 'true' && needs.gate.outputs.emergency-reason || '' }}"
    )
  })

  test('the gate checks staging by its config, and the emergency inputs reach it as inputs', () => {
    const gate = stepUsing(job('gate'), 'staging-gate')
    expect(gate?.id).toBe('gate')
    expect(gate?.with).toMatchObject({
      environment: 'staging',
      version: '${{ inputs.version }}',
      emergency: '${{ inputs.emergency }}',
      'emergency-reason': "${{ inputs.emergency && inputs.reason || '' }}",
      'github-token': '${{ github.token }}'
    })
    // The check run and the deployment evidence need these, nothing more.
    expect(job('gate').permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      checks: 'write',
      deployments: 'read'
    })
    // Read access to staging without recording a staging deployment.
    expect(environmentOf(job('gate'))).toBe('staging-monitor')
  })

  test("the deploy gets every container's digest the gate found on staging, never a build's", () => {
    const gate = job('gate')
    const digests = stepsOf(gate).find(step => step.id === 'images')
    expect(digests?.env?.IMAGES).toBe('${{ steps.gate.outputs.images }}')
    expect(digests?.if).toBe("steps.gate.outputs.approved == 'true'")
    expect(gate.outputs?.images).toBe('${{ steps.images.outputs.images }}')
    expect(gate.outputs).not.toHaveProperty('image')
    const deploy = job('deploy')
    expect(deploy.uses).toBe('./.github/workflows/deploy.yml')
    expect(deploy.with).toMatchObject({
      environment: 'production',
      images: '${{ needs.gate.outputs.images }}',
      version: '${{ needs.gate.outputs.version }}',
      'rollback-on-failure': true
    })
    // No single image and no service list: every service of environments.production.
    expect(deploy.with).not.toHaveProperty('image')
    expect(deploy.with).not.toHaveProperty('services')
    expect(String(deploy.with?.monitor)).toMatch(/^\d+m$/)
    expect(text('production.yml')).not.toMatch(/needs\.build|build\.yml/)
  })

  test('a task with a sidecar is promoted: the digests step keeps every container, by digest', () => {
    const digests = stepsOf(job('gate')).find(step => step.id === 'images')
    const images = {
      'web/web': `registry.example.com/shop/web@sha256:${'a'.repeat(64)}`,
      'web/log-router': `public.ecr.aws/aws-observability/aws-for-fluent-bit@sha256:${'b'.repeat(64)}`,
      'worker/worker': `registry.example.com/shop/web@sha256:${'a'.repeat(64)}`
    }
    const run = runStep(digests?.run, { env: { IMAGES: JSON.stringify(images) } })
    expect(run).toMatchObject({ status: 0 })
    expect(JSON.parse(run.outputs.images ?? '')).toEqual(images)
    expect(run.summary).toContain('`web/log-router`')
    // A tag is not what staging ran: refused, no output.
    const tagged = runStep(digests?.run, {
      env: { IMAGES: JSON.stringify({ ...images, 'web/log-router': 'fluent-bit:latest' }) }
    })
    expect(tagged.status).not.toBe(0)
    expect(tagged.outputText).toBe('')
    expect(tagged.stdout).toContain('::error::')
  })

  test('production is deployed only when the gate approved', () => {
    expect(job('deploy').if).toBe("needs.gate.outputs.approved == 'true'")
  })

  /** production.yml with its commented waves variant applied (read when a test needs it). */
  const variant = (): Workflow => parse(wavesVariant(text('production.yml'))) as Workflow

  test('no service name is written into the workflow, waves variant included', () => {
    // Before the variant: a failure here is about the default workflow itself.
    expect(text('production.yml')).not.toMatch(/services:\s*(web|worker)\b/)
    for (const workflow of [production, variant()]) {
      for (const [name, each] of Object.entries(workflow.jobs)) {
        const services = each.with?.services
        if (services !== undefined)
          expect({ name, services }).toEqual({
            name,
            services: expect.stringMatching(/^\$\{\{ needs\.waves\.outputs\.(first|rest) \}\}$/)
          })
      }
    }
  })

  describe('the commented waves variant', () => {
    const wave = (name: string) => jobOf(variant(), name)

    test('waves -> wave-1 -> wave-2, from the run input and the config; wave 1 rolled back after wave 2', () => {
      expect(Object.keys(variant().jobs)).toEqual([
        'gate',
        'waves',
        'wave-1',
        'wave-2',
        'rollback-wave-1',
        'summary'
      ])
      expect(variant().on.workflow_dispatch?.inputs?.['first-wave']).toMatchObject({
        type: 'string',
        default: ''
      })
      expect(wave('waves').if).toBe("needs.gate.outputs.approved == 'true'")
      expect(needsOf(wave('wave-1'))).toEqual(['gate', 'waves'])
      expect(needsOf(wave('wave-2'))).toEqual(['gate', 'waves', 'wave-1'])
      expect(wave('wave-2').if).toBe(
        "needs.waves.outputs.rest != '' && needs.wave-1.outputs.status == 'succeeded'"
      )
      for (const name of ['wave-1', 'wave-2']) {
        expect(wave(name).with).toMatchObject({
          environment: 'production',
          images: '${{ needs.gate.outputs.images }}',
          version: '${{ needs.gate.outputs.version }}',
          'rollback-on-failure': true
        })
      }
      expect(wave('rollback-wave-1')).toMatchObject({
        if: "failure() && needs.wave-1.result == 'success' && needs.wave-2.result == 'failure'",
        uses: './.github/workflows/rollback.yml',
        with: { environment: 'production', targets: '${{ needs.wave-1.outputs.services }}' }
      })
    })

    test('the waves are the input (in config order) and every other production service', () => {
      const script = stepsOf(wave('waves')).find(step => step.id === 'waves')?.run
      const config = [
        'environments:',
        '  production:',
        '    services:',
        '      - { name: web, containers: [web] }',
        '      - { name: worker, containers: [worker] }',
        '      - { name: api, containers: [api] }'
      ].join('\n')
      const files = { '.github/fargate-promote.yml': config }
      const split = (first: string) => runStep(script, { files, env: { FIRST_WAVE: first } })
      expect(split('api web').outputs).toEqual({ first: 'web api', rest: 'worker' })
      expect(split('').outputs).toEqual({ first: 'web worker api', rest: '' })
      const unknown = split('web billing')
      expect(unknown.status).not.toBe(0)
      expect(unknown.stderr).toContain('not services of environments.production: billing')
    })
  })

  test('the summary records an emergency bypass', () => {
    const run = stepsOf(job('summary'))[0]
    expect(run?.env?.EMERGENCY).toBe('${{ needs.gate.outputs.emergency }}')
    expect(run?.run).toContain('emergency bypass')
  })

  test('the summary reports every job it needs and fails unless all of them deployed', () => {
    const step = stepsOf(job('summary'))[0]
    expect(step?.env?.NEEDS).toBe('${{ toJSON(needs) }}')
    const images = { web: `registry.example.com/shop/web@sha256:${'a'.repeat(64)}` }
    const ok = { result: 'success', outputs: {} }
    const deployed = { result: 'success', outputs: { status: 'succeeded', 'rolled-back': '' } }
    const summary = (needs: Record<string, unknown>, approved = 'true') =>
      runStep(step?.run, {
        env: {
          APPROVED: approved,
          VERSION: '1.4.2',
          IMAGES: JSON.stringify(images),
          EMERGENCY: 'false',
          REASON: 'CHG-1 | fix',
          NEEDS: JSON.stringify(needs)
        }
      })
    const promoted = summary({ gate: ok, deploy: deployed })
    expect(promoted.status).toBe(0)
    expect(promoted.summary).toContain('| deploy | success (succeeded) |')
    expect(promoted.summary).toContain('| reason | CHG-1 / fix |')
    const rolledBack = {
      result: 'failure',
      outputs: { status: 'succeeded', 'rolled-back': 'true' }
    }
    const failed = summary({ gate: ok, deploy: rolledBack })
    expect(failed.status).not.toBe(0)
    expect(failed.summary).toContain('| deploy | failure (succeeded), rolled back |')
    expect(
      summary({ gate: ok, deploy: { result: 'skipped', outputs: {} } }, 'false').status
    ).not.toBe(0)
    // The waves variant: wave 2 skipped because wave 1 had every service is a promotion.
    const waves = {
      gate: ok,
      waves: ok,
      'wave-1': deployed,
      'wave-2': { result: 'skipped', outputs: {} }
    }
    expect(
      summary({ ...waves, 'rollback-wave-1': { result: 'skipped', outputs: {} } }).status
    ).toBe(0)
    const wave2Failed = { ...waves, 'wave-2': rolledBack, 'rollback-wave-1': ok }
    expect(summary(wave2Failed).status).not.toBe(0)
  })
})

describe('deploy.yml', () => {
  const deploy = load('deploy.yml')
  const job = (name: string) => jobOf(deploy, name)
  const inputs = deploy.on.workflow_call?.inputs ?? {}

  test('is reusable: environment required, image or images, services optional for waves', () => {
    expect(Object.keys(deploy.on)).toEqual(['workflow_call'])
    expect(inputs.environment).toMatchObject({ type: 'string', required: true })
    expect(inputs.image).toMatchObject({ type: 'string', default: '' })
    expect(inputs.images).toMatchObject({ type: 'string', default: '' })
    expect(inputs.services).toMatchObject({ type: 'string', default: '' })
    expect(inputs['rollback-on-failure']).toMatchObject({ type: 'boolean', default: false })
  })

  test('the deploy job runs in the environment, in its concurrency group, never cancelled', () => {
    const deployJob = job('deploy')
    expect(deployJob.environment).toEqual({
      name: '${{ inputs.environment }}',
      url: '${{ needs.plan.outputs.url }}'
    })
    expect(deployJob.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false
    })
    expect(deployJob.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      deployments: 'write'
    })
  })

  test('the role and region come from the config, read by the plan job', () => {
    const aws = stepsOf(job('deploy')).find(step =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@')
    )
    expect(aws?.with).toEqual({
      'role-to-assume': '${{ needs.plan.outputs.role }}',
      'aws-region': '${{ needs.plan.outputs.region }}'
    })
    expect(stepsOf(job('plan')).find(step => step.id === 'config')?.run).toContain('yq -o=json')
  })

  test('deploy-fargate and health-verify get the environment; everything else is the config', () => {
    expect(stepUsing(job('deploy'), 'deploy-fargate')?.with).toEqual({
      config: '${{ inputs.config }}',
      environment: '${{ inputs.environment }}',
      services: '${{ needs.plan.outputs.service-lines }}',
      image: '${{ inputs.image }}',
      container: '${{ needs.plan.outputs.container-lines }}',
      images: '${{ needs.plan.outputs.images }}',
      version: '${{ steps.version.outputs.version }}',
      // An emergency release is recorded as one on its GitHub deployment.
      'emergency-reason': '${{ inputs.emergency-reason }}',
      'github-token': '${{ github.token }}'
    })
    expect(job('plan').outputs?.images).toBe('${{ steps.config.outputs.images }}')
    // Command checks get the release just deployed as FARGATE_PROMOTE_VERSION.
    const verify = stepsOf(job('deploy')).find(step => step.id === 'verify')
    expect(verify?.with).toMatchObject({
      environment: '${{ inputs.environment }}',
      version: '${{ steps.version.outputs.version }}',
      requests: '${{ inputs.requests }}',
      'p95-latency': '${{ inputs.p95-latency }}',
      'max-error-rate': '${{ inputs.max-error-rate }}'
    })
    const monitor = stepsOf(job('deploy')).find(step => step.id === 'monitor')
    expect(monitor?.with).toMatchObject({
      mode: 'monitor',
      duration: '${{ inputs.monitor }}',
      version: '${{ steps.version.outputs.version }}'
    })
  })

  describe('the plan: what each deploy gets', () => {
    const script = stepsOf(job('plan')).find(step => step.id === 'config')?.run
    const digest = (c: string) => `registry.example.com/shop/web@sha256:${c.repeat(64)}`
    const staging = {
      'web/web': digest('a'),
      'web/log-router': digest('b'),
      'worker/worker': digest('a')
    }
    const plan = (env: Record<string, string>) =>
      runStep(script, {
        files: { '.github/fargate-promote.yml': exampleConfig },
        env: {
          CONFIG: '.github/fargate-promote.yml',
          ENVIRONMENT: 'production',
          SERVICES: '',
          IMAGE: '',
          IMAGES: '',
          ...env
        }
      })

    test("staging-gate's images, sidecars included, for every service; a wave gets its own", () => {
      const all = plan({ IMAGES: JSON.stringify(staging) })
      expect(all.status).toBe(0)
      expect(JSON.parse(all.outputs.images ?? '')).toEqual(staging)
      expect(all.outputs['service-lines']).toBe('web\nworker')
      expect(all.outputs['container-lines']).toBe('')
      const wave = plan({ IMAGES: JSON.stringify(staging), SERVICES: 'web' })
      expect(JSON.parse(wave.outputs.images ?? '')).toEqual({
        'web/web': digest('a'),
        'web/log-router': digest('b')
      })
      // One staging service: plain container keys go to every service that has the container.
      const single = plan({ IMAGES: JSON.stringify({ web: digest('a') }), SERVICES: 'worker' })
      expect(JSON.parse(single.outputs.images ?? '')).toEqual({ web: digest('a') })
    })

    test('a build image goes to the containers the config lists, as before', () => {
      const run = plan({ ENVIRONMENT: 'staging', IMAGE: digest('c') })
      expect(run.status).toBe(0)
      expect(run.outputs['container-lines']).toBe('web\nworker')
      expect(run.outputs.images).toBe('')
    })

    test.each([
      ['both image and images', { IMAGE: digest('c'), IMAGES: JSON.stringify(staging) }],
      ['neither image nor images', {}],
      [
        'a tag instead of a digest',
        { IMAGES: JSON.stringify({ ...staging, 'web/web': 'web:1.4.2' }) }
      ],
      ['a service staging does not run', { IMAGES: JSON.stringify({ 'web/web': digest('a') }) }],
      ['not a JSON object', { IMAGES: '["web"]' }],
      ['two JSON values', { IMAGES: '{"web":"x"} {"web":"y"}' }]
    ])('refuses %s', (_, env) => {
      const run = plan(env)
      expect(run.status).not.toBe(0)
      expect(run.outputText).toBe('')
      expect(run.stdout).toContain('::error::')
    })
  })

  test('outputs are passed through from the actions', () => {
    const outputs = deploy.on.workflow_call?.outputs ?? {}
    for (const name of [
      'status',
      'version',
      'task-definition-arn',
      'previous-task-definition-arn',
      'services',
      'github-deployment-id',
      'healthy',
      'failed-checks',
      'p95-ms',
      'error-rate'
    ]) {
      expect({ name, value: outputs[name] }).toMatchObject({
        name,
        value: { value: `\${{ jobs.deploy.outputs.${name} }}` }
      })
    }
    expect(job('deploy').outputs?.status).toBe('${{ steps.deploy.outputs.status }}')
  })

  test('rolls back only a deploy that succeeded and then failed its checks, when asked', () => {
    const rollback = job('rollback')
    expect(rollback.if).toBe(
      "failure() && inputs.rollback-on-failure && needs.deploy.outputs.status == 'succeeded'"
    )
    expect(rollback.uses).toBe('./.github/workflows/rollback.yml')
    expect(rollback.with?.targets).toBe('${{ needs.deploy.outputs.services }}')
  })
})

describe('rollback.yml', () => {
  const rollback = load('rollback.yml')
  const job = (name: string) => jobOf(rollback, name)

  test('by hand: environment (choice), to (previous, a version, a revision) and a reason', () => {
    const inputs = rollback.on.workflow_dispatch?.inputs ?? {}
    expect(inputs.environment).toMatchObject({
      type: 'choice',
      options: ['dev', 'staging', 'production'],
      required: true
    })
    expect(inputs.to?.default).toBe('previous')
    expect(inputs.reason?.required).toBe(true)
    expect(rollback.on.workflow_call?.inputs?.['only-if-unhealthy']?.type).toBe('boolean')
  })

  test('one service at a time, in the deploy group', () => {
    const legs = job('rollback')
    expect(legs.strategy?.['max-parallel']).toBe(1)
    expect(legs.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false
    })
    expect(stepUsing(legs, 'rollback')?.with).toMatchObject({
      environment: '${{ inputs.environment }}',
      service: '${{ matrix.service }}',
      to: '${{ matrix.to }}',
      reason: '${{ inputs.reason }}'
    })
  })

  describe('where the rollback runs: the monitor environment, or behind the reviewers', () => {
    const expression = environmentOf(job('rollback')) ?? ''
    /** The GitHub environment of the rollback job for these inputs, as GitHub evaluates it. */
    const runsIn = (given: Record<string, string | boolean>) =>
      evaluate(expression, { inputs: given })
    const dispatch = (to: string) => ({ environment: 'production', to, reason: 'r', services: '' })
    const call = {
      environment: 'production',
      to: 'previous',
      reason: 'r',
      services: '',
      targets: '',
      'only-if-unhealthy': false,
      'check-only': false,
      config: '.github/fargate-promote.yml'
    }

    test('automatic rollbacks and a manual `to: previous` run in <environment>-monitor', () => {
      const targets = JSON.stringify([
        {
          service: 'web',
          previousTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:333333333333:task-definition/web:7'
        }
      ])
      expect(runsIn({ ...call, targets })).toBe('production-monitor')
      expect(runsIn({ ...call, 'only-if-unhealthy': true })).toBe('production-monitor')
      expect(runsIn(dispatch('previous'))).toBe('production-monitor')
      expect(runsIn(dispatch(''))).toBe('production-monitor')
    })

    test('a manual run to any other target runs in <environment>: reviewers and wait timer', () => {
      for (const to of [
        '1.4.1',
        '42',
        'arn:aws:ecs:eu-west-1:333333333333:task-definition/web:7'
      ]) {
        expect({ to, runsIn: runsIn(dispatch(to)) }).toEqual({ to, runsIn: 'production' })
      }
      expect(runsIn({ ...call, to: '1.4.1' })).toBe('production')
    })

    test('the plan picks the role that environment trusts: rollback-role, or the deploy role', () => {
      const plan = stepsOf(job('plan')).find(step => step.id === 'plan')
      expect(plan?.env?.RUNS_IN).toBe(expression)
      const config = exampleConfig.replace(
        '    role: arn:aws:iam::333333333333:role/fargate-promote-production\n',
        '    role: arn:aws:iam::333333333333:role/fargate-promote-production\n    rollback-role: arn:aws:iam::333333333333:role/fargate-promote-production-rollback\n'
      )
      expect(config).toContain('rollback-role')
      const role = (runs: string, to: string) =>
        runStep(plan?.run, {
          files: { '.github/fargate-promote.yml': config },
          env: {
            CONFIG: '.github/fargate-promote.yml',
            ENVIRONMENT: 'production',
            RUNS_IN: runs,
            TO: to,
            SERVICES: 'web',
            TARGETS: ''
          }
        }).outputs.role
      expect(role('production-monitor', 'previous')).toBe(
        'arn:aws:iam::333333333333:role/fargate-promote-production-rollback'
      )
      expect(role('production', '1.4.1')).toBe(
        'arn:aws:iam::333333333333:role/fargate-promote-production'
      )
    })

    test('the check before a monitor rollback stays in <environment>-monitor', () => {
      expect(environmentOf(job('check'))).toBe('${{ inputs.environment }}-monitor')
    })
  })

  test('acts on a monitor run only when the checks said unhealthy', () => {
    expect(job('check').if).toBe('inputs.only-if-unhealthy')
    expect(stepsOf(job('check')).find(step => step.id === 'verify')?.with).toMatchObject({
      'fail-on-unhealthy': 'false'
    })
    expect(job('plan').if).toContain("needs.check.outputs.healthy == 'false'")
  })
})

describe('dev.yml, staging.yml, pull-request.yml, monitor.yml', () => {
  test('dev: pushes to any branch but main; tests, build, deploy to dev', () => {
    const dev = load('dev.yml')
    expect(dev.on.push).toEqual({ 'branches-ignore': ['main', 'dependabot/**'] })
    expect(needsOf(jobOf(dev, 'build'))).toEqual(['test'])
    expect(jobOf(dev, 'deploy')).toMatchObject({
      needs: 'build',
      uses: './.github/workflows/deploy.yml',
      with: { environment: 'dev', image: '${{ needs.build.outputs.image }}' }
    })
  })

  test('staging: main -> suite -> build once -> deploy under load -> integration tests', () => {
    const staging = load('staging.yml')
    expect(staging.on.push).toEqual({ branches: ['main'] })
    expect(needsOf(jobOf(staging, 'build'))).toEqual(['test'])
    const deploy = jobOf(staging, 'deploy')
    expect(deploy.with).toMatchObject({
      environment: 'staging',
      image: '${{ needs.build.outputs.image }}',
      'p95-latency': '300ms',
      'max-error-rate': '1%'
    })
    expect(Number(deploy.with?.requests)).toBeGreaterThan(1)
    expect(Number(deploy.with?.concurrency)).toBeGreaterThan(1)
    expect(jobOf(staging, 'integration')).toMatchObject({
      needs: 'deploy',
      uses: './.github/workflows/test-suite.yml',
      with: { 'target-environment': 'staging', version: '${{ needs.deploy.outputs.version }}' }
    })
  })

  test('pull requests: the suite and a dry run against staging; no write token, no environment', () => {
    const pr = load('pull-request.yml')
    expect(Object.keys(pr.on)).toEqual(['pull_request'])
    const dryRun = jobOf(pr, 'dry-run')
    expect(stepUsing(dryRun, 'deploy-fargate')?.with).toMatchObject({
      environment: 'staging',
      'dry-run': 'true'
    })
    expect(dryRun.permissions).toEqual({ contents: 'read', 'id-token': 'write' })
    expect(dryRun.if).toContain(
      'github.event.pull_request.head.repo.full_name == github.repository'
    )
    expect(text('pull-request.yml')).not.toMatch(
      /secrets\.|environment:\s*\n?\s*name:|deployments: write/
    )
  })

  test('monitor: every 15 minutes, deployments read, check then roll back per environment', () => {
    const monitor = load('monitor.yml') as Workflow & { on: { schedule: { cron: string }[] } }
    expect(monitor.on.schedule).toEqual([{ cron: '*/15 * * * *' }])
    expect(jobOf(monitor, 'plan').permissions).toEqual({ contents: 'read', deployments: 'read' })
    expect(stepsOf(jobOf(monitor, 'plan'))[1]?.run).toContain('gh api')
    expect(jobOf(monitor, 'watch')).toMatchObject({
      uses: './.github/workflows/rollback.yml',
      with: { 'only-if-unhealthy': true, to: 'previous', 'check-only': '${{ !matrix.rollback }}' }
    })
  })
})

describe('monitor.yml: what is rolled back, and when', () => {
  const monitor = load('monitor.yml')
  const script = stepsOf(jobOf(monitor, 'plan')).find(step => step.id === 'plan')?.run
  const at = (minutesAgo: number) =>
    new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const config = (monitors: Record<string, unknown>) =>
    stringify({
      environments: Object.fromEntries(
        Object.entries(monitors).map(([name, monitor]) => [
          name,
          { region: 'eu-west-1', services: [{ name: 'web' }, { name: 'worker' }], monitor }
        ])
      )
    })
  interface Record_ {
    id: number
    sha: string
    version: string
    services: string[]
    minutes: number
    states: string[]
    rollback?: boolean
  }
  /** deploy-fargate's (or rollback's) GitHub deployments of production, and their statuses. */
  const api = (records: Record_[], environment = 'production') => ({
    [`deployments?environment=${environment}&per_page=30`]: records.map(r => ({
      id: r.id,
      sha: r.sha,
      created_at: at(r.minutes + 5),
      payload: {
        cluster: 'shop-production',
        service: r.services[0],
        ...(r.rollback ? { rollback: true } : { services: r.services }),
        version: r.version
      }
    })),
    ...Object.fromEntries(
      records.map(r => [
        `deployments/${r.id}/statuses?per_page=100`,
        r.states.map((state, index) => ({ state, created_at: at(r.minutes - index) })).reverse()
      ])
    )
  })
  const plan = (monitors: Record<string, unknown>, answers: Record<string, unknown>) => {
    const run = runStep(script, {
      files: { '.github/fargate-promote.yml': config(monitors) },
      env: { GH_TOKEN: 'token' },
      api: answers
    })
    return {
      ...run,
      matrix: run.status === 0 ? (JSON.parse(run.outputs.matrix ?? '') as unknown[]) : undefined
    }
  }
  // The release before, then 1.4.2 in two waves: web (40 minutes ago), worker (20 minutes ago).
  const before: Record_ = {
    id: 1,
    sha: 'a'.repeat(40),
    version: '1.4.1',
    services: ['web', 'worker'],
    minutes: 300,
    states: ['in_progress', 'success', 'inactive']
  }
  const wave1: Record_ = {
    id: 2,
    sha: 'b'.repeat(40),
    version: '1.4.2',
    services: ['web'],
    minutes: 40,
    states: ['in_progress', 'success', 'inactive']
  }
  const wave2: Record_ = {
    id: 3,
    sha: 'b'.repeat(40),
    version: '1.4.2',
    services: ['worker'],
    minutes: 20,
    states: ['in_progress', 'success']
  }

  test('a release deployed in two waves is rolled back whole, newest wave first', () => {
    const run = plan({ production: '24h' }, api([before, wave1, wave2]))
    expect(run.stderr).toBe('')
    expect(run.matrix).toEqual([
      {
        environment: 'production',
        services: 'worker web',
        version: '1.4.2',
        rollback: true,
        minutes: expect.any(Number)
      }
    ])
    // The release before was not looked at: its services have newer records.
    expect(run.requests).not.toContain('deployments/1/statuses?per_page=100')
  })

  test('a wave whose deploy failed (deploy-fargate rolled it back) is not rolled back again', () => {
    const failed = { ...wave2, states: ['in_progress', 'failure'] }
    const run = plan({ production: '24h' }, api([before, wave1, failed]))
    expect(run.matrix).toEqual([expect.objectContaining({ services: 'web', rollback: true })])
  })

  test('after a rollback the environment is checked, never rolled back twice', () => {
    const rolledBack: Record_ = {
      id: 4,
      sha: 'b'.repeat(40),
      version: '1.4.1',
      services: ['worker'],
      minutes: 10,
      states: ['in_progress', 'success'],
      rollback: true
    }
    const run = plan({ production: '24h' }, api([before, wave1, wave2, rolledBack]))
    expect(run.matrix).toEqual([expect.objectContaining({ services: 'worker', rollback: false })])
  })

  test('a deployment in progress skips the environment this round', () => {
    const running = { ...wave2, states: ['in_progress'] }
    const run = plan({ production: '24h' }, api([before, wave1, running]))
    expect(run.matrix).toEqual([])
    expect(run.stdout).toContain(
      'production: deployment 3 is in_progress; not monitored this round.'
    )
  })

  test('decimal windows are read as the actions read them: 1.5h is 90 minutes', () => {
    const run = plan({ production: '1.5h' }, api([{ ...wave2, minutes: 100 }]))
    expect(run.matrix).toEqual([])
    expect(run.stdout).toContain('past its monitor window')
    const inside = plan({ production: '1.5h' }, api([{ ...wave2, minutes: 80 }]))
    expect(inside.matrix).toHaveLength(1)
  })

  test('every monitor window agrees with parseDuration', () => {
    const values = [
      '24h',
      '1.5h',
      '1h30m',
      '90s',
      '500ms',
      '10m5ms',
      '0.1s',
      ' 30m ',
      '2.25m',
      '1ms'
    ]
    const monitors = Object.fromEntries(values.map((value, index) => [`e${index}`, value]))
    const answers = Object.fromEntries(
      values.map((_, index) => [`deployments?environment=e${index}&per_page=30`, []])
    )
    const run = plan(monitors, answers)
    expect(run.status).toBe(0)
    for (const [index, value] of values.entries()) {
      expect({ value, line: run.stdout.split('\n')[index] }).toEqual({
        value,
        line: `e${index}: monitor window ${parseDuration(value)}ms.`
      })
    }
  })

  test.each(['2d', 30, '1.5.5h', '30 m', '-5m', '1e3s', 'h', ''])(
    'a monitor of %p, which parseDuration refuses, fails with an error naming the field',
    value => {
      expect(typeof value === 'string' ? parseDuration(value) : undefined).toBeUndefined()
      const run = plan({ dev: value }, { 'deployments?environment=dev&per_page=30': [] })
      expect(run.status).not.toBe(0)
      expect(run.stdout).toContain(
        '::error file=.github/fargate-promote.yml::environments.dev.monitor is not a duration'
      )
      expect(run.outputText).toBe('')
    }
  )
})

describe('values from the config never write extra outputs', () => {
  const evil = 'arn:aws:iam::123456789012:role/x\nrole=arn:aws:iam::999999999999:role/evil'
  const withRole = (key: string) =>
    stringify({
      environments: Object.fromEntries(
        ['staging', 'production'].map(name => [
          name,
          {
            region: 'eu-west-1',
            [key]: evil,
            cluster: 'c',
            url: 'https://example.com',
            services: [{ name: 'web', containers: ['web'] }]
          }
        ])
      )
    })
  const env = {
    CONFIG: '.github/fargate-promote.yml',
    ENVIRONMENT: 'production',
    SERVICES: '',
    IMAGE: 'r@sha256:' + 'a'.repeat(64),
    IMAGES: '',
    TO: 'previous',
    TARGETS: '',
    RUNS_IN: 'production-monitor',
    SERVICE: 'web',
    DECISION: 'continue'
  }
  test.each([
    ['production.yml', 'gate', 'region', 'rollback-role'],
    ['rollback.yml', 'check', 'region', 'rollback-role'],
    ['rollback.yml', 'plan', 'plan', 'rollback-role'],
    ['deploy.yml', 'plan', 'config', 'role'],
    ['resume.yml', 'plan', 'config', 'role']
  ])('%s %s/%s refuses a %s with a new line in it', (file, jobName, id, key) => {
    const step = stepsOf(jobOf(load(file), jobName)).find(each => each.id === id)
    const run = runStep(step?.run, { files: { '.github/fargate-promote.yml': withRole(key) }, env })
    expect(run.status).not.toBe(0)
    expect(run.outputText).not.toContain('evil')
    expect(run.stdout).toContain('::error file=')
  })
})

describe('test-suite.yml', () => {
  const suite = load('test-suite.yml')
  const script = (job: string): string =>
    stepsOf(jobOf(suite, job))
      .map(step => step.run ?? '')
      .join('\n')

  test('coverage threshold defaults to 80 and is enforced by the runner itself', () => {
    expect(suite.on.workflow_call?.inputs?.['coverage-threshold']).toMatchObject({
      type: 'number',
      default: 80
    })
    expect(script('unit')).toContain('--cov-fail-under="$THRESHOLD"')
    expect(script('unit')).toContain(
      '--coverageThreshold="{\\"global\\":{\\"lines\\":$THRESHOLD}}"'
    )
    expect(script('unit')).toContain('--coverage.thresholds.lines="$THRESHOLD"')
  })

  test('security: bandit and pip-audit, npm audit and CodeQL', () => {
    expect(script('security')).toMatch(/bandit -r/)
    expect(script('security')).toMatch(/pip-audit -r/)
    expect(script('security')).toContain('npm audit --audit-level=high')
    expect(stepsOf(jobOf(suite, 'codeql')).map(step => step.uses?.split('@')[0])).toContain(
      'github/codeql-action/analyze'
    )
    expect(jobOf(suite, 'codeql').permissions).toMatchObject({ 'security-events': 'write' })
  })

  test('reports are uploaded even when a step failed', () => {
    for (const job of ['unit', 'security']) {
      const upload = stepsOf(jobOf(suite, job)).find(step =>
        step.uses?.startsWith('actions/upload-artifact@')
      )
      expect(upload?.if).toBe('always()')
    }
  })

  describe('against a deployed environment: each command once, its exit code decides', () => {
    const against = jobOf(suite, 'against-environment')
    const config = stepsOf(against).find(step => step.id === 'config')
    const testSteps = stepsOf(against).filter(step => step.env?.TEST_COMMAND !== undefined)

    test('integration: a health-verify command check; performance: a plain step; commands never inside run:', () => {
      expect(against.if).toBe("inputs.target-environment != ''")
      const integration = stepUsing(against, 'health-verify')
      expect(integration?.if).toBe("steps.config.outputs.integration != ''")
      expect(integration?.with).toEqual({
        config: '${{ inputs.config }}',
        environment: '${{ inputs.target-environment }}',
        checks: '${{ steps.config.outputs.integration-checks }}',
        'environment-url': '${{ steps.config.outputs.url }}',
        version: '${{ steps.config.outputs.version }}',
        timeout: '25m'
      })
      expect(testSteps.map(step => step.env?.TEST_COMMAND)).toEqual([
        '${{ steps.config.outputs.performance }}'
      ])
      for (const step of testSteps) {
        expect(step.run).toBe('bash -c "$TEST_COMMAND"')
        expect(step.env).toMatchObject({
          FARGATE_PROMOTE_URL: '${{ steps.config.outputs.url }}',
          FARGATE_PROMOTE_VERSION: '${{ steps.config.outputs.version }}',
          FARGATE_PROMOTE_ENVIRONMENT: '${{ inputs.target-environment }}'
        })
      }
      expect(testSteps[0]?.if).toContain('!cancelled()')
      expect(config?.env?.VERSION).toBe('${{ inputs.version }}')
      expect(suite.on.workflow_call?.inputs?.version).toMatchObject({ type: 'string', default: '' })
    })

    test('the config step hands on the commands, URL and version as written', () => {
      const integration = 'pytest tests/integration -q \\\n  --maxfail=1\nEOF\necho "done"'
      const run = runStep(config?.run, {
        files: {
          '.github/fargate-promote.yml': stringify({
            environments: {
              staging: {
                url: 'https://staging.shop.example.com',
                tests: { integration, performance: 'npx autocannon "$FARGATE_PROMOTE_URL/health"' }
              }
            }
          })
        },
        env: {
          LANGUAGE: 'python',
          WORKDIR: '.',
          INSTALL_COMMAND: 'true',
          CONFIG: '.github/fargate-promote.yml',
          ENVIRONMENT: 'staging',
          VERSION: '1.4.2',
          INTEGRATION_COMMAND: '',
          PERFORMANCE_COMMAND: ''
        }
      })
      expect(run.stderr).toBe('')
      const { 'integration-checks': checks, ...rest } = run.outputs
      expect(rest).toEqual({
        url: 'https://staging.shop.example.com',
        version: '1.4.2',
        integration,
        performance: 'npx autocannon "$FARGATE_PROMOTE_URL/health"'
      })
      // One line of JSON that health-verify reads as its checks: the command exactly as written.
      expect(checks).not.toContain('\n')
      expect(JSON.parse(checks ?? '')).toEqual([
        { name: 'integration', command: { run: integration, timeout: '20m' } }
      ])
    })

    test('the integration check runs once: health-verify reads it with one attempt', async () => {
      const run = runStep(config?.run, {
        files: {
          '.github/fargate-promote.yml': stringify({
            environments: { staging: { tests: { integration: 'pytest -q' } } }
          }),
          'service/pytest.ini': ''
        },
        env: {
          LANGUAGE: 'python',
          WORKDIR: 'service',
          INSTALL_COMMAND: 'true',
          CONFIG: '.github/fargate-promote.yml',
          ENVIRONMENT: 'staging',
          VERSION: '',
          INTEGRATION_COMMAND: '',
          PERFORMANCE_COMMAND: ''
        }
      })
      const checks = await parseChecks(run.outputs['integration-checks'] ?? '', {
        subject: { input: 'checks' }
      })
      expect(checks).toEqual([
        expect.objectContaining({
          type: 'command',
          run: 'pytest -q',
          workingDirectory: 'service',
          timeoutMs: 20 * 60_000,
          attempts: 1
        })
      ])
    })

    test('a failing performance command runs once and fails the step, with the environment in its env', () => {
      const command =
        'echo "$FARGATE_PROMOTE_URL $FARGATE_PROMOTE_VERSION $FARGATE_PROMOTE_ENVIRONMENT" >> runs.txt; exit 3'
      const run = runStep(testSteps[0]?.run, {
        env: {
          TEST_COMMAND: command,
          FARGATE_PROMOTE_URL: 'https://staging.shop.example.com',
          FARGATE_PROMOTE_VERSION: '1.4.2',
          FARGATE_PROMOTE_ENVIRONMENT: 'staging'
        },
        collect: ['runs.txt']
      })
      expect(run.status).toBe(3)
      expect(run.collected['runs.txt']).toBe('https://staging.shop.example.com 1.4.2 staging\n')
    })
  })
})

describe('every template', () => {
  test('the checks below cover every workflow template', () => {
    const all = readdirSync(templates)
      .filter(name => name.endsWith('.yml') && isWorkflow(text(name)))
      .sort()
    expect(workflowFiles).toEqual(all)
  })

  test.each(workflowFiles)('%s starts with what to change when copying', file => {
    expect(text(file).split('\n')[0]).toMatch(/^# /)
    expect(text(file)).toMatch(/Copy to \.github\/workflows\//)
  })

  test.each(workflowFiles)('%s: read-only token at the top, expanded per job', file => {
    expect(load(file).permissions).toEqual({ contents: 'read' })
  })

  test.each(workflowFiles)('%s expands no expression inside a run: script', file => {
    for (const job of Object.values(load(file).jobs)) {
      for (const step of stepsOf(job)) {
        if (step.run !== undefined) expect(step.run).not.toContain('${{')
      }
    }
  })

  test.each(workflowFiles)('%s: every job has a timeout (or is a reusable call)', file => {
    for (const [name, job] of Object.entries(load(file).jobs)) {
      const bounded = job.uses !== undefined || typeof job['timeout-minutes'] === 'number'
      expect({ name, bounded }).toEqual({ name, bounded: true })
    }
  })

  test.each(workflowFiles)('%s: id-token only where AWS is called', file => {
    for (const [name, job] of Object.entries(load(file).jobs)) {
      const oidc = job.permissions?.['id-token'] === 'write'
      if (job.uses === undefined) expect({ name, oidc }).toEqual({ name, oidc: callsAws(job) })
    }
  })

  test.each(workflowFiles)(
    '%s: no job names the production environment itself (deploy.yml does, per wave)',
    file => {
      for (const job of Object.values(load(file).jobs)) {
        expect(environmentOf(job)).not.toBe('production')
      }
    }
  )
})

describe('example health checks', () => {
  test.each(['staging.yml', 'production.yml'])(
    'health/%s is valid health-verify checks with http, ecs-service, target-group and alarms',
    async file => {
      const checks = await parseChecks(text(join('health', file)), { subject: { file } })
      expect(new Set(checks.map(check => check.type))).toEqual(
        new Set(['http', 'ecs-service', 'target-group', 'cloudwatch-alarm'])
      )
    }
  )

  test.each(['staging', 'production'])(
    'health/%s.yml is the file the example config names, for its cluster and services',
    async environment => {
      const config = parse(text('fargate-promote.yml')) as {
        environments: Record<
          string,
          { cluster: string; checks: string; services: { name: string }[] }
        >
      }
      const settings = config.environments[environment]!
      expect(settings.checks).toBe(`.github/health/${environment}.yml`)
      const checks = await parseChecks(text(join('health', `${environment}.yml`)), {
        subject: { file: environment }
      })
      const services = checks.flatMap(check =>
        check.type === 'ecs-service' ? [{ cluster: check.cluster, service: check.service }] : []
      )
      expect(services).toEqual(
        settings.services.map(service => ({ cluster: settings.cluster, service: service.name }))
      )
    }
  )
})

describe('the example config and its documentation', () => {
  interface Protection {
    branches?: string[]
    tags?: string[]
  }
  const config = parse(exampleConfig) as {
    environments: Record<string, { protection: Protection & Record<string, unknown> }>
  }
  const protection = (name: string) => config.environments[name]?.protection ?? {}

  test("production allows only refs production.yml's gate can run from (staging-monitor)", () => {
    // The gate job runs in staging-monitor, which carries staging's branch and tag patterns.
    const staging = protection('staging')
    const production = protection('production')
    for (const kind of ['branches', 'tags'] as const) {
      expect({ kind, patterns: production[kind] ?? [] }).toEqual({
        kind,
        patterns: (production[kind] ?? []).filter(pattern =>
          (staging[kind] ?? []).includes(pattern)
        )
      })
    }
    expect(production.branches).toEqual(['main'])
    expect(production).not.toHaveProperty('tags')
  })

  test("environments.md shows the example's production protection as it is", () => {
    const doc = text('environments.md')
    const block = /The example config gives production:\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1]
    const shown = parse(block ?? '') as { production: { protection: unknown } }
    expect(shown.production.protection).toEqual(protection('production'))
    expect(doc).not.toMatch(/v\*/)
  })
})
