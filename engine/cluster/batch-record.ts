// Checks that the data of a batch entry is one whole, CRC-valid journal record (layout in
// engine/journal/segment-descriptor.ts) and reads its gsn range. A follower appends these bytes to its own
// journal unchanged, so a record that fails here must never reach a journal.

import { crc32cJs, crc32cRange } from '../journal/crc32c-range.js'
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
} from '../journal/segment-descriptor.js'

export const RecordCheck = {
  ok: 0,
  tooShort: -1,
  badMagic: -2,
  badLength: -3,
  badCrc: -4,
  badGsn: -5,
} as const
export type RecordCheck = (typeof RecordCheck)[keyof typeof RecordCheck]

export function recordCheckReason(r: number): string {
  switch (r) {
    case RecordCheck.ok:
      return 'ok'
    case RecordCheck.tooShort:
      return 'shorter than a record header'
    case RecordCheck.badMagic:
      return 'no record magic'
    case RecordCheck.badLength:
      return 'length field does not match the entry size'
    case RecordCheck.badCrc:
      return 'crc32c mismatch'
    case RecordCheck.badGsn:
      return 'count 0 or gsn beyond 2^53'
    default:
      return 'unknown'
  }
}

/** Verifies bytes[0, bytes.length) as exactly one record (padding included). Allocates one DataView. */
export function checkRecord(bytes: Uint8Array): RecordCheck {
  if (bytes.length < RECORD_HEADER_BYTES) return RecordCheck.tooShort
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(RecordHeader.magic, true) !== RECORD_MAGIC) return RecordCheck.badMagic
  const length = view.getUint32(RecordHeader.length, true)
  if (length > MAX_RECORD_BATCH_BYTES || recordBytes(length) !== bytes.length) return RecordCheck.badLength
  let crc = crc32cJs(bytes, 0, RECORD_CRC_LENGTH_END, 0)
  crc = crc32cRange(bytes, RECORD_CRC_BODY_START, RECORD_HEADER_BYTES + length, crc)
  if (crc !== view.getUint32(RecordHeader.crc, true)) return RecordCheck.badCrc
  if (view.getUint32(RecordHeader.count, true) === 0 || !u64IsSafe(view, RecordHeader.firstGsnLo)) return RecordCheck.badGsn
  return RecordCheck.ok
}

/** First gsn of a record (caller checked it). */
export function recordFirstGsn(bytes: Uint8Array): number {
  return readU64(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), RecordHeader.firstGsnLo)
}

/** Number of messages in a record (caller checked it). */
export function recordCount(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(RecordHeader.count, true)
}

/**
 * Verifies bytes[0, bytes.length) as one or more whole records back to back, each CRC-valid, the
 * gsns of each continuing the previous one's: a batch entry (the leader puts several sequenced
 * batches in one entry when they are waiting, so that entries are large under load). A follower
 * appends each record unchanged. Allocates one DataView.
 */
export function checkRecords(bytes: Uint8Array): RecordCheck {
  if (bytes.length < RECORD_HEADER_BYTES) return RecordCheck.tooShort
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let p = 0
  let next = -1
  while (p < bytes.length) {
    if (bytes.length - p < RECORD_HEADER_BYTES) return RecordCheck.tooShort
    if (view.getUint32(p + RecordHeader.magic, true) !== RECORD_MAGIC) return RecordCheck.badMagic
    const length = view.getUint32(p + RecordHeader.length, true)
    if (length > MAX_RECORD_BATCH_BYTES || p + recordBytes(length) > bytes.length) return RecordCheck.badLength
    let crc = crc32cJs(bytes, p, p + RECORD_CRC_LENGTH_END, 0)
    crc = crc32cRange(bytes, p + RECORD_CRC_BODY_START, p + RECORD_HEADER_BYTES + length, crc)
    if (crc !== view.getUint32(p + RecordHeader.crc, true)) return RecordCheck.badCrc
    const count = view.getUint32(p + RecordHeader.count, true)
    if (count === 0 || !u64IsSafe(view, p + RecordHeader.firstGsnLo)) return RecordCheck.badGsn
    const first = readU64(view, p + RecordHeader.firstGsnLo)
    if (next >= 0 && first !== next) return RecordCheck.badGsn
    next = first + count
    p += recordBytes(length)
  }
  return RecordCheck.ok
}

/** Last gsn of an entry of records (caller checked it with checkRecords). */
export function entryLastGsn(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let p = 0
  let last = 0
  while (p < bytes.length) {
    const length = view.getUint32(p + RecordHeader.length, true)
    last = readU64(view, p + RecordHeader.firstGsnLo) + view.getUint32(p + RecordHeader.count, true) - 1
    p += recordBytes(length)
  }
  return last
}
