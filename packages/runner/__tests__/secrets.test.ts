import { describe, expect, it } from '@jest/globals'
import { isSecretName, maskSecret, redact, redactHeaders } from '../src/index.js'
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

describe('isSecretName', () => {
  it.each([
    'DB_PASSWORD',
    'password',
    'MYSQL_PASSWD',
    'GPG_PASSPHRASE',
    'DB_PASS',
    'CLIENT_SECRET',
    'AWS_SECRET_ACCESS_KEY',
    'GITHUB_TOKEN',
    'accessToken',
    'x-amz-security-token',
    'API_KEY',
    'APIKEY',
    'apiKey',
    'X-Api-Key',
    'XAPIKey',
    'PRIVATE_KEY',
    'privateKeyPem',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'credential',
    'AUTH',
    'basicAuth',
    'Authorization',
    'Proxy-Authorization',
    'Cookie',
    'Set-Cookie',
    'SENTRY_DSN',
    'DB_CONNECTION_STRING',
    'MYPASSWORD',
    'npmtoken'
  ])('%p is a secret name', name => {
    expect(isSecretName(name)).toBe(true)
  })

  it.each([
    'AUTHOR',
    'AUTHOR_NAME',
    'PASSAGE',
    'PWD',
    'LOG_LEVEL',
    'Content-Type',
    'X-Request-Id',
    'AWS_ACCESS_KEY_ID',
    'TOKENIZER_PATH',
    'KEYBOARD',
    'SECRETARY_NAME',
    ''
  ])('%p is not a secret name', name => {
    expect(isSecretName(name)).toBe(false)
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
