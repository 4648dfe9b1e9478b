/**
 * A deploy that ended paused at a PAUSE hook (config `pauses: wait`) is not complete and not
 * verified: the release before still serves the environment. Nothing after it in the templates
 * may treat it as deployed — production.yml's summary says "paused, not promoted" and what to run,
 * staging.yml does not test the release before, the waves variant does not start wave 2, and
 * monitor.yml says on every run that a paused environment is not monitored. Conditions are
 * evaluated with GitHub's expression engine, scripts run as the runner runs them.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { parse, stringify } from 'yaml'
import { runs } from './conditions.js'
import { runStep } from './run-step.js'
import { wavesVariant } from './waves-variant.js'

const templates = new URL('../../workflows-templates/', import.meta.url).pathname

interface Step {
  id?: string
  name?: string
  run?: string
  env?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  if?: string
  uses?: string
  steps?: Step[]
}
interface Workflow {
  jobs: Record<string, Job>
}

const text = (file: string): string => readFileSync(join(templates, file), 'utf8')
const load = (file: string): Workflow => parse(text(file)) as Workflow
function jobOf(workflow: Workflow, name: string): Job {
  const found = workflow.jobs[name]
  if (found === undefined) throw new Error(`no job '${name}'`)
  return found
}
const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]
const scriptOf = (job: Job): string | undefined => job.steps?.find(step => step.run)?.run

const RESUME = 'Actions → Resume → Run workflow: environment production, decision continue or abort'
const paused = { result: 'success', outputs: { status: 'paused', healthy: '', resume: RESUME } }
const deployed = { result: 'success', outputs: { status: 'succeeded', healthy: 'true' } }
const skipped = { result: 'skipped', outputs: {} }
const ok = { result: 'success', outputs: {} }

describe('every caller of deploy.yml: nothing after a paused deploy calls it deployed', () => {
  const callers: [string, Workflow][] = [
    ['dev.yml', load('dev.yml')],
    ['staging.yml', load('staging.yml')],
    ['production.yml', load('production.yml')],
    ['production.yml (waves)', parse(wavesVariant(text('production.yml'))) as Workflow]
  ]

  test.each(callers)(
    '%s: a job after a paused deploy runs only to say it is paused',
    (_, workflow) => {
      const deploys = Object.keys(workflow.jobs).filter(
        name => workflow.jobs[name]?.uses === './.github/workflows/deploy.yml'
      )
      expect(deploys.length).toBeGreaterThan(0)
      // Every job's needs: the deploys ended paused, everything else succeeded.
      const needs = Object.fromEntries(
        Object.keys(workflow.jobs).map(name => [
          name,
          deploys.includes(name)
            ? paused
            : { result: 'success', outputs: { approved: 'true', rest: 'worker' } }
        ])
      )
      const after = Object.entries(workflow.jobs).filter(([, job]) =>
        needsOf(job).some(need => deploys.includes(need))
      )
      for (const [name, job] of after) {
        if (!runs(job.if, { needs, inputs: {}, github: {}, vars: {} })) continue
        // It runs: then it is a step of ours that reads the status and reports the pause.
        expect({ name, handlesPause: /\bpaused\b/.test(scriptOf(job) ?? '') }).toEqual({
          name,
          handlesPause: true
        })
      }
    }
  )
})

describe('production.yml: the summary of a paused promotion', () => {
  const production = load('production.yml')
  const step = jobOf(production, 'summary').steps?.[0]
  const images = { web: `registry.example.com/shop/web@sha256:${'a'.repeat(64)}` }
  const summary = (needs: Record<string, unknown>) =>
    runStep(step?.run, {
      env: {
        APPROVED: 'true',
        VERSION: '1.4.2',
        IMAGES: JSON.stringify(images),
        EMERGENCY: 'false',
        REASON: 'CHG-1',
        NEEDS: JSON.stringify(needs)
      }
    })

  test('says paused, not promoted, and what to run next; the run stays green', () => {
    const run = summary({ gate: ok, deploy: paused })
    expect(run.status).toBe(0)
    expect(run.summary).toContain('## Production promotion of 1.4.2: paused, not promoted')
    expect(run.summary).toContain(
      '| deploy | **paused** at a PAUSE hook: not complete, not verified |'
    )
    expect(run.summary).toContain('**1.4.2 is not promoted.**')
    expect(run.summary).toContain(`To go on: **${RESUME}**`)
    // Nothing in it reads as a release that went live.
    expect(run.summary).not.toMatch(/success|promoted\b(?<!not promoted)/)
    expect(run.stdout).toMatch(
      /^::warning title=Paused - not promoted::1\.4\.2 waits at a PAUSE hook \(deploy\): not complete, not verified\. Actions → Resume/m
    )
  })

  test('a promotion that went live says neither', () => {
    const run = summary({ gate: ok, deploy: { ...deployed, outputs: { status: 'succeeded' } } })
    expect(run.status).toBe(0)
    expect(run.summary).toMatch(/^## Production promotion of 1\.4\.2$/m)
    expect(run.summary).toContain('| deploy | success (succeeded) |')
    expect(run.summary).not.toContain('paused')
    expect(run.stdout).not.toContain('::warning')
  })

  test('a failure beside a pause still fails the run', () => {
    const run = summary({ gate: { result: 'failure', outputs: {} }, deploy: paused })
    expect(run.status).not.toBe(0)
  })

  describe('the waves variant', () => {
    const waves = parse(wavesVariant(text('production.yml'))) as Workflow
    const contexts = (status: string, rest = 'worker') => ({
      needs: {
        waves: { result: 'success', outputs: { rest } },
        'wave-1': { result: 'success', outputs: { status } }
      }
    })

    test('wave 2 does not start while wave 1 is paused', () => {
      const wave2 = jobOf(waves, 'wave-2').if
      expect(runs(wave2, contexts('paused'))).toBe(false)
      expect(runs(wave2, contexts('succeeded'))).toBe(true)
      expect(runs(wave2, contexts('succeeded', ''))).toBe(false)
    })

    test('the summary says wave 2 was not started because wave 1 is paused', () => {
      const run = summary({
        gate: ok,
        waves: ok,
        'wave-1': paused,
        'wave-2': skipped,
        'rollback-wave-1': skipped
      })
      expect(run.status).toBe(0)
      expect(run.summary).toContain('| wave-1 | **paused** at a PAUSE hook')
      expect(run.summary).toContain('| wave-2 | not started: wave-1 paused |')
      expect(run.summary).toContain('| rollback-wave-1 | skipped |')
      expect(run.stdout).toContain('waits at a PAUSE hook (wave-1)')
    })
  })
})

describe('staging.yml: a paused staging deploy', () => {
  const staging = load('staging.yml')
  const contexts = (deploy: unknown) => ({ needs: { deploy } })

  test('the integration tests run only against a deploy that succeeded', () => {
    const integration = jobOf(staging, 'integration')
    expect(runs(integration.if, contexts(paused))).toBe(false)
    expect(runs(integration.if, contexts(deployed))).toBe(true)
  })

  test('the paused job, and only it, says staging is paused and untested', () => {
    const job = jobOf(staging, 'paused')
    expect(needsOf(job)).toEqual(['deploy'])
    expect(runs(job.if, contexts(paused))).toBe(true)
    expect(runs(job.if, contexts(deployed))).toBe(false)
    expect(job.steps?.[0]?.env).toEqual({
      VERSION: '${{ needs.deploy.outputs.version }}',
      HOOK: '${{ needs.deploy.outputs.paused-hook-id }}',
      RESUME: '${{ needs.deploy.outputs.resume }}'
    })
    const resume =
      'Actions → Resume → Run workflow: environment staging, decision continue or abort'
    const run = runStep(scriptOf(job), {
      env: { VERSION: '1.4.2', HOOK: 'ecs-pause-abc', RESUME: resume }
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /^::warning title=Staging paused - not tested::1\.4\.2 waits at a PAUSE hook on staging: not complete, not verified, integration and performance tests not run\. Actions → Resume/m
    )
    expect(run.summary).toContain('## Staging: 1.4.2 paused, not tested')
    expect(run.summary).toContain('(`ecs-pause-abc`)')
    expect(run.summary).toContain(`To go on: **${resume}**`)
  })

  test('outputs with new lines stay on their line', () => {
    const run = runStep(scriptOf(jobOf(staging, 'paused')), {
      env: { VERSION: '1.4.2\n::error::forged', HOOK: 'h', RESUME: '' }
    })
    expect(run.status).toBe(0)
    expect(run.stdout).not.toMatch(/^::error/m)
    expect(run.stdout).toContain('environment staging, decision continue or abort')
  })
})

describe('monitor.yml: an environment whose deployment is paused', () => {
  const monitor = load('monitor.yml')
  const script = jobOf(monitor, 'plan').steps?.find(step => step.id === 'plan')?.run
  const at = (minutesAgo: number) =>
    new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const config = stringify({
    environments: {
      production: { region: 'eu-west-1', services: [{ name: 'web' }], monitor: '24h' }
    }
  })
  const record = (id: number, version: string, minutes: number) => ({
    id,
    sha: String(id).repeat(40),
    created_at: at(minutes),
    payload: { cluster: 'shop-production', service: 'web', services: ['web'], version }
  })
  /** The release before (live, inside its window) and 1.4.2, whose newest status is `last`. */
  const plan = (last: { state: string; description: string }) =>
    runStep(script, {
      files: { '.github/fargate-promote.yml': config },
      env: { GH_TOKEN: 'token' },
      api: {
        'deployments?environment=production&per_page=30': [
          record(1, '1.4.1', 120),
          record(2, '1.4.2', 40)
        ],
        'deployments/1/statuses?per_page=100': [
          { state: 'success', description: 'Deployed 1.4.1', created_at: at(110) }
        ],
        'deployments/2/statuses?per_page=100': [
          { ...last, created_at: at(30) },
          { state: 'in_progress', description: 'Deploying 1.4.2', created_at: at(39) }
        ]
      }
    })

  test('is not checked, and every run says so: which release, where, how long, what to run', () => {
    const run = plan({
      state: 'in_progress',
      description: 'Paused at PRE_PRODUCTION_TRAFFIC_SHIFT: continue or abort with resume'
    })
    expect(run.status).toBe(0)
    expect(run.outputs.matrix).toBe('[]')
    expect(run.stdout).toContain(
      'production: deployment 2 (1.4.2) is paused at PRE_PRODUCTION_TRAFFIC_SHIFT for 30 min; not monitored until it is continued or aborted.'
    )
    expect(run.stdout).toMatch(
      /^::warning title=production paused - not monitored::1\.4\.2 has waited at a PAUSE hook \(PRE_PRODUCTION_TRAFFIC_SHIFT\) for 30 min \(GitHub deployment 2\)\..*Run Actions → Resume for production: continue or abort\.$/m
    )
    expect(run.summary).toContain('### production: paused, not monitored')
    expect(run.summary).toContain(
      '**Actions → Resume → Run workflow: environment production, decision continue or abort**'
    )
  })

  test('a deployment that is being deployed or resumed is skipped quietly, as before', () => {
    for (const description of ['Deploying 1.4.2', 'Continuing by octocat at the pause']) {
      const run = plan({ state: 'in_progress', description })
      expect(run.outputs.matrix).toBe('[]')
      expect(run.stdout).toContain(
        'production: deployment 2 is in_progress; not monitored this round.'
      )
      expect(run.stdout).not.toContain('::warning')
      expect(run.summary).toBe('')
    }
  })
})
