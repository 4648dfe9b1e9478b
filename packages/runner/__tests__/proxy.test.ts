import { describe, expect, it } from '@jest/globals'
import { readProxySettings } from '../src/index.js'
import { captureStdout, isolateProcessState } from './helpers.js'

isolateProcessState()
const stdout = captureStdout()

describe('readProxySettings', () => {
  it('reads the proxies of the step and masks the password of a proxy URL first', () => {
    const settings = readProxySettings({
      HTTPS_PROXY: 'http://build:p%40ss@proxy.corp:3128',
      http_proxy: 'proxy.corp:3128',
      NO_PROXY: '.internal,169.254.169.254'
    })
    expect(settings.httpsProxy?.href).toBe('http://build:p%40ss@proxy.corp:3128/')
    expect(settings.httpProxy?.href).toBe('http://proxy.corp:3128/')
    expect(settings.noProxy).toBe('.internal,169.254.169.254')
    // `%` is written %25 in a workflow command: the runner masks p%40ss and p@ss.
    expect(stdout.lines()).toEqual(['::add-mask::p%2540ss', '::add-mask::p@ss'])
  })

  it('masks the credentials of a variable that is no http(s) proxy, and does not fail on it', () => {
    const settings = readProxySettings({ HTTPS_PROXY: 'socks5://build:s0cks-pw@proxy.corp:1080' })
    expect(settings).toEqual({
      unusable: {
        'https:': {
          variable: 'HTTPS_PROXY',
          shown: 'socks5://***@proxy.corp:1080',
          secrets: ['s0cks-pw']
        }
      }
    })
    expect(stdout.lines()).toEqual(['::add-mask::s0cks-pw'])
  })

  it("reads the step's own environment by default", () => {
    process.env.https_proxy = 'http://proxy.corp:3128'
    expect(readProxySettings().httpsProxy?.href).toBe('http://proxy.corp:3128/')
  })

  it('reads nothing from an environment without proxies', () => {
    expect(readProxySettings({ PATH: '/usr/bin' })).toEqual({})
    expect(stdout.text()).toBe('')
  })
})
