// Reading the engine's counters for /metrics and benchmarks: every figure comes from the
// watermark block (descriptors/watermark-descriptor.ts), written by the stages that own
// each counter and read here without locks.

import type { SpmcRing } from './ring/spmc-ring.js'
import type { RingProducer } from './ring/ring-producer.js'
import type { ArenaLayout } from './descriptors/arena-descriptor.js'
import {
  FSYNC_BUCKETS_US, HEAP_JOURNAL, HEAP_SEQUENCER, JS_BUCKETS, JS_FSYNCS, JS_FSYNC_US_SUM, SLOT_DURABLE, SLOT_HEAP,
  SLOT_JOURNAL_STATS, SLOT_SEQUENCED, SLOT_SEQ_STATS, SLOT_STATE, SS_BATCHES, SS_DUPLICATES, SS_MESSAGES, SS_REJECTS, STATE_FAULTS,
  STATE_RETRY_FAILURES, readU64, slotIndex,
} from './descriptors/watermark-descriptor.js'
import type { EngineMetrics } from './engine-port.js'

/** One worker stage's allocation probe (Engine.stageHeap). */
export interface StageHeap {
  allocatedBytes: number
  collections: number
  gcPauseMs: number
}

/** `state`: the engine's state now (engine-state.ts); the fault counts come from the watermark block. */
export function readEngineMetrics(wm: Int32Array, layout: ArenaLayout, sequenced: SpmcRing, ingress0: RingProducer, state: string): EngineMetrics {
  const ss = slotIndex(SLOT_SEQ_STATS)
  const js = slotIndex(SLOT_JOURNAL_STATS)
  const buckets: { le: number; count: number }[] = []
  let cum = 0
  for (let b = 0; b < FSYNC_BUCKETS_US.length; b++) {
    cum += Atomics.load(wm, js + JS_BUCKETS + b) >>> 0
    buckets.push({ le: FSYNC_BUCKETS_US[b]! / 1e6, count: cum })
  }
  const messages = readU64(wm, ss + SS_MESSAGES)
  const batches = readU64(wm, ss + SS_BATCHES)
  return {
    state,
    journalFaults: Atomics.load(wm, slotIndex(SLOT_STATE) + STATE_FAULTS),
    journalRetryFailures: Atomics.load(wm, slotIndex(SLOT_STATE) + STATE_RETRY_FAILURES),
    sequencedGsn: readU64(wm, slotIndex(SLOT_SEQUENCED)),
    durableGsn: readU64(wm, slotIndex(SLOT_DURABLE)),
    messagesSequenced: messages,
    batchesSequenced: batches,
    duplicates: readU64(wm, ss + SS_DUPLICATES),
    rejects: readU64(wm, ss + SS_REJECTS),
    fsyncs: readU64(wm, js + JS_FSYNCS),
    fsyncLatencyBuckets: buckets,
    fsyncLatencySumSeconds: readU64(wm, js + JS_FSYNC_US_SUM) / 1e6,
    ringOccupancy: [
      { name: 'sequenced', usedBytes: sequenced.usedBytes(), capacityBytes: layout.sequencedCapacity },
      { name: 'ingress0', usedBytes: ingress0.usedBytes(), capacityBytes: layout.ingressCapacity },
    ],
    meanBatchMessages: batches === 0 ? 0 : messages / batches,
  }
}

/**
 * Allocation probes of the worker stages (stages/heap-probe.ts): bytes the sequencer
 * thread (sequencing + journal append/write) and the journal-sync thread allocated,
 * counting what collections reclaimed, plus the collections and their pause time.
 */
export function readStageHeap(wm: Int32Array): { sequencer: StageHeap; journal: StageHeap } {
  const base = slotIndex(SLOT_HEAP)
  const one = (at: number): StageHeap => ({
    allocatedBytes: readU64(wm, at),
    collections: Atomics.load(wm, at + 4),
    gcPauseMs: Atomics.load(wm, at + 5) / 1000,
  })
  return { sequencer: one(base + HEAP_SEQUENCER), journal: one(base + HEAP_JOURNAL) }
}
