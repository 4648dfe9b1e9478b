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

  it("reads the step's own environment by default", () => {
    process.env.https_proxy = 'http://proxy.corp:3128'
    expect(readProxySettings().httpsProxy?.href).toBe('http://proxy.corp:3128/')
  })

  it('reads nothing from an environment without proxies', () => {
    expect(readProxySettings({ PATH: '/usr/bin' })).toEqual({})
    expect(stdout.text()).toBe('')
  })
})
