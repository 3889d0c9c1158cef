// The journal's append path: consumer 0 of the sequenced ring, run on the sequencer
// thread right after each pass commits batches to that ring.
//
//   sequencer pass ──commit──▶ sequenced ring ──consumer 0 (this appender, same thread)──▶ Journal.append
//                                      │                                                  write() to the OS
//                                      │                               SEGMENT, then WRIT ◀─┘ (async: DUR too)
//                                      └──consumer 1──▶ dispatcher (main thread)           │
//                                                                                         ▼
//                             journal-sync stage (journal-sync.worker.ts): fdatasync, DUR (fsync mode)
//
// Why here and not on a thread of its own: on a machine with few cores every extra busy
// thread and every hand-off costs latency (a futex wake takes tens of µs on a VM, and a
// spinning stage competes with the ones that have work; docs/architecture.md has the
// measurements). Appending costs a copy, a CRC32C and one write() per pass, which the
// sequencer can afford; only the fsync, which blocks for a millisecond or more, runs on
// another thread, and it overlaps the next writes.
// Durable means: async mode — written to the OS (this appender moves DUR); fsync mode —
// an fdatasync that started after the write returned (the journal-sync stage reads WRIT
// before it syncs, then moves DUR).
//
// Faults (a full disk, an I/O error), drawn as the journal's state word:
//
//   running ──write/append fails here, or the journal-sync stage's fdatasync fails──▶ faulted
//      ▲                                                                                │
//      └──────── retry() succeeded (re-write what no fsync covered, write, fsync) ◀─────┘
//                retried with backoff: 100 ms, doubling, at most every 5 s
//
// Entering `faulted` stops appending (the records stay in the ring and in the Journal's
// buffer, nothing is cut), tells the sequencer to refuse what comes in (onFault) and the
// main thread why (the 'journal-fault' message). Leaving it publishes WRIT (and DUR in
// async mode) for what the retry wrote, and goes on with the ring where it stopped.
// An error that is not an I/O error (a lost record, a bug) is thrown: the stage fails.

import { Journal } from '../../journal/journal-writer.js'
import type { RetentionReport } from '../../journal/retention.js'
import { JournalIoError } from '../../journal/errors.js'
import type { SpmcRing } from '../../ring/spmc-ring.js'
import type { Doorbell } from '../../ring/doorbell.js'
import {
  BATCH_HEADER, RecordType, batchBlobsAt, batchBytes, batchCount, batchFirstGsn,
} from '../../descriptors/sequenced-record-descriptor.js'
import {
  FAULT_ERRNOS, JS_BYTES, SLOT_ACTIVE_SEGMENT, SLOT_DURABLE, SLOT_JOURNAL_STATS, SLOT_RETENTION_FLOOR, SLOT_STATE, SLOT_SYNCED,
  SLOT_WRITTEN, STATE_FAULTS, STATE_FAULT_CODE, STATE_FAULT_ERRNO, STATE_JOURNAL, STATE_RETRY_FAILURES, StageState,
  addU64, faultErrnoIndex, readU64, slotIndex, storeU64,
} from '../../descriptors/watermark-descriptor.js'
import { ErrorCode } from '../../../codec/error-codes.js'

// Retention runs at most this often, busy or idle.
const RETENTION_EVERY_MS = 2_000
/** First retry this long after a fault; each failed retry doubles the wait, up to the maximum. */
export const RETRY_FIRST_MS = 100
export const RETRY_MAX_MS = 5_000

/** What the appender reports when the journal faults and when it resumes. */
export interface AppenderEvents {
  /** Appends stopped: `code` is DISK_FULL or JOURNAL_IO. */
  onFault(code: number, errno: string, op: string, message: string): void
  /** A retry failed; the next one is in nextInMs. */
  onRetryFailed(attempt: number, errno: string, message: string, nextInMs: number): void
  /** A retry succeeded: appends go on. */
  onResume(retries: number, faultMs: number): void
}

export interface JournalAppenderOptions {
  journal: Journal
  /** Consumer 0 of the sequenced ring (attached by this thread). */
  consumer: ReturnType<typeof SpmcRing.attachIn>
  wm: Int32Array
  durability: 'fsync' | 'async'
  /** Rung after each write: wakes the journal-sync stage (fsync mode). */
  syncBell: Doorbell
  /** Rung after each write in async mode (durable moved). */
  dispatchBell: Doorbell
  retention: boolean
  events: AppenderEvents
}

/** The wire code a fault is reported with: a full device, or any other I/O error. */
export function faultCode(errno: string): number {
  return errno === 'ENOSPC' || errno === 'EDQUOT' ? ErrorCode.DISK_FULL : ErrorCode.JOURNAL_IO
}

