import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigurationError, InputReader, recordSource } from '../src/index.js'
import { useTempDir } from '../../../test/support/temp-dir.js'

/** The settings of one test, read through an InputReader as any front end reads them. */
let values: Record<string, string> = {}
beforeEach(() => {
  values = {}
})
const inputs = () => new InputReader(recordSource(values))
function setInput(name: string, value: string): void {
  values[name] = value
}

function configurationError(fn: () => unknown): ConfigurationError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return error as ConfigurationError
  }
  throw new Error('expected a ConfigurationError')
}

async function rejection(fn: () => Promise<unknown>): Promise<ConfigurationError> {
  try {
    await fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return error as ConfigurationError
  }
  throw new Error('expected a ConfigurationError')
}

describe('string settings', () => {
  it('trims, and treats empty or blank as not given', () => {
    setInput('cluster', '  prod  ')
    expect(inputs().required('cluster', 'the cluster')).toBe('prod')
    for (const value of ['', '   ']) {
      setInput('service', value)
      expect(inputs().optional('service')).toBeUndefined()
      expect(
        configurationError(() => inputs().required('service', 'the ECS service')).message
      ).toBe("Input 'service': not given. Give the ECS service.")
    }
  })
})

describe('boolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['  true ', true]
  ])('reads %p as %p', (text, expected) => {
    setInput('wait', text)
    expect(inputs().boolean('wait', !expected)).toBe(expected)
  })

  it.each([true, false])('gives the default %p when empty or unset', defaultValue => {
    expect(inputs().boolean('wait', defaultValue)).toBe(defaultValue)
    setInput('wait', '')
    expect(inputs().boolean('wait', defaultValue)).toBe(defaultValue)
  })

  it.each(['yes', '1', 'on', 'no', '0', 'off', 'tRue', 'truthy'])('refuses %p', text => {
    setInput('wait', text)
    expect(configurationError(() => inputs().boolean('wait', true)).message).toBe(
      `Input 'wait': '${text}' is not true or false.`
    )
  })
})

describe('integer', () => {
  const range = { min: 0, max: 1000 }

  it.each([
    ['0', 0],
    ['3', 3],
    ['007', 7],
    ['1000', 1000],
    ['-0', 0]
  ])('reads %p as %p', (text, expected) => {
    setInput('desired-count', text)
    expect(Object.is(inputs().integer('desired-count', range), expected)).toBe(true)
  })

  it('reads negative numbers when the range allows them', () => {
    setInput('offset', '-5')
    expect(inputs().integer('offset', { min: -10, max: 10 })).toBe(-5)
  })

  it.each([
    '3x',
    '30s',
    '1.5',
    '1e3',
    '0x10',
    '+5',
    '- 1',
    '1 000',
    'NaN',
    'Infinity',
    '1001',
    '-1'
  ])('refuses %p with the range in the message', text => {
    setInput('desired-count', text)
    expect(configurationError(() => inputs().integer('desired-count', range)).message).toBe(
      `Input 'desired-count': '${text}' is not a whole number from 0 to 1000.`
    )
  })

  it('gives the default when empty and requires the input without one', () => {
    expect(inputs().integer('desired-count', { ...range, defaultValue: 2 })).toBe(2)
    expect(configurationError(() => inputs().integer('desired-count', range)).message).toBe(
      "Input 'desired-count': not given. Give a whole number from 0 to 1000."
    )
  })

  it('refuses digits beyond the safe range', () => {
    setInput('n', '99999999999999999999')
    expect(() => inputs().integer('n', { min: 0, max: Number.MAX_SAFE_INTEGER })).toThrow(
      ConfigurationError
    )
  })
})

