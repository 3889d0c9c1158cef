// Sequencer stage entry: a dedicated worker thread (started by engine/engine.ts).
// Opens the journal (recovery), rebuilds its state from it, then loops: doWork() over
// every ingress ring, then appends what it committed to the journal and writes it to the
// OS (journal-tap.ts: the fsync runs on the sync stage), spinning briefly and parking on
// the shared ingress doorbell when there is nothing.

import { parentPort, workerData } from 'node:worker_threads'
import { SpmcRing } from '../ring/spmc-ring.js'
import { SpscRing } from '../ring/spsc-ring.js'
import { Doorbell } from '../ring/doorbell.js'
import { Sequencer } from './sequencer.js'
import { Dedupe } from './dedupe.js'
import { GseqTable } from './gseq-table.js'
import { ArenaIngressSource, ArenaSequencedSink } from './ring-adapters.js'
import { recoverState } from './recovery-scan.js'
import { HeapProbe } from '../heap-probe.js'
import { writeSnapshot } from './state-snapshot.js'
import { JournalTap } from './journal-tap.js'
import { Journal } from '../journal/journal-writer.js'
import type { RetentionReport } from '../journal/retention.js'
import { ErrorCode } from '../error-codes.js'
import {
  SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_SEQUENCED, SLOT_SEQ_STATS, SLOT_STATE, SS_BATCHES, SS_DUPLICATES,
  SS_MESSAGES, SS_REJECTS, STATE_SEQUENCER, SLOT_HEAP, HEAP_SEQUENCER, STATE_STOP_REQUEST, StageState, addU64, slotIndex, storeU64,
  STATE_JOURNAL, STATE_ERROR_CODE,
} from '../watermark-descriptor.js'
import type { ArenaLayout } from '../arena-descriptor.js'

export interface SequencerWorkerData {
  arena: SharedArrayBuffer
  layout: ArenaLayout
  wm: SharedArrayBuffer
  ingressBell: SharedArrayBuffer
  dispatchBell: SharedArrayBuffer
  /** Rung after each journal write in fsync mode: the sync stage sleeps on it. */
  syncBell: SharedArrayBuffer
  memoryMode: boolean
  durability: 'fsync' | 'async' | 'memory'
  dataDir: string // journal directory
  stateDir: string // sequencer state snapshots
  snapshotEvery: number // messages between snapshots
  segmentBytes: number
  retention: { maxBytes?: number; maxAgeMs?: number } | undefined
  batchMaxMessages: number
  batchMaxBytes: number
  maxGroups: number
  dedupeWindow: number
  /** Empty passes before parking (EngineOptions.idleSpins). */
  idleSpins: number
}

const d = workerData as SequencerWorkerData
const wm = new Int32Array(d.wm)
const bytes = new Uint8Array(d.arena)
const i32 = new Int32Array(d.arena)
const ingressBell = Doorbell.attach(d.ingressBell)
const dispatchBell = Doorbell.attach(d.dispatchBell)

const out = SpmcRing.attachIn(d.arena, d.layout.sequencedOffset)
const sink = new ArenaSequencedSink(out.producer, out.dataOffset, out.maxPayloadLength)
const sources = d.layout.ingressOffsets.map((off) => {
  const ring = SpscRing.attach(d.arena, off)
  return new ArenaIngressSource(ring.consumer, ring.dataOffset)
})

// The journal: opened here (recovery cuts a torn tail and reports it), appended to here.
let journal: Journal | null = null
let firstGsn = 0 // oldest gsn in the journal (0: empty)
let nextGsn = 1
if (!d.memoryMode) {
  try {
    journal = Journal.open({ dir: d.dataDir, segmentBytes: d.segmentBytes, retention: d.retention })
  } catch (err) {
    Atomics.store(wm, slotIndex(SLOT_STATE) + STATE_JOURNAL, StageState.failed)
    const e = err as { code?: string; message: string }
    parentPort!.postMessage({ type: 'failed', code: e.code ?? 'JOURNAL_OPEN', message: e.message })
    process.exit(1)
  }
  nextGsn = journal.nextGsn
  firstGsn = nextGsn > 1 ? journal.firstGsn : 0
}

const gseqs = new GseqTable()
const dedupe = new Dedupe(d.dedupeWindow)
let scan = { fromGsn: 0, toGsn: 0, messages: 0, ms: 0, snapshotGsn: 0 }
try {
  if (!d.memoryMode) scan = recoverState(d.dataDir, d.stateDir, firstGsn, nextGsn - 1, gseqs, dedupe)
} catch (err) {
  Atomics.store(wm, slotIndex(SLOT_STATE) + STATE_SEQUENCER, StageState.failed)
  parentPort!.postMessage({ type: 'failed', message: `sequencer recovery scan failed: ${(err as Error).message}`, code: (err as { code?: string }).code ?? 'SEQUENCER_RECOVERY' })
  process.exit(1)
}

const SEQ = slotIndex(SLOT_SEQUENCED)
const DUR = slotIndex(SLOT_DURABLE)
const STATS = slotIndex(SLOT_SEQ_STATS)
const MAXG = slotIndex(SLOT_MAX_GROUP)
const STATE = slotIndex(SLOT_STATE)
const origin = performance.timeOrigin
let lastDup = 0
let lastRej = 0
let lastSnapshot = nextGsn - 1

