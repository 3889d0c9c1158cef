// Journal-sync stage entry: a dedicated worker thread (started by engine/engine.ts) that
// makes the journal durable and does nothing else. The sequencer thread appends and
// writes (journal-appender.ts); this thread only runs fdatasync, which blocks for a
// millisecond or more, so that the writes of the next batches overlap it.
//
//   appender: append … write() ─▶ SEGMENT, WRIT ──ring syncBell──▶ this thread
//                                                                      │ read WRIT, then SEGMENT
//                                                                      │ fdatasync(segment file)
//                       dispatcher ◀──ring dispatchBell── DUR = WRIT ◀─┘ (fsync mode)
//
// Group commit: each fdatasync covers everything written before it started, so while one
// runs the sequencer keeps writing and the next one carries more (this machine's disk
// does about 2 500 small fsyncs/s, bench/RESULTS.md, so millions of messages/s need
// hundreds of messages per fsync).
// Why fsyncing another descriptor of the same file is enough: fdatasync flushes the
// file's dirty pages and metadata needed to read them, whichever descriptor wrote them.
// Why reading WRIT before SEGMENT is enough: the appender stores SEGMENT before WRIT, and
// a segment it rolled away from was fdatasynced by the Journal before the roll, so every
// gsn up to the WRIT read lies in the SEGMENT read or in an older, already synced file.
//
//   fsync mode: owns DUR; syncs back to back while WRIT > synced, parks on syncBell otherwise.
//   async mode: DUR is the appender's (written = acknowledged); syncs every
//               asyncFsyncIntervalMs while something was written since the last sync.
// The loop is runUntilFinished (idle/stage.ts) with a spin-then-park BackoffIdleStrategy.

