// The journal writer: appends sequenced batches to segment files, hands them to the OS,
// rolls segments, keeps the sparse index, applies retention. One thread drives a Journal
// and owns it: in the engine, the sequencer thread's journal appender
// (engine/stages/journal/journal-appender.ts). Readers on other threads open the files
// themselves (journal-reader.ts); the engine's journal-sync stage fdatasyncs the active
// segment through a descriptor of its own (engine/stages/journal/journal-sync.worker.ts).
//
// On-disk format (version 1; constants and offset functions in segment-descriptor.ts and
// index-descriptor.ts):
//
//   <dir>/00000000000000000001.seg   segment: header, then records back to back
//   <dir>/00000000000000000001.idx   its sparse index (a cache, rebuilt when bad)
//   <dir>/00000000000000052001.seg   next segment, named by its first gsn ...
//   <dir>/journal.lock               pid of the writer
//
//   segment file
//   0                       32                                        size
//   +-----------------------+----------+----------+-----+----------+
//   | header                | record   | record   | ... | record   |
//   +-----------------------+----------+----------+-----+----------+
//
//   segment header (32 bytes)
//   0        4        8        12       16                24       28       32
//   +--------+--------+--------+--------+--------+--------+--------+--------+
//   | 'ORDS' | version| 32     | flags  | first gsn (u64)  | reserved| crc32c |
//   +--------+--------+--------+--------+--------+--------+--------+--------+
//                                                    crc32c over [0, 28)
//   record (8-aligned, align8(24 + length) bytes)
//   0        4        8                 16       20       24
//   +--------+--------+--------+--------+--------+--------+-------------------+-----+
//   | length | crc32c | first gsn (u64)  | count  | 'ORDR' | batch bytes       | pad |
//   +--------+--------+--------+--------+--------+--------+-------------------+-----+
//            crc32c over [0, 4) ++ [8, 24 + length); pad is zeros
//
//   index file: 32-byte header ('ORDI', version, 24, flags, segment first gsn, crc32c),
//   then 24-byte entries | gsn (u64) | file offset (u64) | kind | crc32c |, kind 1 = point
//   (record at offset starts at gsn), kind 2 = seal (segment ends at offset, next gsn).
//
// Written and synced. append() copies into the write buffer (handing it to the OS when
// full); write() hands the rest to the OS: writtenGsn, which survives a process crash but
// not a power cut. "Synced" has one meaning: on stable storage by an fdatasync that started
// after the bytes were written. Two parties make such fsyncs of a journal directory:
//   - this object, at the points it controls: a new segment's header (and the directory,
//     so the file itself survives), a segment before the writer rolls past it, sync()
//     (= write() + fdatasync), and close();
//   - in the engine, the journal-sync stage, which fdatasyncs the active segment back to
//     back while something is written (group commit) and publishes the gsn it covered;
//     the owner passes it on with confirmSynced(gsn).
// syncedGsn counts both: it is the durable watermark (the engine's DUR in fsync mode,
// engine/descriptors/watermark-descriptor.ts, follows the same fsyncs).
//
// Faults. A write or fsync that fails (ENOSPC, EIO, ...) throws JournalIoError and leaves
// the journal faulted: writtenGsn and syncedGsn stop, append/write/sync throw
// JournalFailedError, and NOTHING is cut: every byte handed to the OS may already be
// acknowledged (async mode acknowledges what is written; in fsync mode another thread's
// fsync may have covered it) or made durable by someone else, so removing it could only
// lose data, and gsns with it. Records appended but not yet written stay in the buffer.
// retry() is the way back: it re-writes, after checking them, the records no fsync is
// known to cover, writes what waits in the buffer, and fdatasyncs; only when all of that
// succeeds is the journal usable again (rewrite-unconfirmed.ts). A record that no longer
// checks out is reported (JournalDataLostError) and the journal stays failed: reopening
// runs recovery, which cuts a torn or damaged tail and serves everything intact before it.

