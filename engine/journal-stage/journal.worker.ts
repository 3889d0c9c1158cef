// Journal stage entry: a dedicated worker thread (started by engine/engine.ts).
//
//   sequenced ring (consumer 0) ──read──▶ Journal.append … ──▶ write / fsync ──▶ durable watermark
//
// Group commit: each pass appends every batch the sequencer committed since the last
// pass, then makes them durable with one fsync (fsync mode) or one write to the OS
// (async mode, fsync every asyncFsyncIntervalMs). While an fsync runs the sequencer
// keeps filling the ring, so the next pass carries more: batches grow with load
// (REFERENCE.md: a few thousand fsyncs/s, so millions of messages/s need hundreds per fsync).
// Records are released to the sequencer only after the bytes are in the journal's hands.

import { parentPort, workerData } from 'node:worker_threads'
import { SpmcRing } from '../ring/spmc-ring.js'
import { Doorbell } from '../ring/doorbell.js'
import { Journal } from '../journal/journal-writer.js'
import {
  BATCH_BYTES, BATCH_COUNT, BATCH_FIRST_GSN_HI, BATCH_FIRST_GSN_LO, BATCH_HEADER, RecordType,
} from '../sequencer/sequenced-record-descriptor.js'
import {
  FSYNC_BUCKETS_US, JS_BUCKETS, JS_BYTES, JS_FSYNCS, JS_FSYNC_US_SUM, SLOT_DURABLE, SLOT_JOURNAL_STATS,
  SLOT_RETENTION_FLOOR, SLOT_SEQUENCED, SLOT_STATE, SLOT_WRITTEN, STATE_ERROR_CODE, STATE_JOURNAL, STATE_SEQUENCER, STATE_STOP_REQUEST,
  StageState, addU64, readU64, slotIndex, storeU64, SLOT_HEAP, HEAP_JOURNAL,
} from '../watermark-descriptor.js'
import type { ArenaLayout } from '../arena-descriptor.js'
import { ErrorCode } from '../error-codes.js'
import { HeapProbe } from '../heap-probe.js'

export interface JournalWorkerData {
  arena: SharedArrayBuffer
  layout: ArenaLayout
  wm: SharedArrayBuffer
  dispatchBell: SharedArrayBuffer
  dir: string
  durability: 'fsync' | 'async'
  asyncFsyncIntervalMs: number
  segmentBytes: number
  retention: { maxBytes?: number; maxAgeMs?: number } | undefined
}

const d = workerData as JournalWorkerData
const wm = new Int32Array(d.wm)
const dispatchBell = Doorbell.attach(d.dispatchBell)
const STATE = slotIndex(SLOT_STATE)
const STATS = slotIndex(SLOT_JOURNAL_STATS)
const DUR = slotIndex(SLOT_DURABLE)
const WRIT = slotIndex(SLOT_WRITTEN)

let journal: Journal
try {
  journal = Journal.open({ dir: d.dir, segmentBytes: d.segmentBytes, retention: d.retention })
} catch (err) {
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.failed)
  const e = err as { code?: string; message: string }
  parentPort!.postMessage({ type: 'failed', code: e.code ?? 'JOURNAL_OPEN', message: e.message })
  process.exit(1)
}

const consumer = SpmcRing.attachIn(d.arena, d.layout.sequencedOffset, 0)
const i32 = consumer.i32 // data-region words (records are 8-aligned)
const bytes = consumer.bytes

storeU64(wm, DUR, journal.nextGsn - 1)
storeU64(wm, WRIT, journal.nextGsn - 1)
Atomics.store(wm, STATE + STATE_JOURNAL, StageState.running)
parentPort!.postMessage({ type: 'ready', nextGsn: journal.nextGsn, firstGsn: journal.firstGsn, recovery: journal.recovery })

let appended = 0 // records appended this pass
let appendedBytes = 0
const TWO_32 = 4294967296

