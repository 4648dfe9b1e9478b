import { describe, expect, it } from '@jest/globals'
import { validateScenario } from '../src/scenario.js'
import { resolveBehaviour } from '../src/tasks/behaviour.js'

/** A declared marker that only bites with production's settings, as a real release can. */
const declared = {
  '-fails-in-production': { errorRate: 0.2, onlyWhenEnv: { APP_ENVIRONMENT: 'production' } }
}
const image = 'registry.example.com/shop/web:1.3.0-fails-in-production'

describe('a behaviour that applies only with some environment', () => {
  it('applies to a container whose environment matches', () => {
    expect(resolveBehaviour(image, declared, undefined, { APP_ENVIRONMENT: 'production' })).toEqual(
      {
        errorRate: 0.2
      }
    )
  })

  it('is inert elsewhere, and where the environment is not known', () => {
    expect(resolveBehaviour(image, declared, undefined, { APP_ENVIRONMENT: 'staging' })).toEqual({})
    expect(resolveBehaviour(image, declared, undefined, {})).toEqual({})
    expect(resolveBehaviour(image, declared)).toEqual({})
  })

  it('keeps the other markers of the tag', () => {
    const crashing = 'registry.example.com/shop/web:1.3.0-crash-fails-in-production'
    expect(resolveBehaviour(crashing, declared, undefined, { APP_ENVIRONMENT: 'staging' })).toEqual(
      {
        exitAfterMs: 1_000,
        exitCode: 1
      }
    )
  })

  it('is accepted by a scenario', () => {
    const scenario = validateScenario({ behaviours: declared })
    expect(scenario.behaviours).toEqual(declared)
  })
})
