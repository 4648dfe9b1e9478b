import { describe, expect, it } from '@jest/globals'
import { Writable } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import pc from 'picocolors'
import { printable, table, wantColor } from '../src/index.js'
import { createUi } from '../src/ui.js'

class Captured extends Writable {
  text = ''
  constructor(readonly isTTY = false) {
    super()
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

describe('wantColor', () => {
  const cases: [string, boolean, boolean | undefined, Record<string, string>, boolean][] = [
    ['a terminal', true, undefined, {}, true],
    ['a pipe', false, undefined, {}, false],
    ['--color on a pipe', false, true, {}, true],
    ['--no-color on a terminal', true, false, {}, false],
    ['NO_COLOR on a terminal', true, undefined, { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR', true, undefined, { NO_COLOR: '' }, true],
    ['--color beats NO_COLOR', true, true, { NO_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', true, undefined, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', true, undefined, { FORCE_COLOR: 'false' }, false],
    ['FORCE_COLOR=1 on a pipe', false, undefined, { FORCE_COLOR: '1' }, true],
    ['a dumb terminal', true, undefined, { TERM: 'dumb' }, false]
  ]
  it.each(cases)('%s', (_name, isTTY, flag, env, expected) => {
    expect(wantColor(new Captured(isTTY), flag, env)).toBe(expected)
  })
})

describe('table', () => {
  it('aligns columns on what is visible, colour codes left out, without borders', () => {
    const c = pc.createColors(true)
    const text = table(
      ['NAME', 'ACTION'],
      [
        [c.green('production'), 'update'],
        ['dev', c.dim('none')]
      ],
      c
    )
    const plain = stripVTControlCharacters(text)
    expect(plain).not.toBe(text)
    expect(plain.split('\n')).toEqual([
      'NAME        ACTION',
      'production  update',
      'dev         none'
    ])
  })
})

describe('printable', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a\nb', 'a\\nb'],
    ['tab\there', 'tab\\there'],
    ['\u001b[31mred', '\\x1b[31mred'],
    ['csi\u009b2J', 'csi\\x9b2J'],
    ['bidi\u202eexe.txt', 'bidi\\u202eexe.txt'],
    ['line\u2028separator', 'line\\u2028separator']
  ])('%j → %j', (input, expected) => {
    expect(printable(input)).toBe(expected)
  })
})

describe('createUi().step', () => {
  const io = (tty: boolean, env: Record<string, string> = {}) => ({
    stdout: new Captured(tty),
    stderr: new Captured(tty),
    env,
    cwd: '/'
  })

  it('prints a line per step off a terminal, and marks a failed step', async () => {
    const streams = io(false)
    const ui = createUi({}, streams)
    expect(await ui.step('Reading', () => Promise.resolve(42))).toBe(42)
    await expect(ui.step('Writing', () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(streams.stderr.text).toBe('- Reading\n✔ Reading\n- Writing\n✖ Writing\n')
    expect(streams.stdout.text).toBe('')
  })

  it('uses a spinner on an interactive terminal, ending with the step line', async () => {
    const streams = io(true, { TERM: 'xterm' })
    // What a tty.WriteStream adds, for the spinner to redraw its line.
    Object.assign(streams.stderr, {
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true
    })
    const ui = createUi({}, streams)
    await ui.step('Reading', () => new Promise(resolve => setTimeout(resolve, 20)))
    // The spinner's colours follow the terminal; the step's own line ends it.
    expect(stripVTControlCharacters(streams.stderr.text)).toMatch(/✔ Reading\n$/)
    expect(streams.stderr.text).not.toContain('- Reading\n')
  })

  it('is silent on stderr with --json', async () => {
    const streams = io(true)
    const ui = createUi({ json: true }, streams)
    await ui.step('Reading', () => Promise.resolve())
    ui.note('a note')
    expect(streams.stderr.text).toBe('')
  })
})
