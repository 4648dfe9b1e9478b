import { describe, expect, it } from '@jest/globals'
import {
  ConfigurationError,
  ConfigurationErrors,
  configurationProblems,
  parseBooleanText,
  parseChoiceText,
  parseDurationText,
  parseIntegerText,
  parseKeyValueLines,
  parseListLines,
  type ConfigurationSubject
} from '../src/index.js'

// The same checks other packages run on values read from config files rather than inputs.
const FIELD = { file: 'promote.yml', field: 'soak' }
const WHERE = "file 'promote.yml', field 'soak'"

describe('parseBooleanText', () => {
  it('names whatever the caller says the value came from', () => {
    expect(parseBooleanText('FALSE', FIELD)).toBe(false)
    expect(() => parseBooleanText('yes', FIELD)).toThrow(
      new ConfigurationError(`${WHERE}: 'yes' is not true or false.`)
    )
  })

  it('does not trim: values from files arrive exactly as written', () => {
    expect(() => parseBooleanText(' true', FIELD)).toThrow(ConfigurationError)
  })
})

describe('parseIntegerText', () => {
  it.each([
    [{}, 'a whole number'],
    [{ min: 1 }, 'a whole number of at least 1'],
    [{ max: 9 }, 'a whole number of at most 9'],
    [{ min: 1, max: 9 }, 'a whole number from 1 to 9']
  ])('describes the range %p as %p', (range, description) => {
    expect(() => parseIntegerText('x', FIELD, range)).toThrow(
      new ConfigurationError(`${WHERE}: 'x' is not ${description}.`)
    )
  })

  it('applies each bound on its own', () => {
    expect(parseIntegerText('-50', FIELD, { max: 9 })).toBe(-50)
    expect(() => parseIntegerText('10', FIELD, { max: 9 })).toThrow(ConfigurationError)
    expect(parseIntegerText('500', FIELD, { min: 1 })).toBe(500)
    expect(() => parseIntegerText('0', FIELD, { min: 1 })).toThrow(ConfigurationError)
    expect(parseIntegerText('123', FIELD)).toBe(123)
  })
})

describe('parseDurationText', () => {
  it('returns milliseconds within the range', () => {
    expect(parseDurationText('2m', FIELD, { min: 60_000, max: 120_000 })).toBe(120_000)
    expect(parseDurationText('250ms', FIELD)).toBe(250)
  })
})

describe('parseChoiceText', () => {
  it('returns the matching choice or lists the allowed ones', () => {
    expect(parseChoiceText('b', FIELD, ['a', 'b'])).toBe('b')
    expect(() => parseChoiceText('c', FIELD, ['a', 'b'])).toThrow(
      new ConfigurationError(`${WHERE}: 'c' is not one of 'a', 'b'.`)
    )
  })
})

describe('parseListLines', () => {
  it('keeps items, drops blanks and comments', () => {
    expect(parseListLines(' a \n#b\n\n c')).toEqual(['a', 'c'])
  })
})

describe('parseKeyValueLines', () => {
  it('reads CRLF text and keeps insertion order', () => {
    expect([...parseKeyValueLines('B=2\r\nA=1\r\n', FIELD)]).toEqual([
      ['B', '2'],
      ['A', '1']
    ])
  })

  it('hides the value of a secret-looking key that fails the pattern', () => {
    expect(() =>
      parseKeyValueLines('api-token=abc123', FIELD, { keyPattern: /^[A-Z_]+$/ })
    ).toThrow(
      new ConfigurationError(
        `file 'promote.yml', line 1, field 'soak': 'api-token=***': key 'api-token' is not a key matching /^[A-Z_]+$/.`
      )
    )
  })
})

describe('parseKeyValueLines with checkEntry', () => {
  const input = { input: 'images' }
  /** A value check: digits only; two problems at once for 'xx'. */
  const digits = (key: string, value: string, subject: ConfigurationSubject) => {
    if (value === 'xx') {
      throw new ConfigurationErrors([
        new ConfigurationError(`'${key}' is x once.`, subject),
        new ConfigurationError(`'${key}' is x twice.`, subject)
      ])
    }
    if (!/^\d+$/.test(value)) throw new ConfigurationError(`'${key}' is not digits.`, subject)
  }

  it('checks every well-formed line even when another is malformed, naming each line', () => {
    let error: unknown
    try {
      parseKeyValueLines('bad\na=1\n\nb=two\n=x\nc=xx', input, { checkEntry: digits })
    } catch (thrown) {
      error = thrown
    }
    expect(configurationProblems(error as ConfigurationError).map(e => e.message)).toEqual([
      "Input 'images' (line 1): 'bad' is not key=value (one per line).",
      "Input 'images' (line 4): 'b' is not digits.",
      "Input 'images' (line 5): '=x' has an empty key before '='; write key=value (one per line).",
      "Input 'images' (line 6): 'c' is x once.",
      "Input 'images' (line 6): 'c' is x twice."
    ])
  })

  it('returns the values when every check passes, and lets a defect in the check propagate', () => {
    expect([...parseKeyValueLines('a=1\nb=2', input, { checkEntry: digits })]).toEqual([
      ['a', '1'],
      ['b', '2']
    ])
    const broken = () => {
      throw new TypeError('a defect')
    }
    expect(() => parseKeyValueLines('a=1', input, { checkEntry: broken })).toThrow(TypeError)
  })
})

describe('parseDurationText and parseKeyValueLines: the rest of their messages', () => {
  it('names a value that is no duration at all, and one out of range', () => {
    expect(() => parseDurationText('soon', FIELD)).toThrow(
      new ConfigurationError(
        `${WHERE}: 'soon' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`
      )
    )
    expect(() => parseDurationText('2h', FIELD, { min: 1000, max: 60_000 })).toThrow(
      new ConfigurationError(`${WHERE}: '2h' is not a duration from 1s to 1m.`)
    )
    expect(() => parseDurationText('1ms', FIELD, { min: 1000 })).toThrow(
      new ConfigurationError(`${WHERE}: '1ms' is not a duration of at least 1s.`)
    )
    expect(() => parseDurationText('2m', FIELD, { max: 60_000 })).toThrow(
      new ConfigurationError(`${WHERE}: '2m' is not a duration of at most 1m.`)
    )
  })

  it('names the form a line must have, its line, an empty key and a key given twice', () => {
    const input = { input: 'images' }
    const form = { form: 'container=image', example: 'web=nginx:1.27' }
    expect(() => parseKeyValueLines('\nnginx:1', input, form)).toThrow(
      new ConfigurationError(
        "Input 'images' (line 2): 'nginx:1' is not container=image (one per line, e.g. web=nginx:1.27)."
      )
    )
    expect(() => parseKeyValueLines('=x', input)).toThrow(
      new ConfigurationError(
        "Input 'images' (line 1): '=x' has an empty key before '='; write key=value (one per line)."
      )
    )
    expect(() => parseKeyValueLines('a=1\na=2', input)).toThrow(
      new ConfigurationError(
        "Input 'images' (line 2): 'a=2': key 'a' is already set on line 1. Set each key once."
      )
    )
  })
})
