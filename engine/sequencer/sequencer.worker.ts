// Sequencer stage entry: a dedicated worker thread (started by engine/engine.ts).
// Rebuilds its state from the journal, then loops: doWork() over every ingress ring,
// spinning briefly and parking on the shared ingress doorbell when there is nothing.

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
import {
  SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_SEQUENCED, SLOT_SEQ_STATS, SLOT_STATE, SS_BATCHES, SS_DUPLICATES,
  SS_MESSAGES, SS_REJECTS, STATE_SEQUENCER, SLOT_HEAP, HEAP_SEQUENCER, STATE_STOP_REQUEST, StageState, addU64, slotIndex, storeU64,
} from '../watermark-descriptor.js'
import type { ArenaLayout } from '../arena-descriptor.js'

export interface SequencerWorkerData {
  arena: SharedArrayBuffer
  layout: ArenaLayout
  wm: SharedArrayBuffer
  ingressBell: SharedArrayBuffer
  dispatchBell: SharedArrayBuffer
  memoryMode: boolean
  dataDir: string // journal directory
  stateDir: string // sequencer state snapshots
  snapshotEvery: number // messages between snapshots
  firstGsn: number // oldest gsn in the journal (0: empty)
  nextGsn: number
  batchMaxMessages: number
  batchMaxBytes: number
  maxGroups: number
  dedupeWindow: number
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

const gseqs = new GseqTable()
const dedupe = new Dedupe(d.dedupeWindow)
let scan = { fromGsn: 0, toGsn: 0, messages: 0, ms: 0, snapshotGsn: 0 }
try {
  if (!d.memoryMode) scan = recoverState(d.dataDir, d.stateDir, d.firstGsn, d.nextGsn - 1, gseqs, dedupe)
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
let lastSnapshot = d.nextGsn - 1

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
  nextGsn: d.nextGsn,
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

storeU64(wm, SEQ, d.nextGsn - 1)
if (d.memoryMode) storeU64(wm, DUR, d.nextGsn - 1)
Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.running)
parentPort!.postMessage({ type: 'ready', scan })

function anyInput(): boolean {
  for (let k = 0; k < sources.length; k++) if (sources[k]!.hasData()) return true
  return false
}

const SPINS = 2000
const probe = new HeapProbe(wm, slotIndex(SLOT_HEAP) + HEAP_SEQUENCER)
let idle = 0
let passes = 0
for (;;) {
  const n = seq.doWork()
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
    // Input waits but the sequenced ring is full: sleep until a consumer releases.
    if (anyInput()) out.producer.park(1)
    continue
  }
  probe.sample(performance.now())
  ingressBell.await(s, 100)
}
seq.flush()
snapshot(seq.nextGsn - 1)
Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.stopped)
dispatchBell.forceRing()
parentPort!.postMessage({ type: 'stopped', nextGsn: seq.nextGsn, malformed: seq.malformed })
