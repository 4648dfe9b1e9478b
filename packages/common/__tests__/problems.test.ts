import { describe, expect, it } from '@jest/globals'
import {
  combineProblems,
  ConfigurationError,
  ConfigurationErrors,
  configurationProblems,
  MissingSettingError,
  NOT_READ,
  SettingProblems
} from '../src/index.js'

describe('SettingProblems', () => {
  it('keeps every ConfigurationError and gives the values once all were read', async () => {
    const problems = new SettingProblems()
    const a = problems.read(() => 1)
    const b = await problems.readAsync(() => Promise.resolve('b'))
    expect(problems.finish({ a, b })).toEqual({ a: 1, b: 'b' })
    const bad = problems.read(() => {
      throw new ConfigurationError('one', { input: 'x' })
    })
    const worse = await problems.readAsync(() =>
      Promise.reject(
        new ConfigurationErrors([new ConfigurationError('two'), new ConfigurationError('three')])
      )
    )
    expect([bad, worse]).toEqual([NOT_READ, NOT_READ])
    expect(problems.problems.map(problem => problem.problem)).toEqual(['one', 'two', 'three'])
    expect(() => problems.finish({ bad })).toThrow(ConfigurationErrors)
  })

  it('lets anything but a ConfigurationError through at once: that is a defect', async () => {
    const problems = new SettingProblems()
    expect(() => problems.read((): unknown => JSON.parse('{'))).toThrow(SyntaxError)
    await expect(problems.readAsync(() => Promise.reject(new TypeError('x')))).rejects.toThrow(
      TypeError
    )
    expect(problems.problems).toEqual([])
  })

  it('leaves out the settings a failed config file would have given, not its own problem', () => {
    const problems = new SettingProblems()
    problems.add(new ConfigurationError('the file is broken', { input: 'config' }))
    problems.add(new MissingSettingError('not given.', { input: 'cluster' }, 'cluster'))
    problems.add(new MissingSettingError('not given.', { input: 'timeout' }, 'timeout'))
    problems.excuseMissing(['cluster'])
    expect(problems.problems.map(problem => problem.subject.input)).toEqual(['config', 'timeout'])
  })
})

describe('combineProblems', () => {
  it('is undefined for none, the error itself for one, a flat list for several', () => {
    const one = new ConfigurationError('one')
    expect(combineProblems([])).toBeUndefined()
    expect(combineProblems([one])).toBe(one)
    const nested = combineProblems([one, new ConfigurationErrors([one, one])])
    expect(configurationProblems(nested as ConfigurationError)).toEqual([one, one, one])
  })
})
