import { describe, expect, it } from '@jest/globals'
import { actionInputs } from '../src/index.js'
import { isolateProcessState } from './helpers.js'

isolateProcessState()

describe('actionInputs', () => {
  it('reads INPUT_<NAME> as the runner sets it: upper-cased, hyphens kept, spaces as _', () => {
    process.env['INPUT_CLUSTER-NAME'] = '  prod  '
    process.env['INPUT_DRY_RUN'] = 'true'
    const inputs = actionInputs()
    expect(inputs.required('cluster-name', 'the cluster')).toBe('prod')
    expect(inputs.boolean('dry run', false)).toBe(true)
  })

  it('keeps multi-line values untrimmed so key=value line numbers match what was written', () => {
    process.env['INPUT_IMAGES'] = '\n\nweb=nginx:1\nbroken'
    expect(() => actionInputs().keyValues('images')).toThrow("Input 'images' (line 4)")
  })

  it('an unset input is not given', () => {
    expect(actionInputs().optional('service')).toBeUndefined()
    expect(() => actionInputs().required('service', 'the ECS service')).toThrow(
      "Input 'service': not given. Give the ECS service."
    )
  })
})
