import { watchCancellation } from '../src/cancellation.js'

describe('watchCancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('aborts the signal on %s', name => {
    const cancellation = watchCancellation()
    try {
      expect(cancellation.signal.aborted).toBe(false)
      process.emit(name, name)
      expect(cancellation.signal.aborted).toBe(true)
    } finally {
      cancellation.dispose()
    }
  })

  it('stops listening once disposed', () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    const cancellation = watchCancellation()
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(
      before.map(count => count + 1)
    )
    cancellation.dispose()
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before)
    expect(cancellation.signal.aborted).toBe(false)
  })
})
