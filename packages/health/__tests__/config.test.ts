import { describe, expect, it } from '@jest/globals'
import * as YAML from 'yaml'
import { isConfigurationError, type ConfigurationError } from '@fargate-promote/common'
import {
  httpShorthand,
  lookupJsonPath,
  parseChecksWith,
  parseJsonPath,
  secretHeaderValues,
  secretValues
} from '../src/index.js'

const subject = { input: 'checks' }

function errorOf(text: string): string {
  try {
    parseChecksWith(YAML, text, { subject })
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true)
    return (error as Error).message
  }
  throw new Error('parseChecks accepted the configuration')
}

describe('parseChecks', () => {
  it('reads every check type with defaults and camelCase fields', () => {
    const checks = parseChecksWith(
      YAML,
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

  it('defaults min-healthy-percent to 100 and keeps a string body as is', () => {
    const [tg, http] = parseChecksWith(
      YAML,
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

  const invalid: [string, string, string[]][] = [
    [
      'invalid YAML',
      '- name: a\n  http: {url: x\n',
      ["Input 'checks': invalid YAML at line 3, column 1: Flow map in block collection"]
    ],
    [
      'a duplicate key',
      '- name: a\n  name: b',
      ['invalid YAML at line 2, column 3: Map keys must be unique']
    ],
    ['tab indentation', '- a\n\t- b', ['invalid YAML at line 2, column 1: Tabs are not allowed']],
    ['empty text', '', ['no checks defined']],
    [
      'not a list',
      'name: a\nhttp: {url: https://x}',
      ['expected a YAML list of checks', 'a mapping']
    ],
    ['a scalar', 'hello', ['got a single value']],
    ['an empty list', '[]', ['the list of checks is empty']],
    [
      'an item that is not a mapping',
      '- just a string',
      ["check #1 is 'just a string', not a mapping"]
    ],
    ['a check without name', '- http: {url: https://x}', ["check #1 has no 'name'"]],
    [
      'a duplicate name',
      '- name: a\n  http: {url: https://x}\n- name: b\n  http: {url: https://y}\n- name: a\n  http: {url: https://z}',
      ["check 'a' is defined twice (#1 and #3)"]
    ],
    [
      'no type',
      '- name: a',
      ["check 'a' has no type", 'http, ecs-service, target-group, cloudwatch-alarm, sqs-queue']
    ],
    [
      'two types',
      '- name: a\n  http: {url: https://x}\n  ecs-service: {cluster: c, service: s}',
      ["check 'a' has 2 types (http, ecs-service)", 'exactly one of']
    ],
    [
      'an unknown type',
      '- name: a\n  htp: {url: https://x}',
      ["check 'a': unknown type 'htp'", 'Allowed types: http, ecs-service']
    ],
    [
      'a type without fields',
      '- name: a\n  http: https://x',
      ["check 'a' (http): expected a mapping of fields", 'Allowed fields: url']
    ],
    [
      'an unknown field',
      '- name: a\n  http: {url: https://x, expect_status: 200}',
      ["check 'a' (http): unknown field 'expect_status'", 'Allowed fields: url, method, headers']
    ],
    [
      'an unknown ecs field',
      '- name: s\n  ecs-service: {cluster: c, service: s, region: x}',
      ["unknown field 'region'", 'Allowed fields: cluster, service']
    ],
    [
      'a missing url',
      '- name: a\n  http: {method: GET}',
      ["check 'a' (http) field 'url': missing"]
    ],
    [
      'an invalid URL',
      '- name: a\n  http: {url: not a url}',
      ["field 'url': 'not a url' is not a valid URL"]
    ],
    [
      'a non-http scheme',
      '- name: a\n  http: {url: "ftp://x/y"}',
      ["field 'url': 'ftp://x/y' uses 'ftp:'", 'only http and https']
    ],
    [
      'an unknown method',
      '- name: a\n  http: {url: https://x, method: TRACE}',
      ["field 'method': 'TRACE' is not allowed", 'GET, HEAD, POST']
    ],
    [
      'a status above 599',
      '- name: a\n  http: {url: https://x, expect-status: [200, 700]}',
      ["field 'expect-status': '700' is outside 100-599"]
    ],
    [
      'a status below 100',
      '- name: a\n  http: {url: https://x, expect-status: 99}',
      ["'99' is outside 100-599"]
    ],
    [
      'a status class 6xx',
      '- name: a\n  http: {url: https://x, expect-status: 6xx}',
      ["'6xx' is not a status code"]
    ],
    [
      'a reversed range',
      '- name: a\n  http: {url: https://x, expect-status: 299-200}',
      ["'299-200' is an empty range"]
    ],
    [
      'an out-of-range range',
      '- name: a\n  http: {url: https://x, expect-status: 200-650}',
      ["'200-650' is outside 100-599"]
    ],
    [
      'an empty status list',
      '- name: a\n  http: {url: https://x, expect-status: []}',
      ["field 'expect-status': the list is empty"]
    ],
    [
      'a status that is a mapping',
      '- name: a\n  http: {url: https://x, expect-status: [{a: 1}]}',
      ['\'{"a":1}\' is not a status code']
    ],
    [
      'a bad JSON path',
      '- name: a\n  http: {url: https://x, json: [{path: "$.a[*]", equals: 1}]}',
      ["field 'json[0].path': '$.a[*]' is not a supported JSON path"]
    ],
    [
      'a JSON path without $',
      '- name: a\n  http: {url: https://x, json: [{path: "a.b"}]}',
      ["must start with '$'"]
    ],
    [
      'a JSON assertion without path',
      '- name: a\n  http: {url: https://x, json: [{equals: 1}]}',
      ["field 'json[0].path': missing"]
    ],
    [
      'a JSON assertion field unknown',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, equal: 1}]}',
      ["field 'json[0]': unknown field 'equal'", 'path, equals, in, matches']
    ],
    [
      'json not a list',
      '- name: a\n  http: {url: https://x, json: {path: $.a}}',
      ["field 'json': expected a list"]
    ],
    [
      'a JSON assertion not a mapping',
      '- name: a\n  http: {url: https://x, json: [$.a]}',
      ["field 'json[0]': '$.a' is not a mapping"]
    ],
    [
      'in not a list',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, in: up}]}',
      ["field 'json[0].in': 'up' is not a list"]
    ],
    [
      'matches not a string',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, matches: 5}]}',
      ["field 'json[0].matches': 5 is not a string"]
    ],
    [
      'a bad regex',
      '- name: a\n  http: {url: https://x, json: [{path: $.a, matches: "a("}]}',
      ["field 'json[0].matches': 'a(' is not a valid regular expression"]
    ],
    [
      'a bare-number timeout',
      '- name: a\n  http: {url: https://x, timeout: 30}',
      ["check 'a' (http) field 'timeout': '30' is not a duration", '500ms, 90s']
    ],
    [
      'a bad max-latency',
      '- name: a\n  http: {url: https://x, max-latency: fast}',
      ["field 'max-latency': 'fast' is not a duration"]
    ],
    [
      'a zero timeout',
      '- name: a\n  http: {url: https://x, timeout: 0s}',
      ["field 'timeout': '0s' must be longer than zero"]
    ],
    [
      'a bad max-age',
      '- name: q\n  sqs-queue: {queue: q, max-age: soon}',
      ["check 'q' (sqs-queue) field 'max-age': 'soon' is not a duration"]
    ],
    [
      'a non-boolean',
      '- name: a\n  http: {url: https://x, insecure-tls: "yes"}',
      ["field 'insecure-tls': 'yes' is not true or false"]
    ],
    [
      'headers not a mapping',
      '- name: a\n  http: {url: https://x, headers: [a]}',
      ["field 'headers': expected a mapping"]
    ],
    [
      'a bad header name',
      '- name: a\n  http: {url: https://x, headers: {"a b": c}}',
      ["field 'headers': 'a b' is not a valid header name"]
    ],
    [
      'a header value that is a list',
      '- name: a\n  http: {url: https://x, headers: {X-Key: [s3cret]}}',
      ["field 'headers': the value of 'X-Key' must be a string"]
    ],
    ['an empty url', '- name: a\n  http: {url: ""}', ["field 'url': '' is not a non-empty string"]],
    [
      'a missing cluster',
      '- name: s\n  ecs-service: {service: web}',
      ["check 's' (ecs-service) field 'cluster': missing. Give the ECS cluster"]
    ],
    [
      'a percent above 100',
      '- name: t\n  target-group: {target-group: x, min-healthy-percent: 150}',
      ["field 'min-healthy-percent': 150 is not a number from 0 to 100"]
    ],
    [
      'a negative max-visible',
      '- name: q\n  sqs-queue: {queue: q, max-visible: -1}',
      ["field 'max-visible': -1 is not a whole number ≥ 0"]
    ],
    [
      'alarms and prefix',
      '- name: al\n  cloudwatch-alarm: {alarms: [a], prefix: b}',
      ["field 'alarms': give either 'alarms'"]
    ],
    [
      'neither alarms nor prefix',
      '- name: al\n  cloudwatch-alarm: {fail-on-insufficient-data: true}',
      ["give either 'alarms' (a list of names) or 'prefix'"]
    ],
    [
      'an empty alarm list',
      '- name: al\n  cloudwatch-alarm: {alarms: []}',
      ["field 'alarms': the list is empty"]
    ],
    [
      'an alarm name that is not a string',
      '- name: al\n  cloudwatch-alarm: {alarms: [{a: 1}]}',
      ['\'alarms\': {"a":1} is not an alarm name']
    ]
  ]

  it.each(invalid)('refuses %s', (_what, text, expected) => {
    const message = errorOf(text)
    for (const part of expected) expect(message).toContain(part)
  })

  it('never quotes a header value back in an error', () => {
    const message = errorOf('- name: a\n  http: {url: https://x, headers: {X-Key: [hunter2]}}')
    expect(message).not.toContain('hunter2')
  })

  it('names the setting and the file in messages, as a subject a front end can relabel', () => {
    const place = { input: 'checks', file: '.github/health.yml' }
    let caught: unknown
    try {
      parseChecksWith(YAML, '- name: a', { subject: place })
    } catch (error) {
      caught = error
    }
    expect(isConfigurationError(caught)).toBe(true)
    const error = caught as ConfigurationError
    expect(error.message).toBe(
      "Input 'checks' (file '.github/health.yml'): check 'a' has no type. Give exactly one of: http, ecs-service, target-group, cloudwatch-alarm, sqs-queue, command."
    )
    expect(error.subject).toEqual(place)
    expect(error.describe(input => `--${input}`)).toBe(
      "--checks (file '.github/health.yml'): check 'a' has no type. Give exactly one of: http, ecs-service, target-group, cloudwatch-alarm, sqs-queue, command."
    )
  })
})