import * as path from 'node:path'
import { acquireDirLock, releaseDirLock } from './dir-lock.js'
import {
  JournalArgumentError,
  JournalClosedError,
  JournalDataLostError,
  JournalError,
  JournalFailedError,
  JournalGsnGapError,
  JournalIoError,
  errnoOf,
} from './errors.js'
import { type FileIo, fsyncDir, nodeFileIo, writeFully } from './file-io.js'
import { rewriteUnconfirmed } from './rewrite-unconfirmed.js'
import { SyncMarks } from './sync-marks.js'
import { DEFAULT_INDEX_EVERY_BYTES, DEFAULT_INDEX_EVERY_RECORDS } from './index-descriptor.js'
import { IndexFileWriter } from './index-file-writer.js'
import { IndexPolicy } from './index-policy.js'
import { encodeRecord, encodeRecordHeaderFor } from './record-encoder.js'
import { type ClosedSegment, type RecoveryReport, recoverJournal } from './recovery.js'
import { type RetentionPolicy, type RetentionReport, planRetention } from './retention.js'
import {
  MAX_RECORD_BATCH_BYTES,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  indexFileName,
  recordBytes,
  segmentFileName,
} from './segment-descriptor.js'
import { encodeSegmentHeader } from './segment-header.js'
import { SegmentIndex } from './segment-index.js'

export type { RecoveryReport } from './recovery.js'

/** 'memory' means no journal at all: the engine does not open one. */
export type JournalDurability = 'fsync' | 'async'

export interface JournalOptions {
  /** Directory of segment files; created if missing. */
  dir: string
  /** A segment rolls once it would exceed this many bytes. Default 256 MiB. */
  segmentBytes?: number
  /** A point entry in the sparse index at least every this many bytes. Default 1 MiB. */
  indexEveryBytes?: number
  /** ... and at least every this many records. Default 1024. */
  indexEveryRecords?: number
  /** Write buffer; when full it is written to the OS. Records larger than half of it are
   *  written straight from the caller's bytes. Default 1 MiB (see DEFAULT_WRITE_BUFFER_BYTES). */
  writeBufferBytes?: number
  /** Used by applyRetention(). Default: keep everything. */
  retention?: RetentionPolicy
  /** File operations (fault injection in tests). Default: node:fs. */
  io?: FileIo
}

export const DEFAULT_SEGMENT_BYTES = 256 * 1024 * 1024
/**
 * 1 MiB, not more: a write() of bytes that were just copied and checksummed reads them
 * from the CPU cache. Measured here (64 KiB batches, fsync every 64): 1 MiB buffers
 * ~650 MB/s, 8 MiB ~440 MB/s, because 4-8 MiB writes re-read the data from DRAM.
 */
export const DEFAULT_WRITE_BUFFER_BYTES = 1024 * 1024

export class Journal {
  readonly dir: string
  /** What recovery found and cut when this journal was opened. */
  readonly recovery: RecoveryReport
  private readonly io: FileIo
  private readonly segmentBytes: number
  private readonly retention: RetentionPolicy
  private readonly lockKey: string

  private readonly buffer: Uint8Array
  private readonly view: DataView
  /** Bytes of records waiting in `buffer` (they follow `activeBytes` in the file). */
  private bufUsed = 0

  private readonly closedSegments: ClosedSegment[]
  private activeFirstGsn = 0
  private activeFd = -1
  /** Bytes of the active segment file handed to the OS. */
  private activeBytes = 0
  /** Bytes of the active segment file known to be on stable storage (a record boundary)... */
  private confirmedBytes = 0
  /** ... ending with this gsn. */
  private confirmedGsn = 0
  /** Where each write() ended, for confirmSynced(). */
  private readonly marks = new SyncMarks()
  /** First gsn of a segment whose creation failed (0: none): retry() creates it again. */
  private pendingSegment = 0
  private activeIndex: SegmentIndex
  private readonly policy: IndexPolicy
  private readonly indexFile: IndexFileWriter

  // Numbers from the start (set again by the constructor): a field declared without a value
  // starts as undefined (ES2022 class fields), V8 then keeps it tagged, and every store of a
  // gsn past 2^31 would allocate a heap number (three per append/write/sync).
  private _nextGsn = 0
  private _writtenGsn = 0
  private _syncedGsn = 0
  private failure: JournalError | null = null
  /** The failure is a loss retry() cannot repair (JournalDataLostError). */
  private lost = false
  private isClosed = false

