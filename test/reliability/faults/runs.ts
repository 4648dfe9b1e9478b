/**
 * How the matrix runs each target against a lab, and what it takes from each run: the verdict,
 * the revision its outputs say is live, and what a success would have meant. Action bundles run
 * as the runner runs them (test/e2e/run-action.ts), with the runner's cancellation (SIGINT, then
 * SIGTERM 7.5 s later) and its post step; the CLI runs in-process (test/e2e/cli-support.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, type ActionRun } from '../../e2e/run-action.js'
import { runCli, SIM_CONFIG, simEnv } from '../../e2e/cli-support.js'
import { listenerUrl } from '../../support/sim-listener.js'
import { IMAGE, type Lab } from './lab.js'

export const WEB_1 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:1'
export const WEB_2 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2'
export const WEB_3 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3'

export interface Outcome {
  verdict: 'success' | 'failure'
  /** Exit code (CLI: its code); main's for a cancelled action, then `+post <code>`. */
  exit: string
  /** The `status` output (or `healthy`, `approved`, the CLI's status column). */
  status: string
  /** The revision the outputs say is live; undefined when the target changes no revision. */
  claimedLive?: string
  /** What success leaves live, and what a failure must leave live. */
  successArn: string
  failureArn: string
  stdout: string
}

/** When a line containing `marker` appears, do `then` once (e.g. cancel, raise an alarm). */
export interface Trigger {
  marker: string
  /** `cancel` is the target's own cancellation; a function may be given it (rehearsals). */
  then: 'cancel' | ((lab: Lab, cancel: () => void) => Promise<void>)
}

const GITHUB = { environment: 'staging', 'github-token': 'ghs_faultmatrix' }

async function runWithTrigger(
  lab: Lab,
  action: string,
  inputs: Record<string, string>,
  trigger?: Trigger
): Promise<ActionRun & { triggered: boolean }> {
  let seen = ''
  let triggered = false
  const pending: Promise<void>[] = []
  const run = await runAction({
    action,
    inputs,
    simUrl: lab.sim.url,
    timeoutMs: 240_000,
    onStdout: (chunk, child) => {
      seen += chunk
      if (trigger === undefined || triggered || !seen.includes(trigger.marker)) return
      triggered = true
      const cancel = () => {
        child.kill('SIGINT')
        setTimeout(() => child.kill('SIGTERM'), 7_500).unref()
      }
      if (trigger.then === 'cancel') cancel()
      else pending.push(trigger.then(lab, cancel))
    }
  })
  await Promise.all(pending)
  return { ...run, triggered }
}

/** The runner runs a post step after main, whatever main's outcome (post-if: always()). */
async function withPost(lab: Lab, action: string, main: ActionRun): Promise<ActionRun | undefined> {
  if (Object.keys(main.state).length === 0) return undefined
  return runAction({
    action,
    entry: 'dist/post/index.js',
    inputs: {},
    simUrl: lab.sim.url,
    state: main.state,
    timeoutMs: 240_000
  })
}

const exitOf = (main: ActionRun, post?: ActionRun) =>
  `${main.exitCode ?? main.signal}${post === undefined ? '' : ` +post ${post.exitCode}`}`

/** deploy-fargate's outputs say which revision is live: the new one only when it succeeded. */
function deployClaim(outputs: Record<string, string>): string | undefined {
  if (outputs.status === 'succeeded') return outputs['task-definition-arn']
  return outputs['previous-task-definition-arn']
}

export async function deploy(
  lab: Lab,
  tag: string,
  extra: Record<string, string> = {},
  trigger?: Trigger
): Promise<Outcome> {
  const inputs = {
    cluster: 'staging',
    service: 'web',
    images: `web=${IMAGE}:${tag}`,
    'poll-interval': '100ms',
    timeout: '3m',
    ...GITHUB,
    ...extra
  }
  const main = await runWithTrigger(lab, 'deploy-fargate', inputs, trigger)
  const post = await withPost(lab, 'deploy-fargate', main)
  return {
    verdict: main.exitCode === 0 ? 'success' : 'failure',
    exit: exitOf(main, post),
    status: main.outputs.status ?? '(none)',
    claimedLive: deployClaim(main.outputs),
    successArn: WEB_2,
    failureArn: WEB_1,
    stdout: `${main.stdout}${post === undefined ? '' : `\n--- post ---\n${post.stdout}`}`
  }
}

