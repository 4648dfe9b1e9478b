import { describe, expect, it } from '@jest/globals'
import {
  ConfigurationError,
  parseBooleanText,
  parseChoiceText,
  parseDurationText,
  parseIntegerText,
  parseKeyValueLines,
  parseListLines
} from '../src/index.js'

// The same checks other packages run on values read from config files rather than inputs.
const FIELD = "Field 'soak' in promote.yml"

describe('parseBooleanText', () => {
  it('names whatever the caller says the value came from', () => {
    expect(parseBooleanText('FALSE', FIELD)).toBe(false)
    expect(() => parseBooleanText('yes', FIELD)).toThrow(
      new ConfigurationError(`${FIELD} must be true or false, got 'yes'.`)
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
      new ConfigurationError(`${FIELD} must be ${description}, got 'x'.`)
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
      new ConfigurationError(`${FIELD} must be one of 'a', 'b', got 'c'.`)
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
        `${FIELD} line 1 'api-token=***': key 'api-token' is not a key matching /^[A-Z_]+$/.`
      )
    )
  })
})