function onRecord(_b: Uint8Array, at: number, length: number, type: number): void {
  if (type !== RecordType.batch) return // notices are for the dispatcher only
  const w = at >> 2
  const count = i32[w + (BATCH_COUNT >> 2)]! >>> 0
  if (count === 0) return // a batch that held only duplicates
  const blobBytes = i32[w + (BATCH_BYTES >> 2)]! >>> 0
  const firstGsn = (i32[w + (BATCH_FIRST_GSN_HI >> 2)]! >>> 0) * TWO_32 + (i32[w + (BATCH_FIRST_GSN_LO >> 2)]! >>> 0)
  if (BATCH_HEADER + blobBytes > length) throw new Error(`sequenced batch overruns its record: bytes=${blobBytes}, record=${length}`)
  journal.append(bytes, at + BATCH_HEADER, blobBytes, firstGsn, count)
  appended++
  appendedBytes += blobBytes
}

function recordFsync(us: number): void {
  addU64(wm, STATS + JS_FSYNCS, 1)
  addU64(wm, STATS + JS_FSYNC_US_SUM, Math.round(us))
  let b = 0
  while (us > FSYNC_BUCKETS_US[b]!) b++
  Atomics.add(wm, STATS + JS_BUCKETS + b, 1)
}

function syncNow(): void {
  const t0 = performance.now()
  journal.sync()
  recordFsync((performance.now() - t0) * 1000)
}

// Retention runs at most every few seconds, busy or idle, and never deletes a segment
// holding the floor gsn the main thread publishes (subscribers still reading).
const RETENTION_EVERY_MS = 2_000
function maybeRetain(): void {
  if (d.retention === undefined) return
  const now = Date.now()
  if (now - lastRetention < RETENTION_EVERY_MS) return
  lastRetention = now
  const floor = readU64(wm, slotIndex(SLOT_RETENTION_FLOOR))
  if (floor === 0) return // not published yet
  journal.applyRetention(now, Math.min(floor, journal.syncedGsn + 1))
}

let lastFsync = performance.now()
let lastRetention = Date.now()
let idle = 0
let failed = false
try {
  const probe = new HeapProbe(wm, slotIndex(SLOT_HEAP) + HEAP_JOURNAL)
  for (;;) {
    probe.sample(performance.now())
    appended = 0
    appendedBytes = 0
    const n = consumer.read(onRecord, 4096)
    if (n > 0) {
      idle = 0
      if (appended > 0) {
        if (d.durability === 'fsync') {
          syncNow()
          storeU64(wm, WRIT, journal.writtenGsn)
          storeU64(wm, DUR, journal.syncedGsn)
        } else {
          journal.write()
          storeU64(wm, WRIT, journal.writtenGsn)
          storeU64(wm, DUR, journal.writtenGsn) // async: acknowledged once the OS has it
        }
        addU64(wm, STATS + JS_BYTES, appendedBytes)
        dispatchBell.ring()
      }
      consumer.releaseAll()
      maybeRetain()
      continue
    }
    // Nothing new.
    if (d.durability === 'async' && journal.syncedGsn < journal.writtenGsn && performance.now() - lastFsync >= d.asyncFsyncIntervalMs) {
      syncNow()
      lastFsync = performance.now()
    }
    if (Atomics.load(wm, STATE + STATE_STOP_REQUEST) !== 0 && Atomics.load(wm, STATE + STATE_SEQUENCER) !== StageState.running) {
      if (!consumer.hasData() && readU64(wm, slotIndex(SLOT_SEQUENCED)) <= journal.nextGsn - 1) break
    }
    maybeRetain()
    if (++idle < 1000) continue
    consumer.park(d.durability === 'async' ? Math.max(1, d.asyncFsyncIntervalMs) : 50)
  }
  journal.close()
  storeU64(wm, DUR, journal.syncedGsn)
} catch (err) {
  failed = true
  const e = err as { code?: string; message: string }
  Atomics.store(wm, STATE + STATE_ERROR_CODE, ErrorCode.INTERNAL)
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.failed)
  dispatchBell.forceRing()
  parentPort!.postMessage({ type: 'failed', code: e.code ?? 'JOURNAL_FAILED', message: e.message })
  try {
    journal.abandon()
  } catch {
    // already failed: the next open recovers from what was synced
  }
}
if (!failed) {
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.stopped)
  dispatchBell.forceRing()
  parentPort!.postMessage({ type: 'stopped', nextGsn: journal.nextGsn })
}
