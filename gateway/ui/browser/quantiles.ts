// Quantiles of the latency observed between two readings of a cumulative
// histogram (what PromQL's histogram_quantile does over a rate): subtract the
// bucket counts, find the bucket holding the rank, interpolate inside it.
// Runs in the browser: no imports at run time.

import type { HistogramDoc } from '../../admin/admin-types.js'

/** The q-quantile (0..1) in seconds of the observations made between prev and cur; NaN when there were none. */
export function quantileBetween(prev: HistogramDoc | null, cur: HistogramDoc, q: number): number {
  const n = cur.count - (prev?.count ?? 0)
  if (n <= 0) return NaN
  const rank = q * n
  let lower = 0
  let below = 0
  for (let i = 0; i < cur.buckets.length; i++) {
    const b = cur.buckets[i]!
    const cum = b.count - (prev?.buckets[i]?.count ?? 0)
    if (cum >= rank) {
      if (b.le === null) return lower // beyond the last bound: the best we can say is "at least"
      const inBucket = cum - below
      const frac = inBucket > 0 ? (rank - below) / inBucket : 1
      return lower + (b.le - lower) * frac
    }
    below = cum
    if (b.le !== null) lower = b.le
  }
  return lower
}

/** Mean in seconds of the observations between the two readings; NaN when none. */
export function meanBetween(prev: HistogramDoc | null, cur: HistogramDoc): number {
  const n = cur.count - (prev?.count ?? 0)
  return n > 0 ? (cur.sumSeconds - (prev?.sumSeconds ?? 0)) / n : NaN
}
