import { describe, expect, it } from '@jest/globals'
import { neutralizeCommands } from '../src/index.js'

/** What the runner would take for a command: actions/runner ActionCommand.TryParseV2 and TryParse. */
function readAsCommand(line: string): boolean {
  return line.trimStart().startsWith('::') || line.includes('##[')
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
    '::stop-commands::token'
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
