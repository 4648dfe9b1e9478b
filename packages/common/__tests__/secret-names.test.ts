import { describe, expect, it } from '@jest/globals'
import { isSecretName } from '../src/index.js'

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
