/**
 * A rehearsed promotion for the matrix: `fargate-promote rehearse` (in-process, --json) of a
 * small application repository whose `release.yml` calls the shipped deploy.yml for staging with
 * `rollback-on-failure` and a monitoring window, as production.yml does for production: plan →
 * deploy (deploy-fargate, health-verify, the monitoring window) → rollback (rollback.yml) when a
 * check fails after the deploy succeeded. The shipped templates are copied unchanged. The sim is
 * the lab's, on virtual time, seeded here from the repository's config (so faults can be set up
 * before the rehearsal starts); its `web` listens on a free loopback port of this lab.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfigText } from '@fargate-promote/promotion'
import { repositoryOf, scenarioFromConfig, type RehearsalResult } from '@fargate-promote/rehearsal'
import { runCli } from '../../e2e/cli-support.js'
import { repoRoot } from '../../e2e/run-action.js'
import { openLab, type Lab } from './lab.js'
import type { Outcome, Trigger } from './runs.js'

/** Sim seconds per real second: the 5 min monitoring window is 5 s here. */
const SCALE = 60
const REPOSITORY = 'acme/shop'
const REVISION = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-staging-web'
export const REHEARSED_IMAGE = repositoryOf('eu-west-1', 'shop', 'web')

const config = (port: number) => `version: 1
application: shop
environments:
  staging:
    region: eu-west-1
    role: arn:aws:iam::123456789012:role/fargate-promote-staging
    cluster: shop-staging
    services:
      - name: web
        containers: [web]
    desired-count: 2
    url: http://127.0.0.1:${port}
    checks:
      - name: health
        http:
          url: http://127.0.0.1:${port}/health
          expect-status: 200
          json:
            - { path: $.status, equals: ok }
      # As workflows-templates/health/staging.yml: the tasks, not only the load balancer's answer.
      - name: service
        ecs-service: { cluster: shop-staging, service: web }
    protection:
      branches: [main]
`

/** What production.yml's deploy job is, for staging: the shipped deploy.yml with a rollback. */
const RELEASE = `name: Release
on:
  workflow_dispatch:
    inputs:
      image:
        description: the image to release
        required: true
permissions:
  contents: read
jobs:
  deploy:
    uses: ./.github/workflows/deploy.yml
    permissions:
      contents: read
      id-token: write
      deployments: write
    with:
      environment: staging
      image: \${{ inputs.image }}
      monitor: 5m
      rollback-on-failure: true
`

/** A loopback port nothing listens on now (the lab's load balancer takes it). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

function git(dir: string, ...args: string[]): string {
  const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' }
  const who = ['-c', 'user.name=Dana', '-c', 'user.email=dana@example.com']
  return execFileSync('git', [...who, ...args], { cwd: dir, env })
    .toString()
    .trim()
}

export interface RehearsalLab extends Lab {
  /** The application repository (removed on close). */
  app: string
}

/**
 * A lab whose sim is seeded from the application repository's config, as `rehearse` would.
 * `timeScale` lower than the default leaves room for what does not scale: the AWS SDK's own
 * retry back-off is real time (a second of it is a minute of sim time at 60).
 */
export async function openRehearsalLab(timeScale = SCALE): Promise<RehearsalLab> {
  const lab = await openLab({ timeScale, group: 'shop-staging-web' })
  const app = mkdtempSync(join(tmpdir(), 'fault-matrix-rehearse-'))
  try {
    const text = config(await freePort())
    mkdirSync(join(app, '.github/workflows'), { recursive: true })
    writeFileSync(join(app, '.github/fargate-promote.yml'), text)
    for (const name of ['deploy.yml', 'rollback.yml']) {
      const template = readFileSync(join(repoRoot, 'workflows-templates', name), 'utf8')
      writeFileSync(join(app, '.github/workflows', name), template)
    }
    writeFileSync(join(app, '.github/workflows/release.yml'), RELEASE)
    git(app, 'init', '-q', '-b', 'main')
    git(app, 'add', '-A')
    git(app, 'commit', '-q', '-m', 'shop 1.0.0')
    const { config: parsed } = await parseConfigText(text, '.github/fargate-promote.yml')
    const scenario = scenarioFromConfig(parsed, {
      repository: REPOSITORY,
      actor: 'dana-dev',
      initial: '1.0.0',
      history: { main: [git(app, 'rev-parse', 'HEAD')] }
    })
    const seeded = await fetch(`${lab.sim.url}/_sim/scenario`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(scenario)
    })
    if (!seeded.ok) throw new Error(`seeding the sim: ${await seeded.text()}`)
  } catch (error) {
    rmSync(app, { recursive: true, force: true })
    await lab.close()
    throw error
  }
  return {
    ...lab,
    app,
    close: async () => (rmSync(app, { recursive: true, force: true }), lab.close())
  }
}

