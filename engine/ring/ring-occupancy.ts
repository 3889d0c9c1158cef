// Ring occupancy readable from any thread (metrics, tests): committed bytes the slowest
// attached consumer has not released. Unlike RingProducer.usedBytes() it does not count
// the producer's uncommitted claims, which only the producer's thread knows.

import { TAIL_INDEX, cursorIndex, detachedIndex } from './ring-descriptor.js'

export function committedUnreleasedBytes(meta: Int32Array, consumerCount: number): number {
  // Plain reads would do for a metric; Atomics.load keeps them from being torn or hoisted.
  const tail = Atomics.load(meta, TAIL_INDEX)
  let behind = 0
  for (let i = 0; i < consumerCount; i++) {
    if (Atomics.load(meta, detachedIndex(i)) !== 0) continue
    const d = (tail - Atomics.load(meta, cursorIndex(i))) >>> 0
    if (d > behind) behind = d
  }
  return behind
}
