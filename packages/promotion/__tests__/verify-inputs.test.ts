import { describe, expect, test } from '@jest/globals'
import { readVerifyInputs } from '../src/index.js'
import { CONTEXT, reader, refusal } from './inputs-helpers.js'

const read = (values: Record<string, string>) => readVerifyInputs(reader(values), CONTEXT)

describe('readVerifyInputs', () => {
  test('a url: one http check, verify until 3 passing rounds, 5m, every 10s', async () => {
    const inputs = await read({
      url: 'https://staging.example.com/health',
      'expect-status': '200,204'
    })
    expect(inputs).toMatchObject({
      source: "input 'url'",
      mode: 'verify',
      timeoutMs: 300_000,
      durationMs: 300_000,
      intervalMs: 10_000,
      consecutiveSuccesses: 3,
      failureLimit: 0,
      thresholds: {},
      failOnUnhealthy: true
    })
    expect(inputs.checks).toHaveLength(1)
    expect(inputs.checks[0]).toMatchObject({ type: 'http', name: 'http' })
    expect(inputs.load).toBeUndefined()
  })

  test('monitor with load and thresholds: the duration bounds the run', async () => {
    const inputs = await read({
      checks: '- name: api\n  http: { url: "https://a.example/" }',
      mode: 'monitor',
      duration: '10m',
      requests: '20',
      concurrency: '4',
      'p95-latency': '300ms',
      'p99-latency': '1s',
      'max-error-rate': '1%',
      'fail-on-unhealthy': 'false'
    })
    expect(inputs).toMatchObject({
      mode: 'monitor',
      durationMs: 600_000,
      timeoutMs: 600_000,
      load: { requests: 20, concurrency: 4 },
      thresholds: { p95Ms: 300, p99Ms: 1000, maxErrorRate: 0.01 },
      failOnUnhealthy: false
    })
  })

  test.each<[Record<string, string>, string]>([
    [{}, "Input 'checks': not given."],
    [{ url: 'https://a.example/\n::error::x' }, "Input 'url': the URL contains a line break."],
    [
      { url: 'https://a.example/', 'max-error-rate': '2' },
      "Input 'max-error-rate': '2' is not a fraction"
    ],
    [
      { url: 'https://a.example/', concurrency: '4' },
      "Input 'concurrency': 4 only applies when 'requests' is more than 1"
    ],
    [
      { checks: '- name: s\n  ecs-service: { cluster: c, service: s }', requests: '5' },
      "Input 'requests': applies to http checks, but input 'checks' has none."
    ],
    [{ url: 'https://a.example/', mode: 'monitor' }, "Input 'duration': not given."],
    [
      { url: 'https://a.example/', duration: '1m' },
      "Input 'duration': only applies to mode 'monitor'."
    ],
    [
      { url: 'https://a.example/', interval: '1m', timeout: '5s' },
      "Input 'timeout': 5s is shorter than 'interval' (1m)."
    ],
    [{ body: '', 'body-contains': 'ok' }, "Input 'body-contains': only applies to 'url'."]
  ])('%p is refused: %s', async (values, message) => {
    expect(await refusal(() => read(values))).toContain(message)
  })
})