  private constructor(opts: JournalOptions, io: FileIo, lockKey: string) {
    this.dir = opts.dir
    this.io = io
    this.lockKey = lockKey
    this.segmentBytes = positiveInt(opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES, 'segmentBytes')
    this.retention = opts.retention ?? {}
    const bufBytes = positiveInt(opts.writeBufferBytes ?? DEFAULT_WRITE_BUFFER_BYTES, 'writeBufferBytes')
    this.buffer = new Uint8Array(Math.max(bufBytes, 4096))
    this.view = new DataView(this.buffer.buffer)
    this.indexFile = new IndexFileWriter(io, this.dir)
    this.policy = new IndexPolicy(
      positiveInt(opts.indexEveryBytes ?? DEFAULT_INDEX_EVERY_BYTES, 'indexEveryBytes'),
      positiveInt(opts.indexEveryRecords ?? DEFAULT_INDEX_EVERY_RECORDS, 'indexEveryRecords'),
    )
    const rec = recoverJournal(io, this.dir, {
      indexEveryBytes: this.policy.everyBytes,
      indexEveryRecords: this.policy.everyRecords,
    })
    this.recovery = rec.report
    this.closedSegments = rec.closed
    this._nextGsn = rec.nextGsn
    this._writtenGsn = rec.nextGsn - 1
    this._syncedGsn = rec.nextGsn - 1
    this.activeIndex = new SegmentIndex()
    if (rec.active !== null) {
      const a = rec.active
      this.activeFirstGsn = a.firstGsn
      this.activeBytes = a.bytes
      this.confirmedBytes = a.bytes
      this.confirmedGsn = rec.nextGsn - 1
      this.activeIndex = a.index
      this.policy.restart(a.lastEntryOffset)
      this.policy.records = a.recordsSinceEntry
      const file = this.segmentFile(a.firstGsn)
      try {
        this.activeFd = io.openSync(file, 'r+')
      } catch (err) {
        throw new JournalIoError('open', file, err)
      }
      this.indexFile.resume(a.firstGsn, a.index.count)
    }
  }

  /** Opens (creating if needed) the journal in opts.dir and runs recovery. */
  static open(opts: JournalOptions): Journal {
    const io = opts.io ?? nodeFileIo
    try {
      io.mkdirSync(opts.dir, { recursive: true })
    } catch (err) {
      throw new JournalIoError('mkdir', opts.dir, err)
    }
    const key = acquireDirLock(io, opts.dir)
    try {
      return new Journal(opts, io, key)
    } catch (err) {
      releaseDirLock(io, opts.dir, key)
      throw err
    }
  }

  /** Gsn the next append must start with (last gsn + 1). */
  get nextGsn(): number {
    return this._nextGsn
  }
  /** Oldest retained gsn (equals nextGsn while the journal is empty). */
  get firstGsn(): number {
    if (this.closedSegments.length > 0) return this.closedSegments[0]!.firstGsn
    return this.activeFd >= 0 ? this.activeFirstGsn : this._nextGsn
  }
  /** First gsn of the segment being appended to (0 before the first append): its file is
   *  segmentPath(dir, activeSegmentGsn). A thread that fsyncs the journal from outside (the
   *  engine's journal-sync stage) opens this file; older segments were fsynced when they rolled. */
  get activeSegmentGsn(): number {
    return this.activeFd >= 0 ? this.activeFirstGsn : 0
  }
  /** Highest gsn handed to the OS (survives a process crash, not a power loss). */
  get writtenGsn(): number {
    return this._writtenGsn
  }
  /** Highest gsn on stable storage: fsynced by this object or confirmed by confirmSynced()
   *  (see "Written and synced" above). */
  get syncedGsn(): number {
    return this._syncedGsn
  }
  /** Segment files, the active one included. */
  get segmentCount(): number {
    return this.closedSegments.length + (this.activeFd >= 0 ? 1 : 0)
  }
  /** Bytes of all segments, buffered bytes included. */
  get totalBytes(): number {
    let total = this.activeBytes + this.bufUsed
    for (const s of this.closedSegments) total += s.bytes
    return total
  }
  /** The I/O error that failed this journal, or null. */
  get failedWith(): JournalError | null {
    return this.failure
  }
  /** Failed, and retry() may repair it (an I/O error, not a loss). */
  get retryable(): boolean {
    return this.failure !== null && !this.lost && !this.isClosed
  }

