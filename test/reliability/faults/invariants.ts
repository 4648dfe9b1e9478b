/**
 * The invariants every scenario must keep, checked against what the sim was left in:
 * (a) the service ends on a healthy revision, the new one or the one before;
 * (b) the verdict matches that state: no false success, no false failure;
 * (c) the outputs say which state it is (the revision they name is the live one);
 * (d) the GitHub deployment record agrees (its final status).
 */
import type { CallRecord } from '@fargate-promote/sim'
import type { WebState } from './lab.js'
import type { Outcome } from './runs.js'

export type Expectation = 'success' | 'failure' | 'either'

export interface Judged {
  /** The scenario's expectations about this run. */
  expect: Expectation
  /** Cancelled runs fail by design; only the state and what they say of it are judged. */
  cancelled?: boolean
  /** The target writes a GitHub deployment record. */
  records?: boolean
  /** The fault itself leaves the service broken (targets removed): (a) does not apply. */
  breaksService?: boolean
  /** GitHub stayed down: a record may be missing or unfinished, if the run says so. */
  githubDown?: boolean
  /**
   * The run rolls back a release that failed after its deploy succeeded: the last record is the
   * rollback's (of the revision it put back), and the release's own record is no longer success.
   */
  rollsBack?: boolean
}

const revision = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1)
/** An image the sim runs healthily: no behaviour marker in its tag. */
const healthyImage = (image: string) => /:\d+\.\d+\.\d+$/.test(image)

export function violations(
  scenario: Judged,
  outcome: Outcome,
  state: WebState,
  records: { final: string }[],
  calls: CallRecord[]
): string[] {
  const found: string[] = []
  const live = state.live
  const { successArn, failureArn } = outcome
  // (a)
  if (!state.settled && !scenario.breaksService)
    found.push(`(a) web never settled: ${state.detail}`)
  if (live !== successArn && live !== failureArn) {
    found.push(`(a) web runs ${revision(live)}, neither the new nor the previous revision`)
  }
  if (!healthyImage(state.image)) found.push(`(a) web runs ${state.image}, not a healthy image`)
  // (b)
  const changes = successArn !== failureArn
  if (changes && outcome.verdict === 'success' && live !== successArn) {
    found.push(`(b) FALSE SUCCESS: reported success, web runs ${revision(live)}`)
  }
  if (changes && !scenario.cancelled && outcome.verdict === 'failure' && live === successArn) {
    found.push(`(b) FALSE FAILURE: reported failure, web runs the new ${revision(live)}`)
  }
  if (scenario.cancelled && outcome.verdict === 'success') {
    found.push(`(b) cancelled, yet reported success (${outcome.status})`)
  }
  if (scenario.expect !== 'either' && !scenario.cancelled && outcome.verdict !== scenario.expect) {
    found.push(`(b) expected ${scenario.expect}, reported ${outcome.verdict} (${outcome.status})`)
  }
  // (c)
  // Before any UpdateService, or cancelled, a run may leave the revision unsaid.
  const updated = calls.some(call => call.operation === 'UpdateService' && call.status < 400)
  if (changes && outcome.claimedLive === undefined && updated && !scenario.cancelled) {
    found.push('(c) the outputs do not say which revision is live')
  } else if (outcome.claimedLive !== undefined && outcome.claimedLive !== live) {
    found.push(
      `(c) the outputs say ${revision(outcome.claimedLive)} is live, web runs ${revision(live)}`
    )
  }
  // (d)
  if (scenario.records) found.push(...recordViolations(scenario, outcome, live, records))
  return found
}

function recordViolations(
  scenario: Judged,
  outcome: Outcome,
  live: string,
  records: { final: string }[]
): string[] {
  const last = records.at(-1)
  if (last === undefined) {
    return scenario.githubDown ? [] : ['(d) no GitHub deployment was recorded']
  }
  const open = ['in_progress', 'queued', 'pending', 'none']
  // A create sent twice leaves the first one open for ever beside the run's own record.
  const stray = records.slice(0, -1).filter(record => open.includes(record.final))
  if (stray.length > 0 && !scenario.githubDown) {
    return [`(d) ${stray.length} other GitHub deployment(s) left ${stray[0]?.final}`]
  }
  const succeeded = scenario.rollsBack
    ? live === outcome.failureArn && outcome.claimedLive === live
    : outcome.verdict === 'success' && live === outcome.successArn
  if (open.includes(last.final)) {
    return scenario.githubDown ? [] : [`(d) the GitHub deployment was left ${last.final}`]
  }
  if (scenario.rollsBack && records.slice(0, -1).some(record => record.final === 'success')) {
    return ["(d) the rolled-back release's GitHub deployment still says success"]
  }
  if ((last.final === 'success') !== succeeded) {
    return [`(d) the GitHub deployment says ${last.final}, the run ${outcome.verdict}`]
  }
  return []
}

/** A cancellation before the service was updated: no UpdateService may ever be sent. */
export function noUpdateAfterCancel(calls: CallRecord[]): string[] {
  return calls.some(call => call.operation === 'UpdateService')
    ? ['cancelled before the update, yet UpdateService was sent']
    : []
}