export class JournalAppender {
  readonly journal: Journal
  private readonly consumer: JournalAppenderOptions['consumer']
  private readonly i32: Int32Array
  private readonly bytes: Uint8Array
  private readonly wm: Int32Array
  private readonly async: boolean
  private readonly syncBell: Doorbell
  private readonly dispatchBell: Doorbell
  private readonly retention: boolean
  private readonly events: AppenderEvents
  private readonly WRIT = slotIndex(SLOT_WRITTEN)
  private readonly DUR = slotIndex(SLOT_DURABLE)
  private readonly SEG = slotIndex(SLOT_ACTIVE_SEGMENT)
  private readonly SYNCED = slotIndex(SLOT_SYNCED)
  private readonly STATS = slotIndex(SLOT_JOURNAL_STATS)
  private readonly STATE = slotIndex(SLOT_STATE)
  private lastSegment = -1
  private lastSynced = 0
  private lastRetention = Date.now()
  private appendedBytes = 0
  // Fault state (numbers from the start: see the note in journal-writer.ts).
  private faulted = false
  private faultAt = 0
  private retryAt = 0
  private retryWaitMs = RETRY_FIRST_MS
  private retries = 0

  constructor(o: JournalAppenderOptions) {
    this.journal = o.journal
    this.consumer = o.consumer
    this.i32 = o.consumer.i32
    this.bytes = o.consumer.bytes
    this.wm = o.wm
    this.async = o.durability === 'async'
    this.syncBell = o.syncBell
    this.dispatchBell = o.dispatchBell
    this.retention = o.retention
    this.events = o.events
    const last = o.journal.nextGsn - 1
    storeU64(this.wm, this.WRIT, last)
    storeU64(this.wm, this.DUR, last) // before the journal-sync stage starts: one writer at a time
    this.publishSegment()
  }

  /** The journal is faulted (appends stopped until a retry succeeds). */
  get isFaulted(): boolean {
    return this.faulted
  }

  /**
   * Appends every batch committed since the last call, hands them to the OS with one
   * write(), publishes WRIT (and DUR in async mode) and releases the records. Returns the
   * number of ring records consumed. While faulted: retries when due instead. Throws only
   * errors that are not I/O errors (the stage fails).
   */
  pump(): number {
    if (this.faulted) return this.retryIfDue(Date.now())
    const j = this.journal
    const wm = this.wm
    if (Atomics.load(wm, this.STATE + STATE_JOURNAL) === StageState.faulted) {
      // The journal-sync stage's fdatasync failed: this thread owns the Journal and the retry.
      const errno = FAULT_ERRNOS[Atomics.load(wm, this.STATE + STATE_FAULT_ERRNO)] ?? 'UNKNOWN'
      j.syncFailedElsewhere('fsync', Object.assign(new Error(`fdatasync failed in the journal-sync stage: ${errno}`), { code: errno }))
      this.enterFault(j.failedWith as JournalIoError)
      return 0
    }
    const synced = readU64(wm, this.SYNCED)
    if (synced !== this.lastSynced) {
      this.lastSynced = synced
      j.confirmSynced(synced)
    }
    const c = this.consumer
    const i32 = this.i32
    let n = 0
    let appended = 0
    this.appendedBytes = 0
    try {
      // peek/advance, not read(): a record whose append fails stays unread, and is appended
      // again after the retry.
      for (; n < 4096; n++) {
        const at = c.peek()
        if (at < 0) break
        if (c.recordType === RecordType.batch && this.append(i32, at, c.recordLength)) appended++
        c.advance()
      }
      if (appended > 0) j.write()
    } catch (err) {
      if (!(err instanceof JournalIoError)) throw err
      if (n > 0) c.releaseAll() // what was advanced is in the Journal's buffer
      this.enterFault(err)
      return n
    }
    if (n === 0) return 0
    if (appended > 0) {
      this.publishSegment()
      storeU64(wm, this.WRIT, j.writtenGsn)
      addU64(wm, this.STATS + JS_BYTES, this.appendedBytes)
      if (this.async) {
        storeU64(wm, this.DUR, j.writtenGsn) // async: acknowledged once the OS has it
        this.dispatchBell.ring()
      } else this.syncBell.ring()
    }
    c.releaseAll()
    return n
  }

  /**
   * Applies retention at most every 2 s, never past the floor the main thread publishes.
   * Returns the report when segments were deleted (the worker tells the main thread, which
   * counts and logs them), else null. Not while faulted; a failed deletion leaves the
   * segments for the next round.
   */
  maybeRetain(now: number): RetentionReport | null {
    if (!this.retention || this.faulted || now - this.lastRetention < RETENTION_EVERY_MS) return null
    this.lastRetention = now
    const floor = readU64(this.wm, slotIndex(SLOT_RETENTION_FLOOR))
    if (floor === 0) return null // not published yet
    try {
      const r = this.journal.applyRetention(now, Math.min(floor, this.journal.writtenGsn + 1))
      return r.deletedSegments > 0 ? r : null
    } catch (err) {
      // Deleting old segments failed: they stay, and the next round tries again.
      if (!(err instanceof JournalIoError)) throw err
      return null
    }
  }