type Step = RehearsalResult['jobs'][number]['steps'][number]

function stepsOf(result: RehearsalResult, action: string): Step[] {
  return result.jobs.flatMap(job =>
    job.steps.filter(step => step.uses?.includes(`/actions/${action}@`) === true && !step.post)
  )
}

/**
 * The revision the run's outputs say is live: the rollback's when one ran, else the deploy's
 * (the new revision when it succeeded, the one before when it failed); unsaid when cancelled.
 */
function claimOf(result: RehearsalResult): string | undefined {
  const deployed = stepsOf(result, 'deploy-fargate')[0]?.outputs ?? {}
  const rolledBack = stepsOf(result, 'rollback')[0]?.outputs
  if (rolledBack !== undefined && rolledBack.status !== undefined) {
    if (rolledBack.status === 'rolled-back') return rolledBack['task-definition-arn']
    return rolledBack.status === 'cancelled' ? undefined : rolledBack['from-task-definition-arn']
  }
  if (deployed.status === 'succeeded') return deployed['task-definition-arn']
  if (deployed.status === undefined || deployed.status === 'cancelled') return undefined
  return deployed['previous-task-definition-arn'] || undefined
}

function statusOf(result: RehearsalResult): string {
  const deployed = stepsOf(result, 'deploy-fargate')[0]?.outputs.status ?? '-'
  const verified = stepsOf(result, 'health-verify').map(step => step.outputs.healthy ?? '-')
  const rolledBack = stepsOf(result, 'rollback')[0]?.outputs.status
  return [
    result.conclusion,
    `deploy ${deployed}`,
    `healthy ${verified.join('/') || '-'}`,
    ...(rolledBack === undefined ? [] : [`rollback ${rolledBack}`])
  ].join(', ')
}

/**
 * `fargate-promote --json rehearse .github/workflows/release.yml` of `image=<repo>:<tag>`;
 * a trigger acts when a line containing its marker reaches stderr (the live lines), `cancel`
 * as the bin's SIGINT does (the command's abort signal).
 */
export async function rehearseRelease(
  lab: RehearsalLab,
  tag: string,
  trigger?: Trigger
): Promise<Outcome> {
  const controller = new AbortController()
  const pending: Promise<void>[] = []
  let triggered = false
  const cancel = () => controller.abort()
  const args = ['.github/workflows/release.yml', '--event', 'workflow_dispatch']
  const result = await runCli(
    [
      '--json',
      'rehearse',
      ...args,
      '--input',
      `image=${REHEARSED_IMAGE}:${tag}`,
      '--repo',
      REPOSITORY,
      '--sim',
      lab.sim.url
    ],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      cwd: lab.app,
      signal: controller.signal,
      onStderr: text => {
        if (trigger === undefined || triggered || !text.includes(trigger.marker)) return
        triggered = true
        if (trigger.then === 'cancel') cancel()
        else pending.push(trigger.then(lab, cancel))
      }
    }
  )
  await Promise.all(pending)
  let document: RehearsalResult | undefined
  try {
    document = JSON.parse(result.stdout) as RehearsalResult
  } catch {
    document = undefined
  }
  return {
    verdict: result.code === 0 && document?.conclusion === 'success' ? 'success' : 'failure',
    exit: String(result.code),
    status: document === undefined ? '(no result)' : statusOf(document),
    claimedLive: document === undefined ? undefined : claimOf(document),
    successArn: `${REVISION}:2`,
    failureArn: `${REVISION}:1`,
    stdout: `${result.stdout.slice(0, 20_000)}\n--- stderr ---\n${result.stderr}`
  }
}
