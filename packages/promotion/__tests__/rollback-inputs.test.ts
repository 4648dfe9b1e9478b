import { describe, expect, test } from '@jest/globals'
import { parseRollbackTo, readRollbackInputs } from '../src/index.js'
import { CONTEXT, reader, refusal } from './inputs-helpers.js'

const read = (values: Record<string, string>, context = CONTEXT) =>
  readRollbackInputs(reader({ cluster: 'prod', service: 'web', ...values }), context)

describe('readRollbackInputs', () => {
  test('defaults: previous, a manual rollback by the actor, waited for, 15m', async () => {
    expect(await read({})).toEqual({
      cluster: 'prod',
      service: 'web',
      to: { kind: 'previous' },
      toText: 'previous',
      reason: 'manual rollback by octocat',
      wait: true,
      timeoutMs: 900_000,
      pollIntervalMs: 5000,
      stopInProgress: true,
      checks: [],
      checksTimeoutMs: 300_000,
      checksIntervalMs: 10_000
    })
    expect((await read({}, { ...CONTEXT, actor: undefined })).reason).toBe('manual rollback')
  })

  test('records on GitHub only with a token and an environment', async () => {
    const recorded = await read({ environment: 'production', 'github-token': 'ghs_x' })
    expect(recorded.record).toEqual({
      owner: 'acme',
      repo: 'shop',
      environment: 'production',
      ref: CONTEXT.sha,
      logUrl: CONTEXT.runUrl
    })
    expect((await read({ environment: 'production' })).record).toBeUndefined()
    expect((await read({ 'github-token': 'ghs_x' })).record).toBeUndefined()
  })

  test('checks inline, with their source', async () => {
    const inputs = await read({ checks: '- name: api\n  http: { url: "https://a.example/" }' })
    expect(inputs.checks.map(check => check.name)).toEqual(['api'])
    expect(inputs.checksSource).toBe("input 'checks'")
  })

  test.each<[Record<string, string>, string]>([
    [{ service: '' }, "Input 'service': not given. Give the ECS service to roll back."],
    [
      { wait: 'false', checks: '- name: api\n  http: { url: "https://a.example/" }' },
      "Input 'checks': needs 'wait: true'"
    ],
    [
      { service: 'web\n::error::x' },
      "Input 'service': 'web\\n::error::x' is not an ECS service name"
    ],
    [{ to: 'not a version!' }, "Input 'to': 'not a version!' is none of the accepted forms"],
    [
      { 'checks-interval': '5m', 'checks-timeout': '1m' },
      "Input 'checks-interval': 5m is longer than 'checks-timeout' (1m)"
    ]
  ])('%p is refused: %s', async (values, message) => {
    expect(await refusal(() => read(values))).toContain(message)
  })
})

describe('parseRollbackTo', () => {
  test.each([
    ['previous', { kind: 'previous' }],
    ['42', { kind: 'revision', revision: 42 }],
    ['1.4.2', { kind: 'version', version: '1.4.2' }],
    [
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
      { kind: 'arn', arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7' }
    ]
  ])('%s', (text, expected) => {
    expect(parseRollbackTo(text)).toEqual(expected)
  })

  test.each([
    ['0', "Input 'to': revision '0' is not a positive whole number."],
    ['-3', "Input 'to': revision '-3' is not a positive whole number."],
    [
      '99999999999999999999',
      "Input 'to': revision '99999999999999999999' is not a positive whole number."
    ],
    [
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web',
      "Input 'to': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web' is not a task-definition ARN with a revision."
    ]
  ])('%s is refused', (text, message) => {
    expect(() => parseRollbackTo(text)).toThrow(message)
  })
})