describe('command checks', () => {
  it('reads a command check with its defaults', () => {
    const checks = parseChecksWith(
      YAML,
      `
- name: integration
  command:
    run: pytest tests/integration -q
    timeout: 15m
    shell: sh
    env: { BASE_PATH: /api, RETRIES: 3, VERBOSE: true }
    working-directory: services/api
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
        timeoutMs: 900_000
      },
      {
        type: 'command',
        name: 'smoke',
        run: 'npm run smoke',
        shell: 'bash',
        env: {},
        timeoutMs: 600_000
      }
    ])
  })

  it.each([
    ['a missing run', '{ shell: bash }', "field 'run': missing. Give the command to run"],
    ['an empty run', '{ run: "  " }', "field 'run': '  ' is not a non-empty string"],
    ['an unknown shell', '{ run: x, shell: fish }', "field 'shell': 'fish' is not supported"],
    [
      'a bare-number timeout',
      '{ run: x, timeout: 600 }',
      "field 'timeout': '600' is not a duration"
    ],
    ['env not a mapping', '{ run: x, env: [A] }', "field 'env': expected a mapping"],
    [
      'a bad env name',
      '{ run: x, env: { "A-B": 1 } }',
      "field 'env': 'A-B' is not a valid variable name"
    ],
    [
      'an env name the run sets',
      '{ run: x, env: { FARGATE_PROMOTE_URL: y } }',
      "'FARGATE_PROMOTE_URL' is set by the run itself"
    ],
    [
      'a list as env value',
      '{ run: x, env: { TOKEN: [s3cret] } }',
      "the value of 'TOKEN' must be a string"
    ],
    [
      'an absolute working directory',
      '{ run: x, working-directory: /etc }',
      "field 'working-directory': '/etc' is not a path inside the workspace"
    ],
    [
      'a working directory outside the workspace',
      '{ run: x, working-directory: a/../../b }',
      "'a/../../b' is not a path inside the workspace"
    ],
    ['an unknown field', '{ run: x, cwd: a }', "unknown field 'cwd'"]
  ])('refuses %s', (_what, fields, expected) => {
    const message = errorOf(`- name: c\n  command: ${fields}`)
    expect(message).toContain(expected)
    expect(message).not.toContain('s3cret')
  })

  it('masks the values of secret-looking env names, and only those', () => {
    const checks = parseChecksWith(
      YAML,
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
  })
})

describe('secretHeaderValues', () => {
  it('returns every header value of every http check, once', () => {
    const checks = parseChecksWith(
      YAML,
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
