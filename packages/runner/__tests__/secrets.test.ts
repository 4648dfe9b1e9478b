import { describe, expect, it } from '@jest/globals'
import { maskSecret, redact, redactHeaders } from '../src/index.js'
import { captureStdout, isolateProcessState } from './helpers.js'

isolateProcessState()
const stdout = captureStdout()

describe('maskSecret', () => {
  it('registers the value with the runner', () => {
    maskSecret('s3cr3t')
    expect(stdout.lines()).toEqual(['::add-mask::s3cr3t'])
  })

  it('ignores empty and blank values', () => {
    maskSecret('')
    maskSecret('  \n ')
    expect(stdout.text()).toBe('')
  })

  it('also masks each line of a multi-line value', () => {
    maskSecret('-----BEGIN KEY-----\nabc\n\n  def  \n-----END KEY-----')
    expect(stdout.lines()).toEqual([
      '::add-mask::-----BEGIN KEY-----%0Aabc%0A%0A  def  %0A-----END KEY-----',
      '::add-mask::-----BEGIN KEY-----',
      '::add-mask::abc',
      '::add-mask::def',
      '::add-mask::-----END KEY-----'
    ])
  })
})

describe('redact', () => {
  it('replaces every occurrence', () => {
    expect(redact('token=abc; again abc', ['abc'])).toBe('token=***; again ***')
  })

  it('replaces the longest secret first so no part of it stays visible', () => {
    expect(redact('pw=hunter2 and hunter', ['hunter', 'hunter2'])).toBe('pw=*** and ***')
  })

  it('ignores empty secrets and handles multi-line ones line by line', () => {
    expect(redact('a line1 b line2 c', ['', ' ', 'line1\nline2'])).toBe('a *** b *** c')
  })

  it('accepts any iterable', () => {
    expect(redact('x-y', new Set(['x', 'y']))).toBe('***-***')
  })
})

describe('redactHeaders', () => {
  it('replaces values of secret-looking names and keeps the rest', () => {
    const headers = { Authorization: 'Bearer x', 'content-type': 'application/json', Cookie: 'a=b' }
    expect(redactHeaders(headers)).toEqual({
      Authorization: '***',
      'content-type': 'application/json',
      Cookie: '***'
    })
    expect(headers.Authorization).toBe('Bearer x')
  })
})
