import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ConfigurationError,
  getBoolean,
  getChoice,
  getDuration,
  getInteger,
  getKeyValueMap,
  getList,
  getOptionalString,
  getRequiredString,
  getStructuredFile
} from '../src/index.js'
import { isolateProcessState, useTempDir } from './helpers.js'

isolateProcessState()

function setInput(name: string, value: string): void {
  process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
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

describe('string inputs', () => {
  it('reads hyphenated names from INPUT_<NAME> with the hyphen kept, trimmed', () => {
    process.env['INPUT_CLUSTER-NAME'] = '  prod  '
    expect(getRequiredString('cluster-name')).toBe('prod')
    expect(getOptionalString('cluster-name')).toBe('prod')
  })

  it('reads names with spaces from underscores', () => {
    setInput('dry run', 'x')
    expect(process.env['INPUT_DRY_RUN']).toBe('x')
    expect(getRequiredString('dry run')).toBe('x')
  })

  it.each([undefined, '', '   '])('treats %p as not given', value => {
    if (value !== undefined) setInput('service', value)
    expect(getOptionalString('service')).toBeUndefined()
    expect(configurationError(() => getRequiredString('service')).message).toBe(
      "Input 'service' is required and was not given."
    )
  })
})

describe('getBoolean', () => {
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
    expect(getBoolean('wait', !expected)).toBe(expected)
  })

  it.each([true, false])('gives the default %p when empty or unset', defaultValue => {
    expect(getBoolean('wait', defaultValue)).toBe(defaultValue)
    setInput('wait', '')
    expect(getBoolean('wait', defaultValue)).toBe(defaultValue)
  })

  it.each(['yes', '1', 'on', 'no', '0', 'off', 'tRue', 'truthy'])('refuses %p', text => {
    setInput('wait', text)
    expect(configurationError(() => getBoolean('wait', true)).message).toBe(
      `Input 'wait' must be true or false, got '${text}'.`
    )
  })
})

describe('getInteger', () => {
  const range = { min: 0, max: 1000 }

  it.each([
    ['0', 0],
    ['3', 3],
    ['007', 7],
    ['1000', 1000],
    ['-0', 0]
  ])('reads %p as %p', (text, expected) => {
    setInput('desired-count', text)
    expect(Object.is(getInteger('desired-count', range), expected)).toBe(true)
  })

  it('reads negative numbers when the range allows them', () => {
    setInput('offset', '-5')
    expect(getInteger('offset', { min: -10, max: 10 })).toBe(-5)
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
    expect(configurationError(() => getInteger('desired-count', range)).message).toBe(
      `Input 'desired-count' must be a whole number from 0 to 1000, got '${text}'.`
    )
  })

  it('gives the default when empty and requires the input without one', () => {
    expect(getInteger('desired-count', { ...range, defaultValue: 2 })).toBe(2)
    expect(configurationError(() => getInteger('desired-count', range)).message).toBe(
      "Input 'desired-count' is required: give a whole number from 0 to 1000."
    )
  })

  it('refuses digits beyond the safe range', () => {
    setInput('n', '99999999999999999999')
    expect(() => getInteger('n', { min: 0, max: Number.MAX_SAFE_INTEGER })).toThrow(
      ConfigurationError
    )
  })
})

