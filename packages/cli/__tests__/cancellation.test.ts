import { describe, expect, it, jest } from '@jest/globals'
import { processCancellation, type SignalSource } from '../src/cancellation.js'

function fakeProcess() {
  const listeners = new Map<string, ((signal: NodeJS.Signals) => void)[]>()
  const exit = jest.fn<(code: number) => never>()
  const source: SignalSource = {
    on: (event, listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
    off: (event, listener) =>
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter(one => one !== listener)
      ),
    exit
  }
  const send = (signal: NodeJS.Signals) => {
    for (const listener of listeners.get(signal) ?? []) listener(signal)
  }
  return { source, send, exit, listeners }
}

describe('processCancellation', () => {
  it('aborts on the first SIGINT; a second one ends the process with 130', () => {
    const fake = fakeProcess()
    const cancellation = processCancellation(fake.source)
    expect(cancellation.signal.aborted).toBe(false)
    fake.send('SIGINT')
    expect(cancellation.signal.aborted).toBe(true)
    expect(fake.exit).not.toHaveBeenCalled()
    fake.send('SIGINT')
    expect(fake.exit).toHaveBeenCalledWith(130)
  })

  it('SIGTERM too (143 the second time), and dispose removes the listeners', () => {
    const fake = fakeProcess()
    const cancellation = processCancellation(fake.source)
    fake.send('SIGTERM')
    fake.send('SIGTERM')
    expect(fake.exit).toHaveBeenCalledWith(143)
    cancellation.dispose()
    expect(fake.listeners.get('SIGINT')).toEqual([])
    expect(fake.listeners.get('SIGTERM')).toEqual([])
  })
})
