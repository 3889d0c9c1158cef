// Which old segments retention may delete. Pure: the writer carries out the plan.
//
// Only whole closed segments go, oldest first and as a prefix (deleting one in the middle
// would make a gap). A segment goes when the journal is over `maxBytes` or the segment's
// last write is older than `maxAgeMs`, and never when it holds a gsn >= floorGsn (the
// lowest gsn someone still needs: durable subscriptions' stable watermark) or when it is
// the active segment.

import type { ClosedSegment } from './recovery.js'

export interface RetentionPolicy {
  /** Keep the journal at or below this many bytes (whole segments; the active one always stays). */
  maxBytes?: number
  /** Delete segments whose last write is older than this. */
  maxAgeMs?: number
}

export const RetentionStop = {
  /** No closed segment is over the size or age limit. */
  policy: 'policy',
  /** The next candidate holds a gsn >= floorGsn. */
  floor: 'floor',
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
  for (; count < closed.length; count++) {
    const seg = closed[count]!
    const overSize = policy.maxBytes !== undefined && total > policy.maxBytes
    const overAge = policy.maxAgeMs !== undefined && now - seg.mtimeMs > policy.maxAgeMs
    if (!overSize && !overAge) return { count, stoppedBy: RetentionStop.policy }
    // The segment holds gsns [firstGsn, endGsn - 1]; it holds one >= floor iff endGsn > floor.
    if (seg.endGsn > floorGsn) return { count, stoppedBy: RetentionStop.floor }
    total -= seg.bytes
  }
  const stillOver = policy.maxBytes !== undefined && total > policy.maxBytes
  return { count, stoppedBy: stillOver ? RetentionStop.active : RetentionStop.policy }
}
