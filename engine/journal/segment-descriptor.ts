// Byte layout of a journal segment file (format version 1). Pure constants and offset
// functions; the code that reads and writes segments uses only these names.
//
// A journal directory holds segment files named by the gsn of their first record,
// zero-padded to 20 digits: `00000000000000000001.seg`. Each starts with a header and
// continues with records back to back. All integers are little-endian; u64 values are
// stored as two u32 halves (lo first) and are JS Numbers below 2^53.
//
// Segment header (32 bytes, at file offset 0):
//
//   0        4        8        12       16                24       28       32
//   +--------+--------+--------+--------+--------+--------+--------+--------+
//   | magic  | version| hdr len| flags  | first gsn (u64)  | reserved| crc32c |
//   +--------+--------+--------+--------+--------+--------+--------+--------+
//   magic 'ORDS' = 0x5344524f, version 1, hdr len 32, flags 0, reserved 0,
//   crc32c over bytes [0, 28).
//
// Record (at file offset >= 32, always 8-aligned):
//
//   0        4        8                 16       20       24
//   +--------+--------+--------+--------+--------+--------+--------------------+-----+
//   | length | crc32c | first gsn (u64)  | count  | magic  | batch bytes        | pad |
//   +--------+--------+--------+--------+--------+--------+--------------------+-----+
//   length:  batch byte length (u32); the record occupies align8(24 + length) bytes,
//            pad bytes are zero.
//   crc32c:  CRC32C over bytes [0, 4) followed by [8, 24 + length): everything but the
//            crc field and the padding. A zeroed record fails it (magic is 0, and the CRC
//            of 20 zero bytes is not 0).
//   first gsn, count: the record holds gsns first .. first + count - 1, count >= 1.
//   magic:   'ORDR' = 0x5244524f, lets a scanner recognise a record start.
//
// A record's first gsn equals the previous record's first gsn + count; the first record of
// a segment carries the segment's first gsn.

export const FORMAT_VERSION = 1

export const SEGMENT_MAGIC = 0x5344524f // 'ORDS' read as little-endian u32
export const SEGMENT_HEADER_BYTES = 32
export const SegmentHeader = {
  magic: 0,
  version: 4,
  headerLength: 8,
  flags: 12,
  firstGsnLo: 16,
  firstGsnHi: 20,
  reserved: 24,
  crc: 28,
} as const
/** The header CRC covers [0, HEADER_CRC_END). */
export const SEGMENT_HEADER_CRC_END = 28

export const RECORD_MAGIC = 0x5244524f // 'ORDR'
export const RECORD_HEADER_BYTES = 24
export const RecordHeader = {
  length: 0,
  crc: 4,
  firstGsnLo: 8,
  firstGsnHi: 12,
  count: 16,
  magic: 20,
} as const
/** The record CRC covers [0, LENGTH_END) then [CRC_BODY_START, 24 + length). */
export const RECORD_CRC_LENGTH_END = 4
export const RECORD_CRC_BODY_START = 8

/** Largest batch one record can hold: the length field is a u32, kept clear of the top. */
export const MAX_RECORD_BATCH_BYTES = 0x7fff_0000

export const RECORD_ALIGNMENT = 8

/** Bytes a record with `batchLength` batch bytes occupies in the file. */
export function recordBytes(batchLength: number): number {
  return (RECORD_HEADER_BYTES + batchLength + (RECORD_ALIGNMENT - 1)) & ~(RECORD_ALIGNMENT - 1)
}

/** Offset of the batch bytes within a record starting at `recordOffset`. */
export function batchOffset(recordOffset: number): number {
  return recordOffset + RECORD_HEADER_BYTES
}

export const SEGMENT_SUFFIX = '.seg'
export const INDEX_SUFFIX = '.idx'
const NAME_DIGITS = 20
const SEGMENT_NAME_RE = /^(\d{20})\.seg$/

/** `00000000000000000042.seg` for firstGsn 42. */
export function segmentFileName(firstGsn: number): string {
  return String(firstGsn).padStart(NAME_DIGITS, '0') + SEGMENT_SUFFIX
}

/** `00000000000000000042.idx` for the segment whose first gsn is 42. */
export function indexFileName(firstGsn: number): string {
  return String(firstGsn).padStart(NAME_DIGITS, '0') + INDEX_SUFFIX
}

/** The first gsn a segment file name stands for, or -1 if it is not a segment name. */
export function parseSegmentFileName(name: string): number {
  const m = SEGMENT_NAME_RE.exec(name)
  if (m === null) return -1
  const n = Number(m[1])
  return Number.isSafeInteger(n) && n >= 1 ? n : -1
}

export const TWO_POW_32 = 0x1_0000_0000

/** Reads a u64 stored as lo/hi u32 halves at `pos` (caller guarantees < 2^53). */
export function readU64(view: DataView, pos: number): number {
  return view.getUint32(pos, true) + view.getUint32(pos + 4, true) * TWO_POW_32
}

/** Writes a Number < 2^53 as lo/hi u32 halves at `pos`; no BigInt. */
export function writeU64(view: DataView, pos: number, n: number): void {
  view.setUint32(pos, n >>> 0, true)
  view.setUint32(pos + 4, Math.floor(n / TWO_POW_32), true)
}

/** True if the hi half stored at `pos` keeps the u64 below 2^53. */
export function u64IsSafe(view: DataView, pos: number): boolean {
  return view.getUint32(pos + 4, true) < 0x20_0000
}
