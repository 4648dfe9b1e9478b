/**
 * An unusable proxy variable (HTTPS_PROXY=socks5://…, which some runners set) is judged against
 * the checks by each reader: refused, with the inputs' own problems, only when an HTTP check
 * would go through it; otherwise the step is not failed for it.
 */
import { describe, expect, test } from '@jest/globals'
import {
  configurationProblems,
  proxySettingsFromEnv,
  type ConfigurationError
} from '@fargate-promote/common'
import { readGateInputs, readRollbackInputs, readVerifyInputs } from '../src/index.js'
import { CONTEXT, reader } from './inputs-helpers.js'

const SOCKS = proxySettingsFromEnv({ HTTPS_PROXY: 'socks5://runner:s3cret@proxy.corp:1080' })
const HTTPS_CHECKS = "- name: api\n  http: { url: 'https://api.example.com/health' }"

const REFUSED =
  "variable HTTPS_PROXY is 'socks5://***@proxy.corp:1080', which is not an http or https proxy URL, and HTTP check 'api' would go through it. Set it to http://host:port, add api.example.com to NO_PROXY, or unset it."

async function problems(read: () => Promise<unknown>): Promise<string[]> {
  try {
    await read()
  } catch (error) {
    return configurationProblems(error as ConfigurationError).map(problem => problem.message)
  }
  return []
}

describe('an unusable proxy variable, read with the inputs', () => {
  test('verify: reported together with a bad input when the check would use it', async () => {
    const found = await problems(() =>
      readVerifyInputs(
        reader({ url: 'https://api.example.com/health', timeout: 'soon' }),
        CONTEXT,
        SOCKS
      )
    )
    expect(found).toEqual([
      "variable HTTPS_PROXY is 'socks5://***@proxy.corp:1080', which is not an http or https proxy URL, and HTTP check 'http' would go through it. Set it to http://host:port, add api.example.com to NO_PROXY, or unset it.",
      "Input 'timeout': 'soon' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m."
    ])
    expect(found.join('\n')).not.toContain('s3cret')
  })

  test('verify: not a problem when no check goes through it (http URL, NO_PROXY)', async () => {
    const direct = { ...SOCKS, noProxy: '.example.com' }
    const inputs = await readVerifyInputs(reader({ checks: HTTPS_CHECKS }), CONTEXT, direct)
    expect(inputs.checks).toHaveLength(1)
    await expect(
      readVerifyInputs(reader({ url: 'http://api.example.com/health' }), CONTEXT, SOCKS)
    ).resolves.toMatchObject({ source: "input 'url'" })
  })

  test('gate: refused with the inputs when a check needs it, accepted without checks', async () => {
    const values = { cluster: 'staging', service: 'web' }
    const found = await problems(() =>
      readGateInputs(
        reader({ ...values, checks: HTTPS_CHECKS, 'min-soak': 'long' }),
        CONTEXT,
        SOCKS
      )
    )
    expect(found).toEqual([
      "Input 'min-soak': 'long' is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.",
      REFUSED
    ])
    await expect(readGateInputs(reader(values), CONTEXT, SOCKS)).resolves.toMatchObject({
      checks: []
    })
  })

  test('rollback: refused with the inputs when a check needs it, accepted without checks', async () => {
    const values = { cluster: 'prod', service: 'web' }
    const found = await problems(() =>
      readRollbackInputs(reader({ ...values, checks: HTTPS_CHECKS, wait: 'maybe' }), CONTEXT, SOCKS)
    )
    expect(found).toEqual([REFUSED, "Input 'wait': 'maybe' is not true or false."])
    await expect(readRollbackInputs(reader(values), CONTEXT, SOCKS)).resolves.toMatchObject({
      checks: []
    })
  })
})