describe('getDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000]
  ])('reads %p as %p ms', (text, ms) => {
    setInput('timeout', text)
    expect(getDuration('timeout')).toBe(ms)
  })

  it.each(['30x', '30', 'ten minutes', '-5m', '1.5'])(
    'refuses %p naming the accepted forms',
    text => {
      setInput('timeout', text)
      expect(configurationError(() => getDuration('timeout')).message).toBe(
        `Input 'timeout': '${text}' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`
      )
    }
  )

  it('uses the default text when empty and requires the input without one', () => {
    expect(getDuration('timeout', { defaultValue: '15m' })).toBe(900_000)
    expect(configurationError(() => getDuration('timeout')).message).toBe(
      "Input 'timeout' is required: give a duration such as 90s, 10m or 1h30m."
    )
  })

  it.each([
    ['5s', { min: 10_000, max: 3_600_000 }, 'between 10s and 1h'],
    ['2h', { min: 10_000, max: 3_600_000 }, 'between 10s and 1h'],
    ['5s', { min: 10_000 }, 'at least 10s'],
    ['1h1m', { max: 3_600_000 }, 'at most 1h']
  ])('refuses %p outside %p, saying %p', (text, limits, expected) => {
    setInput('timeout', text)
    expect(configurationError(() => getDuration('timeout', limits)).message).toBe(
      `Input 'timeout' must be ${expected}, got '${text}'.`
    )
  })

  it('accepts the range bounds themselves', () => {
    setInput('timeout', '1h')
    expect(getDuration('timeout', { min: 10_000, max: 3_600_000 })).toBe(3_600_000)
  })
})

describe('getChoice', () => {
  const strategies = ['rolling', 'blue-green'] as const

  it('returns the exact choice', () => {
    setInput('strategy', 'blue-green')
    const strategy: 'rolling' | 'blue-green' = getChoice('strategy', strategies, 'rolling')
    expect(strategy).toBe('blue-green')
  })

  it('gives the default when empty', () => {
    expect(getChoice('strategy', strategies, 'rolling')).toBe('rolling')
  })

  it.each(['canary', 'Rolling', 'ROLLING'])('refuses %p listing the allowed values', text => {
    setInput('strategy', text)
    expect(configurationError(() => getChoice('strategy', strategies, 'rolling')).message).toBe(
      `Input 'strategy' must be one of 'rolling', 'blue-green', got '${text}'.`
    )
  })

  it('requires a value when there is no default', () => {
    expect(configurationError(() => getChoice('strategy', strategies)).message).toBe(
      "Input 'strategy' is required: give one of 'rolling', 'blue-green'."
    )
  })
})

describe('getList', () => {
  it('keeps one trimmed item per line, dropping blank lines and comments', () => {
    setInput('urls', '\n  https://a.example/health \n\n# staging only\n  #also a comment\nb\r\nc  ')
    expect(getList('urls')).toEqual(['https://a.example/health', 'b', 'c'])
  })

  it('is empty when the input is empty', () => {
    expect(getList('urls')).toEqual([])
  })
})

describe('getKeyValueMap', () => {
  it('splits on the first =, keeps empty values and = in values, skips comments', () => {
    setInput(
      'environment',
      '# app\nLOG_LEVEL=debug\nEMPTY=\n  QUERY = a=b=c  \n\nURL=http://x/?q=1'
    )
    expect([...getKeyValueMap('environment')]).toEqual([
      ['LOG_LEVEL', 'debug'],
      ['EMPTY', ''],
      ['QUERY', 'a=b=c'],
      ['URL', 'http://x/?q=1']
    ])
  })

  it('is an empty map when the input is empty', () => {
    expect(getKeyValueMap('environment').size).toBe(0)
  })

  it.each([
    ['A=1\nnovalue', "Input 'environment' line 2 'novalue' must have the form key=value."],
    ['=1', "Input 'environment' line 1 '=1' has an empty key before '='."],
    ['  = x', "Input 'environment' line 1 '= x' has an empty key before '='."],
    ['A=1\n\nB=2\nA=3', "Input 'environment' line 4 'A=3': key 'A' is already set on line 1."],
    [
      'DB_PASSWORD=hunter2\nDB_PASSWORD=hunter3',
      "Input 'environment' line 2 'DB_PASSWORD=***': key 'DB_PASSWORD' is already set on line 1."
    ]
  ])('refuses %p', (text, message) => {
    setInput('environment', text)
    expect(configurationError(() => getKeyValueMap('environment')).message).toBe(message)
  })

  it('counts lines from the untrimmed input so numbers match what was written', () => {
    setInput('environment', '\n\nA=1\nbroken')
    expect(configurationError(() => getKeyValueMap('environment')).message).toContain('line 4')
  })

  it('checks keys against the pattern, with the description or the pattern in the message', () => {
    setInput('environment', 'GOOD=1\nbad-key=2')
    const keyPattern = /^[A-Z_][A-Z0-9_]*$/
    expect(
      configurationError(() =>
        getKeyValueMap('environment', {
          keyPattern,
          keyDescription: 'an upper-case environment variable name'
        })
      ).message
    ).toBe(
      "Input 'environment' line 2 'bad-key=2': key 'bad-key' is not an upper-case environment variable name."
    )
    expect(configurationError(() => getKeyValueMap('environment', { keyPattern })).message).toBe(
      "Input 'environment' line 2 'bad-key=2': key 'bad-key' is not a key matching /^[A-Z_][A-Z0-9_]*$/."
    )
  })

  it('is not fooled by a global pattern keeping state between keys', () => {
    setInput('environment', 'A=1\nB=2\nC=3')
    expect(getKeyValueMap('environment', { keyPattern: /^[A-Z]$/g }).size).toBe(3)
  })

  it('shortens very long lines in messages', () => {
    setInput('environment', 'x'.repeat(500))
    const message = configurationError(() => getKeyValueMap('environment')).message
    expect(message).toContain(`'${'x'.repeat(200)}…'`)
    expect(message.length).toBeLessThan(300)
  })
})

