/**
 * The longest suites first, by the last run's times where jest has them and else by the times
 * measured below, so none of them starts last and leaves the other workers idle while it
 * finishes: on a fresh clone (CI) jest orders suites by file size, and the demo's is small; and
 * after a run of some suites it starts the ones it has no time for first.
 */
import { relative } from 'node:path'
import Sequencer from '@jest/test-sequencer'

/**
 * Seconds each took with four workers on a fresh clone of this 2-core machine (2026-12-07);
 * only the order matters. Suites not named here follow, in jest's order.
 */
const LONGEST = {
  'test/e2e/demo.test.ts': 107,
  'actions/rollback/__tests__/main.test.ts': 67,
  'test/e2e/deploy-fargate-progressive.test.ts': 46,
  'packages/ecs/__tests__/progressive-verify-resume-sim.test.ts': 46,
  'actions/staging-gate/__tests__/main.test.ts': 43,
  'actions/health-verify/__tests__/main.test.ts': 40,
  'actions/deploy-fargate/__tests__/main.test.ts': 34,
  'test/reliability/bad-inputs/actions.test.ts': 34,
  'packages/ecs/__tests__/progressive-deploy-sim.test.ts': 32,
  'test/reliability/faults/matrix.test.ts': 31
}

export default class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    // jest's order sets each test's duration from the last run that had it, failed ones first.
    const sorted = super.sort(tests)
    const known = test => LONGEST[relative(test.context.config.rootDir, test.path)]
    const expected = test => test.duration ?? (known(test) ?? 0) * 1000
    const failed = test => (this.hasFailed(test) ? 1 : 0)
    // Failed first, then the longest, by the last run's time or else the measured one; suites
    // with neither keep jest's order (by size) after them. Array.prototype.sort is stable.
    return [...sorted].sort((a, b) => failed(b) - failed(a) || expected(b) - expected(a))
  }
}
