// Replay reader: returns the verified records of a journal directory from a gsn on, while a
// writer may be appending to it (other threads, other processes). Runs on whatever thread
// opens it (piscina workers, the main thread) with synchronous reads.
//
// Lookup: segment by binary search over the file names, then the segment's sparse index,
// then a short forward scan. The first record returned is the one CONTAINING fromGsn (the
// caller skips the messages before it). Every returned record passed its CRC and gsn
// continuity check; a bad one throws JournalCorruptError naming segment, offset and gsn.
// At the end of what is on disk, next() returns null ("nothing yet") and can be called
// again later; it never returns past `limitGsn`.
//
// Why a torn tail is "not yet" rather than corrupt: a record is visible while the writer's
// write() is still copying it. Once the next segment file exists the writer has finished
// the previous one (it fsyncs before creating the next), so a torn record there is corrupt.

import { JournalArgumentError, JournalClosedError, JournalCorruptError, JournalFormatError, JournalRetainedError, errnoOf } from './errors.js'
import { type FileIo, nodeFileIo } from './file-io.js'
import { RecordCursor, ScanStatus, scanStatusReason } from './record-cursor.js'
import { SEGMENT_HEADER_BYTES, segmentFileName } from './segment-descriptor.js'
import { listSegments, segmentContaining, segmentPath } from './segment-directory.js'
import { HeaderProblem, checkSegmentHeader } from './segment-header.js'
import { loadSegmentIndex } from './segment-index.js'

export interface ReaderOptions {
  /** Return only records whose first gsn is <= limitGsn (e.g. the durable watermark).
   *  Default: everything on disk that is complete and CRC-valid. Raise it with setLimit(). */
  limitGsn?: number
  /** Initial read buffer; grows to fit a larger record. Default 1 MiB. */
  bufferBytes?: number
  io?: FileIo
}

/**
 * One verified record, reused by every next() call: valid only until the next call on the
 * same reader (copy what you keep). The batch is bytes[offset, offset + length).
 */
export class RecordView {
  bytes: Uint8Array = new Uint8Array(0)
  offset = 0
  length = 0
  firstGsn = 0
  count = 0
  /** First gsn of the segment holding it, and the record's offset in that file. */
  segmentFirstGsn = 0
  fileOffset = 0
}

export class JournalReader {
  private readonly io: FileIo
  private readonly dir: string
  private readonly cursor: RecordCursor
  private readonly view = new RecordView()
  private limit: number
  /** Records ending before this gsn are skipped (the reader starts at the one containing it). */
  private wantGsn: number
  private fd = -1
  private segmentFirst = 0
  private headerChecked = false
  /** Offset the current scan started from, when it came from an index entry (fallback on mismatch). */
  private indexStartOffset = -1
  private closed = false
  /** Last record stepped over without a CRC check on the way to wantGsn (-1: none). */
  private skippedOffset = -1
  private skippedGsn = 0

  constructor(dir: string, fromGsn: number, opts: ReaderOptions = {}) {
    if (!Number.isSafeInteger(fromGsn) || fromGsn < 1) throw new JournalArgumentError(`bad fromGsn: fromGsn=${fromGsn}`)
    this.io = opts.io ?? nodeFileIo
    this.dir = dir
    this.cursor = new RecordCursor(this.io, opts.bufferBytes ?? 1 << 20)
    this.limit = opts.limitGsn ?? Number.POSITIVE_INFINITY
    this.wantGsn = fromGsn
    this.locate(fromGsn)
  }

  /** First gsn of the next record this reader will look at. */
  get nextGsn(): number {
    return this.fd >= 0 ? this.cursor.expectedGsn : this.wantGsn
  }

  /** Moves the limit (only upwards makes sense; a lower limit just stops earlier). */
  setLimit(limitGsn: number): void {
    this.limit = limitGsn
  }