describe('getStructuredFile', () => {
  const dir = useTempDir()

  it.each([
    ['config.json', '{"replicas": 2, "tags": ["a"]}'],
    ['config.yaml', 'replicas: 2\ntags:\n  - a\n'],
    ['config.YML', 'replicas: 2\ntags: [a]\n']
  ])('parses %s relative to baseDir', (name, text) => {
    writeFileSync(join(dir(), name), text)
    setInput('config', name)
    expect(getStructuredFile('config', { baseDir: dir() })).toEqual({ replicas: 2, tags: ['a'] })
  })

  it('accepts an absolute path', () => {
    const path = join(dir(), 'abs.json')
    writeFileSync(path, '[1]')
    setInput('config', path)
    expect(getStructuredFile('config', { baseDir: '/nowhere' })).toEqual([1])
  })

  it('names the path and the OS reason when the file cannot be read', () => {
    setInput('config', 'missing.yml')
    expect(configurationError(() => getStructuredFile('config', { baseDir: dir() })).message).toBe(
      `Input 'config': cannot read 'missing.yml' (${join(dir(), 'missing.yml')}): ENOENT: no such file or directory.`
    )
  })

  it('refuses a dot-file name that has no extension of its own', () => {
    setInput('config', '.json')
    const message = configurationError(() =>
      getStructuredFile('config', { baseDir: dir() })
    ).message
    expect(message).toMatch(/^Input 'config': '\.json' must be a \.json, \.yaml or \.yml file/)
  })

  it('refuses other extensions before reading', () => {
    setInput('config', 'config.toml')
    expect(configurationError(() => getStructuredFile('config', { baseDir: dir() })).message).toBe(
      "Input 'config': 'config.toml' must be a .json, .yaml or .yml file; the extension decides how it is read."
    )
  })

  it('gives line and column of invalid JSON, prefixed with the input', () => {
    writeFileSync(join(dir(), 'bad.json'), '{\n  "a": 1,\n  "b": }\n')
    setInput('config', 'bad.json')
    expect(configurationError(() => getStructuredFile('config', { baseDir: dir() })).message).toBe(
      "Input 'config': 'bad.json' is not valid JSON at line 3, column 8: Unexpected token '}'."
    )
  })

  it('gives line and column of invalid YAML', () => {
    writeFileSync(join(dir(), 'bad.yaml'), 'a: 1\na: 2\n')
    setInput('config', 'bad.yaml')
    expect(configurationError(() => getStructuredFile('config', { baseDir: dir() })).message).toBe(
      "Input 'config': 'bad.yaml' is not valid YAML at line 2, column 1: Map keys must be unique."
    )
  })

  it('requires the input', () => {
    expect(configurationError(() => getStructuredFile('config', { baseDir: dir() })).message).toBe(
      "Input 'config' is required: give the path of a .json, .yaml or .yml file."
    )
  })
})
