import { describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ConfigurationError,
  lineAndColumn,
  parseStructuredText,
  readStructuredFile
} from '../src/index.js'
import { jsonErrorOffset } from '../src/settings/structured.js'
import { useTempDir } from '../../../test/support/temp-dir.js'

async function messageOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigurationError')
}

describe('lineAndColumn', () => {
  it.each([
    ['abc', 0, 1, 1],
    ['abc', 2, 1, 3],
    ['ab\ncd', 3, 2, 1],
    ['ab\ncd', 4, 2, 2],
    ['ab\ncd', 99, 2, 3],
    ['ab', -5, 1, 1]
  ])('%p at %p is line %p column %p', (text, offset, line, column) => {
    expect(lineAndColumn(text, offset)).toEqual({ line, column })
  })
})

describe('parseStructuredText: JSON', () => {
  it('parses valid JSON', async () => {
    expect(await parseStructuredText('{"a": [1, "x", null]}', { fileName: 'a.json' })).toEqual({
      a: [1, 'x', null]
    })
  })

  it.each([
    // V8 gives "at position N"
    [
      '{\n  "name": "web",\n  "count": 3\n  "image": "x"\n}\n',
      4,
      3,
      "Expected ',' or '}' after property value"
    ],
    ['{"a":1}}', 1, 8, 'Unexpected non-whitespace character after JSON'],
    ['{"a": "line\nbreak"}', 1, 12, 'Bad control character in string literal'],
    // V8 quotes the input around the token instead of giving a position
    ['{\n  "name": "web",\n  "count": 3,\n  "image": nope\n}\n', 4, 13, "Unexpected token 'o'"],
    ['x{"a": 1, "b": 2, "c": 3}', 1, 1, "Unexpected token 'x'"],
    ['{"a": 1, "b": 2, "c": 3, "d": @, "e": 5, "f": 6}', 1, 31, "Unexpected token '@'"],
    ['{\n  "a": 1,\n  "b": }\n', 3, 8, "Unexpected token '}'"],
    ['{"a": x}', 1, 7, "Unexpected token 'x'"],
    ['{"a": ', 1, 7, 'Unexpected end of JSON input']
  ])('locates the error in %p at line %p, column %p', async (text, line, column, reason) => {
    expect(await messageOf(() => parseStructuredText(text, { fileName: 'svc.json' }))).toBe(
      `'svc.json' is not valid JSON at line ${line}, column ${column}: ${reason}.`
    )
  })

  it('points at the start when V8 gives no position at all', () => {
    expect(jsonErrorOffset('undefined', '"undefined" is not valid JSON')).toBe(0)
  })

  it.each(['', '  \n'])('refuses an empty file %p', async text => {
    expect(await messageOf(() => parseStructuredText(text, { fileName: 'x.json' }))).toBe(
      "'x.json' is empty."
    )
  })

  it('refuses names without a known extension', async () => {
    expect(await messageOf(() => parseStructuredText('{}', { fileName: 'config.txt' }))).toBe(
      "'config.txt' must be a .json, .yaml or .yml file; the extension decides how it is read."
    )
  })
})

describe('parseStructuredText: YAML', () => {
  it('parses valid YAML including anchors', async () => {
    const text = 'base: &b\n  cpu: 256\nweb:\n  <<: *b\n  name: web\nlist: [1, two]\n'
    expect(await parseStructuredText(text, { fileName: 'c.yml' })).toEqual({
      base: { cpu: 256 },
      web: { '<<': { cpu: 256 }, name: 'web' },
      list: [1, 'two']
    })
  })

  it.each([
    ['a: 1\na: 2\n', 2, 1, 'Map keys must be unique'],
    ['\tb: 1', 1, 1, 'Tabs are not allowed as indentation'],
    [
      'a: [1, 2\nb: 3',
      2,
      1,
      'Flow sequence in block collection must be sufficiently indented and end with a ]'
    ],
    ['---\na: 1\n---\nb: 2\n', 3, 1, 'Source contains multiple documents'],
    ['key: "unterminated\n', 2, 1, 'Missing closing "quote']
  ])('locates the error in %p at line %p, column %p', async (text, line, column, reason) => {
    expect(await messageOf(() => parseStructuredText(text, { fileName: 'svc.yaml' }))).toBe(
      `'svc.yaml' is not valid YAML at line ${line}, column ${column}: ${reason}.`
    )
  })

  it('reports an alias to an unknown anchor', async () => {
    expect(await messageOf(() => parseStructuredText('a: *missing\n', { fileName: 'x.yml' }))).toBe(
      "'x.yml' could not be read as YAML: Unresolved alias (the anchor must be set before the alias): missing."
    )
  })
})

describe('readStructuredFile', () => {
  const dir = useTempDir()
  const subject = { input: 'task-definition' }

  it('reads and parses a file inside the roots', async () => {
    writeFileSync(join(dir(), 'td.yml'), 'family: web\n')
    expect(await readStructuredFile('td.yml', { roots: { workspace: dir() }, subject })).toEqual({
      family: 'web'
    })
  })

  it('reports a directory, naming the setting', async () => {
    mkdirSync(join(dir(), 'conf.json'))
    expect(
      await messageOf(() =>
        readStructuredFile('conf.json', { roots: { workspace: dir() }, subject })
      )
    ).toBe("Input 'task-definition': cannot read 'conf.json': it is a directory.")
  })

  it('names the setting for an unknown extension and for a parse error', async () => {
    writeFileSync(join(dir(), 'bad.json'), '{')
    const roots = { workspace: dir() }
    expect(await messageOf(() => readStructuredFile('td.txt', { roots, subject }))).toBe(
      "Input 'task-definition': 'td.txt' must be a .json, .yaml or .yml file; the extension decides how it is read."
    )
    expect(await messageOf(() => readStructuredFile('bad.json', { roots, subject }))).toBe(
      "Input 'task-definition': 'bad.json' is not valid JSON at line 1, column 2: Expected property name or '}'."
    )
  })
})
