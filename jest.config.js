/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [
    '<rootDir>/{packages,actions}/*/__tests__/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts'
  ],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    // Type checking is done once by `npm run typecheck`; ts-jest only transpiles.
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }]
  },
  collectCoverage: true,
  collectCoverageFrom: [
    '{packages,actions}/*/src/**/*.ts',
    // Entry files only call the step's function; the e2e tests run them as bundles.
    '!actions/*/src/index.ts',
    '!actions/*/src/post.ts',
    '!packages/sim/src/bin.ts'
  ],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageThreshold: {
    global: { branches: 90, functions: 90, lines: 90, statements: 90 }
  },
  // Copies each suite's coverage with structuredClone (the file says why).
  runtime: '<rootDir>/test/support/coverage-runtime.cjs',
  // Fills the transform cache once before the workers start (the file says why).
  globalSetup: '<rootDir>/test/support/warm-transform-cache.mjs',
  testTimeout: 30000,
  // Most suites spend most of their time waiting on the simulator's clock, GitHub's retries or
  // a child process: four workers overlap those waits on a 2-core machine (jest's default is one
  // fewer than the cores). The whole suite with coverage and an empty cache took 1,061 s with one
  // worker, 575 with two and 375 with four (327 with the cache filled first).
  maxWorkers: 4,
  // The longest suites first on a run without an earlier one's timings (the file says why).
  testSequencer: '<rootDir>/test/support/sequencer.mjs'
}
