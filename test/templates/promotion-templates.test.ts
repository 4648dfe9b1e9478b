/**
 * The promotion rules the workflow templates promise, checked on the files application teams copy:
 * production gets exactly what the staging gate approved, in the protected environment, and is
 * rolled back only when its verification failed; deploys never overlap; OIDC tokens only where
 * AWS is called.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { parseChecks } from '@fargate-promote/health'
import { parse } from 'yaml'

const root = new URL('../..', import.meta.url).pathname
const templates = join(root, 'workflows-templates')
const own = 'fargate-promote/fargate-promote/actions/'

interface Step {
  id?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  if?: string
  environment?: string | { name: string; url?: string }
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean }
  permissions?: Record<string, string>
  outputs?: Record<string, string>
  'timeout-minutes'?: number
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions: Record<string, string>
  jobs: Record<string, Job>
}

function load(file: string): Workflow {
  return parse(readFileSync(join(templates, file), 'utf8')) as Workflow
}
const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]
const environmentOf = (job: Job): string | undefined =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name
const stepUsing = (job: Job, action: string): Step | undefined =>
  job.steps.find(step => step.uses?.startsWith(`${own}${action}@`))
const callsAws = (job: Job): boolean =>
  job.steps.some(step => step.uses?.startsWith('aws-actions/configure-aws-credentials@'))

const promote = load('promote.yml')
const jobs = promote.jobs
function job(name: string): Job {
  const found = jobs[name]
  if (found === undefined) throw new Error(`promote.yml has no job '${name}'`)
  return found
}
const deployJobs = Object.keys(jobs).filter(name => name.startsWith('deploy-'))

describe('promote.yml', () => {
  test('runs on pushes to main and by hand with an emergency switch and its reason', () => {
    expect(promote.on.push).toEqual({ branches: ['main'] })
    const inputs = (promote.on.workflow_dispatch as { inputs: Record<string, { type: string }> })
      .inputs
    expect(inputs['emergency']?.type).toBe('boolean')
    expect(inputs['emergency-reason']?.type).toBe('string')
  })

  test('promotes test -> build -> dev -> staging -> gate -> production in that order', () => {
    expect(needsOf(job('build'))).toEqual(['test'])
    expect(needsOf(job('deploy-dev'))).toContain('build')
    expect(needsOf(job('verify-dev'))).toEqual(['deploy-dev'])
    expect(needsOf(job('deploy-staging'))).toContain('verify-dev')
    expect(needsOf(job('verify-staging'))).toEqual(['deploy-staging'])
    expect(needsOf(job('gate'))).toEqual(
      expect.arrayContaining(['deploy-staging', 'verify-staging'])
    )
    expect(needsOf(job('verify-production'))).toEqual(['deploy-production'])
  })

  test('production deploys only after the gate, in the production environment', () => {
    const production = job('deploy-production')
    expect(needsOf(production)).toContain('gate')
    expect(production.if).toBe("needs.gate.outputs.approved == 'true'")
    expect(environmentOf(production)).toBe('production')
  })

  test("production deploys the gate's image output, the digest staging ran, never the build's", () => {
    expect(stepUsing(job('gate'), 'staging-gate')?.id).toBe('gate')
    expect(job('gate').outputs?.image).toBe('${{ steps.gate.outputs.image }}')
    const deploy = stepUsing(job('deploy-production'), 'deploy-fargate')
    expect(deploy?.with?.images).toBe('web=${{ needs.gate.outputs.image }}')
    expect(JSON.stringify(job('deploy-production'))).not.toContain('needs.build')
  })

  test('dev and staging deploy the image built for this commit, in their environments', () => {
    for (const name of ['dev', 'staging']) {
      const deployJob = job(`deploy-${name}`)
      expect(environmentOf(deployJob)).toBe(name)
      const deploy = stepUsing(deployJob, 'deploy-fargate')
      expect(deploy?.with?.images).toBe('web=${{ needs.build.outputs.image }}')
      expect(deploy?.with?.environment).toBe(name)
      expect(deploy?.with?.['github-token']).toBe('${{ github.token }}')
    }
  })

  test('the gate checks the candidate, soak and alarms and passes the emergency inputs as inputs', () => {
    const gate = stepUsing(job('gate'), 'staging-gate')?.with ?? {}
    expect(gate).toMatchObject({
      sha: '${{ github.sha }}',
      image: '${{ needs.build.outputs.image }}',
      'min-soak': '15m',
      checks: '.github/health/staging.yml',
      emergency: '${{ inputs.emergency == true }}',
      'emergency-reason': '${{ inputs.emergency-reason }}'
    })
    expect(gate['alarm-prefix'] ?? gate.alarms).toBeDefined()
  })

  test('staging is verified with the checks file under load with p95 and error-rate limits', () => {
    const verify = stepUsing(job('verify-staging'), 'health-verify')?.with ?? {}
    expect(verify.checks).toBe('.github/health/staging.yml')
    expect(Number(verify.requests)).toBeGreaterThan(1)
    expect(verify['p95-latency']).toBeDefined()
    expect(verify['max-error-rate']).toBeDefined()
  })

  test('production is monitored for 10 minutes with a failure limit of 2', () => {
    const verify = stepUsing(job('verify-production'), 'health-verify')?.with ?? {}
    expect(verify).toMatchObject({ mode: 'monitor', duration: '10m', 'failure-limit': 2 })
  })

  test('rollback-production runs only when verify-production failed, back to the previous revision', () => {
    const rollbackJob = job('rollback-production')
    expect(needsOf(rollbackJob)).toEqual(
      expect.arrayContaining(['deploy-production', 'verify-production'])
    )
    expect(rollbackJob.if).toBe("failure() && needs.verify-production.result == 'failure'")
    const rollback = stepUsing(rollbackJob, 'rollback')?.with ?? {}
    expect(rollback.to).toBe('previous')
    expect(String(rollback.reason)).toContain('verify-production failed')
    expect(rollback.environment).toBe('production')
    // Not the `production` environment: its reviewers and wait timer would hold the rollback up.
    expect(environmentOf(rollbackJob)).toBe('production-rollback')
  })

  test('every deploy and rollback rollbackJob holds its environment concurrency group, never cancelled', () => {
    expect(deployJobs).toEqual(['deploy-dev', 'deploy-staging', 'deploy-production'])
    for (const name of [...deployJobs, 'rollback-production']) {
      const concurrency = job(name).concurrency
      expect(typeof concurrency).toBe('object')
      const environment = name === 'rollback-production' ? 'production' : name.slice(7)
      expect(concurrency).toEqual({ group: `deploy-${environment}`, 'cancel-in-progress': false })
    }
  })

  test('permissions: read-only at the top, widened per job only where needed', () => {
    expect(promote.permissions).toEqual({ contents: 'read' })
    expect(job('test').permissions).toBeUndefined()
    for (const name of [...deployJobs, 'rollback-production']) {
      expect(job(name).permissions?.deployments).toBe('write')
    }
    expect(job('gate').permissions?.checks).toBe('write')
  })

  test('id-token: write only on build, deploy, verify, gate and rollback jobs that call AWS', () => {
    const allowed = /^(build|gate|(deploy|verify|rollback)-(dev|staging|production))$/
    for (const [name, job] of Object.entries(jobs)) {
      const oidc = job.permissions?.['id-token'] === 'write'
      if (oidc) expect(name).toMatch(allowed)
      // A job gets the OIDC permission exactly when it exchanges a token with AWS.
      expect({ name, oidc }).toEqual({ name, oidc: callsAws(job) })
    }
    expect(job('test').permissions?.['id-token']).toBeUndefined()
    expect(promote.permissions['id-token']).toBeUndefined()
  })

  test('every job has a timeout', () => {
    for (const [name, job] of Object.entries(jobs)) {
      expect({ name, timeout: typeof job['timeout-minutes'] }).toEqual({ name, timeout: 'number' })
    }
  })
})

describe('all templates', () => {
  const files = ['promote.yml', 'rollback.yml', 'pull-request.yml']

  test.each(files)('%s expands no expression inside a run: script', file => {
    for (const job of Object.values(load(file).jobs)) {
      for (const step of job.steps) {
        if (step.run !== undefined) expect(step.run).not.toContain('${{')
      }
    }
  })

  test('pull-request.yml only tests: no secrets, no AWS, no OIDC, read-only token', () => {
    const text = readFileSync(join(templates, 'pull-request.yml'), 'utf8')
    const workflow = load('pull-request.yml')
    expect(Object.keys(workflow.on)).toEqual(['pull_request'])
    expect(workflow.permissions).toEqual({ contents: 'read' })
    expect(Object.keys(workflow.jobs)).toEqual(['test'])
    expect(text).not.toMatch(/secrets\.|aws-actions|id-token|environment:/)
  })

  test('rollback.yml passes environment, target and reason to the rollback action as inputs', () => {
    const workflow = load('rollback.yml')
    const inputs = (
      workflow.on.workflow_dispatch as {
        inputs: Record<
          string,
          { type: string; default?: string; required?: boolean; options?: string[] }
        >
      }
    ).inputs
    expect(inputs.environment).toMatchObject({
      type: 'choice',
      options: ['dev', 'staging', 'production']
    })
    expect(inputs['to']?.default).toBe('previous')
    expect(inputs['reason']?.required).toBe(true)
    const rollbackJob = workflow.jobs['rollback']!
    expect(rollbackJob.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false
    })
    expect(stepUsing(rollbackJob, 'rollback')?.with).toMatchObject({
      to: '${{ inputs.to }}',
      reason: '${{ inputs.reason }}',
      environment: '${{ inputs.environment }}'
    })
  })
})

describe('example health checks', () => {
  test.each(['staging.yml', 'production.yml'])(
    'health/%s is valid health-verify checks with http, ecs-service, target-group and alarms',
    async file => {
      const text = readFileSync(join(templates, 'health', file), 'utf8')
      const checks = await parseChecks(text, { subject: { file } })
      expect(new Set(checks.map(check => check.type))).toEqual(
        new Set(['http', 'ecs-service', 'target-group', 'cloudwatch-alarm'])
      )
    }
  )
})
