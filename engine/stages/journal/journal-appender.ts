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

import { Journal } from '../../journal/journal-writer.js'
import type { RetentionReport } from '../../journal/retention.js'
import type { SpmcRing } from '../../ring/spmc-ring.js'
import type { Doorbell } from '../../ring/doorbell.js'
import {
  BATCH_HEADER, RecordType, batchBlobsAt, batchBytes, batchCount, batchFirstGsn,
} from '../../descriptors/sequenced-record-descriptor.js'
import {
  JS_BYTES, SLOT_ACTIVE_SEGMENT, SLOT_DURABLE, SLOT_JOURNAL_STATS, SLOT_RETENTION_FLOOR, SLOT_WRITTEN,
  addU64, readU64, slotIndex, storeU64,
} from '../../descriptors/watermark-descriptor.js'

// Retention runs at most this often, busy or idle.
const RETENTION_EVERY_MS = 2_000

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
  private readonly WRIT = slotIndex(SLOT_WRITTEN)
  private readonly DUR = slotIndex(SLOT_DURABLE)
  private readonly SEG = slotIndex(SLOT_ACTIVE_SEGMENT)
  private readonly STATS = slotIndex(SLOT_JOURNAL_STATS)
  private lastSegment = -1
  private lastRetention = Date.now()
  private appended = 0
  private appendedBytes = 0
  private readonly onRecordBound = (b: Uint8Array, at: number, length: number, type: number): void => this.onRecord(b, at, length, type)

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
    const last = o.journal.nextGsn - 1
    storeU64(this.wm, this.WRIT, last)
    storeU64(this.wm, this.DUR, last) // before the journal-sync stage starts: one writer at a time
    this.publishSegment()
  }

  /**
   * Appends every batch committed since the last call, hands them to the OS with one
   * write(), publishes WRIT (and DUR in async mode) and releases the records. Returns the
   * number of ring records consumed. Throws a JournalError when the disk refuses.
   */
  pump(): number {
    this.appended = 0
    this.appendedBytes = 0
    const n = this.consumer.read(this.onRecordBound, 4096)
    if (n === 0) return 0
    if (this.appended > 0) {
      const j = this.journal
      j.write()
      this.publishSegment()
      storeU64(this.wm, this.WRIT, j.writtenGsn)
      addU64(this.wm, this.STATS + JS_BYTES, this.appendedBytes)
      if (this.async) {
        storeU64(this.wm, this.DUR, j.writtenGsn) // async: acknowledged once the OS has it
        this.dispatchBell.ring()
      } else this.syncBell.ring()
    }
    this.consumer.releaseAll()
    return n
  }

  /**
   * Applies retention at most every 2 s, never past the floor the main thread publishes.
   * Returns the report when segments were deleted (the worker tells the main thread, which
   * counts and logs them), else null.
   */
  maybeRetain(now: number): RetentionReport | null {
    if (!this.retention || now - this.lastRetention < RETENTION_EVERY_MS) return null
    this.lastRetention = now
    const floor = readU64(this.wm, slotIndex(SLOT_RETENTION_FLOOR))
    if (floor === 0) return null // not published yet
    const r = this.journal.applyRetention(now, Math.min(floor, this.journal.writtenGsn + 1))
    return r.deletedSegments > 0 ? r : null
  }

  /** Whether records wait on consumer 0. */
  hasData(): boolean {
    return this.consumer.hasData()
  }

  /** Drains, fsyncs and closes the journal; WRIT (and DUR in async mode) end at the last gsn. */
  close(): void {
    while (this.pump() > 0) {
      // drain what the last pass committed
    }
    this.journal.close()
    storeU64(this.wm, this.WRIT, this.journal.writtenGsn)
    if (this.async) storeU64(this.wm, this.DUR, this.journal.writtenGsn)
    this.syncBell.forceRing()
  }

  private publishSegment(): void {
    const seg = this.journal.activeSegmentGsn
    if (seg !== this.lastSegment) {
      this.lastSegment = seg
      storeU64(this.wm, this.SEG, seg)
    }
  }

  private onRecord(_b: Uint8Array, at: number, length: number, type: number): void {
    if (type !== RecordType.batch) return // notices are for the dispatcher only
    const i32 = this.i32
    const count = batchCount(i32, at)
    if (count === 0) return // a batch that held only duplicates
    const blobBytes = batchBytes(i32, at)
    if (BATCH_HEADER + blobBytes > length) throw new Error(`sequenced batch overruns its record: bytes=${blobBytes}, record=${length}`)
    this.journal.append(this.bytes, batchBlobsAt(at), blobBytes, batchFirstGsn(i32, at), count)
    this.appended++
    this.appendedBytes += blobBytes
  }
}
