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
//   Both modes: SYNCED = the gsn the last successful fdatasync covered (the appender passes
//   it to Journal.confirmSynced, so that a fault re-writes only what no fsync covered).
// A failed fdatasync (or open) moves the journal to `faulted` and wakes the sequencer
// thread, which owns the Journal and retries (journal-appender.ts). While faulted this
// thread neither syncs nor moves DUR: after a failed fsync Linux may have dropped the dirty
// pages, so a later fsync that "succeeds" proves nothing about them; the owner's retry
// re-writes them first. Once the journal is running again this thread goes on.
// The loop is runUntilFinished (idle/stage.ts) with a spin-then-park BackoffIdleStrategy.

import { parentPort, workerData } from 'node:worker_threads'
import { Doorbell } from '../../ring/doorbell.js'
import { segmentPath } from '../../journal/segment-directory.js'
import {
  FSYNC_BUCKETS_US, JS_BUCKETS, JS_FSYNCS, JS_FSYNC_US_SUM, SLOT_ACTIVE_SEGMENT, SLOT_DURABLE, SLOT_JOURNAL_STATS,
  SLOT_STATE, SLOT_SYNCED, SLOT_WRITTEN, STATE_ERROR_CODE, STATE_FAULT_ERRNO, STATE_JOURNAL, STATE_SEQUENCER,
  StageState, addU64, faultErrnoIndex, readU64, slotIndex, storeU64, SLOT_HEAP, HEAP_JOURNAL,
} from '../../descriptors/watermark-descriptor.js'
import { loadFileIo } from '../../journal/file-io-module.js'
import { errnoOf } from '../../journal/errors.js'
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
const ingressBell = Doorbell.attach(d.ingressBell)
const io = await loadFileIo(d.fileIo)
const STATE = slotIndex(SLOT_STATE)
const STATS = slotIndex(SLOT_JOURNAL_STATS)
const DUR = slotIndex(SLOT_DURABLE)
const WRIT = slotIndex(SLOT_WRITTEN)
const SEG = slotIndex(SLOT_ACTIVE_SEGMENT)
const SYNCED = slotIndex(SLOT_SYNCED)
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

function journalRunning(): boolean {
  return Atomics.load(wm, STATE + STATE_JOURNAL) === StageState.running
}

function closeFd(): void {
  if (fd >= 0) {
    try {
      io.closeSync(fd)
    } catch {
      // nothing to keep from a descriptor that is going away
    }
  }
  fd = -1
  fdSegment = 0
}

/** The fdatasync failed: the journal is faulted until the sequencer thread's retry succeeds. */
function fault(err: unknown): void {
  closeFd()
  Atomics.store(wm, STATE + STATE_FAULT_ERRNO, faultErrnoIndex(errnoOf(err)))
  // running -> faulted only: a journal that stopped or failed meanwhile stays so.
  Atomics.compareExchange(wm, STATE + STATE_JOURNAL, StageState.running, StageState.faulted)
  ingressBell.forceRing() // the sequencer thread may be parked: it owns the retry
}

/**
 * fdatasync of the segment holding `upTo` (read from WRIT before this call). Returns false
 * (and faults the journal) when it failed.
 */
function syncUpTo(upTo: number): boolean {
  const seg = readU64(wm, SEG)
  // SEGMENT 0: nothing appended since the journal opened; what WRIT holds is what recovery
  // found, in segments that were synced when they rolled or closed.
  if (seg !== 0) {
    try {
      if (seg !== fdSegment) {
        closeFd()
        // Read-only is enough for fdatasync on Linux; the sequencer keeps its own descriptor.
        fd = io.openSync(segmentPath(d.dir, seg), 'r')
        fdSegment = seg
      }
      const t0 = performance.now()
      io.fdatasyncSync(fd)
      recordFsync((performance.now() - t0) * 1000)
    } catch (err) {
      fault(err)
      return false
    }
  }
  synced = upTo
  storeU64(wm, SYNCED, upTo)
  return true
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
    // Faulted: the owner retries; nothing is synced or published until it succeeded.
    if (!journalRunning()) return 0
    const written = readU64(wm, WRIT)
    if (written <= synced) return 0
    if (fsyncMode) {
      const from = synced + 1
      if (!syncUpTo(written)) return 0
      // The journal may have faulted while we synced (a write error after `written`):
      // what we synced up to `written` is durable all the same.
      // Stamped before DUR moves: once it has, the main thread may deliver, and a sampling
      // window closed right after that delivery would drop a stamp made later.
      if (trace !== null) trace.stamp(TraceStage.durable, from, written)
      storeU64(wm, DUR, written)
      dispatchBell.ring()
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
      if (fsyncMode && journalRunning() && readU64(wm, WRIT) > synced) {
        syncBell.cancel()
        return true
      }
      stage.probe.sample(performance.now())
      return syncBell.await(s, timeoutMs)
    },
  }
  const parkMs = fsyncMode ? 50 : Math.max(1, d.asyncFsyncIntervalMs)
  runUntilFinished(stage, new BackoffIdleStrategy({ maxSpins: 200, maxYields: 0, minParkMs: parkMs, maxParkMs: parkMs, parker: syncParker }))
  // The Journal synced on close; this only confirms it (not when it closed faulted).
  const last = readU64(wm, WRIT)
  if (last > synced && Atomics.load(wm, STATE + STATE_JOURNAL) === StageState.stopped) syncUpTo(last)
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
closeFd()
if (!failed) {
  if (fsyncMode && Atomics.load(wm, STATE + STATE_JOURNAL) === StageState.stopped) storeU64(wm, DUR, synced)
  dispatchBell.forceRing()
  post({ type: 'stopped', syncedGsn: synced })
}