  /**
   * Another party (the engine's journal-sync stage) fdatasynced the active segment after
   * gsn `gsn` was written (a value writtenGsn had): syncedGsn moves to it. Gsns of older
   * segments were synced when the writer rolled past them.
   */
  confirmSynced(gsn: number): void {
    if (gsn <= this._syncedGsn || !this.marks.confirm(gsn)) return
    this.confirmedBytes = this.marks.offset
    this.confirmedGsn = this.marks.gsn
    this._syncedGsn = this.marks.gsn
  }

  /**
   * Another party's fdatasync of the active segment failed: the journal is faulted as if its
   * own had (nothing since the last confirmation is known to be durable). No-op if failed.
   */
  syncFailedElsewhere(op: string, err: unknown): void {
    if (this.failure !== null || this.isClosed) return
    this.failure = this.ioError(op, err)
  }

  /**
   * After a fault: re-writes what no fsync is known to cover (checked record by record),
   * writes the buffered records, fdatasyncs, and makes the journal usable again. Throws
   * JournalIoError when the device still refuses (stay faulted, try again later) and
   * JournalDataLostError when written records are gone (the journal stays failed: reopen
   * it). No-op when not faulted.
   */
  retry(): void {
    if (this.isClosed) throw new JournalClosedError('journal')
    if (this.failure === null) return
    if (this.lost) throw new JournalFailedError(this.failure)
    let op = 'retry'
    try {
      if (this.pendingSegment !== 0) {
        op = 'create-segment'
        const gsn = this.pendingSegment
        unlinkIfPresent(this.io, this.segmentFile(gsn)) // a partial header at most: nothing was appended to it
        this.writeSegmentHeader(gsn)
        this.pendingSegment = 0
        this.startSegment(gsn)
      } else if (this.activeFd >= 0) {
        op = 'rewrite'
        rewriteUnconfirmed(this.io, this.activeFd, this.segmentFile(this.activeFirstGsn), this.confirmedBytes, this.activeBytes, this.confirmedGsn + 1, this._writtenGsn)
        op = 'write'
        if (this.bufUsed > 0) {
          writeFully(this.io, this.activeFd, this.buffer, 0, this.bufUsed, this.activeBytes)
          this.activeBytes += this.bufUsed
          this.bufUsed = 0
        }
        op = 'fsync'
        this.io.fdatasyncSync(this.activeFd)
        this.confirmedBytes = this.activeBytes
      }
    } catch (err) {
      if (err instanceof JournalDataLostError) {
        this.lost = true
        this.failure = err
        throw err
      }
      this.failure = this.ioError(op, err)
      throw this.failure
    }
    this.failure = null
    this._writtenGsn = this._nextGsn - 1
    this._syncedGsn = this._writtenGsn
    this.confirmedGsn = this._writtenGsn
    this.marks.clear()
    if (this.activeFd >= 0 && this.indexFile.behind(this.activeIndex)) this.indexFile.flush(this.activeIndex)
  }

  /**
   * Appends one batch: `count` messages with gsns firstGsn .. firstGsn + count - 1, as
   * batch[offset, offset + length). firstGsn must equal nextGsn. Copies into the write
   * buffer (no allocation); a record larger than half the buffer is written at once from
   * the caller's bytes. The caller may reuse `batch` as soon as this returns.
   */
  append(batch: Uint8Array, offset: number, length: number, firstGsn: number, count: number): void {
    this.checkUsable()
    if (firstGsn !== this._nextGsn) throw new JournalGsnGapError(this._nextGsn, firstGsn)
    if (!(count >= 1 && count <= 0xffff_ffff && Number.isInteger(count)) || firstGsn + count > Number.MAX_SAFE_INTEGER) {
      throw new JournalArgumentError(`bad message count: count=${count}, firstGsn=${firstGsn}`)
    }
    if (!(offset >= 0 && length >= 0 && offset + length <= batch.length) || length > MAX_RECORD_BATCH_BYTES) {
      throw new JournalArgumentError(
        `bad batch range: offset=${offset}, length=${length}, bufferLength=${batch.length}, max=${MAX_RECORD_BATCH_BYTES}`,
      )
    }
    const size = recordBytes(length)
    if (this.activeFd < 0) {
      this.createSegment(firstGsn)
    } else {
      const used = this.activeBytes + this.bufUsed
      if (used > SEGMENT_HEADER_BYTES && used + size > this.segmentBytes) this.roll(firstGsn)
    }
    const recordOffset = this.activeBytes + this.bufUsed
    if (size > this.buffer.length >>> 1) {
      this.appendDirect(batch, offset, length, firstGsn, count, size)
    } else {
      if (this.bufUsed + size > this.buffer.length) this.write()
      this.bufUsed += encodeRecord(this.buffer, this.view, this.bufUsed, batch, offset, length, firstGsn, count)
    }
    if (this.policy.observe(recordOffset)) this.activeIndex.push(firstGsn, recordOffset)
    this._nextGsn = firstGsn + count
  }