/** web:2 (1.1.0) deployed and settled first; the rollback must bring web:1 back. */
export async function rollback(lab: Lab, trigger?: Trigger): Promise<Outcome> {
  const first = await deploy(lab, '1.1.0', { environment: '', 'github-token': '' })
  if (first.verdict !== 'success') throw new Error(`setup deploy failed:\n${first.stdout}`)
  return rollbackLive(lab, trigger)
}

/** The rollback action on what web runs now (web:2), back to web:1. */
async function rollbackLive(lab: Lab, trigger?: Trigger): Promise<Outcome> {
  const inputs = {
    cluster: 'staging',
    service: 'web',
    reason: 'fault matrix',
    'poll-interval': '100ms',
    timeout: '3m',
    ...GITHUB
  }
  const main = await runWithTrigger(lab, 'rollback', inputs, trigger)
  // `rolled-back` is the rollback's success; `cancelled` says nothing of what ECS went on with.
  const status = main.outputs.status
  const live =
    status === 'rolled-back'
      ? main.outputs['task-definition-arn']
      : status === 'cancelled'
        ? undefined
        : main.outputs['from-task-definition-arn']
  return {
    verdict: main.exitCode === 0 ? 'success' : 'failure',
    exit: exitOf(main),
    status: main.outputs.status ?? '(none)',
    claimedLive: live,
    successArn: WEB_1,
    failureArn: WEB_2,
    stdout: main.stdout
  }
}

/** health-verify of the live service (web:1): its listener, the ECS service, its alarm. */
export async function verify(
  lab: Lab,
  extra: Record<string, string> = {},
  trigger?: Trigger
): Promise<Outcome> {
  const base = await listenerUrl(lab.sim.url)
  const checks = `
- name: web
  http: { url: '${base}/health' }
- name: service
  ecs-service: { cluster: staging, service: web }
- name: alarms
  cloudwatch-alarm: { alarms: [web-staging-5xx] }
`
  // 20 passing rounds in a row, 100 ms apart: a fault raised after the first has time to show.
  const inputs = { checks, interval: '100ms', timeout: '6s', 'consecutive-successes': '20' }
  const main = await runWithTrigger(lab, 'health-verify', { ...inputs, ...extra }, trigger)
  return {
    verdict: main.exitCode === 0 ? 'success' : 'failure',
    exit: exitOf(main),
    status: `healthy=${main.outputs.healthy ?? '(none)'}`,
    successArn: WEB_1,
    failureArn: WEB_1,
    stdout: main.stdout
  }
}

/**
 * The pipeline's answer to a release that goes bad after its deploy completed (a rolling
 * deployment is done once the tasks are healthy): deploy, verification fails, rollback. The
 * verdict is the verification's; the revision the outputs claim live is the rollback's.
 */
export async function deployVerifyRollback(lab: Lab, tag: string): Promise<Outcome> {
  const deployed = await deploy(lab, tag, { environment: '', 'github-token': '' })
  if (deployed.verdict !== 'success') throw new Error(`setup deploy failed:\n${deployed.stdout}`)
  const verified = await verify(lab, { timeout: '10s', 'consecutive-successes': '60' })
  const rolledBack = await rollbackLive(lab)
  return {
    ...rolledBack,
    // The release is web:2: the verification's failure must leave web:1, the rollback's work.
    successArn: WEB_2,
    failureArn: WEB_1,
    verdict: verified.verdict,
    status: `${verified.status}, rollback ${rolledBack.status}`,
    stdout: `${verified.stdout}\n--- rollback ---\n${rolledBack.stdout}`
  }
}

/** staging-gate for what staging runs (1.0.0 on web:1). */
export async function gate(lab: Lab): Promise<Outcome> {
  const inputs = {
    cluster: 'staging',
    service: 'web',
    version: '1.0.0',
    'min-soak': '0s',
    'checks-timeout': '5s',
    alarms: 'web-staging-5xx',
    'require-github-deployment': 'false',
    'github-token': 'ghs_faultmatrix'
  }
  const main = await runWithTrigger(lab, 'staging-gate', inputs)
  return {
    verdict: main.exitCode === 0 ? 'success' : 'failure',
    exit: exitOf(main),
    status: `approved=${main.outputs.approved ?? '(none)'}`,
    claimedLive: main.outputs['task-definition-arn'] || undefined,
    successArn: WEB_1,
    failureArn: WEB_1,
    stdout: main.stdout
  }
}