describe('duration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000]
  ])('reads %p as %p ms', (text, ms) => {
    setInput('timeout', text)
    expect(inputs().duration('timeout')).toBe(ms)
  })

  it.each(['30x', '30', 'ten minutes', '-5m', '1.5'])(
    'refuses %p naming the accepted forms',
    text => {
      setInput('timeout', text)
      expect(configurationError(() => inputs().duration('timeout')).message).toBe(
        `Input 'timeout': '${text}' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`
      )
    }
  )

  it('uses the default text when empty and requires the input without one', () => {
    expect(inputs().duration('timeout', { defaultValue: '15m' })).toBe(900_000)
    expect(configurationError(() => inputs().duration('timeout')).message).toBe(
      "Input 'timeout': not given. Give a duration such as 90s, 10m or 1h30m."
    )
  })

  it.each([
    ['5s', { min: 10_000, max: 3_600_000 }, 'a duration from 10s to 1h'],
    ['2h', { min: 10_000, max: 3_600_000 }, 'a duration from 10s to 1h'],
    ['5s', { min: 10_000 }, 'a duration of at least 10s'],
    ['1h1m', { max: 3_600_000 }, 'a duration of at most 1h']
  ])('refuses %p outside %p, saying %p', (text, limits, expected) => {
    setInput('timeout', text)
    expect(configurationError(() => inputs().duration('timeout', limits)).message).toBe(
      `Input 'timeout': '${text}' is not ${expected}.`
    )
  })

  it('accepts the range bounds themselves', () => {
    setInput('timeout', '1h')
    expect(inputs().duration('timeout', { min: 10_000, max: 3_600_000 })).toBe(3_600_000)
  })
})

describe('choice', () => {
  const strategies = ['rolling', 'blue-green'] as const

  it('returns the exact choice', () => {
    setInput('strategy', 'blue-green')
    const strategy: 'rolling' | 'blue-green' = inputs().choice('strategy', strategies, 'rolling')
    expect(strategy).toBe('blue-green')
  })

  it('gives the default when empty', () => {
    expect(inputs().choice('strategy', strategies, 'rolling')).toBe('rolling')
  })

  it.each(['canary', 'Rolling', 'ROLLING'])('refuses %p listing the allowed values', text => {
    setInput('strategy', text)
    expect(
      configurationError(() => inputs().choice('strategy', strategies, 'rolling')).message
    ).toBe(`Input 'strategy': '${text}' is not one of 'rolling', 'blue-green'.`)
  })

  it('requires a value when there is no default', () => {
    expect(configurationError(() => inputs().choice('strategy', strategies)).message).toBe(
      "Input 'strategy': not given. Give one of 'rolling', 'blue-green'."
    )
  })
})

describe('list', () => {
  it('keeps one trimmed item per line, dropping blank lines and comments', () => {
    setInput('urls', '\n  https://a.example/health \n\n# staging only\n  #also a comment\nb\r\nc  ')
    expect(inputs().list('urls')).toEqual(['https://a.example/health', 'b', 'c'])
  })

  it('is empty when the input is empty', () => {
    expect(inputs().list('urls')).toEqual([])
  })

  it('numbers each item by its line as written (lines), for an error about one', () => {
    setInput('urls', '\n  a \n\n# comment\r\nb')
    expect(inputs().lines('urls')).toEqual([
      { text: 'a', line: 2 },
      { text: 'b', line: 5 }
    ])
  })
})

