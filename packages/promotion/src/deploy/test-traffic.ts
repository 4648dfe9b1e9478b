import type { Clock, Logger, ProxySettings } from '@fargate-promote/common'
import type { TestTrafficCheck } from '@fargate-promote/ecs'
import { runHealthChecks, type CheckSpec } from '@fargate-promote/health'

/** Blue/green's test-traffic verification as read from `test-url` and `test-duration`. */
export interface TestTrafficOptions {
  /** An http check of the test listener's URL (health's shorthand form). */
  check: CheckSpec
  /** How long the new revision is sampled through the test listener. */
  durationMs: number
}

/** One round every 5 s: a minute of test traffic is 12 requests, each of which must pass. */
const INTERVAL_MS = 5_000

/**
 * The check the follower runs while a blue/green deployment waits at POST_TEST_TRAFFIC_SHIFT:
 * health-verify's monitor mode over the test listener, no failed round allowed. Only the new
 * revision answers there, so any failure is the new revision's.
 */
export function testTrafficCheck(
  options: TestTrafficOptions,
  deps: { clock: Clock; log: Logger; proxy?: ProxySettings }
): TestTrafficCheck {
  return async signal => {
    const report = await runHealthChecks(
      {
        checks: [options.check],
        mode: 'monitor',
        timeoutMs: options.durationMs,
        durationMs: options.durationMs,
        intervalMs: Math.min(INTERVAL_MS, options.durationMs),
        consecutiveSuccesses: 1,
        failureLimit: 0
      },
      {
        clock: deps.clock,
        log: deps.log,
        ...(deps.proxy && { proxy: deps.proxy }),
        ...(signal && { signal })
      }
    )
    const reasons = report.checks.map(
      c => `${c.target}: ${c.passes} of ${c.attempts} rounds passed (last: ${c.lastDetail})`
    )
    return { passed: report.healthy, reasons }
  }
}
