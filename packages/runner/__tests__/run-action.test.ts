import { describe, expect, it } from '@jest/globals'
import { ConfigurationError, ConfigurationErrors } from '@fargate-promote/common'
import { runAction } from '../src/index.js'
import { captureStdout, isolateProcessState } from './helpers.js'

isolateProcessState()
const stdout = captureStdout()

describe('runAction', () => {
  it('leaves the step successful when fn resolves', async () => {
    let ran = false
    await runAction('deploy-fargate', async () => {
      await Promise.resolve()
      ran = true
    })
    expect(ran).toBe(true)
    expect(process.exitCode).toBeUndefined()
    expect(stdout.text()).toBe('')
  })

  it('fails the step with "<name> failed: <reason>" for a runtime error', async () => {
    await runAction('deploy-fargate', () =>
      Promise.reject(new Error('deployment ecs-svc/123 was rolled back by the circuit breaker'))
    )
    expect(process.exitCode).toBe(1)
    expect(stdout.lines()).toContain(
      '::error::deploy-fargate failed: deployment ecs-svc/123 was rolled back by the circuit breaker'
    )
    expect(stdout.text()).not.toContain('Configuration error')
  })

  it('logs the stack of a runtime error only as debug output', async () => {
    await runAction('rollback', () => Promise.reject(new Error('boom')))
    expect(stdout.lines().some(line => line.startsWith('::debug::Error: boom%0A    at '))).toBe(
      true
    )
  })

  it('annotates a ConfigurationError with its own title, without a stack', async () => {
    await runAction('deploy-fargate', () =>
      Promise.reject(
        new ConfigurationError(
          "Input 'wait' must be true or false, got 'yes'. Nothing was changed."
        )
      )
    )
    expect(process.exitCode).toBe(1)
    expect(stdout.lines()).toEqual([
      "::error title=Configuration error::deploy-fargate failed: Input 'wait' must be true or false, got 'yes'. Nothing was changed."
    ])
  })

  it('annotates every problem of a ConfigurationErrors on its own, numbered', async () => {
    const problems = new ConfigurationErrors([
      new ConfigurationError("'nginx:1' is not container=image.", { input: 'images', line: 1 }),
      new ConfigurationError("'soon' is not a duration.", { input: 'timeout' }),
      new ConfigurationError("'##[warning]x' is not true or false.", { input: 'wait' })
    ])
    await runAction('deploy-fargate', () => Promise.reject(problems))
    expect(process.exitCode).toBe(1)
    expect(stdout.lines()).toEqual([
      "::error title=Configuration error (1 of 3)::deploy-fargate failed: Input 'images' (line 1): 'nginx:1' is not container=image.",
      "::error title=Configuration error (2 of 3)::deploy-fargate failed: Input 'timeout': 'soon' is not a duration.",
      // Text from an input never becomes a workflow command, not even the legacy ##[ form.
      "::error title=Configuration error (3 of 3)::deploy-fargate failed: Input 'wait': '##\u200b[warning]x' is not true or false."
    ])
  })

  it('catches synchronous throws inside an async fn', async () => {
    await runAction('health-verify', async () => {
      await Promise.resolve()
      throw new ConfigurationError('bad')
    })
    expect(stdout.lines()).toEqual(['::error title=Configuration error::health-verify failed: bad'])
  })

  it('names AWS-style errors and their cause', async () => {
    const error = new Error('User is not authorized to perform ecs:UpdateService', {
      cause: new Error('403')
    })
    error.name = 'AccessDeniedException'
    await runAction('rollback', () => Promise.reject(error))
    expect(stdout.lines()).toContain(
      '::error::rollback failed: AccessDeniedException: User is not authorized to perform ecs:UpdateService (cause: 403)'
    )
  })

  it('does not repeat a name the message already contains', async () => {
    const error = new TypeError('TypeError in handler')
    await runAction('rollback', () => Promise.reject(error))
    expect(stdout.lines()).toContain('::error::rollback failed: TypeError in handler')
  })

  it.each([
    ['a string', 'nope', 'nope'],
    ['an object', { code: 42 }, '{"code":42}'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null']
  ])('handles a thrown %s', async (_kind, thrown: unknown, reason) => {
    const fail = async (): Promise<void> => {
      await Promise.resolve()
      throw thrown
    }
    await expect(runAction('staging-gate', fail)).resolves.toBeUndefined()
    expect(process.exitCode).toBe(1)
    expect(stdout.lines()).toEqual([`::error::staging-gate failed: ${reason}`])
  })

  it('escapes multi-line reasons into one workflow command', async () => {
    const thrown: unknown = '50% done\nthen failed'
    await runAction('deploy-fargate', async () => {
      await Promise.resolve()
      throw thrown
    })
    expect(stdout.lines()).toEqual(['::error::deploy-fargate failed: 50%25 done%0Athen failed'])
  })
})
