import { describe, expect, it } from '@jest/globals'
import { neutralizeCommands } from '../src/index.js'

/**
 * What the runner would take for a command: actions/runner ActionCommand.TryParseV2 (after
 * .NET's TrimStart, whose white space includes NEL, U+0085) and TryParse (`##[` anywhere).
 */
const DOTNET_LEADING_WHITE_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/
function readAsCommand(line: string): boolean {
  return line.replace(DOTNET_LEADING_WHITE_SPACE, '').startsWith('::') || line.includes('##[')
}

describe('neutralizeCommands', () => {
  it.each([
    'a\n::error::x',
    '::warning title=t::pwned',
    '   ::set-output name=approved::true',
    '\t::add-mask::',
    'before ##[error]injected',
    'a\r::error::carriage return',
    'a\r\n::error::crlf',
    '##[stop-commands]token',
    '::stop-commands::token',
    'a\n\u0085::error title=pwned::next line',
    '\u00a0\u2003::warning::no-break and em spaces',
    '\u3000::notice::ideographic space'
  ])('leaves no line of %j that the runner reads as a command', text => {
    const lines = neutralizeCommands(text).split(/\r\n|\r|\n/)
    expect(lines.filter(readAsCommand)).toEqual([])
  })

  it('keeps every visible character and every line break', () => {
    const text = 'deployment ecs-svc/1\r\n::error::x\rlast ##[x]'
    const neutral = neutralizeCommands(text)
    expect(neutral.replaceAll('\u200b', '')).toBe(text)
  })

  it('leaves ordinary text untouched, colons included', () => {
    for (const text of ['web: 2/2 tasks running', 'a :: b', 'http://x::1', '']) {
      expect(neutralizeCommands(text)).toBe(text)
    }
  })
})