import { openSync, closeSync, fdatasyncSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { Doorbell } from '../../ring/doorbell.js'
import { segmentPath } from '../../journal/segment-directory.js'
import {
  FSYNC_BUCKETS_US, JS_BUCKETS, JS_FSYNCS, JS_FSYNC_US_SUM, SLOT_ACTIVE_SEGMENT, SLOT_DURABLE, SLOT_JOURNAL_STATS,
  SLOT_STATE, SLOT_WRITTEN, STATE_ERROR_CODE, STATE_JOURNAL, STATE_SEQUENCER,
  StageState, addU64, readU64, slotIndex, storeU64, SLOT_HEAP, HEAP_JOURNAL,
} from '../../descriptors/watermark-descriptor.js'
import { ErrorCode } from '../../../codec/error-codes.js'
import { HeapProbe } from '../heap-probe.js'
import type { JournalSyncMessage, JournalSyncWorkerData } from './journal-sync-messages.js'
import { BackoffIdleStrategy } from '../../idle/backoff-idle-strategy.js'
import type { Parker } from '../../idle/idle-strategy.js'
import { runUntilFinished, type DrainingStage } from '../../idle/stage.js'
import { StageStamper, TraceStage } from '../../trace/stage-trace.js'
import { TraceWriter } from '../../trace/stage-trace-descriptor.js'


const d = workerData as JournalSyncWorkerData
const post = (m: JournalSyncMessage): void => parentPort!.postMessage(m)
const wm = new Int32Array(d.wm)
const dispatchBell = Doorbell.attach(d.dispatchBell)
const syncBell = Doorbell.attach(d.syncBell)
const STATE = slotIndex(SLOT_STATE)
const STATS = slotIndex(SLOT_JOURNAL_STATS)
const DUR = slotIndex(SLOT_DURABLE)
const WRIT = slotIndex(SLOT_WRITTEN)
const SEG = slotIndex(SLOT_ACTIVE_SEGMENT)
const fsyncMode = d.durability === 'fsync'
const trace = d.trace === null ? null : new StageStamper(d.trace, TraceWriter.sync)

let fd = -1
let fdSegment = 0

// The sequencer opens the journal (recovery may take a while) and then publishes WRIT,
// DUR and SEGMENT; until then this thread only waits (it was started alongside).
post({ type: 'ready' })
const startWait = new Int32Array(new SharedArrayBuffer(4)) // a sleep: Atomics.wait needs shared memory
for (;;) {
  const js = Atomics.load(wm, STATE + STATE_JOURNAL)
  if (js === StageState.running) break
  if (js === StageState.failed || sequencerDone()) {
    post({ type: 'stopped', syncedGsn: 0 })
    process.exit(0)
  }
  Atomics.wait(startWait, 0, 0, 1)
}
// Nothing counts as synced until this thread has synced it: starting from 0 means the first
// pass fsyncs whatever WRIT holds by then. (Starting from WRIT lost a wake-up when this
// thread came up late: a write made between the sequencer's start and this line was taken
// as synced, never fsynced, and the durable watermark never moved.)
let synced = 0

function recordFsync(us: number): void {
  addU64(wm, STATS + JS_FSYNCS, 1)
  addU64(wm, STATS + JS_FSYNC_US_SUM, Math.round(us))
  let b = 0
  while (us > FSYNC_BUCKETS_US[b]!) b++
  Atomics.add(wm, STATS + JS_BUCKETS + b, 1)
}

/** fdatasync of the segment holding `upTo` (read from WRIT before this call). */
function syncUpTo(upTo: number): void {
  const seg = readU64(wm, SEG)
  // SEGMENT 0: nothing appended since the journal opened; what WRIT holds is what recovery
  // found, in segments that were synced when they rolled or closed.
  if (seg !== 0) {
    if (seg !== fdSegment) {
      if (fd >= 0) closeSync(fd)
      fd = -1
      // Read-only is enough for fdatasync on Linux; the sequencer keeps its own descriptor.
      fd = openSync(segmentPath(d.dir, seg), 'r')
      fdSegment = seg
    }
    const t0 = performance.now()
    fdatasyncSync(fd)
    recordFsync((performance.now() - t0) * 1000)
  }
  synced = upTo
}

function sequencerDone(): boolean {
  const s = Atomics.load(wm, STATE + STATE_SEQUENCER)
  return s === StageState.stopped || s === StageState.failed
}

/** One pass of the journal-sync thread: fdatasync what was written since the last sync. */
class JournalSyncStage implements DrainingStage {
  readonly probe = new HeapProbe(wm, slotIndex(SLOT_HEAP) + HEAP_JOURNAL)
  // Fields, not module-level `let`s: a module-level binding holding a double (a clock
  // reading) is a heap number, so each store would allocate.
  private lastSync = performance.now()
  private passes = 0

  doWork(): number {
    if ((++this.passes & 63) === 0) this.probe.sample(performance.now())
    const written = readU64(wm, WRIT)
    if (written <= synced) return 0
    if (fsyncMode) {
      const from = synced + 1
      syncUpTo(written)
      storeU64(wm, DUR, written)
      dispatchBell.ring()
      if (trace !== null) trace.stamp(TraceStage.durable, from, written)
      return 1
    }
    if (performance.now() - this.lastSync < d.asyncFsyncIntervalMs) return 0
    syncUpTo(written)
    this.lastSync = performance.now()
    return 1
  }

  /** Stop once the sequencer has closed the journal (its last write is in WRIT). */
  finished(): boolean {
    return sequencerDone()
  }
}

function syncLoop(): void {
  const stage = new JournalSyncStage()
  // Sleeps on the doorbell the appender rings after each write (race-free: WRIT is
  // re-checked after registering). async mode: wakes for the next interval anyway.
  const syncParker: Parker = {
    park(timeoutMs: number): boolean {
      const s = syncBell.prepare()
      if (fsyncMode && readU64(wm, WRIT) > synced) {
        syncBell.cancel()
        return true
      }
      stage.probe.sample(performance.now())
      return syncBell.await(s, timeoutMs)
    },
  }
  const parkMs = fsyncMode ? 50 : Math.max(1, d.asyncFsyncIntervalMs)
  runUntilFinished(stage, new BackoffIdleStrategy({ maxSpins: 200, maxYields: 0, minParkMs: parkMs, maxParkMs: parkMs, parker: syncParker }))
  const last = readU64(wm, WRIT)
  if (last > synced) syncUpTo(last) // the Journal synced on close; this only confirms it
}

let failed = false
try {
  syncLoop()
} catch (err) {
  failed = true
  const e = err as { code?: string; message: string }
  Atomics.store(wm, STATE + STATE_ERROR_CODE, ErrorCode.INTERNAL)
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.failed)
  dispatchBell.forceRing()
  post({ type: 'failed', code: e.code ?? 'JOURNAL_FSYNC_FAILED', message: `fdatasync of the journal failed: ${e.message}` })
}
if (fd >= 0) closeSync(fd)
if (!failed) {
  if (fsyncMode) storeU64(wm, DUR, synced)
  dispatchBell.forceRing()
  post({ type: 'stopped', syncedGsn: synced })
}
