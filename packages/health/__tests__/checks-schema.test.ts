import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { z } from 'zod'
import {
  checkAgainstSchema,
  isSettingsFileError,
  parsePositionedYaml,
  type SettingsFileError
} from '@fargate-promote/common'
import {
  CHECK_TYPES,
  CheckSchema,
  ChecksSchema,
  parseChecks,
  type CheckInput,
  type CheckSpec
} from '../src/index.js'

async function settingsError(text: string, file?: string): Promise<SettingsFileError> {
  const subject = { input: 'checks', ...(file !== undefined && { file }) }
  const error: unknown = await parseChecks(text, { subject }).catch((caught: unknown) => caught)
  if (!isSettingsFileError(error)) throw new Error(`not a SettingsFileError: ${String(error)}`)
  return error
}

describe('ChecksSchema', () => {
  it('turns checks as written into CheckSpecs', () => {
    const written: CheckInput[] = [
      { name: 'smoke', command: { run: './smoke.sh', timeout: '2m' } },
      { name: 'queue', 'sqs-queue': { queue: 12345 } }
    ]
    const specs: CheckSpec[] = ChecksSchema.parse(written)
    expect(specs).toEqual([
      {
        type: 'command',
        name: 'smoke',
        run: './smoke.sh',
        shell: 'bash',
        env: {},
        timeoutMs: 120_000,
        attempts: 1
      },
      { type: 'sqs-queue', name: 'queue', queue: '12345', deadLetterEmpty: true }
    ])
  })

  it('takes a field written without a value as left out', async () => {
    const [http, alarms] = await parseChecks(
      [
        '- name: api',
        '  http:',
        '    url: https://api.example.com/',
        '    timeout:',
        '    method:',
        '    follow-redirects:',
        '- name: alarms',
        '  cloudwatch-alarm: { alarms: web-5xx, fail-on-insufficient-data: }'
      ].join('\n'),
      { subject: { input: 'checks' } }
    )
    expect(http).toMatchObject({ method: 'GET', timeoutMs: 5000, followRedirects: true })
    expect(alarms).toEqual({
      type: 'cloudwatch-alarm',
      name: 'alarms',
      alarms: ['web-5xx'],
      failOnInsufficientData: false
    })
  })

  it('keeps a JSON assertion on null, and one on a list of values', async () => {
    const [check] = await parseChecks(
      '- name: a\n  http: { url: "https://x/", json: [{ path: $.error, equals: }, { path: $.s, in: [up, 1] }] }',
      { subject: { input: 'checks' } }
    )
    expect(check).toMatchObject({
      json: [
        { path: '$.error', segments: ['error'], equals: null },
        { path: '$.s', segments: ['s'], in: ['up', 1] }
      ]
    })
  })

  it('reports every problem of a file at once, each with its line and field', async () => {
    const error = await settingsError(
      [
        '- name: api',
        '  http:',
        '    url: ftp://x/',
        '    timeout: 30',
        '- name: svc',
        '  ecs-service: { cluster: prod }',
        '- name: api',
        '  command: { run: ./x.sh, shell: fish }'
      ].join('\n'),
      '.github/checks.yml'
    )
    expect(error.problems.map(problem => [problem.line, problem.field])).toEqual([
      [3, '[0].http.url'],
      [4, '[0].http.timeout'],
      [6, '[1].ecs-service.service'],
      [8, '[2].command.shell']
    ])
    expect(error.problems.every(problem => problem.file === '.github/checks.yml')).toBe(true)
    expect(error.message).toMatch(/^Input 'checks' \(file '\.github\/checks\.yml'\): 4 problems:\n/)
    expect(error.message).toContain(
      '  line 6, [1].ecs-service.service: missing. Give the ECS service'
    )
  })

  it('never shows a password of a URL, nor lets a control character through', async () => {
    const password = await settingsError('- name: a\n  http: { url: "ftp://user:hunter2@host/" }')
    expect(password.message).toBe(
      "Input 'checks' (line 2, field '[0].http.url'): 'ftp://***@host/' uses 'ftp:'; only http and https are supported."
    )
    const control = await settingsError('- name: a\n  http: { url: "https://x/a\\u0085b" }')
    expect(control.problem).toBe(
      'the URL contains U+0085. Give the URL on one line, without control characters.'
    )
  })

  it('names the file of a checks file with a YAML mistake', async () => {
    const error: unknown = await parseChecks('- name: a\n  name: b', {
      subject: { input: 'checks', file: 'checks.yml' }
    }).catch((caught: unknown) => caught)
    expect((error as Error).message).toBe(
      "Input 'checks' (file 'checks.yml', line 2): not valid YAML at column 3: Map keys must be unique."
    )
  })

  it('embeds in another file’s schema: problems are named from that file’s root', async () => {
    const Config = z.strictObject({
      environments: z.record(z.string(), z.strictObject({ checks: ChecksSchema }))
    })
    const text =
      'environments:\n  staging:\n    checks:\n      - name: api\n        http: { url: nope }\n'
    const subject = { file: 'fargate-promote.yml' }
    const positioned = await parsePositionedYaml(text, subject)
    expect(() => checkAgainstSchema(Config, positioned, subject)).toThrow(
      "file 'fargate-promote.yml', line 5, field 'environments.staging.checks[0].http.url': 'nope' is not a valid URL. Write it in full: https://host/path."
    )
  })
})

describe('the JSON Schema of the checks format', () => {
  const jsonSchema = z.toJSONSchema(ChecksSchema, { target: 'draft-07', io: 'input' })
  const validate = new Ajv({ allErrors: true, strict: false }).compile(jsonSchema)

  it('describes each check type as one definition editors complete', () => {
    const check = (jsonSchema.definitions as Record<string, Record<string, unknown>>).Check
    expect(jsonSchema).toMatchObject({
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/Check' }
    })
    expect(check).toMatchObject({ additionalProperties: false, required: ['name'] })
    expect(Object.keys(check?.properties as object)).toEqual(['name', ...CHECK_TYPES])
    expect(CheckSchema.meta()).toMatchObject({ id: 'Check' })
  })

  it('accepts the checks the parser accepts and refuses unknown fields', () => {
    expect(
      validate([
        { name: 'api', http: { url: 'https://x/', 'expect-status': [200, '3xx'], timeout: '2s' } },
        { name: 'svc', 'ecs-service': { cluster: 'c', service: 's' } },
        { name: 'tg', 'target-group': { 'target-group': 'tg', 'min-healthy-percent': 50 } },
        { name: 'al', 'cloudwatch-alarm': { alarms: 'a' } },
        { name: 'q', 'sqs-queue': { queue: 'q', 'max-age': '5m' } },
        { name: 'it', command: { run: 'pytest', env: { TOKEN: 'x' }, shell: 'sh' } }
      ])
    ).toBe(true)
    expect(validate([{ name: 'a', http: { url: 'https://x/', retries: 3 } }])).toBe(false)
    expect(validate([{ name: 'a', command: { run: 'x', shell: 'fish' } }])).toBe(false)
    expect(
      validate([{ name: 'a', command: { run: 'x', env: { FARGATE_PROMOTE_URL: 'y' } } }])
    ).toBe(false)
    expect(validate([])).toBe(false)
  })
})
