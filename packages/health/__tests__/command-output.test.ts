import { describe, expect, it } from '@jest/globals'
import { OUTPUT_TAIL_BYTES, OUTPUT_TAIL_LINES, OutputTail } from '../src/index.js'

function tailOf(lines: string[], secrets: string[] = []): OutputTail {
  const tail = new OutputTail(secrets)
  for (const line of lines) tail.push(line)
  return tail
}

describe('OutputTail', () => {
  it('keeps the last 20 lines, newest last', () => {
    const lines = Array.from({ length: 50 }, (_, index) => `line ${index + 1}`)
    const text = tailOf(lines).text()
    expect(text.split('\n')).toHaveLength(OUTPUT_TAIL_LINES)
    expect(text.split('\n')[0]).toBe('line 31')
    expect(text.endsWith('line 50')).toBe(true)
  })

  it('keeps at most 4 KB, dropping the oldest lines first', () => {
    const long = 'x'.repeat(1000)
    const text = tailOf([...Array.from({ length: 10 }, (_, i) => `${i}${long}`), 'last']).text()
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES)
    expect(text.split('\n')).toHaveLength(5)
    expect(text.endsWith('\nlast')).toBe(true)
  })

  it('cuts one line longer than 4 KB to its end, on a character boundary', () => {
    const text = tailOf(['start', `${'é'.repeat(3000)}END`]).text()
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES)
    expect(text.startsWith('…é')).toBe(true)
    expect(text.endsWith('END')).toBe(true)
    expect(text).not.toContain('\ufffd')
  })

  it('strips colours, cursor moves, hyperlinks and control characters', () => {
    const tail = tailOf([
      '\u001b[32mPASSED\u001b[0m tests/test_api.py',
      '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 text',
      'bell\u0007 and nul\u0000 and del\u007f and c1\u0085 kept\ttab'
    ])
    expect(tail.text()).toBe(
      'PASSED tests/test_api.py\nlink text\nbell and nul and del and c1 kept\ttab'
    )
  })

  it('shows what a terminal shows for a line redrawn with carriage returns', () => {
    expect(tailOf(['progress 10%\rprogress 50%\rprogress 100%']).text()).toBe('progress 100%')
  })

  it('masks secrets, also when a colour code sits inside one or it spans lines', () => {
    const tail = new OutputTail(['s3cr3t-token', 'line-one\nline-two'])
    expect(tail.push('token=s3cr3t-token')).toBe('token=***')
    expect(tail.push('\u001b[1ms3cr3t-token\u001b[0m')).toBe('***')
    tail.push('first: line-one')
    tail.push('second: line-two')
    expect(tail.text()).not.toMatch(/s3cr3t-token|line-one|line-two/)
  })

  it('masks a secret the command printed base64- or percent-encoded, as the runner does', () => {
    const tail = new OutputTail(['s3cr3t/token'])
    tail.push(Buffer.from('s3cr3t/token').toString('base64'))
    tail.push(`Authorization: Basic ${Buffer.from('user:s3cr3t/token').toString('base64')}`)
    tail.push('https://host/?token=s3cr3t%2Ftoken')
    expect(tail.text()).toBe('***\nAuthorization: Basic dXNlcjpz***ZW4=\nhttps://host/?token=***')
  })

  it('masks a secret that colour codes split, once the codes are gone', () => {
    expect(new OutputTail(['abc123']).push('x=abc\u001b[0m123')).toBe('x=***')
  })

  it('names the last line with text, and is empty when nothing was printed', () => {
    expect(new OutputTail([]).text()).toBe('')
    expect(new OutputTail([]).lastLine()).toBeUndefined()
    expect(tailOf(['first', 'FAILED test_x', '', '  ']).lastLine()).toBe('FAILED test_x')
    expect(tailOf(['', 'a', '']).text()).toBe('a')
  })
})
