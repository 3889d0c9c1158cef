// What a relay reports through the engine port: its state (a relay has no
// journal: it takes publishes while open), its figures for /metrics, and the
// cache budget's eviction (oldest frame first, over all interests).

import { EngineState, type EngineStatus } from '../../engine/engine-state.js'
import type { EngineMetrics } from '../../engine/engine-port.js'
import type { Interest } from './interest.js'

export interface RelayFigures {
  readonly isClosed: boolean
  readonly sequencedGsn: number
  readonly durableGsn: number
  readonly stableGsn: number
  readonly cachedBytes: number
  readonly durableCount: number
  readonly o: { readonly cacheBytes: number }
}

export function relayStatus(closed: boolean): EngineStatus {
  return { state: closed ? EngineState.closed : EngineState.running, accepting: !closed, fault: null, journalFaults: 0, journalRetryFailures: 0 }
}

export function relayEngineMetrics(r: RelayFigures): EngineMetrics {
  return {
    state: r.isClosed ? EngineState.closed : EngineState.running,
    journalFaults: 0,
    journalRetryFailures: 0,
    sequencedGsn: r.sequencedGsn,
    durableGsn: r.durableGsn,
    messagesSequenced: 0,
    batchesSequenced: 0,
    duplicates: 0,
    rejects: 0,
    fsyncs: 0,
    fsyncLatencyBuckets: [],
    fsyncLatencySumSeconds: 0,
    ringOccupancy: [{ name: 'relay_cache', usedBytes: r.cachedBytes, capacityBytes: r.o.cacheBytes }],
    stableGsn: r.stableGsn,
    durableSubscriptions: r.durableCount,
    meanBatchMessages: 0,
  }
}

/** Drops the oldest cached frame, over all interests, until `held` is within `budget`. */
export function evictToBudget(interests: Iterable<Interest>, held: number, budget: number): { freedBytes: number; frames: number } {
  const list = [...interests]
  let freedBytes = 0
  let frames = 0
  while (held - freedBytes > budget) {
    let oldest: Interest | null = null
    for (const it of list) if (it.frameCount > 0 && (oldest === null || it.oldestGsn < oldest.oldestGsn)) oldest = it
    if (oldest === null) break
    freedBytes += oldest.evictOldest()
    frames++
  }
  return { freedBytes, frames }
}
