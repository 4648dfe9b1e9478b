import { describe, expect, it } from '@jest/globals'
import { isConfigurationError, type ConfigurationError } from '@fargate-promote/common'
import {
  httpShorthand,
  lookupJsonPath,
  parseChecks,
  parseJsonPath,
  secretHeaderValues,
  secretValues
} from '../src/index.js'

const subject = { input: 'checks' }

async function errorOf(text: string): Promise<string> {
  try {
    await parseChecks(text, { subject })
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true)
    return (error as Error).message
  }
  throw new Error('parseChecks accepted the configuration')
}

describe('parseChecks', () => {
  it('reads every check type with defaults and camelCase fields', async () => {
    const checks = await parseChecks(
      `
- name: api
  http:
    url: https://api.example.com/health
- name: api-full
  http:
    url: http://api.example.com:8080/ready
    method: post
    headers: { Authorization: Bearer s3cret, X-Trace: 1 }
    body: { ping: true }
    expect-status: [200, 3xx, 401-403]
    body-contains: ready
    json:
      - path: $.checks.database
        equals: ok
      - path: "$['status']"
        in: [up, degraded]
      - path: $.items[0].version
        matches: ^v\\d+
    max-latency: 500ms
    timeout: 2s
    follow-redirects: false
    allow-cross-host-redirects: true
    insecure-tls: true
- name: svc
  ecs-service: { cluster: prod, service: web }
- name: tg
  target-group: { target-group: web-tg, min-healthy-percent: 50 }
- name: alarms
  cloudwatch-alarm: { alarms: [web-5xx, web-latency], fail-on-insufficient-data: true }
- name: alarm-prefix
  cloudwatch-alarm: { prefix: web- }
- name: orders
  sqs-queue: { queue: orders, max-visible: 100, max-age: 5m, dead-letter-empty: false }
- name: orders-default
  sqs-queue: { queue: https://sqs.eu-west-1.amazonaws.com/123456789012/orders }
`,
      { subject }
    )
    expect(checks).toEqual([
      {
        type: 'http',
        name: 'api',
        url: 'https://api.example.com/health',
        method: 'GET',
        headers: {},
        expectStatus: [{ from: 200, to: 299, text: '2xx' }],
        json: [],
        timeoutMs: 5000,
        followRedirects: true,
        allowCrossHostRedirects: false,
        insecureTls: false
      },
      {
        type: 'http',
        name: 'api-full',
        url: 'http://api.example.com:8080/ready',
        method: 'POST',
        headers: {
          Authorization: 'Bearer s3cret',
          'X-Trace': '1',
          'content-type': 'application/json'
        },
        body: '{"ping":true}',
        expectStatus: [
          { from: 200, to: 200, text: '200' },
          { from: 300, to: 399, text: '3xx' },
          { from: 401, to: 403, text: '401-403' }
        ],
        bodyContains: 'ready',
        json: [
          { path: '$.checks.database', segments: ['checks', 'database'], equals: 'ok' },
          { path: "$['status']", segments: ['status'], in: ['up', 'degraded'] },
          { path: '$.items[0].version', segments: ['items', 0, 'version'], matches: '^v\\d+' }
        ],
        maxLatencyMs: 500,
        timeoutMs: 2000,
        followRedirects: false,
        allowCrossHostRedirects: true,
        insecureTls: true
      },
      { type: 'ecs-service', name: 'svc', cluster: 'prod', service: 'web' },
      { type: 'target-group', name: 'tg', targetGroup: 'web-tg', minHealthyPercent: 50 },
      {
        type: 'cloudwatch-alarm',
        name: 'alarms',
        alarms: ['web-5xx', 'web-latency'],
        failOnInsufficientData: true
      },
      {
        type: 'cloudwatch-alarm',
        name: 'alarm-prefix',
        prefix: 'web-',
        failOnInsufficientData: false
      },
      {
        type: 'sqs-queue',
        name: 'orders',
        queue: 'orders',
        maxVisible: 100,
        maxAgeMs: 300_000,
        deadLetterEmpty: false
      },
      {
        type: 'sqs-queue',
        name: 'orders-default',
        queue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders',
        deadLetterEmpty: true
      }
    ])
  })

  it('defaults min-healthy-percent to 100 and keeps a string body as is', async () => {
    const [tg, http] = await parseChecks(
      `
- name: tg
  target-group: { target-group: 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/abc' }
- name: post
  http: { url: 'https://x.example/', method: PUT, body: 'a=1', expect-status: 204 }
`,
      { subject }
    )
    expect(tg).toMatchObject({ minHealthyPercent: 100 })
    expect(http).toMatchObject({
      method: 'PUT',
      body: 'a=1',
      headers: {},
      expectStatus: [{ from: 204, to: 204 }]
    })
  })

  const HOW = 'Use codes like 200, ranges like 200-299 or classes like 2xx, each within 100-599.'
  const TYPES = 'http, ecs-service, target-group, cloudwatch-alarm, sqs-queue, command'
  // Every problem names the line and the field (from the list's root, as an editor shows it).
  const invalid: [string, string, string][] = [
    [
      'a command with no run allowed',
      '- name: a\n  command: { run: x, attempts: 0 }\n',
      "Input 'checks' (line 2, field '[0].command.attempts'): 0 is not a whole number from 1 to 10."
    ],
    [
      'invalid YAML',
      '- name: a\n  http: {url: x\n',
      "Input 'checks' (line 3): not valid YAML at column 1: Flow map in block collection must be sufficiently indented and end with a }."
    ],
    [
      'a duplicate key',
      '- name: a\n  name: b',
      "Input 'checks' (line 2): not valid YAML at column 3: Map keys must be unique."
    ],
    [
      'tab indentation',
      '- a\n\t- b',
      "Input 'checks' (line 2): not valid YAML at column 1: Tabs are not allowed as indentation."
    ],
    ['empty text', '', "Input 'checks' (line 1): no checks defined. Give a YAML list of checks."],
    [
      'not a list',
      'name: a\nhttp: {url: https://x}',
      "Input 'checks' (line 1): expected a YAML list of checks (each starting with '- name:'), got a mapping."
    ],
    [
      'a scalar',
      'hello',
      "Input 'checks' (line 1): expected a YAML list of checks (each starting with '- name:'), got a single value."
    ],
    [
      'an empty list',
      '[]',
      "Input 'checks' (line 1): the list of checks is empty. Define at least one."
    ],
    [
      'an item that is not a mapping',
      '- just a string',
      `Input 'checks' (line 1, field '[0]'): 'just a string' is not a mapping. Write each check as '- name: …' followed by one type (${TYPES}).`
    ],
    [
      'a check without name',
      '- http: {url: https://x}',
      "Input 'checks' (line 1, field '[0].name'): missing. Give every check a unique name, e.g. '- name: api'."
    ],
    [
      'a duplicate name',
      '- name: a\n  http: {url: https://x}\n- name: b\n  http: {url: https://y}\n- name: a\n  http: {url: https://z}',
      "Input 'checks' (line 5, field '[2].name'): check 'a' is defined twice ([0] and [2]). Check names must be unique."
    ],
    [
      'no type',
      '- name: a',
      `Input 'checks' (line 1, field '[0]'): check 'a' has no type. Give exactly one of: ${TYPES}.`
    ],
    [
      'two types',
      '- name: a\n  http: {url: https://x}\n  ecs-service: {cluster: c, service: s}',
      `Input 'checks' (line 1, field '[0]'): check 'a' has 2 types (http, ecs-service). Give exactly one of: ${TYPES}.`
    ],
    [
      'an unknown type',
      '- name: a\n  htp: {url: https://x}',
      `Input 'checks': 2 problems:
  line 1, [0]: check 'a' has no type. Give exactly one of: ${TYPES}.
  line 2, [0].htp: unknown key 'htp'. Check its spelling against the schema.`
    ],
    [
      'a type without fields',
      '- name: a\n  http: https://x',
      "Input 'checks' (line 2, field '[0].http'): expected a mapping of fields under 'http:', got 'https://x'. Allowed fields: url, method, headers, body, expect-status, body-contains, json, max-latency, timeout, follow-redirects, allow-cross-host-redirects, insecure-tls."
    ],
    [
      'an unknown field',
      '- name: a\n  http: {url: https://x, expect_status: 200}',
      "Input 'checks' (line 2, field '[0].http.expect_status'): unknown key 'expect_status'. Check its spelling against the schema."
    ],
    [
      'an unknown ecs field',
      '- name: s\n  ecs-service: {cluster: c, service: s, region: x}',
      "Input 'checks' (line 2, field '[0].ecs-service.region'): unknown key 'region'. Check its spelling against the schema."
    ],
    [
      'a missing url',
      '- name: a\n  http: {method: GET}',
      "Input 'checks' (line 2, field '[0].http.url'): missing. Give the URL to request."
    ],
    [
      'an invalid URL',
      '- name: a\n  http: {url: not a url}',
      "Input 'checks' (line 2, field '[0].http.url'): 'not a url' is not a valid URL. Write it in full: https://host/path."
    ],
    [
      'a non-http scheme',
      '- name: a\n  http: {url: "ftp://x/y"}',
      "Input 'checks' (line 2, field '[0].http.url'): 'ftp://x/y' uses 'ftp:'; only http and https are supported."
    ],
    [
      'an unknown method',
      '- name: a\n  http: {url: https://x, method: TRACE}',
      "Input 'checks' (line 2, field '[0].http.method'): 'TRACE' is not allowed. Use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS."
    ],
    [
      'a status above 599',
      '- name: a\n  http: {url: https://x, expect-status: [200, 700]}',
      `Input 'checks' (line 2, field '[0].http.expect-status[1]'): '700' is outside 100-599. ${HOW}`
    ],
    [
      'a status below 100',
      '- name: a\n  http: {url: https://x, expect-status: 99}',
      `Input 'checks' (line 2, field '[0].http.expect-status'): '99' is outside 100-599. ${HOW}`
    ],
    [
      'a status class 6xx',
      '- name: a\n  http: {url: https://x, expect-status: 6xx}',
      `Input 'checks' (line 2, field '[0].http.expect-status'): '6xx' is not a status code. ${HOW}`
    ],
    [
      'a reversed range',
      '- name: a\n  http: {url: https://x, expect-status: 299-200}',
      `Input 'checks' (line 2, field '[0].http.expect-status'): '299-200' is an empty range (299 > 200). ${HOW}`
    ],
    [
      'an out-of-range range',
      '- name: a\n  http: {url: https://x, expect-status: 200-650}',
      `Input 'checks' (line 2, field '[0].http.expect-status'): '200-650' is outside 100-599. ${HOW}`
    ],
    [
      'an empty status list',
      '- name: a\n  http: {url: https://x, expect-status: []}',
      "Input 'checks' (line 2, field '[0].http.expect-status'): the list is empty. Leave it out for 2xx."
    ],
    [
      'a status that is a mapping',
      '- name: a\n  http: {url: https://x, expect-status: [{a: 1}]}',
      `Input 'checks' (line 2, field '[0].http.expect-status'): '{"a":1}' is not a status code. ${HOW}`
    ],
    [
      'a bad JSON path',
      '- name: a\n  http: {url: https://x, json: [{path: "$.a[*]", equals: 1}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].path'): '$.a[*]' is not a supported JSON path: unexpected '[*]' at position 3; use .key, ['key'] or [N]."
    ],
    [
      'a JSON path without $',
      '- name: a\n  http: {url: https://x, json: [{path: "a.b"}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].path'): 'a.b' is not a supported JSON path: it must start with '$'."
    ],
    [
      'a JSON assertion without path',
      '- name: a\n  http: {url: https://x, json: [{equals: 1}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].path'): missing. Give a path like $.status."
    ],
    [
      'a JSON assertion field unknown',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, equal: 1}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].equal'): unknown key 'equal'. Check its spelling against the schema."
    ],
    [
      'json not a list',
      '- name: a\n  http: {url: https://x, json: {path: $.a}}',
      "Input 'checks' (line 2, field '[0].http.json'): expected a list of { path, equals | in | matches }."
    ],
    [
      'a JSON assertion not a mapping',
      '- name: a\n  http: {url: https://x, json: [$.a]}',
      "Input 'checks' (line 2, field '[0].http.json[0]'): '$.a' is not a mapping with a 'path'."
    ],
    [
      'in not a list',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, in: up}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].in'): 'up' is not a list."
    ],
    [
      'matches not a string',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, matches: 5}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].matches'): 5 is not a string."
    ],
    [
      'a bad regex',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, matches: "a("}]}',
      "Input 'checks' (line 2, field '[0].http.json[0].matches'): 'a(' is not a valid regular expression (SyntaxError: Invalid regular expression: /a(/: Unterminated group)."
    ],
    [
      'a bare-number timeout',
      '- name: a\n  http: {url: https://x, timeout: 30}',
      "Input 'checks' (line 2, field '[0].http.timeout'): '30' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    ],
    [
      'a bad max-latency',
      '- name: a\n  http: {url: https://x, max-latency: fast}',
      "Input 'checks' (line 2, field '[0].http.max-latency'): 'fast' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    ],
    [
      'a zero timeout',
      '- name: a\n  http: {url: https://x, timeout: 0s}',
      "Input 'checks' (line 2, field '[0].http.timeout'): '0s' must be longer than zero."
    ],
    [
      'a bad max-age',
      '- name: q\n  sqs-queue: {queue: q, max-age: soon}',
      "Input 'checks' (line 2, field '[0].sqs-queue.max-age'): 'soon' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    ],
    [
      'a non-boolean',
      '- name: a\n  http: {url: https://x, insecure-tls: "yes"}',
      "Input 'checks' (line 2, field '[0].http.insecure-tls'): 'yes' is not true or false."
    ],
    [
      'headers not a mapping',
      '- name: a\n  http: {url: https://x, headers: [a]}',
      "Input 'checks' (line 2, field '[0].http.headers'): expected a mapping of header name to value."
    ],
    [
      'a bad header name',
      '- name: a\n  http: {url: https://x, headers: {"a b": c}}',
      "Input 'checks' (line 2, field '[0].http.headers.a b'): 'a b' is not a valid header name."
    ],
    [
      'a header value that is a list',
      '- name: a\n  http: {url: https://x, headers: {X-Key: [s3cret]}}',
      "Input 'checks' (line 2, field '[0].http.headers.X-Key'): the value of 'X-Key' must be a string."
    ],
    [
      'an empty url',
      '- name: a\n  http: {url: ""}',
      "Input 'checks' (line 2, field '[0].http.url'): '' is not a non-empty string."
    ],
    [
      'a missing cluster',
      '- name: s\n  ecs-service: {service: web}',
      "Input 'checks' (line 2, field '[0].ecs-service.cluster'): missing. Give the ECS cluster name or ARN."
    ],
    [
      'a percent above 100',
      '- name: t\n  target-group: {target-group: x, min-healthy-percent: 150}',
      "Input 'checks' (line 2, field '[0].target-group.min-healthy-percent'): 150 is not a number from 0 to 100."
    ],
    [
      'a negative max-visible',
      '- name: q\n  sqs-queue: {queue: q, max-visible: -1}',
      "Input 'checks' (line 2, field '[0].sqs-queue.max-visible'): -1 is not a whole number ≥ 0."
    ],
    [
      'alarms and prefix',
      '- name: al\n  cloudwatch-alarm: {alarms: [a], prefix: b}',
      "Input 'checks' (line 2, field '[0].cloudwatch-alarm.alarms'): give either 'alarms' (a list of names) or 'prefix', not both or none."
    ],
    [
      'neither alarms nor prefix',
      '- name: al\n  cloudwatch-alarm: {fail-on-insufficient-data: true}',
      "Input 'checks' (line 2, field '[0].cloudwatch-alarm.alarms'): give either 'alarms' (a list of names) or 'prefix', not both or none."
    ],
    [
      'an empty alarm list',
      '- name: al\n  cloudwatch-alarm: {alarms: []}',
      "Input 'checks' (line 2, field '[0].cloudwatch-alarm.alarms'): the list is empty. Name at least one alarm."
    ],
    [
      'an alarm name that is not a string',
      '- name: al\n  cloudwatch-alarm: {alarms: [{a: 1}]}',
      "Input 'checks' (line 2, field '[0].cloudwatch-alarm.alarms'): {\"a\":1} is not an alarm name."
    ]
  ]

  it.each(invalid)('refuses %s', async (_what, text, expected) => {
    expect(await errorOf(text)).toBe(expected)
  })

  it('never quotes a header value back in an error', async () => {
    const message = await errorOf(
      '- name: a\n  http: {url: https://x, headers: {X-Key: [hunter2]}}'
    )
    expect(message).not.toContain('hunter2')
  })

  it('names the setting and the file in messages, as a subject a front end can relabel', async () => {
    const place = { input: 'checks', file: '.github/health.yml' }
    let caught: unknown
    try {
      await parseChecks('- name: a', { subject: place })
    } catch (error) {
      caught = error
    }
    expect(isConfigurationError(caught)).toBe(true)
    const error = caught as ConfigurationError
    expect(error.message).toBe(
      "Input 'checks' (file '.github/health.yml', line 1, field '[0]'): check 'a' has no type. Give exactly one of: http, ecs-service, target-group, cloudwatch-alarm, sqs-queue, command."
    )
    expect(error.subject).toEqual({ ...place, line: 1, field: '[0]' })
    expect(error.describe(input => `--${input}`)).toBe(
      "--checks (file '.github/health.yml', line 1, field '[0]'): check 'a' has no type. Give exactly one of: http, ecs-service, target-group, cloudwatch-alarm, sqs-queue, command."
    )
  })
})