/** `fargate-promote deploy --environment staging` in-process, cancelled by its signal. */
export async function cliDeploy(lab: Lab, tag: string, trigger?: Trigger): Promise<Outcome> {
  const app = mkdtempSync(join(tmpdir(), 'fault-matrix-cli-'))
  mkdirSync(join(app, '.github'))
  writeFileSync(join(app, '.github/fargate-promote.yml'), SIM_CONFIG)
  const controller = new AbortController()
  const pending: Promise<void>[] = []
  let triggered = false
  try {
    const args = ['deploy', '--environment', 'staging', '--image', `${IMAGE}:${tag}`]
    const result = await runCli([...args, '--poll-interval', '100ms', '--timeout', '3m'], {
      env: simEnv(lab.sim.url),
      cwd: app,
      signal: controller.signal,
      onStderr: text => {
        if (trigger === undefined || triggered || !text.includes(trigger.marker)) return
        triggered = true
        if (trigger.then === 'cancel') controller.abort()
        else pending.push(trigger.then(lab, () => controller.abort()))
      }
    })
    await Promise.all(pending)
    const row = /^web\s+(\S+)\s+(web:\d+)\s+(web:\d+)/m.exec(result.stdout)
    const [, status = '(none)', revision = '', previous = ''] = row ?? []
    const arn = (r: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${r}`
    return {
      verdict: result.code === 0 ? 'success' : 'failure',
      exit: String(result.code),
      status,
      claimedLive: row === null ? undefined : arn(status === 'succeeded' ? revision : previous),
      successArn: WEB_2,
      failureArn: WEB_1,
      stdout: `${result.stdout}\n${result.stderr}`
    }
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
}

/**
 * `fargate-promote --json rollback --environment staging` in-process, after web:2 (1.1.0) was
 * deployed and settled (without a GitHub record): it must bring web:1 back, and record it.
 */
export async function cliRollback(lab: Lab, trigger?: Trigger): Promise<Outcome> {
  const first = await deploy(lab, '1.1.0', { environment: '', 'github-token': '' })
  if (first.verdict !== 'success') throw new Error(`setup deploy failed:\n${first.stdout}`)
  const app = mkdtempSync(join(tmpdir(), 'fault-matrix-cli-'))
  mkdirSync(join(app, '.github'))
  writeFileSync(join(app, '.github/fargate-promote.yml'), SIM_CONFIG)
  const controller = new AbortController()
  const pending: Promise<void>[] = []
  let triggered = false
  try {
    const args = ['--json', 'rollback', '--environment', 'staging', '--reason', 'fault matrix']
    const result = await runCli([...args, '--poll-interval', '100ms', '--timeout', '3m'], {
      env: simEnv(lab.sim.url),
      cwd: app,
      signal: controller.signal,
      onStderr: text => {
        if (trigger === undefined || triggered || !text.includes(trigger.marker)) return
        triggered = true
        if (trigger.then === 'cancel') controller.abort()
        else pending.push(trigger.then(lab, () => controller.abort()))
      }
    })
    await Promise.all(pending)
    let document: Record<string, string> = {}
    try {
      document = JSON.parse(result.stdout) as Record<string, string>
    } catch {
      // No document: the status says so, and no revision is claimed.
    }
    // As the action's outputs: `rolled-back` names the revision put back; `cancelled` nothing.
    const status = document.status
    const live =
      status === 'rolled-back'
        ? document['task-definition-arn']
        : status === 'cancelled' || status === undefined
          ? undefined
          : document['from-task-definition-arn']
    return {
      verdict: result.code === 0 ? 'success' : 'failure',
      exit: String(result.code),
      status: status ?? '(none)',
      claimedLive: live,
      successArn: WEB_1,
      failureArn: WEB_2,
      stdout: `${result.stdout}\n${result.stderr}`
    }
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
}