  /** Hands buffered records to the OS; writtenGsn moves to the last appended gsn. */
  write(): void {
    this.checkUsable()
    if (this.bufUsed > 0) {
      try {
        writeFully(this.io, this.activeFd, this.buffer, 0, this.bufUsed, this.activeBytes)
      } catch (err) {
        this.fail('write', err) // the records stay in the buffer for retry()
      }
      this.activeBytes += this.bufUsed
      this.bufUsed = 0
    }
    const last = this._nextGsn - 1
    if (last !== this._writtenGsn) {
      this._writtenGsn = last
      this.marks.push(last, this.activeBytes)
    }
    if (this.indexFile.behind(this.activeIndex)) this.indexFile.flush(this.activeIndex)
  }

  /** write() + fdatasync: syncedGsn (the durable watermark) moves to the last appended gsn. */
  sync(): void {
    this.write()
    if (this._syncedGsn === this._writtenGsn) return
    try {
      this.io.fdatasyncSync(this.activeFd)
    } catch (err) {
      this.fail('fsync', err)
    }
    this.confirmedBytes = this.activeBytes
    this.confirmedGsn = this._writtenGsn
    this._syncedGsn = this._writtenGsn
    this.marks.clear()
  }

  /**
   * Deletes whole old segments over the size/age limits of opts.retention, oldest first,
   * never the active one and never one holding a gsn >= floorGsn (pass Infinity for no
   * floor). `now` is a Date.now()-style clock reading.
   */
  applyRetention(now: number, floorGsn: number): RetentionReport {
    this.checkUsable()
    const plan = planRetention(this.closedSegments, this.activeBytes + this.bufUsed, this.retention, now, floorGsn)
    let deleted = 0
    let deletedBytes = 0
    try {
      for (; deleted < plan.count; deleted++) {
        const seg = this.closedSegments[deleted]!
        // Segment first, index second: an orphan index is removed at the next open, while
        // an orphan segment would need a rebuild scan.
        unlinkIfPresent(this.io, this.segmentFile(seg.firstGsn))
        unlinkIfPresent(this.io, path.join(this.dir, indexFileName(seg.firstGsn)))
        deletedBytes += seg.bytes
      }
    } catch (err) {
      throw new JournalIoError('unlink', this.dir, err, `deletedSegments=${deleted}`)
    } finally {
      if (deleted > 0) {
        this.closedSegments.splice(0, deleted)
        try {
          fsyncDir(this.io, this.dir)
        } catch {
          // The deletions happened; losing them to a power cut only brings old data back.
        }
      }
    }
    return {
      deletedSegments: deleted,
      deletedBytes,
      firstGsn: this.firstGsn,
      retainedBytes: this.totalBytes,
      stoppedBy: plan.stoppedBy,
    }
  }

  /** sync() and close the files. Safe to call twice; after a failure it only closes. */
  close(): void {
    if (this.isClosed) return
    try {
      if (this.failure === null) this.sync()
    } finally {
      this.isClosed = true
      this.closeFds()
      releaseDirLock(this.io, this.dir, this.lockKey)
    }
  }

  /**
   * Closes the files WITHOUT writing the buffer or syncing: what a crash would leave, minus
   * the page cache loss. For crash tests and tools.
   */
  abandon(): void {
    if (this.isClosed) return
    this.isClosed = true
    this.bufUsed = 0
    this.closeFds()
    releaseDirLock(this.io, this.dir, this.lockKey)
  }