describe('command checks', () => {
  it('reads a command check with its defaults', async () => {
    const checks = await parseChecks(
      `
- name: integration
  command:
    run: pytest tests/integration -q
    timeout: 15m
    shell: sh
    env: { BASE_PATH: /api, RETRIES: 3, VERBOSE: true }
    working-directory: services/api
    attempts: 3
- name: smoke
  command: { run: "npm run smoke" }
`,
      { subject }
    )
    expect(checks).toEqual([
      {
        type: 'command',
        name: 'integration',
        run: 'pytest tests/integration -q',
        shell: 'sh',
        env: { BASE_PATH: '/api', RETRIES: '3', VERBOSE: 'true' },
        workingDirectory: 'services/api',
        timeoutMs: 900_000,
        attempts: 3
      },
      {
        type: 'command',
        name: 'smoke',
        run: 'npm run smoke',
        shell: 'bash',
        env: {},
        timeoutMs: 600_000,
        attempts: 1
      }
    ])
  })

  it.each([
    ['a missing run', '{ shell: bash }', 'run', 'missing. Give the command to run.'],
    ['an empty run', '{ run: "  " }', 'run', "'  ' is not a non-empty string."],
    [
      'an unknown shell',
      '{ run: x, shell: fish }',
      'shell',
      "'fish' is not supported. Use one of bash, sh."
    ],
    [
      'a bare-number timeout',
      '{ run: x, timeout: 600 }',
      'timeout',
      "'600' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    ],
    [
      'env not a mapping',
      '{ run: x, env: [A] }',
      'env',
      'expected a mapping of variable name to value.'
    ],
    [
      'a bad env name',
      '{ run: x, env: { "A-B": 1 } }',
      'env.A-B',
      "'A-B' is not a valid variable name."
    ],
    [
      'an env name the run sets',
      '{ run: x, env: { FARGATE_PROMOTE_URL: y } }',
      'env.FARGATE_PROMOTE_URL',
      "'FARGATE_PROMOTE_URL' is set by the run itself; choose another name."
    ],
    [
      'a list as env value',
      '{ run: x, env: { TOKEN: [s3cret] } }',
      'env.TOKEN',
      "the value of 'TOKEN' must be a string."
    ],
    [
      'an absolute working directory',
      '{ run: x, working-directory: /etc }',
      'working-directory',
      "'/etc' is not a path inside the workspace."
    ],
    [
      'a working directory outside the workspace',
      '{ run: x, working-directory: a/../../b }',
      'working-directory',
      "'a/../../b' is not a path inside the workspace."
    ],
    [
      'an unknown field',
      '{ run: x, cwd: a }',
      'cwd',
      "unknown key 'cwd'. Check its spelling against the schema."
    ]
  ])('refuses %s', async (_what, fields, field, problem) => {
    const message = await errorOf(`- name: c\n  command: ${fields}`)
    expect(message).toBe(`Input 'checks' (line 2, field '[0].command.${field}'): ${problem}`)
  })

  it('masks the values of secret-looking env names, and only those', async () => {
    const checks = await parseChecks(
      `
- name: c
  command:
    run: ./smoke.sh
    env: { API_TOKEN: t1, DB_PASSWORD: p2, REGION: eu-west-1, AUTHOR: me, EMPTY_SECRET: "" }
`,
      { subject }
    )
    expect(secretValues(checks)).toEqual(['t1', 'p2'])
  })
})

describe('httpShorthand', () => {
  it('builds an http check from a url input', () => {
    expect(
      httpShorthand({
        url: 'https://app.example.com/health',
        expectStatus: '200, 301-302',
        bodyContains: 'ok'
      })
    ).toMatchObject({
      type: 'http',
      name: 'http',
      method: 'GET',
      expectStatus: [
        { from: 200, to: 200 },
        { from: 301, to: 302 }
      ],
      bodyContains: 'ok',
      timeoutMs: 5000
    })
    const plain = httpShorthand({
      url: 'http://x/',
      expectStatus: ' ',
      bodyContains: ''
    })
    expect(plain.expectStatus).toEqual([{ from: 200, to: 299, text: '2xx' }])
    expect(plain.bodyContains).toBeUndefined()
  })

  it('names the input each value came from in errors', () => {
    expect(() => httpShorthand({ url: 'file:///etc/passwd' })).toThrow(
      "Input 'url': 'file:///etc/passwd' uses 'file:'"
    )
    expect(() => httpShorthand({ url: 'https://x', expectStatus: '200,abc' })).toThrow(
      "Input 'expect-status': 'abc' is not a status code"
    )
    expect(() => httpShorthand({ url: ' ' })).toThrow("Input 'url': ' ' is not a non-empty string.")
    expect(() => httpShorthand({ url: 'https://x', bodyContains: '  ' })).toThrow(
      "Input 'body-contains': '  ' is not a non-empty string."
    )
  })
})

describe('secretValues', () => {
  it('gathers header values, URL passwords and secret-named command env values, once', async () => {
    const checks = await parseChecks(
      `
- name: a
  http: { url: 'https://user:p%40ss@a.example/', headers: { X-Api-Key: k1 } }
- name: b
  http: { url: 'https://b.example/', headers: { X-Api-Key: k1 } }
- name: c
  command: { run: ./smoke.sh, env: { API_TOKEN: k1, DB_PASSWORD: pw, REGION: eu } }
`,
      { subject }
    )
    expect(secretValues(checks)).toEqual(['k1', 'p@ss', 'pw'])
  })
})

describe('secretHeaderValues', () => {
  it('returns every header value of every http check, once', async () => {
    const checks = await parseChecks(
      `
- name: a
  http: { url: https://a, headers: { Authorization: Bearer t1, X-Api-Key: k2 } }
- name: b
  http: { url: https://b, headers: { X-Api-Key: k2, X-Empty: '' } }
- name: s
  ecs-service: { cluster: c, service: s }
`,
      { subject }
    )
    expect(secretHeaderValues(checks)).toEqual(['Bearer t1', 'k2'])
  })
})

describe('JSON path subset', () => {
  it.each([
    ['$', []],
    ['$.a.b', ['a', 'b']],
    ["$['a b'].c", ['a b', 'c']],
    ['$["x"][2]', ['x', 2]],
    ["$['it\\'s']", ["it's"]],
    ['$.items[10].id', ['items', 10, 'id']]
  ])('parses %s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments)
  })

  it.each(['a', '$..a', '$.a[*]', '$[-1]', '$.', "$['unterminated"])('refuses %s', path => {
    expect(typeof parseJsonPath(path)).toBe('string')
  })

  it('looks values up and names the first missing part', () => {
    const doc = { a: { list: [{ id: 7 }] }, n: null }
    expect(lookupJsonPath(doc, ['a', 'list', 0, 'id'])).toEqual({ found: true, value: 7 })
    expect(lookupJsonPath(doc, ['n'])).toEqual({ found: true, value: null })
    expect(lookupJsonPath(doc, ['a', 'list', 3])).toEqual({ found: false, missing: '$.a.list[3]' })
    expect(lookupJsonPath(doc, ['a', 'nope', 'x'])).toEqual({ found: false, missing: '$.a.nope' })
    expect(lookupJsonPath(doc, ['a', 'list', 'id'])).toEqual({
      found: false,
      missing: '$.a.list.id'
    })
    expect(lookupJsonPath([1], [0])).toEqual({ found: true, value: 1 })
    expect(lookupJsonPath({ a: 1 }, [0])).toEqual({ found: false, missing: '$[0]' })
  })
})
