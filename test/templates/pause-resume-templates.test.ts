/**
 * Pauses as manual gates (issue 17): deploy.yml never verifies, monitors or calls healthy a
 * deploy that ended paused at a PAUSE hook (the environment still runs the release before), and
 * points at resume.yml; resume.yml continues or aborts it in the GitHub environment (its
 * reviewers are the gate), in the deploy concurrency group, verifying only a completed continue.
 * The conditions are evaluated with GitHub's own expression engine and the scripts run as the
 * runner runs them; packages/rehearsal/__tests__/engine-pause-resume.test.ts plays both against
 * the simulator.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { parse, stringify } from 'yaml'
import { runs } from './conditions.js'
import { runStep } from './run-step.js'

const templates = new URL('../../workflows-templates/', import.meta.url).pathname
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
  environment?: string | { name: string; url?: string }
  concurrency?: { group: string; 'cancel-in-progress'?: boolean }
  permissions?: Record<string, string>
  outputs?: Record<string, string>
  steps?: Step[]
}
interface Input {
  description?: string
  type: string
  default?: unknown
  required?: boolean
  options?: string[]
}
interface Workflow {
  on: Record<
    string,
    { inputs?: Record<string, Input>; outputs?: Record<string, { value: string }> } | null
  >
  jobs: Record<string, Job>
}

const load = (file: string): Workflow =>
  parse(readFileSync(join(templates, file), 'utf8')) as Workflow
function jobOf(workflow: Workflow, name: string): Job {
  const found = workflow.jobs[name]
  if (found === undefined) throw new Error(`no job '${name}'`)
  return found
}
function stepOf(job: Job, id: string): Step {
  const found = (job.steps ?? []).find(step => step.id === id)
  if (found === undefined) throw new Error(`no step '${id}'`)
  return found
}

describe('deploy.yml: a deploy that ended paused', () => {
  const deploy = load('deploy.yml')
  const job = jobOf(deploy, 'deploy')
  const after = (status: string) => ({
    inputs: { environment: 'production', monitor: '10m', 'rollback-on-failure': true },
    steps: { deploy: { outputs: { status } } }
  })

  test.each(['verify', 'monitor'])(
    'is not checked by %s (it would judge the release still running before)',
    id => {
      expect(runs(stepOf(job, id).if, after('paused'))).toBe(false)
      expect(runs(stepOf(job, id).if, after('succeeded'))).toBe(true)
      // A failed deploy skips them anyway (deploy-fargate rolled it back).
      expect(runs(stepOf(job, id).if, after('failed'), true)).toBe(false)
    }
  )

  test('needs no fresh credentials for a monitoring window it does not run', () => {
    const refresh = (job.steps ?? []).find(step => step.name === 'Refresh AWS credentials')
    expect(runs(refresh?.if, after('paused'))).toBe(false)
    expect(runs(refresh?.if, after('succeeded'))).toBe(true)
  })

  test('says so, and what to run next, only when paused', () => {
    const paused = stepOf(job, 'paused')
    expect(runs(paused.if, after('paused'))).toBe(true)
    expect(runs(paused.if, after('succeeded'))).toBe(false)
    const run = runStep(paused.run, {
      env: {
        ENVIRONMENT: 'production',
        VERSION: '1.4.2',
        HOOK: 'ecs-pause-abc'
      }
    })
    expect(run.status).toBe(0)
    expect(run.outputs.resume).toBe(
      'Actions → Resume → Run workflow: environment production, decision continue or abort'
    )
    expect(run.stdout).toMatch(/^::notice title=production paused::1\.4\.2 waits at a PAUSE hook/m)
    expect(run.summary).toContain('production: 1.4.2 paused, not verified')
    expect(run.summary).toContain('`ecs-pause-abc`')
  })

  test('its outputs say paused and point at resume.yml; healthy comes only from a check', () => {
    const outputs = deploy.on.workflow_call?.outputs ?? {}
    expect(outputs['paused-hook-id']?.value).toBe('${{ jobs.deploy.outputs.paused-hook-id }}')
    expect(outputs.resume?.value).toBe('${{ jobs.deploy.outputs.resume }}')
    expect(job.outputs?.['paused-hook-id']).toBe('${{ steps.deploy.outputs.paused-hook-id }}')
    expect(job.outputs?.resume).toBe('${{ steps.paused.outputs.resume }}')
    expect(job.outputs?.healthy).toBe(
      '${{ steps.monitor.outputs.healthy || steps.verify.outputs.healthy }}'
    )
  })

  test('is never rolled back by the workflow: a person decides', () => {
    const rollback = jobOf(deploy, 'rollback').if
    const contexts = (status: string) => ({
      inputs: { 'rollback-on-failure': true },
      needs: { deploy: { outputs: { status } } }
    })
    expect(runs(rollback, contexts('paused'), false)).toBe(false)
    expect(runs(rollback, contexts('succeeded'), true)).toBe(true)
  })
})

describe('resume.yml', () => {
  const resume = load('resume.yml')
  const job = jobOf(resume, 'resume')
  const inputs = resume.on.workflow_dispatch?.inputs ?? {}

  test('by hand only: the environments rollback.yml offers, and continue or abort', () => {
    expect(Object.keys(resume.on)).toEqual(['workflow_dispatch'])
    expect(inputs.environment).toEqual({
      ...load('rollback.yml').on.workflow_dispatch?.inputs?.environment,
      description: inputs.environment?.description
    })
    expect(inputs.decision).toMatchObject({
      type: 'choice',
      options: ['continue', 'abort'],
      required: true
    })
    expect(inputs.service).toMatchObject({ type: 'string', default: '' })
  })

  test('runs in the GitHub environment (its reviewers are the gate), in the deploy group', () => {
    expect(job.needs).toBe('plan')
    expect(job.environment).toEqual({
      name: '${{ inputs.environment }}',
      url: '${{ needs.plan.outputs.url }}'
    })
    const group = { group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false }
    expect(job.concurrency).toEqual(group)
    expect(jobOf(load('deploy.yml'), 'deploy').concurrency).toEqual(group)
    expect(jobOf(load('rollback.yml'), 'rollback').concurrency).toEqual(group)
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', deployments: 'write' })
    expect(jobOf(resume, 'plan').permissions).toBeUndefined()
  })

  test('deploy-fargate resumes, deploying nothing new, and records it on GitHub', () => {
    const step = stepOf(job, 'resume')
    expect(step.uses).toBe(`${own}deploy-fargate@v1`)
    expect(step.with).toEqual({
      environment: '${{ inputs.environment }}',
      service: '${{ needs.plan.outputs.service }}',
      resume: '${{ inputs.decision }}',
      'github-token': '${{ github.token }}'
    })
    const aws = (job.steps ?? []).find(s => s.uses?.startsWith('aws-actions/'))
    expect(aws?.with).toEqual({
      'role-to-assume': '${{ needs.plan.outputs.role }}',
      'aws-region': '${{ needs.plan.outputs.region }}'
    })
  })

  test.each([
    ['continue', 'succeeded', true],
    ['continue', 'paused', false],
    ['continue', 'rolled-back', false],
    ['abort', 'rolled-back', false]
  ])('health-verify after %s ending %s: %s', (decision, status, verified) => {
    const verify = stepOf(job, 'verify')
    expect(verify.uses).toBe(`${own}health-verify@v1`)
    expect(verify.with).toEqual({ environment: '${{ inputs.environment }}' })
    const contexts = { inputs: { decision }, steps: { resume: { outputs: { status } } } }
    expect(runs(verify.if, contexts)).toBe(verified)
  })

  test('rolls back only a continued deployment that completed and then failed its checks', () => {
    const rollback = jobOf(resume, 'rollback')
    expect(rollback.uses).toBe('./.github/workflows/rollback.yml')
    expect(rollback.with?.targets).toBe('${{ needs.resume.outputs.services }}')
    const contexts = (decision: string, status: string) => ({
      inputs: { decision },
      needs: { resume: { outputs: { status } } }
    })
    expect(runs(rollback.if, contexts('continue', 'succeeded'), true)).toBe(true)
    expect(runs(rollback.if, contexts('continue', 'succeeded'), false)).toBe(false)
    expect(runs(rollback.if, contexts('continue', 'rolled-back'), true)).toBe(false)
    expect(runs(rollback.if, contexts('abort', 'rolled-back'), true)).toBe(false)
  })

  describe('the plan: which service', () => {
    const script = stepOf(jobOf(resume, 'plan'), 'config').run
    const config = (services: string[]) =>
      stringify({
        version: 1,
        environments: {
          production: {
            region: 'eu-west-1',
            role: 'arn:aws:iam::333333333333:role/fargate-promote-production',
            cluster: 'shop-production',
            url: 'https://shop.example.com',
            services: services.map(name => ({ name, containers: [name] }))
          }
        }
      })
    const plan = (services: string[], service = '', environment = 'production') =>
      runStep(script, {
        files: { '.github/fargate-promote.yml': config(services) },
        env: {
          CONFIG: '.github/fargate-promote.yml',
          ENVIRONMENT: environment,
          DECISION: 'continue',
          SERVICE: service
        }
      })

    test("the environment's only service, or the one given, with the role and region", () => {
      expect(stepOf(jobOf(resume, 'plan'), 'config').env?.CONFIG).toBe(
        '.github/fargate-promote.yml'
      )
      const only = plan(['web'])
      expect(only.status).toBe(0)
      expect(only.outputs).toEqual({
        region: 'eu-west-1',
        role: 'arn:aws:iam::333333333333:role/fargate-promote-production',
        url: 'https://shop.example.com',
        service: 'web'
      })
      expect(only.summary).toContain('Resuming web of production (eu-west-1): continue')
      expect(plan(['web', 'worker'], 'worker').outputs.service).toBe('worker')
    })

    test.each([
      [['web', 'worker'], '', 'production has 2 services (web, worker): give `service`'],
      [['web'], 'api', 'api is not a service of environments.production (web)'],
      [['web'], '', "'staging' is not an environment", 'staging']
    ])('refuses %j with service %j', (services, service, message, environment = 'production') => {
      const run = plan(services, service, environment)
      expect(run.status).not.toBe(0)
      expect(run.outputText).toBe('')
      expect(`${run.stdout}${run.stderr}`).toContain(message)
    })
  })

  describe('the summary', () => {
    const script = stepOf(job, 'summary').run
    const summary = (env: Record<string, string>) =>
      runStep(script, {
        env: {
          ENVIRONMENT: 'production',
          SERVICE: 'web',
          DECISION: 'continue',
          STATUS: '',
          REASON: '',
          HEALTHY: '',
          ...env
        }
      })

    test.each([
      ['succeeded', 'true', 'the new release', '| verified | true |'],
      ['paused', '', 'paused again at a later PAUSE hook: run Resume again', 'not verified'],
      ['rolled-back', '', 'the release before (rolled back)', 'not verified'],
      ['', '', 'see the deploy-fargate step', '| status | not run |']
    ])('after %s', (status, healthy, running, verified) => {
      const run = summary({ STATUS: status, HEALTHY: healthy })
      expect(run.status).toBe(0)
      expect(run.summary).toContain('## production / web: continue')
      expect(run.summary).toContain(running)
      expect(run.summary).toContain(verified)
    })

    test("AWS's reason stays in its cell", () => {
      const run = summary({ STATUS: 'failed', REASON: 'a | b\n| evil | row |' })
      expect(run.summary).toContain('| reason | a / b / evil / row / |')
    })
  })
})
