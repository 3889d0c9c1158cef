// Writes records in the layout of segment-descriptor.ts: the header fields, the CRC32C over
// everything but the crc field, and the zero padding to 8 bytes. Allocation-free except the
// one view noted below.

import { crc32c as nativeCrc32c } from '@node-rs/crc32'
import { crc32cJs, crc32cRange } from './crc32c-range.js'
import {
  RECORD_CRC_BODY_START,
  RECORD_CRC_LENGTH_END,
  RECORD_HEADER_BYTES,
  RECORD_MAGIC,
  RecordHeader,
  recordBytes,
  writeU64,
} from './segment-descriptor.js'

/** Batches shorter than this are copied and checksummed in JS (no view at all). */
const SMALL_BATCH_BYTES = 256

function encodeHeaderFields(view: DataView, p: number, length: number, firstGsn: number, count: number): void {
  view.setUint32(p + RecordHeader.length, length, true)
  writeU64(view, p + RecordHeader.firstGsnLo, firstGsn)
  view.setUint32(p + RecordHeader.count, count, true)
  view.setUint32(p + RecordHeader.magic, RECORD_MAGIC, true)
}

/** CRC of the header part the record CRC covers: [0, 4) ++ [8, 24). */
function headerCrc(buf: Uint8Array, p: number): number {
  return crc32cJs(buf, p + RECORD_CRC_BODY_START, p + RECORD_HEADER_BYTES, crc32cJs(buf, p, p + RECORD_CRC_LENGTH_END, 0))
}

/**
 * Encodes a whole record at buf[p, p + recordBytes(length)): header, a copy of
 * batch[offset, offset + length), padding, CRC. Returns the record size.
 */
export function encodeRecord(
  buf: Uint8Array,
  view: DataView,
  p: number,
  batch: Uint8Array,
  offset: number,
  length: number,
  firstGsn: number,
  count: number,
): number {
  const size = recordBytes(length)
  const body = p + RECORD_HEADER_BYTES
  encodeHeaderFields(view, p, length, firstGsn, count)
  let crc = headerCrc(buf, p)
  if (length < SMALL_BATCH_BYTES) {
    for (let i = 0; i < length; i++) buf[body + i] = batch[offset + i]!
    crc = crc32cJs(buf, body, body + length, crc)
  } else {
    // One view per batch (never per message): Node 20 has no allocation-free way to copy or
    // checksum a sub-range (Buffer#copy makes the same view internally), so the one view
    // serves both the copy and the native CRC. None when the batch is the whole array.
    const src = offset === 0 && length === batch.length ? batch : batch.subarray(offset, offset + length)
    buf.set(src, body)
    crc = nativeCrc32c(src, crc)
  }
  buf.fill(0, body + length, p + size)
  view.setUint32(p + RecordHeader.crc, crc, true)
  return size
}

/**
 * Encodes only the 24-byte header at buf[p, p + 24) of a record whose batch bytes stay in
 * the caller's array (written directly), CRC included, followed by its zero padding at
 * buf[p + 24, p + 24 + pad). Returns the pad length.
 */
export function encodeRecordHeaderFor(
  buf: Uint8Array,
  view: DataView,
  p: number,
  batch: Uint8Array,
  offset: number,
  length: number,
  firstGsn: number,
  count: number,
): number {
  encodeHeaderFields(view, p, length, firstGsn, count)
  view.setUint32(p + RecordHeader.crc, crc32cRange(batch, offset, offset + length, headerCrc(buf, p)), true)
  const pad = recordBytes(length) - RECORD_HEADER_BYTES - length
  buf.fill(0, p + RECORD_HEADER_BYTES, p + RECORD_HEADER_BYTES + pad)
  return pad
}