  /** Whether records wait on consumer 0. */
  hasData(): boolean {
    return this.consumer.hasData()
  }

  /**
   * Drains, fsyncs and closes the journal; WRIT (and DUR in async mode) end at the last gsn.
   * Faulted: one last retry; if it fails the journal closes without what it could not
   * write (never acknowledged in fsync mode; answered as not stored) and the state stays
   * faulted, so the journal-sync stage does not move DUR.
   */
  close(): void {
    if (this.faulted) this.retryIfDue(Number.POSITIVE_INFINITY)
    if (!this.faulted) {
      while (this.pump() > 0) {
        // drain what the last pass committed
      }
    }
    const j = this.journal
    if (this.faulted) {
      j.close()
      return
    }
    try {
      j.close()
    } catch (err) {
      if (!(err instanceof JournalIoError)) throw err
      this.enterFault(err)
      return
    }
    storeU64(this.wm, this.WRIT, j.writtenGsn)
    if (this.async) storeU64(this.wm, this.DUR, j.writtenGsn)
    Atomics.compareExchange(this.wm, this.STATE + STATE_JOURNAL, StageState.running, StageState.stopped)
    this.syncBell.forceRing()
  }

  /** One batch record into the Journal; false for a batch that held only duplicates. */
  private append(i32: Int32Array, at: number, length: number): boolean {
    const count = batchCount(i32, at)
    if (count === 0) return false
    const blobBytes = batchBytes(i32, at)
    if (BATCH_HEADER + blobBytes > length) throw new Error(`sequenced batch overruns its record: bytes=${blobBytes}, record=${length}`)
    this.journal.append(this.bytes, batchBlobsAt(at), blobBytes, batchFirstGsn(i32, at), count)
    this.appendedBytes += blobBytes
    return true
  }

  private enterFault(err: JournalIoError): void {
    const wm = this.wm
    const S = this.STATE
    const code = faultCode(err.errno)
    this.faulted = true
    this.faultAt = Date.now()
    this.retryWaitMs = RETRY_FIRST_MS
    this.retryAt = this.faultAt + this.retryWaitMs
    this.retries = 0
    Atomics.store(wm, S + STATE_FAULT_ERRNO, faultErrnoIndex(err.errno))
    Atomics.store(wm, S + STATE_FAULT_CODE, code)
    Atomics.add(wm, S + STATE_FAULTS, 1)
    Atomics.compareExchange(wm, S + STATE_JOURNAL, StageState.running, StageState.faulted)
    this.events.onFault(code, err.errno, err.op, err.message)
    this.dispatchBell.forceRing()
  }

  /** Retries when due; returns 1 when the journal works again (and its records were published), else 0. */
  private retryIfDue(now: number): number {
    if (now < this.retryAt) return 0
    const j = this.journal
    const wm = this.wm
    try {
      j.retry()
    } catch (err) {
      if (!(err instanceof JournalIoError)) throw err // a loss (JournalDataLostError) or a bug: the stage fails
      this.retries++
      Atomics.add(wm, this.STATE + STATE_RETRY_FAILURES, 1)
      Atomics.store(wm, this.STATE + STATE_FAULT_ERRNO, faultErrnoIndex(err.errno))
      this.retryWaitMs = Math.min(this.retryWaitMs * 2, RETRY_MAX_MS)
      this.retryAt = Date.now() + this.retryWaitMs
      this.events.onRetryFailed(this.retries, err.errno, err.message, this.retryWaitMs)
      return 0
    }
    this.faulted = false
    this.publishSegment()
    storeU64(wm, this.WRIT, j.writtenGsn)
    if (this.async) storeU64(wm, this.DUR, j.writtenGsn)
    Atomics.store(wm, this.STATE + STATE_FAULT_CODE, 0)
    Atomics.compareExchange(wm, this.STATE + STATE_JOURNAL, StageState.faulted, StageState.running)
    this.events.onResume(this.retries, Date.now() - this.faultAt)
    this.syncBell.forceRing()
    this.dispatchBell.forceRing()
    return 1
  }

  private publishSegment(): void {
    const seg = this.journal.activeSegmentGsn
    if (seg !== this.lastSegment) {
      this.lastSegment = seg
      storeU64(this.wm, this.SEG, seg)
    }
  }
}
