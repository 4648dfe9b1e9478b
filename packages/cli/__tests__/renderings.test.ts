import { describe, expect, it } from '@jest/globals'
import type { HealthReport } from '@fargate-promote/health'
import type {
  DeployInputs,
  GateOutcome,
  RollbackInputs,
  RollbackOutcome
} from '@fargate-promote/promotion'
import {
  deployJson,
  notRecorded,
  printHuman as printDeploy,
  type DeployRun
} from '../src/commands/deploy.js'
import { gateJson, printHuman as printGate } from '../src/commands/gate.js'
import {
  printHuman as printRollback,
  rollbackFailure,
  rollbackJson
} from '../src/commands/rollback.js'
import { Session } from '../src/commands/session.js'
import { verdictText, verifyJson } from '../src/commands/verify.js'
import { clip } from '../src/commands/render.js'
import { testIo } from './support.js'

const TD = (revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${revision}`

function session(env: Record<string, string> = {}, flags = {}) {
  const io = testIo({ env })
  return { io, session: new Session(flags, {}, [], io) }
}

const report = (overrides: Partial<HealthReport> = {}): HealthReport => ({
  healthy: true,
  cancelled: false,
  mode: 'verify',
  failedChecks: [],
  checks: [
    {
      name: 'web',
      type: 'http',
      target: 'GET https://x/health',
      ok: true,
      attempts: 3,
      passes: 3,
      failures: 0,
      consecutive: 3,
      lastDetail: '200 in 12ms'
    }
  ],
  samples: [],
  latency: { p50Ms: 12.34, p95Ms: 20.06, p99Ms: 30, errorRate: 0.012345, count: 3 },
  startedAt: 0,
  finishedAt: 1000,
  ...overrides
})

const deployInputs = (overrides: Partial<DeployInputs> = {}) =>
  ({
    cluster: 'staging',
    services: ['web'],
    version: '1.2.0',
    dryRun: false,
    ...overrides
  }) as DeployInputs

function deployRun(status: string, overrides: Partial<DeployRun> = {}): DeployRun {
  return {
    inputs: deployInputs(),
    outcome: {
      cancelled: false,
      result: {
        status,
        services: [
          {
            service: 'web',
            status,
            previousTaskDefinitionArn: TD(1),
            images: {},
            diff: { changed: false }
          }
        ],
        startedAt: 0,
        finishedAt: 0,
        prunedRevisions: []
      }
    },
    ...overrides
  } as DeployRun
}

describe('deploy', () => {
  it('a dry run shows the changes of every service, and records nothing', () => {
    const { io, session: s } = session({ GH_TOKEN: 't', GITHUB_REPOSITORY: 'acme/shop' })
    const run = deployRun('dry-run', { inputs: deployInputs({ dryRun: true }) })
    printDeploy(run, s)
    expect(io.stdout.text).toContain('Changes for web:\n  task definition: no changes\n')
    expect(io.stdout.text).toContain('Dry run of staging/web: nothing was registered or deployed.')
    expect(io.stdout.text).toContain('Nothing was recorded on GitHub: a dry run records nothing.')
  })

  it('--no-wait claims nothing; without --environment nothing is recorded, and it says why', () => {
    const { io, session: s } = session({ GH_TOKEN: 't', GITHUB_REPOSITORY: 'acme/shop' })
    printDeploy(deployRun('started'), s)
    expect(io.stdout.text).toContain(
      'not watched (--no-wait): nothing is claimed about its outcome.'
    )
    expect(notRecorded(deployInputs(), s)).toBe(
      'no --environment names the GitHub environment to record it in'
    )
  })

  it('a cancelled deploy says what was put back, or kept with --on-failure none', () => {
    const { io, session: s } = session()
    const cancelled = deployRun('timed-out')
    cancelled.outcome.cancelled = true
    printDeploy(
      {
        ...cancelled,
        undo: {
          action: 'rolled-back',
          rollbacks: [
            {
              service: 'web',
              result: {
                status: 'rolled-back',
                fromTaskDefinitionArn: TD(2),
                toTaskDefinitionArn: TD(1)
              }
            },
            { service: 'worker', error: 'AccessDenied' },
            { service: 'cron' }
          ],
          failures: ['worker: AccessDenied']
        }
      },
      s
    )
    expect(io.stdout.text).toContain('Cancelled while deploying staging/web.\n')
    expect(io.stdout.text).toContain('web: rolled back to web:1 (rolled-back)\n')
    expect(io.stdout.text).toContain('worker: not rolled back: AccessDenied\n')
    expect(io.stdout.text).toContain('cron: not rolled back: unknown error\n')
    const kept = session()
    printDeploy(
      { ...cancelled, undo: { action: 'kept', rollbacks: [], failures: [] } },
      kept.session
    )
    expect(kept.io.stdout.text).toContain('--on-failure none: the services were left as they are.')
    expect(deployJson({ ...cancelled }, kept.session)).toMatchObject({ status: 'cancelled' })
  })

  it('a failure without a reason still says where to look; a long reason is cut in the table', () => {
    const { io, session: s } = session()
    const run = deployRun('failed')
    printDeploy(run, s)
    expect(io.stdout.text).toContain('Deployment failed: see the lines above')
    expect(clip('x'.repeat(70), 60)).toBe(`${'x'.repeat(59)}…`)
    expect(clip('short', 60)).toBe('short')
  })
})

describe('verify', () => {
  it('the verdict line, as health-verify says it', () => {
    expect(verdictText(report(), true)).toBe('HEALTHY: all 1 checks passed.')
    expect(verdictText(report({ healthy: false, reason: 'web failed' }), true)).toBe(
      'UNHEALTHY: web failed'
    )
    expect(verdictText(report({ healthy: false }), false)).toBe(
      'UNHEALTHY (--no-fail-on-unhealthy: exit 0): see the checks above'
    )
    expect(verdictText(report({ healthy: false, cancelled: true }), true)).toBe(
      'CANCELLED: see the checks above'
    )
  })

  it("health-verify's outputs, latency rounded as the action rounds it", () => {
    expect(verifyJson(report(), undefined)).toMatchObject({
      ok: true,
      healthy: true,
      'failed-checks': [],
      'p50-ms': 12.3,
      'p95-ms': 20.1,
      'p99-ms': 30,
      'error-rate': 0.0123
    })
    expect(verifyJson(report({ latency: undefined }), 'UNHEALTHY')).toMatchObject({
      ok: false,
      'p50-ms': undefined
    })
  })
})

function gateOutcome(
  overrides: Partial<GateOutcome['verdict']> = {},
  outcome: Partial<GateOutcome> = {}
): GateOutcome {
  return {
    approved: true,
    verdict: {
      approved: true,
      mode: 'approved',
      checks: [
        {
          name: 'identity (web)',
          kind: 'identity',
          service: 'web',
          ok: true,
          blocking: false,
          detail: 'runs 1.2.0'
        },
        {
          name: 'soak (web)',
          kind: 'soak',
          service: 'web',
          ok: false,
          blocking: false,
          detail: 'soaked 5m of 30m'
        }
      ],
      images: { web: 'repo/web@sha256:abc' },
      taskDefinitionArn: TD(3),
      version: '1.2.0',
      soakedForMs: 300_000,
      remainingSoakMs: 1_500_000,
      minSoakMs: 1_800_000,
      nextSteps: ['Re-run the gate later.'],
      services: [],
      evaluatedAt: 0,
      ...overrides
    },
    ...outcome
  }
}

describe('gate', () => {
  it('an emergency bypass: approved, the reason, the bypassed checks, the soak left', () => {
    const { io, session: s } = session()
    const outcome = gateOutcome(
      { mode: 'emergency', emergency: { reason: 'outage', actor: 'alice' } },
      { checkRun: { id: 7 } }
    )
    printGate(outcome, s, undefined)
    expect(io.stdout.text).toMatch(/^soak \(web\)\s+web\s+bypassed\s+soaked 5m of 30m$/m)
    expect(io.stdout.text).toContain('APPROVED UNDER AN EMERGENCY BYPASS: outage')
    expect(io.stdout.text).toContain('  web: repo/web@sha256:abc\n')
    expect(io.stdout.text).toContain('Soak left on staging: 25m.')
    expect(io.stdout.text).toContain('Next: Re-run the gate later.')
    expect(io.stdout.text).toContain('Recorded as the staging-gate check run 7 on the commit.')
    expect(gateJson(outcome)).toMatchObject({
      approved: true,
      image: 'repo/web@sha256:abc',
      emergency: true,
      'emergency-reason': 'outage',
      'soaked-for': 300,
      'remaining-soak': 1500,
      'check-run-id': 7
    })
  })

  it('a bypass that could not be recorded approves nothing, and says why', () => {
    const { io, session: s } = session()
    const outcome = gateOutcome(
      { mode: 'emergency' },
      {
        approved: false,
        failure: 'the emergency bypass could not be recorded',
        checkRun: { problem: 'HTTP 403' }
      }
    )
    printGate(outcome, s, undefined)
    expect(io.stdout.text).toContain('BLOCKED: the emergency bypass could not be recorded')
    expect(io.stdout.text).toContain('No check run was written: HTTP 403.')
  })

  it('cancelled: nothing approved; without GitHub it says nothing was read or recorded', () => {
    const { io, session: s } = session()
    const outcome = gateOutcome(
      { cancelled: true, approved: false, images: {}, remainingSoakMs: 0, nextSteps: [] },
      { approved: false }
    )
    printGate(outcome, s, 'no token (set GH_TOKEN or GITHUB_TOKEN)')
    expect(io.stdout.text).toContain('CANCELLED: nothing is approved.')
    expect(io.stdout.text).toContain('Nothing was read from or recorded on GitHub: no token')
    expect(
      gateJson(gateOutcome({ images: { 'web/web': 'a', 'worker/worker': 'b' } }))
    ).toMatchObject({
      image: { 'web/web': 'a', 'worker/worker': 'b' }
    })
    expect(gateJson(gateOutcome({ images: {} })).image).toBeUndefined()
  })
})

const rollbackInputs = {
  cluster: 'staging',
  service: 'web',
  toText: 'previous',
  reason: 'errors',
  checks: []
} as unknown as RollbackInputs

function rollbackOutcome(
  status: string,
  overrides: Partial<RollbackOutcome> = {}
): RollbackOutcome {
  return {
    status,
    target: { source: 'service-deployments' },
    result: { status, fromTaskDefinitionArn: TD(2), toTaskDefinitionArn: TD(1) },
    toTaskDefinitionArn: TD(1),
    tagged: true,
    records: {},
    ...overrides
  } as RollbackOutcome
}

describe('rollback', () => {
  it.each([
    ['rolled-back', {}, undefined],
    ['cancelled', {}, 'cancelled before the rollback was requested; web was not changed.'],
    [
      'cancelled',
      {
        result: {
          status: 'cancelled',
          method: 'update-service',
          fromTaskDefinitionArn: TD(2),
          toTaskDefinitionArn: TD(1)
        }
      },
      'cancelled while web was rolling back to web:1; ECS carries on with it. Check the service before acting again.'
    ],
    ['failed', {}, 'web was not rolled back: see the lines above'],
    [
      'rolled-back',
      { health: report({ healthy: false, reason: 'web failed' }) },
      'web was rolled back to web:1, but the checks failed: web failed'
    ],
    [
      'noop',
      { health: report({ healthy: false, cancelled: true }) },
      'web was rolled back to web:1, but the checks were cancelled: see the lines above'
    ]
  ])('%s %p: %p', (status, overrides, failure) => {
    expect(
      rollbackFailure(
        rollbackOutcome(status, overrides as Partial<RollbackOutcome>),
        rollbackInputs
      )
    ).toBe(failure)
  })

  it('the table, the checks after it, the failure in red, and what was recorded', () => {
    const { io, session: s } = session()
    const outcome = rollbackOutcome('rolled-back', {
      version: '1.0.0',
      health: report({ healthy: false, reason: 'web failed' }),
      records: { deploymentId: 12 }
    })
    printRollback(
      outcome,
      {
        ...rollbackInputs,
        record: { owner: 'acme', repo: 'shop', environment: 'staging', ref: 'main' }
      },
      s
    )
    expect(io.stdout.text).toMatch(/^web\s+rolled-back\s+web:2\s+web:1\s+1\.0\.0\s+-$/m)
    expect(io.stdout.text).toMatch(/^CHECK\s+TYPE\s+RESULT\s+ROUNDS\s+LAST$/m)
    expect(io.stdout.text).toContain('but the checks failed: web failed')
    expect(io.stdout.text).toContain('Recorded as GitHub deployment 12 in acme/shop (staging).')
    expect(rollbackJson(outcome, rollbackInputs, s)).toMatchObject({
      ok: false,
      healthy: 'false',
      version: '1.0.0',
      'github-deployment-id': 12,
      details: { target: 'service-deployments', checks: [{ name: 'web' }] }
    })
  })
})
