import { describe, expect, it } from '@jest/globals'
import type { CallRecord } from '../src/contract.js'
import { roundTrips } from '../src/index.js'

let seq = 0
const call = (operation: string, receivedAt: number, time: number): CallRecord => ({
  seq: ++seq,
  receivedAt,
  time,
  service: 'ecs',
  operation,
  params: {},
  mutating: false,
  status: 200
})

const names = (waves: CallRecord[][]): string[][] => waves.map(w => w.map(c => c.operation))

describe('roundTrips', () => {
  it('has no waves without calls', () => {
    expect(roundTrips([])).toEqual([])
  })

  it('puts two calls sent in parallel in one wave', () => {
    const waves = roundTrips([call('DescribeServices', 100, 150), call('ListServices', 101, 151)])
    expect(names(waves)).toEqual([['DescribeServices', 'ListServices']])
  })

  it('counts a dependent chain as one wave per call, also when a call starts as one ends', () => {
    const calls = [call('A', 100, 150), call('B', 150, 200), call('C', 230, 260)]
    expect(names(roundTrips(calls))).toEqual([['A'], ['B'], ['C']])
    // The order of the input does not matter.
    expect(names(roundTrips([...calls].reverse()))).toEqual([['A'], ['B'], ['C']])
  })

  it('places mixed calls by their longest chain', () => {
    const waves = roundTrips([
      call('DescribeServices', 0, 50),
      call('ListServiceDeployments', 1, 52),
      // Waits only for DescribeServices, and overlaps ListServiceDeployments: still wave 2.
      call('DescribeTaskDefinition', 51, 100),
      // Waits for ListServiceDeployments.
      call('DescribeServiceRevisions', 53, 103),
      // Sent after both wave-2 calls answered.
      call('UpdateService', 104, 150),
      // A slow call spanning everything stays in wave 1.
      call('DescribeAlarms', 2, 200)
    ])
    expect(names(waves)).toEqual([
      ['DescribeServices', 'ListServiceDeployments', 'DescribeAlarms'],
      ['DescribeTaskDefinition', 'DescribeServiceRevisions'],
      ['UpdateService']
    ])
  })

  it('orders instantaneous calls received in the same millisecond by sequence number', () => {
    const first = call('A', 100, 100)
    const second = call('B', 100, 100)
    expect(names(roundTrips([second, first]))).toEqual([['A'], ['B']])
  })

  it('does not change its input', () => {
    const calls = [call('B', 10, 20), call('A', 0, 5)]
    const copy = structuredClone(calls)
    roundTrips(calls)
    expect(calls).toEqual(copy)
  })
})