describe('keyValues', () => {
  it('splits on the first =, keeps empty values and = in values, skips comments', () => {
    setInput(
      'environment',
      '# app\nLOG_LEVEL=debug\nEMPTY=\n  QUERY = a=b=c  \n\nURL=http://x/?q=1'
    )
    expect([...inputs().keyValues('environment')]).toEqual([
      ['LOG_LEVEL', 'debug'],
      ['EMPTY', ''],
      ['QUERY', 'a=b=c'],
      ['URL', 'http://x/?q=1']
    ])
  })

  it('is an empty map when the input is empty', () => {
    expect(inputs().keyValues('environment').size).toBe(0)
  })

  it.each([
    ['A=1\nnovalue', "Input 'environment' (line 2): 'novalue' is not key=value (one per line)."],
    [
      '=1',
      "Input 'environment' (line 1): '=1' has an empty key before '='; write key=value (one per line)."
    ],
    [
      '  = x',
      "Input 'environment' (line 1): '= x' has an empty key before '='; write key=value (one per line)."
    ],
    [
      'A=1\n\nB=2\nA=3',
      "Input 'environment' (line 4): 'A=3': key 'A' is already set on line 1. Set each key once."
    ],
    [
      'DB_PASSWORD=hunter2\nDB_PASSWORD=hunter3',
      "Input 'environment' (line 2): 'DB_PASSWORD=***': key 'DB_PASSWORD' is already set on line 1. Set each key once."
    ]
  ])('refuses %p', (text, message) => {
    setInput('environment', text)
    expect(configurationError(() => inputs().keyValues('environment')).message).toBe(message)
  })

  it('counts lines from the untrimmed input so numbers match what was written', () => {
    setInput('environment', '\n\nA=1\nbroken')
    expect(configurationError(() => inputs().keyValues('environment')).message).toContain(
      '(line 4)'
    )
  })

  it('checks keys against the pattern, with the description or the pattern in the message', () => {
    setInput('environment', 'GOOD=1\nbad-key=2')
    const keyPattern = /^[A-Z_][A-Z0-9_]*$/
    expect(
      configurationError(() =>
        inputs().keyValues('environment', {
          keyPattern,
          keyDescription: 'an upper-case environment variable name'
        })
      ).message
    ).toBe(
      "Input 'environment' (line 2): 'bad-key=2': key 'bad-key' is not an upper-case environment variable name."
    )
    expect(
      configurationError(() => inputs().keyValues('environment', { keyPattern })).message
    ).toBe(
      "Input 'environment' (line 2): 'bad-key=2': key 'bad-key' is not a key matching /^[A-Z_][A-Z0-9_]*$/."
    )
  })

  it('is not fooled by a global pattern keeping state between keys', () => {
    setInput('environment', 'A=1\nB=2\nC=3')
    expect(inputs().keyValues('environment', { keyPattern: /^[A-Z]$/g }).size).toBe(3)
  })

  it('shortens very long lines in messages', () => {
    setInput('environment', 'x'.repeat(500))
    const message = configurationError(() => inputs().keyValues('environment')).message
    expect(message).toContain(`'${'x'.repeat(200)}…'`)
    expect(message.length).toBeLessThan(300)
  })
})

describe('structuredFile and file', () => {
  const dir = useTempDir()
  const roots = () => ({ workspace: dir() })

  it.each([
    ['config.json', '{"replicas": 2, "tags": ["a"]}'],
    ['config.yaml', 'replicas: 2\ntags:\n  - a\n'],
    ['config.YML', 'replicas: 2\ntags: [a]\n']
  ])('parses %s relative to the workspace', async (name, text) => {
    writeFileSync(join(dir(), name), text)
    setInput('config', name)
    expect(await inputs().structuredFile('config', roots())).toEqual({
      path: name,
      value: { replicas: 2, tags: ['a'] }
    })
  })

  it('is undefined when not given', async () => {
    expect(await inputs().structuredFile('config', roots())).toBeUndefined()
    expect(inputs().file('config', roots())).toBeUndefined()
  })

  it('names the path and the OS reason when the file cannot be read', async () => {
    setInput('config', 'missing.yml')
    expect((await rejection(() => inputs().structuredFile('config', roots()))).message).toBe(
      "Input 'config': cannot read 'missing.yml': ENOENT: no such file or directory. Give a path relative to the workspace that exists."
    )
  })

  it('refuses other extensions before reading', async () => {
    setInput('config', 'config.toml')
    expect((await rejection(() => inputs().structuredFile('config', roots()))).message).toBe(
      "Input 'config': 'config.toml' must be a .json, .yaml or .yml file; the extension decides how it is read."
    )
  })

  it('gives line and column of invalid JSON and YAML, naming the input', async () => {
    writeFileSync(join(dir(), 'bad.json'), '{\n  "a": 1,\n  "b": }\n')
    writeFileSync(join(dir(), 'bad.yaml'), 'a: 1\na: 2\n')
    setInput('config', 'bad.json')
    expect((await rejection(() => inputs().structuredFile('config', roots()))).message).toBe(
      "Input 'config': 'bad.json' is not valid JSON at line 3, column 8: Unexpected token '}'."
    )
    setInput('config', 'bad.yaml')
    expect((await rejection(() => inputs().structuredFile('config', roots()))).message).toBe(
      "Input 'config': 'bad.yaml' is not valid YAML at line 2, column 1: Map keys must be unique."
    )
  })

  it('reads a text file inside the roots, and refuses one larger than the limit', () => {
    writeFileSync(join(dir(), 'small.txt'), 'abc')
    writeFileSync(join(dir(), 'big.txt'), 'x'.repeat(2000))
    setInput('notes', 'small.txt')
    expect(inputs().file('notes', roots())?.text).toBe('abc')
    setInput('notes', 'big.txt')
    expect(configurationError(() => inputs().file('notes', roots(), 1000)).message).toBe(
      "Input 'notes': 'big.txt' is larger than 1000 bytes; a file this big is not a configuration file. Check the path."
    )
  })
})

