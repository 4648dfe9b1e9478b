/**
 * jest's order, except on a run without timings of an earlier one (a fresh clone, CI): then the
 * suites known to run longest start first, so none of them starts last and leaves the other
 * workers idle while it finishes (jest would order them by file size, and the demo's is small).
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
    const sorted = super.sort(tests)
    if (sorted.some(test => test.duration != null)) return sorted
    const seconds = test => LONGEST[relative(test.context.config.rootDir, test.path)] ?? 0
    // Array.prototype.sort is stable: the rest keep jest's order.
    return [...sorted].sort((a, b) => seconds(b) - seconds(a))
  }
}
