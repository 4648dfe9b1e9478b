import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import * as toolkit from '../src/toolkit.js'

let dir: string
let printed: string
const saved = { ...process.env }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolkit-'))
  printed = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk)
    return true
  })
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'])
    delete process.env[name]
})

afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
  process.exitCode = undefined
  rmSync(dir, { recursive: true, force: true })
})

describe('the runner protocol without @actions/core', () => {
  test('outputs and state go to their files in the heredoc format the runner parses', () => {
    const output = join(dir, 'output')
    const state = join(dir, 'state')
    writeFileSync(output, '')
    writeFileSync(state, '')
    process.env.GITHUB_OUTPUT = output
    process.env.GITHUB_STATE = state
    toolkit.setOutput('status', 'line one\nline two')
    toolkit.setOutput('count', 3)
    toolkit.saveState('phase', 'deploying')
    expect(readFileSync(output, 'utf8')).toMatch(
      /^status<<(ghadelimiter_[0-9a-f-]{36})\nline one\nline two\n\1\ncount<<(ghadelimiter_[0-9a-f-]{36})\n3\n\2\n$/
    )
    expect(readFileSync(state, 'utf8')).toMatch(
      /^phase<<ghadelimiter_.+\ndeploying\nghadelimiter_.+\n$/
    )
    expect(printed).toBe('')
  })

  test('without the files it falls back to the legacy stdout commands', () => {
    toolkit.setOutput('status', 'ok')
    toolkit.saveState('phase', 'x')
    expect(printed).toBe('\n::set-output name=status::ok\n::save-state name=phase::x\n')
  })

  test('a file command whose file is missing fails loudly', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'nope')
    expect(() => toolkit.setOutput('a', 'b')).toThrow(`Missing file at path: ${join(dir, 'nope')}`)
  })

  test('inputs: INPUT_<NAME> with hyphens kept, trimmed unless asked, required enforced', () => {
    process.env['INPUT_DRY-RUN'] = '  true '
    process.env.INPUT_MY_INPUT = 'x'
    expect(toolkit.getInput('dry-run')).toBe('true')
    expect(toolkit.getInput('dry-run', { trimWhitespace: false })).toBe('  true ')
    expect(toolkit.getInput('my input')).toBe('x')
    expect(toolkit.getInput('absent')).toBe('')
    expect(() => toolkit.getInput('absent', { required: true })).toThrow(
      'Input required and not supplied: absent'
    )
  })

  test('annotations, masks, groups and debug use the escaped command syntax', () => {
    toolkit.error('50% done\nnext', { title: 'T: x', file: 'a,b.ts', startLine: 3 })
    toolkit.warning(new Error('careful'))
    toolkit.notice('fyi', { startColumn: 2, endLine: 4, endColumn: 5 })
    toolkit.setSecret('hunter2')
    toolkit.startGroup('Group')
    toolkit.endGroup()
    toolkit.debug('dbg')
    toolkit.info('plain')
    expect(printed.split('\n')).toEqual([
      '::error title=T%3A x,file=a%2Cb.ts,line=3::50%25 done%0Anext',
      '::warning::Error: careful',
      '::notice endLine=4,col=2,endColumn=5::fyi',
      '::add-mask::hunter2',
      '::group::Group',
      '::endgroup::',
      '::debug::dbg',
      'plain',
      ''
    ])
  })

  test('setFailed sets the exit code and reports an error', () => {
    toolkit.setFailed('boom')
    expect(process.exitCode).toBe(toolkit.ExitCode.Failure)
    expect(printed).toBe('::error::boom\n')
  })

  test('state is read from STATE_<name> as written', () => {
    process.env.STATE_isPost = 'true'
    expect(toolkit.getState('isPost')).toBe('true')
    expect(toolkit.getState('missing')).toBe('')
  })

  test('the summary is appended to its file, which must exist', () => {
    expect(() => toolkit.appendSummary('x')).toThrow(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY'
    )
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'missing')
    expect(() => toolkit.appendSummary('x')).toThrow('Unable to access summary file')
    const file = join(dir, 'summary')
    writeFileSync(file, 'a')
    process.env.GITHUB_STEP_SUMMARY = file
    toolkit.appendSummary('b')
    expect(readFileSync(file, 'utf8')).toBe('ab')
  })
})
