import type { CallRecord } from './contract.js'

export interface CallFilter {
  /** Only records with a sequence number greater than this. */
  since?: number
  service?: string
  operation?: string
  mutating?: boolean
}

export interface CallLog {
  record(entry: Omit<CallRecord, 'seq'>): CallRecord
  list(filter?: CallFilter): CallRecord[]
  clear(): void
}

/** Keeps the most recent calls; old ones are dropped so a long demo cannot grow without bound. */
export function createCallLog(limit = 10_000): CallLog {
  let records: CallRecord[] = []
  // Sequence numbers keep growing across clear() so `since` cursors held by clients stay valid.
  let seq = 0
  return {
    record(entry) {
      const record: CallRecord = { seq: ++seq, ...entry }
      records.push(record)
      if (records.length > limit) records = records.slice(records.length - limit)
      return record
    },
    list(filter = {}) {
      return records.filter(
        r =>
          (filter.since === undefined || r.seq > filter.since) &&
          (filter.service === undefined || r.service === filter.service) &&
          (filter.operation === undefined || r.operation === filter.operation) &&
          (filter.mutating === undefined || r.mutating === filter.mutating)
      )
    },
    clear() {
      records = []
    }
  }
}
