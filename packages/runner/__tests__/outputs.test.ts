import { describe, expect, it } from '@jest/globals'
import { getState, outputText, saveState, setOutputs } from '../src/index.js'
import { emptyFile, isolateProcessState, readCommandFile, useTempDir } from './helpers.js'

isolateProcessState()
const dir = useTempDir()

enum State {
  DeploymentId = 'deployment-id',
  PreviousTaskDefinition = 'previous-task-definition'
}

describe('setOutputs', () => {
  it('writes each output to GITHUB_OUTPUT in the runner format', () => {
    const file = emptyFile(dir(), 'output')
    process.env['GITHUB_OUTPUT'] = file
    setOutputs({
      status: 'ROLLED_BACK',
      'running-count': 2,
      healthy: false,
      targets: ['10.0.0.1:80', '10.0.0.2:80'],
      details: { reason: 'circuit breaker', events: 3 },
      multiline: 'line 1\nline 2',
      empty: '',
      skipped: undefined,
      unknown: null
    })
    expect([...readCommandFile(file)]).toEqual([
      ['status', 'ROLLED_BACK'],
      ['running-count', '2'],
      ['healthy', 'false'],
      ['targets', '["10.0.0.1:80","10.0.0.2:80"]'],
      ['details', '{"reason":"circuit breaker","events":3}'],
      ['multiline', 'line 1\nline 2'],
      ['empty', '']
    ])
  })

  it('turns values into output text', () => {
    expect(outputText('x')).toBe('x')
    expect(outputText(0)).toBe('0')
    expect(outputText(true)).toBe('true')
    expect(outputText([])).toBe('[]')
  })
})

describe('state', () => {
  it('saves state to GITHUB_STATE under the enum key', () => {
    const file = emptyFile(dir(), 'state')
    process.env['GITHUB_STATE'] = file
    saveState(State.DeploymentId, 42)
    saveState(State.PreviousTaskDefinition, 'arn:aws:ecs:eu-west-1:1:task-definition/web:7')
    expect([...readCommandFile(file)]).toEqual([
      ['deployment-id', '42'],
      ['previous-task-definition', 'arn:aws:ecs:eu-west-1:1:task-definition/web:7']
    ])
  })

  it('reads state from STATE_<key> as the runner passes it to post', () => {
    process.env['STATE_deployment-id'] = '42'
    expect(getState(State.DeploymentId)).toBe('42')
  })

  it('gives undefined when nothing was saved', () => {
    expect(getState(State.PreviousTaskDefinition)).toBeUndefined()
    process.env['STATE_previous-task-definition'] = ''
    expect(getState(State.PreviousTaskDefinition)).toBeUndefined()
  })
})