  /** The next verified record, or null if there is none (yet) within the limit. */
  next(): RecordView | null {
    if (this.closed) throw new JournalClosedError('journal reader')
    for (;;) {
      if (this.fd < 0 && !this.locate(this.wantGsn)) return null
      if (!this.headerChecked && !this.checkHeader()) return null
      if (this.cursor.expectedGsn > this.limit) return null
      // CRC only for records we return: a record skipped on the way to fromGsn needs a
      // sound header (magic, length, gsn continuity) to be stepped over, not sound bytes.
      const status = this.cursor.read(false)
      if (status === ScanStatus.record) {
        const c = this.cursor
        this.indexStartOffset = -1
        if (c.firstGsn + c.count <= this.wantGsn) {
          this.skippedOffset = c.recordOffset
          this.skippedGsn = c.firstGsn
          c.advance()
          continue
        }
        this.skippedOffset = -1
        if (!c.crcMatches()) this.throwCorrupt(ScanStatus.badCrc, '')
        const v = this.view
        v.bytes = c.bytes
        v.offset = c.dataPos
        v.length = c.length
        v.firstGsn = c.firstGsn
        v.count = c.count
        v.segmentFirstGsn = this.segmentFirst
        v.fileOffset = c.recordOffset
        c.advance()
        return v
      }
      if (this.indexStartOffset >= 0) {
        // The index entry we started from does not check out: never trust it over the
        // segment, scan from the segment start instead.
        this.indexStartOffset = -1
        this.cursor.invalidate()
        this.cursor.reset(this.fd, SEGMENT_HEADER_BYTES, this.segmentFirst)
        continue
      }
      if (status === ScanStatus.end || status === ScanStatus.torn) {
        if (!this.nextSegmentExists()) return null
        // The writer finished this segment before creating the next: read once more, now
        // authoritatively, in case the last records landed after our first look.
        const again = this.cursor.read()
        if (again === ScanStatus.record) continue
        if (again === ScanStatus.end) {
          const gsn = this.cursor.expectedGsn
          // If retention removed it meanwhile, locate() from there next round.
          if (!this.openSegment(gsn, SEGMENT_HEADER_BYTES, gsn)) this.wantGsn = Math.max(this.wantGsn, gsn)
          continue
        }
        this.throwCorrupt(again, ' in a closed segment')
      }
      this.throwCorrupt(status, '')
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.closeFd()
  }

  /** Finds and opens the segment containing `gsn`; false if the journal has no segment yet. */
  private locate(gsn: number, attempt = 0): boolean {
    const firsts = listSegments(this.io, this.dir)
    if (firsts.length === 0) return false
    if (gsn < firsts[0]!) throw new JournalRetainedError(gsn, firsts[0]!)
    const i = segmentContaining(firsts, gsn)
    const first = firsts[i]!
    const index = loadSegmentIndex(this.io, this.dir, first)
    const e = index.floorEntry(gsn)
    const offset = e >= 0 ? index.offsets[e]! : SEGMENT_HEADER_BYTES
    const startGsn = e >= 0 ? index.gsns[e]! : first
    if (!this.openSegment(first, offset, startGsn)) {
      // Deleted by retention between the listing and the open: look again (a few times;
      // a name that keeps vanishing is reported as nothing-yet rather than spun on).
      return attempt < 3 ? this.locate(gsn, attempt + 1) : false
    }
    this.indexStartOffset = e >= 0 ? offset : -1
    return true
  }

  /** Opens segment `first` positioned at (offset, gsn); false if the file is gone. */
  private openSegment(first: number, offset: number, gsn: number): boolean {
    this.closeFd()
    try {
      this.fd = this.io.openSync(segmentPath(this.dir, first), 'r')
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err
      const firsts = listSegments(this.io, this.dir)
      if (firsts.length > 0 && gsn < firsts[0]!) throw new JournalRetainedError(gsn, firsts[0]!)
      return false
    }
    this.segmentFirst = first
    this.headerChecked = false
    this.indexStartOffset = -1
    this.cursor.reset(this.fd, offset, gsn)
    this.cursor.invalidate()
    return true
  }

  /** False while the header is not fully written yet (a writer is creating the file). */
  private checkHeader(): boolean {
    const problem = checkSegmentHeader(this.io, this.fd, this.segmentFirst)
    if (problem === HeaderProblem.short) return false
    if (problem !== HeaderProblem.none) throw new JournalFormatError(problem, segmentFileName(this.segmentFirst))
    this.headerChecked = true
    return true
  }

  private nextSegmentExists(): boolean {
    // A segment holding no record yet has no successor (the next one would be named by a
    // larger gsn); without this check it would find itself.
    if (this.cursor.expectedGsn === this.segmentFirst) return false
    try {
      this.io.statSync(segmentPath(this.dir, this.cursor.expectedGsn))
      return true
    } catch {
      // Normal at the live tail. But if retention deleted the segment we are reading (we
      // still hold it open), a successor exists and it is the next one that is gone.
      if (this.fileExists(segmentPath(this.dir, this.segmentFirst))) return false
      const firsts = listSegments(this.io, this.dir)
      if (firsts.length > 0 && firsts[0]! > this.cursor.expectedGsn) {
        throw new JournalRetainedError(this.cursor.expectedGsn, firsts[0]!)
      }
      return false
    }
  }

  private fileExists(file: string): boolean {
    try {
      this.io.statSync(file)
      return true
    } catch {
      return false
    }
  }

  private throwCorrupt(status: number, where: string): never {
    const c = this.cursor
    const offset = c.recordOffset
    const expected = c.expectedGsn
    const claimed = status === ScanStatus.badCrc || status === ScanStatus.badGsn ? `recordGsns=${c.firstGsn}+${c.count}` : ''
    if (this.skippedOffset >= 0 && status !== ScanStatus.badCrc) {
      // We stepped over the previous record without its CRC. If its header was damaged
      // (say a length off by a bit), the step landed here by mistake: blame the right one.
      c.reset(this.fd, this.skippedOffset, this.skippedGsn)
      this.skippedOffset = -1
      const again = c.read(true)
      if (again !== ScanStatus.record) this.throwCorrupt(again, where)
    }
    throw new JournalCorruptError(`${scanStatusReason(status)}${where}`, segmentFileName(this.segmentFirst), offset, expected, claimed)
  }

  private closeFd(): void {
    if (this.fd >= 0) {
      try {
        this.io.closeSync(this.fd)
      } catch {
        // Read-only descriptor: nothing to lose.
      }
      this.fd = -1
    }
  }
}

/** Opens a replay reader at the record containing `fromGsn`. See JournalReader. */
export function openReader(dir: string, fromGsn: number, opts?: ReaderOptions): JournalReader {
  return new JournalReader(dir, fromGsn, opts)
}
