// Which old segments retention may delete. Pure: the writer carries out the plan.
//
// Only whole closed segments go, oldest first and as a prefix (deleting one in the middle
// would make a gap). A segment goes when the journal is over `maxBytes` or the segment's
// last write is older than `maxAgeMs`, and never when it holds a gsn >= floorGsn (the
// lowest gsn someone still needs: durable subscriptions' acknowledged gsns, subscribers'
// catch-up reads) or when it is the active segment. The caps `capBytes` / `capAgeMs` are
// the exception: over a cap a segment goes even when it holds a gsn >= floorGsn (a disk is
// finite); who needed it learns so from RETAINED_AWAY, never from a silent gap.

import type { ClosedSegment } from './recovery.js'

export interface RetentionPolicy {
  /** Keep the journal at or below this many bytes (whole segments; the active one always stays). */
  maxBytes?: number
  /** Delete segments whose last write is older than this. */
  maxAgeMs?: number
  /** Hard cap: beyond it segments go even above floorGsn (durable subscriptions left behind). */
  capBytes?: number
  /** Hard cap on age, likewise. */
  capAgeMs?: number
}

export const RetentionStop = {
  /** No closed segment is over the size or age limit. */
  policy: 'policy',
  /** The next candidate holds a gsn >= floorGsn. */
  floor: 'floor',
  /** A cap removed segments holding gsns >= floorGsn (someone needed them). */
  cap: 'cap',
  /** Every closed segment went and the active one alone is still over maxBytes. */
  active: 'active',
} as const
export type RetentionStop = (typeof RetentionStop)[keyof typeof RetentionStop]

export interface RetentionReport {
  deletedSegments: number
  deletedBytes: number
  /** Oldest retained gsn after the run. */
  firstGsn: number
  /** Bytes of all segments left. */
  retainedBytes: number
  stoppedBy: RetentionStop
}

export interface RetentionPlan {
  /** Delete closed[0 .. count). */
  count: number
  stoppedBy: RetentionStop
}

export function planRetention(
  closed: readonly ClosedSegment[],
  activeBytes: number,
  policy: RetentionPolicy,
  now: number,
  floorGsn: number,
): RetentionPlan {
  let total = activeBytes
  for (const s of closed) total += s.bytes
  let count = 0
  let capped = false
  for (; count < closed.length; count++) {
    const seg = closed[count]!
    const overCap = (policy.capBytes !== undefined && total > policy.capBytes) || (policy.capAgeMs !== undefined && now - seg.mtimeMs > policy.capAgeMs)
    const overSize = policy.maxBytes !== undefined && total > policy.maxBytes
    const overAge = policy.maxAgeMs !== undefined && now - seg.mtimeMs > policy.maxAgeMs
    if (!overCap && !overSize && !overAge) return { count, stoppedBy: capped ? RetentionStop.cap : RetentionStop.policy }
    // The segment holds gsns [firstGsn, endGsn - 1]; it holds one >= floor iff endGsn > floor.
    if (seg.endGsn > floorGsn) {
      if (!overCap) return { count, stoppedBy: capped ? RetentionStop.cap : RetentionStop.floor }
      capped = true
    }
    total -= seg.bytes
  }
  const stillOver = (policy.maxBytes !== undefined && total > policy.maxBytes) || (policy.capBytes !== undefined && total > policy.capBytes)
  return { count, stoppedBy: stillOver ? RetentionStop.active : capped ? RetentionStop.cap : RetentionStop.policy }
}