describe('url', () => {
  it('returns an http(s) URL as written, or undefined when empty', () => {
    expect(inputs().url('url')).toBeUndefined()
    setInput('url', ' https://staging.example.com/health ')
    expect(inputs().url('url')).toBe('https://staging.example.com/health')
  })

  it.each([
    ['https://a.example/x\n::error::y', 'a line break'],
    ['https://a.example/\tx', 'a tab'],
    ['https://a.example/\u0000', 'U+0000'],
    ['https://a.example/\u0085x', 'U+0085']
  ])('refuses %p, which contains %s, naming the input', (text, what) => {
    setInput('url', text)
    expect(configurationError(() => inputs().url('url')).message).toBe(
      `Input 'url': the URL contains ${what}. Give the URL on one line, without control characters.`
    )
  })

  it('refuses what is not a URL, and other schemes', () => {
    setInput('url', 'staging.example.com')
    expect(configurationError(() => inputs().url('url')).message).toBe(
      "Input 'url': 'staging.example.com' is not a valid URL. Write it in full: https://host/path."
    )
    setInput('url', 'file:///etc/passwd')
    expect(configurationError(() => inputs().url('url')).message).toBe(
      "Input 'url': 'file:///etc/passwd' uses 'file:'; only http and https URLs are accepted."
    )
  })
  it.each([
    ['https://svc:hunter2@host:99999/health', "'https://***@host:99999/health' is not a valid URL"],
    ['ftp://svc:hunter2@files.example/x', "'ftp://***@files.example/x' uses 'ftp:'"],
    ['https://svc:hun/ter2@host:99999/', "'https://***@host:99999/' is not a valid URL"],
    ['https://svc:hun#ter2@host/health', "'https://***@host/health' is not a valid URL"],
    ['ftp:svc:hunter2@files.example/x', "'ftp:***@files.example/x' uses 'ftp:'"]
  ])('never shows the user and password of %p in its error', (text, shown) => {
    setInput('url', text)
    const message = configurationError(() => inputs().url('url')).message
    expect(message).toContain(shown)
    expect(message).not.toMatch(/hun.?ter2/)
  })
})

describe('polling', () => {
  const names = {
    timeout: 'timeout',
    interval: 'poll-interval',
    timeoutDefault: '30m',
    intervalDefault: '5s'
  }

  it('defaults, and given values', () => {
    expect(inputs().polling(names)).toEqual({ timeoutMs: 1_800_000, intervalMs: 5000 })
    setInput('timeout', '10m')
    setInput('poll-interval', '500ms')
    expect(inputs().polling(names)).toEqual({ timeoutMs: 600_000, intervalMs: 500 })
  })

  it('an interval longer than the deadline is refused, naming both inputs', () => {
    setInput('timeout', '1m')
    setInput('poll-interval', '2m')
    expect(configurationError(() => inputs().polling(names)).message).toBe(
      "Input 'poll-interval': 2m is longer than 'timeout' (1m). Poll more often than the deadline."
    )
  })

  it('limits: the deadline at most maxTimeout, the interval from 100ms to 5m', () => {
    setInput('timeout', '2h')
    expect(() => inputs().polling({ ...names, maxTimeout: 3_600_000 })).toThrow("Input 'timeout'")
    setInput('timeout', '1h')
    setInput('poll-interval', '50ms')
    expect(() => inputs().polling(names)).toThrow("Input 'poll-interval'")
  })
})

describe('optionalInteger and optionalDuration', () => {
  it('are undefined when not given, and parsed by the same rules when given', () => {
    expect(inputs().optionalInteger('n', { min: 0, max: 9 })).toBeUndefined()
    expect(inputs().optionalDuration('d', {})).toBeUndefined()
    setInput('n', '7')
    setInput('d', '2s')
    expect(inputs().optionalInteger('n', { min: 0, max: 9 })).toBe(7)
    expect(inputs().optionalDuration('d', {})).toBe(2000)
  })
})
