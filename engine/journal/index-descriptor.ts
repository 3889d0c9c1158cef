// Byte layout of a segment's sparse index file `<first gsn>.idx` (format version 1).
//
// The index is a cache: it only makes lookup by gsn and recovery fast. Every entry is
// checksummed and checked against the segment before use; a missing or damaged index is
// rebuilt by scanning the segment and is never trusted over it. It is written without
// fsync for the same reason.
//
// Index header (32 bytes, at file offset 0):
//
//   0        4        8        12       16                24       28       32
//   +--------+--------+--------+--------+--------+--------+--------+--------+
//   | magic  | version| entry  | flags  | segment first    | reserved| crc32c |
//   |        |        | bytes  |        | gsn (u64)        |        |        |
//   +--------+--------+--------+--------+--------+--------+--------+--------+
//   magic 'ORDI' = 0x4944524f, version 1, entry bytes 24, crc32c over [0, 28).
//
// Entries (24 bytes each, from offset 32):
//
//   0                 8                 16       20       24
//   +--------+--------+--------+--------+--------+--------+
//   | gsn (u64)        | file offset (u64)| kind   | crc32c |
//   +--------+--------+--------+--------+--------+--------+
//   kind 1 (point): the record starting at `file offset` has first gsn `gsn`.
//                   Written every `indexEveryBytes` bytes or `indexEveryRecords` records.
//   kind 2 (seal):  the segment ends at `file offset` bytes and the next gsn after it is
//                   `gsn`. Written once, when the writer rolls to the next segment, so
//                   opening a journal learns each closed segment's end without a scan.
//   crc32c over [0, 20).

export const INDEX_MAGIC = 0x4944524f // 'ORDI'
export const INDEX_VERSION = 1
export const INDEX_HEADER_BYTES = 32
export const IndexHeader = {
  magic: 0,
  version: 4,
  entryBytes: 8,
  flags: 12,
  segmentFirstGsnLo: 16,
  segmentFirstGsnHi: 20,
  reserved: 24,
  crc: 28,
} as const
export const INDEX_HEADER_CRC_END = 28

export const INDEX_ENTRY_BYTES = 24
export const IndexEntry = {
  gsnLo: 0,
  gsnHi: 4,
  offsetLo: 8,
  offsetHi: 12,
  kind: 16,
  crc: 20,
} as const
export const INDEX_ENTRY_CRC_END = 20

export const IndexEntryKind = { point: 1, seal: 2 } as const
export type IndexEntryKind = (typeof IndexEntryKind)[keyof typeof IndexEntryKind]

/** File offset of entry number `i`. */
export function indexEntryOffset(i: number): number {
  return INDEX_HEADER_BYTES + i * INDEX_ENTRY_BYTES
}

/** Default spacing of point entries. */
export const DEFAULT_INDEX_EVERY_BYTES = 1 << 20
export const DEFAULT_INDEX_EVERY_RECORDS = 1024
