// Sequential, verifying reader of the records of one segment file (layout in
// segment-descriptor.ts). Shared by recovery, index rebuilds, replay readers and inspect.
//
// It reads the file through one reusable buffer (grown only for a record larger than the
// buffer) and reports each step as a numeric status, so a scan allocates nothing per
// record. The fields of the current record stay valid until the next read().

import { crc32cJs, crc32cRange } from './crc32c-range.js'
import { type FileIo, readFully } from './file-io.js'
import {
  MAX_RECORD_BATCH_BYTES,
  RECORD_CRC_BODY_START,
  RECORD_CRC_LENGTH_END,
  RECORD_HEADER_BYTES,
  RECORD_MAGIC,
  RecordHeader,
  readU64,
  recordBytes,
  u64IsSafe,
} from './segment-descriptor.js'

/** Outcome of RecordCursor.read(). Negative values are reasons to stop. */
export const ScanStatus = {
  /** A complete, CRC-valid, gsn-continuous record is current. */
  record: 1,
  /** Clean end: no bytes at all at the read position. */
  end: 0,
  /** Some bytes follow, but fewer than the record header or the record claims: a torn
   *  (or still being written) tail. */
  torn: -1,
  /** The bytes at the read position do not start with the record magic. */
  badMagic: -2,
  /** Complete record whose CRC32C does not match. */
  badCrc: -3,
  /** CRC-valid record whose first gsn is not the expected one, or whose count is 0. */
  badGsn: -4,
  /** The length field is beyond what any record may hold. */
  badLength: -5,
} as const
export type ScanStatus = (typeof ScanStatus)[keyof typeof ScanStatus]

/** Short stable words for reports (recovery `reason`, inspect). */
export function scanStatusReason(status: number): string {
  switch (status) {
    case ScanStatus.record:
      return 'record'
    case ScanStatus.end:
      return 'clean'
    case ScanStatus.torn:
      return 'torn'
    case ScanStatus.badMagic:
      return 'bad-magic'
    case ScanStatus.badCrc:
      return 'crc-mismatch'
    case ScanStatus.badGsn:
      return 'gsn-discontinuity'
    case ScanStatus.badLength:
      return 'bad-length'
    default:
      return 'unknown'
  }
}

export class RecordCursor {
  private readonly io: FileIo
  /** Read buffer; replaced (bigger) only when a record does not fit. */
  bytes: Uint8Array
  private view: DataView
  /** File offset of bytes[0]. */
  private windowPos = 0
  /** Valid bytes in the buffer from bytes[0]. */
  private windowLen = 0
  private fd = -1

  /** File offset where the next read() looks for a record. */
  offset = 0
  /** First gsn the next record must carry. */
  expectedGsn = 0

  // The current record (after read() returned `record`; header fields also after badCrc/badGsn).
  recordOffset = 0
  firstGsn = 0
  count = 0
  /** Batch byte length. */
  length = 0
  /** Bytes the record occupies in the file (header + batch + pad). */
  size = 0
  /** Position of the batch bytes inside `bytes`. */
  dataPos = 0

  constructor(io: FileIo, bufferBytes = 1 << 20) {
    this.io = io
    this.bytes = new Uint8Array(bufferBytes)
    this.view = new DataView(this.bytes.buffer)
  }

  /** Points the cursor at `fd`, at file offset `offset`, expecting gsn `expectedGsn` there. */
  reset(fd: number, offset: number, expectedGsn: number): void {
    if (fd !== this.fd) this.windowLen = 0
    this.fd = fd
    this.offset = offset
    this.expectedGsn = expectedGsn
  }

  /** Forgets buffered bytes (the file was truncated or rewritten). */
  invalidate(): void {
    this.windowLen = 0
  }

  /**
   * Reads and checks the record at `offset`. Does not move past it: call advance() after a
   * `record` status. With `verifyCrc` false the CRC is skipped (callers that only need the
   * record boundaries, never its bytes). With `checkGsn` false any first gsn is accepted
   * (inspect resynchronising after damage).
   */
  read(verifyCrc = true, checkGsn = true): ScanStatus {
    const at = this.offset
    this.recordOffset = at
    const head = this.ensure(at, RECORD_HEADER_BYTES)
    if (head === 0) return ScanStatus.end
    if (head < RECORD_HEADER_BYTES) return ScanStatus.torn
    const v = this.view
    const p = at - this.windowPos
    if (v.getUint32(p + RecordHeader.magic, true) !== RECORD_MAGIC) return ScanStatus.badMagic
    const length = v.getUint32(p + RecordHeader.length, true)
    if (length > MAX_RECORD_BATCH_BYTES) return ScanStatus.badLength
    const size = recordBytes(length)
    this.length = length
    this.size = size
    this.count = v.getUint32(p + RecordHeader.count, true)
    this.firstGsn = u64IsSafe(v, p + RecordHeader.firstGsnLo) ? readU64(v, p + RecordHeader.firstGsnLo) : -1
    // A damaged length must not make us allocate a huge buffer for bytes the file lacks.
    if (size > this.bytes.length && at + size > this.io.fstatSync(this.fd).size) return ScanStatus.torn
    if (this.ensure(at, size) < size) return ScanStatus.torn
    // ensure() may have moved or replaced the buffer.
    const q = at - this.windowPos
    this.dataPos = q + RECORD_HEADER_BYTES
    if (verifyCrc && !this.crcMatches()) return ScanStatus.badCrc
    if (this.count === 0 || this.firstGsn < 1 || (checkGsn && this.firstGsn !== this.expectedGsn)) return ScanStatus.badGsn
    return ScanStatus.record
  }

  /** Checks the CRC of the current record (after a read(false) that found one). */
  crcMatches(): boolean {
    const q = this.dataPos - RECORD_HEADER_BYTES
    const b = this.bytes
    let crc = crc32cJs(b, q, q + RECORD_CRC_LENGTH_END, 0)
    crc = crc32cRange(b, q + RECORD_CRC_BODY_START, this.dataPos + this.length, crc)
    return crc === this.view.getUint32(q + RecordHeader.crc, true)
  }

  /** Moves past the current record. */
  advance(): void {
    this.offset += this.size
    this.expectedGsn = this.firstGsn + this.count
  }

  /**
   * Makes file bytes [pos, pos + n) available in the buffer as far as the file has them;
   * returns how many are (n, or fewer at end of file). Re-reads at the end of the file, so
   * a tail that a writer is still extending is seen as it grows.
   */
  private ensure(pos: number, n: number): number {
    const end = this.windowPos + this.windowLen
    if (pos >= this.windowPos && pos + n <= end) return n
    if (n > this.bytes.length) this.grow(n)
    if (pos < this.windowPos || pos + n > this.windowPos + this.bytes.length) {
      // Slide the window so it starts at pos, keeping what is already buffered beyond pos.
      if (pos >= this.windowPos && pos < end) {
        this.bytes.copyWithin(0, pos - this.windowPos, this.windowLen)
        this.windowLen = end - pos
      } else {
        this.windowLen = 0
      }
      this.windowPos = pos
    }
    this.windowLen += readFully(
      this.io,
      this.fd,
      this.bytes,
      this.windowLen,
      this.bytes.length - this.windowLen,
      this.windowPos + this.windowLen,
    )
    const have = this.windowPos + this.windowLen - pos
    return have < n ? (have > 0 ? have : 0) : n
  }

  private grow(n: number): void {
    let cap = this.bytes.length
    while (cap < n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.bytes.subarray(0, this.windowLen))
    this.bytes = next
    this.view = new DataView(next.buffer)
  }
}