function snapshot(gsn: number): void {
  if (d.memoryMode || gsn === lastSnapshot) return
  lastSnapshot = gsn
  try {
    writeSnapshot(d.stateDir, gsn, gseqs, dedupe)
  } catch (err) {
    // A snapshot is only a hint for a faster restart: losing one costs a longer scan.
    parentPort!.postMessage({ type: 'warning', message: `sequencer snapshot failed: ${(err as Error).message}` })
  }
}

const seq: Sequencer = new Sequencer({
  bytes,
  i32,
  ingress: sources,
  out: sink,
  dedupe,
  gseqs,
  nextGsn,
  batchMaxMessages: d.batchMaxMessages,
  batchMaxBytes: d.batchMaxBytes,
  maxGroups: d.maxGroups,
  maxGroupId: () => Atomics.load(wm, MAXG),
  clockUs: () => Math.floor((origin + performance.now()) * 1000),
  onCommit: (lastGsn, messages, batches) => {
    storeU64(wm, SEQ, lastGsn)
    addU64(wm, STATS + SS_MESSAGES, messages)
    addU64(wm, STATS + SS_BATCHES, batches)
    if (seq.duplicates !== lastDup) {
      addU64(wm, STATS + SS_DUPLICATES, seq.duplicates - lastDup)
      lastDup = seq.duplicates
    }
    if (seq.rejects !== lastRej) {
      addU64(wm, STATS + SS_REJECTS, seq.rejects - lastRej)
      lastRej = seq.rejects
    }
    if (d.memoryMode) storeU64(wm, DUR, lastGsn) // nothing to wait for: sequenced is final
    else if (lastGsn - lastSnapshot >= d.snapshotEvery) snapshot(lastGsn)
    // The dispatcher may sleep on its doorbell: in memory mode nobody else will wake it;
    // with a journal it also takes notices (duplicates) as soon as they are sequenced.
    dispatchBell.ring()
  },
})

storeU64(wm, SEQ, nextGsn - 1)
if (d.memoryMode) storeU64(wm, DUR, nextGsn - 1)
const tap = journal === null ? null : new JournalTap({
  journal,
  consumer: SpmcRing.attachIn(d.arena, d.layout.sequencedOffset, 0),
  wm,
  durability: d.durability === 'async' ? 'async' : 'fsync',
  syncBell: Doorbell.attach(d.syncBell),
  dispatchBell,
  retention: d.retention !== undefined,
})
Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.running)
if (journal !== null) Atomics.store(wm, STATE + STATE_JOURNAL, StageState.running)
parentPort!.postMessage({ type: 'ready', scan, firstGsn, nextGsn, recovery: journal?.recovery ?? null })

/** A journal that failed (disk full, I/O error) stops the pipeline: nothing may be acknowledged past it. */
function journalFailed(err: unknown): never {
  const e = err as { code?: string; message: string }
  Atomics.store(wm, STATE + STATE_ERROR_CODE, ErrorCode.INTERNAL)
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.failed)
  Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.failed)
  dispatchBell.forceRing()
  parentPort!.postMessage({ type: 'failed', code: e.code ?? 'JOURNAL_FAILED', message: e.message })
  try {
    journal?.abandon()
  } catch {
    // already failed: the next open recovers from what reached the disk
  }
  process.exit(1)
}

/** Segments deleted by retention: the main thread counts them (metrics) and logs them. */
function reportRetention(r: RetentionReport | null): void {
  if (r !== null) parentPort!.postMessage({ type: 'retention', ...r })
}

function anyInput(): boolean {
  for (let k = 0; k < sources.length; k++) if (sources[k]!.hasData()) return true
  return false
}

const SPINS = d.idleSpins
const probe = new HeapProbe(wm, slotIndex(SLOT_HEAP) + HEAP_SEQUENCER)
let idle = 0
let passes = 0
for (;;) {
  let n = seq.doWork()
  if (tap !== null) {
    try {
      n += tap.pump()
      if ((passes & 255) === 0) reportRetention(tap.maybeRetain(Date.now()))
    } catch (err) {
      journalFailed(err)
    }
  }
  if ((++passes & 1023) === 0) probe.sample(performance.now())
  if (n > 0) {
    idle = 0
    continue
  }
  if (Atomics.load(wm, STATE + STATE_STOP_REQUEST) !== 0 && !anyInput()) break
  if (++idle < SPINS) continue
  const s = ingressBell.prepare()
  if (anyInput() || Atomics.load(wm, STATE + STATE_STOP_REQUEST) !== 0) {
    ingressBell.cancel()
    // Input waits but the sequenced ring is full: sleep until the dispatcher releases.
    if (anyInput()) out.producer.park(1)
    continue
  }
  probe.sample(performance.now())
  if (tap !== null) {
    // Idle: retention still runs every few seconds (the 100 ms timeout brings us back here).
    try {
      reportRetention(tap.maybeRetain(Date.now()))
    } catch (err) {
      ingressBell.cancel()
      journalFailed(err)
    }
  }
  ingressBell.await(s, 100)
}
seq.flush()
if (tap !== null) {
  try {
    tap.close()
  } catch (err) {
    journalFailed(err)
  }
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.stopped)
}
snapshot(seq.nextGsn - 1)
Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.stopped)
dispatchBell.forceRing()
parentPort!.postMessage({ type: 'stopped', nextGsn: seq.nextGsn, malformed: seq.malformed })
