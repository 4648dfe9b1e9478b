import { requireClients } from '@fargate-promote/health'
import { alarmChecks } from './alarm-checks.js'
import { recordGateCheckRun, type CheckRunRecord } from './check-run.js'
import { evaluateGate } from './evaluate.js'
import type { GateInputs } from './inputs.js'
import type { GateDeps, GateVerdict } from './types.js'

/** What the staging gate decided and recorded: outputs, summary and annotations are made of it. */
export interface GateOutcome {
  verdict: GateVerdict
  /** The staging-gate check run on the commit, or why none was written; absent without a token. */
  checkRun?: CheckRunRecord
  /**
   * The approval a later step may act on: the verdict's, except that a bypass which could not be
   * recorded on the commit is no approval.
   */
  approved: boolean
  /** Why the step fails, in one sentence; absent when it passes. */
  failure?: string
}

function blockedMessage(verdict: GateVerdict): string {
  const blocking = verdict.checks.filter(check => check.blocking)
  return `blocked by ${blocking.map(check => `${check.name} (${check.detail})`).join('; ')}`
}

function failureOf(
  verdict: GateVerdict,
  unaudited: CheckRunRecord | undefined
): string | undefined {
  if (unaudited !== undefined) {
    return `the emergency bypass could not be recorded on the commit: ${unaudited.problem ?? 'unknown'}. A bypass must leave an audit trail; give a token with checks: write.`
  }
  if (verdict.cancelled === true) {
    return 'cancelled before every check had a verdict; nothing is approved. Re-run the gate.'
  }
  return verdict.approved ? undefined : blockedMessage(verdict)
}

async function recordVerdict(
  verdict: GateVerdict,
  inputs: GateInputs,
  deps: GateDeps
): Promise<CheckRunRecord | undefined> {
  const { github, log } = deps
  if (github === undefined) return undefined
  if (inputs.checkRun === undefined) {
    return { problem: 'GITHUB_REPOSITORY is not owner/repo: there is no repository to write it to' }
  }
  return recordGateCheckRun(verdict, inputs.checkRun, { github, log })
}

/**
 * The staging gate: may this release go to production now? Evaluates every check on staging
 * (identity by digest, stability, soak, health checks, alarms, the GitHub staging deployment)
 * and records the verdict as the `staging-gate` check run on the commit. An emergency bypass
 * approves only when that record was written: a bypass must leave an audit trail.
 */
export async function gateAndRecord(inputs: GateInputs, deps: GateDeps): Promise<GateOutcome> {
  requireClients([...inputs.checks, ...alarmChecks(inputs.alarms)], deps)
  deps.log.info(`Candidate: ${inputs.candidateSource}.`)
  const verdict = await evaluateGate(inputs, deps)
  const checkRun = await recordVerdict(verdict, inputs, deps)
  const unaudited =
    verdict.mode === 'emergency' && checkRun?.problem !== undefined ? checkRun : undefined
  const failure = failureOf(verdict, unaudited)
  return {
    verdict,
    ...(checkRun !== undefined && { checkRun }),
    approved: verdict.approved && unaudited === undefined,
    ...(failure !== undefined && { failure })
  }
}
