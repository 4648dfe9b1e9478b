import { describe, expect, it } from '@jest/globals'
import { proxySecrets, proxySettingsFromEnv } from '../src/index.js'

describe('proxySettingsFromEnv', () => {
  it('reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY', () => {
    const settings = proxySettingsFromEnv({
      HTTPS_PROXY: 'https://proxy.corp:8443',
      HTTP_PROXY: 'http://proxy.corp:3128',
      NO_PROXY: 'localhost,.internal'
    })
    expect(settings).toEqual({
      httpsProxy: new URL('https://proxy.corp:8443'),
      httpProxy: new URL('http://proxy.corp:3128'),
      noProxy: 'localhost,.internal'
    })
  })

  it('prefers the lower-case spellings and takes empty values as unset', () => {
    const settings = proxySettingsFromEnv({
      https_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:1',
      http_proxy: '  ',
      HTTP_PROXY: 'http://upper:2',
      no_proxy: ''
    })
    expect(settings).toEqual({
      httpsProxy: new URL('http://lower:1'),
      httpProxy: new URL('http://upper:2')
    })
  })

  it('does not send https URLs to HTTP_PROXY (no fall-back, as curl)', () => {
    expect(proxySettingsFromEnv({ HTTP_PROXY: 'http://p:3128' })).toEqual({
      httpProxy: new URL('http://p:3128')
    })
  })

  it('takes a proxy without a scheme as http, as curl does', () => {
    expect(proxySettingsFromEnv({ HTTPS_PROXY: 'proxy.corp:3128' }).httpsProxy?.href).toBe(
      'http://proxy.corp:3128/'
    )
  })

  it.each([
    ['socks5://user:pw@proxy:1080', 'socks5://***@proxy:1080', ['pw']],
    ['socks5://user%3A:p%40w@proxy:1080', 'socks5://***@proxy:1080', ['p%40w', 'p@w']],
    ['http://user:pw@', 'http://***@', ['user:pw', 'pw']],
    ['user:pw@[bad', '***@[bad', ['user:pw', 'pw']],
    ['http://[bad', 'http://[bad', []]
  ])('keeps %j as unusable, shown without credentials, never failing', (value, shown, secrets) => {
    const settings = proxySettingsFromEnv({ HTTPS_PROXY: value })
    expect(settings).toEqual({
      unusable: { 'https:': { variable: 'HTTPS_PROXY', shown, secrets } }
    })
    expect(proxySecrets(settings)).toEqual(secrets)
  })

  it('names the spelling read and keeps a usable variable beside an unusable one', () => {
    expect(
      proxySettingsFromEnv({ http_proxy: 'ftp://proxy', HTTPS_PROXY: 'http://p:1', NO_PROXY: 'a' })
    ).toEqual({
      httpsProxy: new URL('http://p:1'),
      noProxy: 'a',
      unusable: { 'http:': { variable: 'http_proxy', shown: 'ftp://proxy', secrets: [] } }
    })
  })
})

describe('proxySecrets', () => {
  it('gives the passwords of the proxy URLs, as written and decoded', () => {
    const settings = proxySettingsFromEnv({
      HTTPS_PROXY: 'http://u:p%40ss@a:1',
      HTTP_PROXY: 'http://u:plain@b:1'
    })
    expect(proxySecrets(settings)).toEqual(['p%40ss', 'p@ss', 'plain'])
    expect(proxySecrets(proxySettingsFromEnv({ HTTP_PROXY: 'http://user@b:1' }))).toEqual([])
  })
})