  /** A record too large to copy: header from the (flushed) buffer, batch from the caller. */
  private appendDirect(
    batch: Uint8Array,
    offset: number,
    length: number,
    firstGsn: number,
    count: number,
    size: number,
  ): void {
    this.write()
    const b = this.buffer
    // One view object for a batch this large is noise; see crc32c-range.ts.
    const pad = encodeRecordHeaderFor(b, this.view, 0, batch, offset, length, firstGsn, count)
    const at = this.activeBytes
    try {
      writeFully(this.io, this.activeFd, b, 0, RECORD_HEADER_BYTES, at)
      writeFully(this.io, this.activeFd, batch, offset, length, at + RECORD_HEADER_BYTES)
      if (pad > 0) writeFully(this.io, this.activeFd, b, RECORD_HEADER_BYTES, pad, at + RECORD_HEADER_BYTES + length)
    } catch (err) {
      this.fail('write', err) // not appended: the caller appends the record again after retry()
    }
    this.activeBytes = at + size
    this._writtenGsn = firstGsn + count - 1
    this.marks.push(this._writtenGsn, this.activeBytes)
  }

  /** Seals the active segment (after fsyncing it) and starts a new one at `firstGsn`. */
  private roll(firstGsn: number): void {
    this.sync()
    this.activeIndex.seal(this._nextGsn, this.activeBytes)
    this.indexFile.finish(this.activeIndex)
    this.closedSegments.push({
      firstGsn: this.activeFirstGsn,
      endGsn: this._nextGsn,
      bytes: this.activeBytes,
      mtimeMs: Date.now(),
    })
    this.closeFds()
    this.createSegment(firstGsn)
  }

  private createSegment(firstGsn: number): void {
    try {
      this.writeSegmentHeader(firstGsn)
    } catch (err) {
      // Nothing of this segment is in use: let go of the half-made file; retry() makes it
      // again, and the caller appends its record after that.
      if (this.activeFd >= 0) {
        try {
          this.io.closeSync(this.activeFd)
        } catch {
          // the descriptor is gone either way
        }
      }
      this.activeFd = -1
      this.pendingSegment = firstGsn
      this.fail('create-segment', err)
    }
    this.startSegment(firstGsn)
  }

  /** Opens a new segment file and makes its header and its directory entry durable. Raw errors. */
  private writeSegmentHeader(firstGsn: number): void {
    const b = this.buffer
    this.activeFd = this.io.openSync(this.segmentFile(firstGsn), 'wx+')
    this.activeFirstGsn = firstGsn
    // The buffer holds no records here (roll() synced them, or nothing was appended yet).
    encodeSegmentHeader(b, this.view, firstGsn)
    writeFully(this.io, this.activeFd, b, 0, SEGMENT_HEADER_BYTES, 0)
    this.io.fdatasyncSync(this.activeFd)
    fsyncDir(this.io, this.dir)
  }

  private startSegment(firstGsn: number): void {
    this.activeBytes = SEGMENT_HEADER_BYTES
    this.confirmedBytes = SEGMENT_HEADER_BYTES
    this.confirmedGsn = firstGsn - 1
    this.marks.clear()
    this.activeIndex = new SegmentIndex()
    this.policy.restart(SEGMENT_HEADER_BYTES)
    this.indexFile.create(firstGsn)
  }

  /**
   * Marks the journal faulted and throws the I/O error. Cuts nothing and drops nothing
   * (see "Faults" at the top): the buffer keeps what was not written, for retry().
   */
  private fail(op: string, err: unknown): never {
    const e = this.ioError(op, err)
    this.failure = e
    throw e
  }

  private ioError(op: string, err: unknown): JournalIoError {
    const file = this.activeFd >= 0 ? this.segmentFile(this.activeFirstGsn) : this.pendingSegment !== 0 ? this.segmentFile(this.pendingSegment) : this.dir
    return new JournalIoError(op, file, err, `writtenGsn=${this._writtenGsn}, syncedGsn=${this._syncedGsn}, pendingBytes=${this.bufUsed}`)
  }

  private checkUsable(): void {
    if (this.isClosed) throw new JournalClosedError('journal')
    if (this.failure !== null) throw new JournalFailedError(this.failure)
  }

  private closeFds(): void {
    if (this.activeFd >= 0) {
      try {
        this.io.closeSync(this.activeFd)
      } catch {
        // Closing cannot make anything less durable than it already is.
      }
    }
    this.activeFd = -1
    this.indexFile.close()
  }

  private segmentFile(firstGsn: number): string {
    return path.join(this.dir, segmentFileName(firstGsn))
  }
}

function unlinkIfPresent(io: FileIo, file: string): void {
  try {
    io.unlinkSync(file)
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new JournalArgumentError(`bad option: ${name}=${n}`)
  return n
}
