/**
 * The promotion rules the workflow templates promise, checked on the files application teams copy:
 * feature branches reach dev, main reaches staging, production is promoted by hand with exactly
 * the digest the staging gate approved, in the protected environment, and rolled back only after
 * a failure; deploys never overlap; OIDC tokens only where AWS is called; no expression in a script.
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

  test('gate -> wave-1 -> wave-2 -> summary, rollback of wave 1 after wave 2', () => {
    expect(Object.keys(production.jobs)).toEqual([
      'gate',
      'wave-1',
      'wave-2',
      'rollback-wave-1',
      'summary'
    ])
    expect(needsOf(job('wave-1'))).toEqual(['gate'])
    expect(needsOf(job('wave-2'))).toEqual(['gate', 'wave-1'])
    expect(needsOf(job('summary'))).toEqual(['gate', 'wave-1', 'wave-2', 'rollback-wave-1'])
    expect(job('summary').if).toBe('always()')
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

  test("every wave deploys the digest the gate found on staging, never a build's", () => {
    const gate = job('gate')
    expect(gate.outputs?.images).toBe('${{ steps.gate.outputs.images }}')
    const digest = stepsOf(gate).find(step => step.id === 'image')
    expect(digest?.env?.IMAGES).toBe('${{ steps.gate.outputs.images }}')
    expect(digest?.if).toBe("steps.gate.outputs.approved == 'true'")
    expect(gate.outputs?.image).toBe('${{ steps.image.outputs.image }}')
    for (const wave of ['wave-1', 'wave-2']) {
      expect(job(wave).uses).toBe('./.github/workflows/deploy.yml')
      expect(job(wave).with).toMatchObject({
        environment: 'production',
        image: '${{ needs.gate.outputs.image }}',
        version: '${{ needs.gate.outputs.version }}',
        'rollback-on-failure': true
      })
      expect(String(job(wave).with?.monitor)).toMatch(/^\d+m$/)
    }
    expect(text('production.yml')).not.toMatch(/needs\.build|build\.yml/)
  })

  test('production is deployed only when the gate approved', () => {
    expect(job('wave-1').if).toBe("needs.gate.outputs.approved == 'true'")
  })

  test('waves split the services: the next wave only after the previous one verified', () => {
    expect(job('wave-1').with?.services).toBe('web')
    expect(job('wave-2').with?.services).toBe('worker')
  })

  test('wave 1 is rolled back only when wave 2 failed, to the revisions it replaced', () => {
    const rollback = job('rollback-wave-1')
    expect(rollback.if).toBe(
      "failure() && needs.wave-1.result == 'success' && needs.wave-2.result == 'failure'"
    )
    expect(rollback.uses).toBe('./.github/workflows/rollback.yml')
    expect(rollback.with).toMatchObject({
      environment: 'production',
      targets: '${{ needs.wave-1.outputs.services }}'
    })
  })

  test('the summary records an emergency bypass', () => {
    const run = stepsOf(job('summary'))[0]
    expect(run?.env?.EMERGENCY).toBe('${{ needs.gate.outputs.emergency }}')
    expect(run?.run).toContain('emergency bypass')
  })
})

describe('deploy.yml', () => {
  const deploy = load('deploy.yml')
  const job = (name: string) => jobOf(deploy, name)
  const inputs = deploy.on.workflow_call?.inputs ?? {}

  test('is reusable: environment and image required, services optional for waves', () => {
    expect(Object.keys(deploy.on)).toEqual(['workflow_call'])
    expect(inputs.environment).toMatchObject({ type: 'string', required: true })
    expect(inputs.image).toMatchObject({ type: 'string', required: true })
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
      version: '${{ steps.version.outputs.version }}',
      'github-token': '${{ github.token }}'
    })
    const verify = stepsOf(job('deploy')).find(step => step.id === 'verify')
    expect(verify?.with).toMatchObject({
      environment: '${{ inputs.environment }}',
      requests: '${{ inputs.requests }}',
      'p95-latency': '${{ inputs.p95-latency }}',
      'max-error-rate': '${{ inputs.max-error-rate }}'
    })
    const monitor = stepsOf(job('deploy')).find(step => step.id === 'monitor')
    expect(monitor?.with).toMatchObject({ mode: 'monitor', duration: '${{ inputs.monitor }}' })
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

  test('one service at a time, in the deploy group, from the monitor environment', () => {
    const legs = job('rollback')
    expect(legs.strategy?.['max-parallel']).toBe(1)
    expect(legs.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false
    })
    // Never `production`: its reviewers and wait timer would hold an automatic rollback up.
    expect(environmentOf(legs)).toBe('${{ inputs.environment }}-monitor')
    expect(stepUsing(legs, 'rollback')?.with).toMatchObject({
      environment: '${{ inputs.environment }}',
      service: '${{ matrix.service }}',
      to: '${{ matrix.to }}',
      reason: '${{ inputs.reason }}'
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
      with: { 'target-environment': 'staging' }
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

  test('against a deployed environment, the tests run as health-verify command checks', () => {
    const against = jobOf(suite, 'against-environment')
    expect(against.if).toBe("inputs.target-environment != ''")
    expect(stepUsing(against, 'health-verify')?.with).toMatchObject({
      environment: '${{ inputs.target-environment }}',
      checks: '${{ steps.checks.outputs.checks }}'
    })
    expect(script('against-environment')).toContain('command: {run: $i')
  })
})

describe('every template', () => {
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

  test('the command checks test-suite.yml builds are valid health-verify checks', async () => {
    const yaml = [
      '- name: integration',
      '  command:',
      '    run: pytest tests/integration -q',
      '    timeout: 20m',
      '    working-directory: .'
    ].join('\n')
    const [check] = await parseChecks(yaml, { subject: { input: 'checks' } })
    expect(check).toMatchObject({ type: 'command', name: 'integration' })
  })
})
