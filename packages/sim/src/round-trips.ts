import type { CallRecord } from './contract.js'

/**
 * Groups logged calls into sequential waves of round trips. Call `b` depends on call `a` when
 * `b` was received at or after `a` was answered (`b.receivedAt >= a.time`): the caller may have
 * waited for `a` before sending `b`. Wave k holds the calls whose longest chain of such
 * dependencies, ending at the call, is k calls long, so the number of waves is the critical
 * path: how many round trips the caller waited for one after another. Two calls sent in
 * parallel overlap (each received before the other was answered) and share a wave.
 *
 * The sim answers in well under a millisecond, usually faster than a client sends two parallel
 * requests, so parallel calls look sequential unless every call takes a while; inject a latency
 * fault (`{ "latencyMs": 50 }`) before measuring.
 *
 * Pure: the input is not changed; each wave is in the order the calls were received.
 */
export function roundTrips(calls: readonly CallRecord[]): CallRecord[][] {
  // Earlier-received first; on a tie the call logged first (answered first) comes first. A call
  // only ever depends on calls before it in this order, so zero-length spans cannot form cycles.
  const ordered = [...calls].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq)
  const depth: number[] = []
  const waves: CallRecord[][] = []
  ordered.forEach((call, i) => {
    let longest = 0
    for (let j = 0; j < i; j++) {
      const before = ordered[j] as CallRecord
      if (call.receivedAt >= before.time) longest = Math.max(longest, depth[j] as number)
    }
    depth.push(longest + 1)
    const wave = (waves[longest] ??= [])
    wave.push(call)
  })
  return waves
}
