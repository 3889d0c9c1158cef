// Reading the engine's counters for /metrics and benchmarks: every figure comes from the
// watermark block (descriptors/watermark-descriptor.ts), written by the stages that own
// each counter and read here without locks.

import type { SpmcRing } from './ring/spmc-ring.js'
import type { RingProducer } from './ring/ring-producer.js'
import type { ArenaLayout } from './descriptors/arena-descriptor.js'
import {
  FSYNC_BUCKETS_US, HEAP_JOURNAL, HEAP_SEQUENCER, JS_BUCKETS, JS_BYTES, JS_FSYNCS, JS_FSYNC_US_SUM, SLOT_DURABLE, SLOT_STABLE, SLOT_HEAP,
  SLOT_JOURNAL_STATS, SLOT_SEQUENCED, SLOT_SEQ_STATS, SLOT_STATE, SS_BATCHES, SS_DUPLICATES, SS_MESSAGES, SS_REJECTS, STATE_FAULTS,
  STATE_RETRY_FAILURES, readU64, slotIndex,
} from './descriptors/watermark-descriptor.js'
import type { EngineMetrics, GroupInfo, JournalFigures } from './engine-port.js'
import type { JournalUsageReader } from './journal/journal-usage.js'
import type { GroupStats } from './stages/fanout/group-stats.js'
import type { RetentionTotals } from './engine-reports.js'

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
    stableGsn: readU64(wm, slotIndex(SLOT_STABLE)),
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

/**
 * The journal on disk and what retention removed. The directory is re-read only when the
 * journal changed (bytes appended, bytes removed or the durable gsn moved) or a second
 * went by (journal/journal-usage.ts).
 */
export function readJournalFigures(wm: Int32Array, usage: JournalUsageReader, removed: RetentionTotals): JournalFigures {
  const appended = readU64(wm, slotIndex(SLOT_JOURNAL_STATS) + JS_BYTES)
  const u = usage.read(appended + removed.bytes + readU64(wm, slotIndex(SLOT_DURABLE)))
  return {
    bytes: u.bytes,
    segments: u.segments,
    oldestGsn: u.oldestGsn,
    appendedBytes: appended,
    retentionRemovedSegments: removed.segments,
    retentionRemovedBytes: removed.bytes,
  }
}

/** Every group (name → id pairs of the registry) with the dispatcher's figures, by id. */
export function readGroupList(groups: Array<[string, number]>, stats: GroupStats): GroupInfo[] {
  const out: GroupInfo[] = []
  for (const [name, id] of groups) {
    const g = stats.get(id)
    out.push({ id, name, messages: g.messages, lastGseq: g.lastGseq })
  }
  out.sort((a, b) => a.id - b.id)
  return out
}
