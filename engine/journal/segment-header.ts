// Encoding and checking of the 32-byte segment header (layout in segment-descriptor.ts).

import { crc32cJs } from './crc32c-range.js'
import { type FileIo, readFully } from './file-io.js'
import {
  FORMAT_VERSION,
  SEGMENT_HEADER_BYTES,
  SEGMENT_HEADER_CRC_END,
  SEGMENT_MAGIC,
  SegmentHeader,
  readU64,
  u64IsSafe,
  writeU64,
} from './segment-descriptor.js'

/** Writes the header for a segment starting at `firstGsn` into bytes[0, 32). */
export function encodeSegmentHeader(bytes: Uint8Array, view: DataView, firstGsn: number): void {
  bytes.fill(0, 0, SEGMENT_HEADER_BYTES)
  view.setUint32(SegmentHeader.magic, SEGMENT_MAGIC, true)
  view.setUint32(SegmentHeader.version, FORMAT_VERSION, true)
  view.setUint32(SegmentHeader.headerLength, SEGMENT_HEADER_BYTES, true)
  writeU64(view, SegmentHeader.firstGsnLo, firstGsn)
  view.setUint32(SegmentHeader.crc, crc32cJs(bytes, 0, SEGMENT_HEADER_CRC_END, 0), true)
}

export const HeaderProblem = {
  none: '',
  short: 'header shorter than 32 bytes',
  magic: 'bad segment magic',
  version: 'unsupported segment format version',
  crc: 'segment header crc mismatch',
  firstGsn: 'segment header first gsn differs from file name',
} as const
export type HeaderProblem = (typeof HeaderProblem)[keyof typeof HeaderProblem]

/**
 * Reads and checks the header of an open segment whose name says `expectedFirstGsn`.
 * Returns HeaderProblem.none when it is valid. The CRC is checked before the version so
 * a torn header is reported as such, not as a future format.
 */
export function checkSegmentHeader(io: FileIo, fd: number, expectedFirstGsn: number): HeaderProblem {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES)
  const view = new DataView(bytes.buffer)
  if (readFully(io, fd, bytes, 0, SEGMENT_HEADER_BYTES, 0) < SEGMENT_HEADER_BYTES) return HeaderProblem.short
  if (view.getUint32(SegmentHeader.magic, true) !== SEGMENT_MAGIC) return HeaderProblem.magic
  if (view.getUint32(SegmentHeader.crc, true) !== crc32cJs(bytes, 0, SEGMENT_HEADER_CRC_END, 0)) return HeaderProblem.crc
  if (
    view.getUint32(SegmentHeader.version, true) !== FORMAT_VERSION ||
    view.getUint32(SegmentHeader.headerLength, true) !== SEGMENT_HEADER_BYTES
  ) {
    return HeaderProblem.version
  }
  if (!u64IsSafe(view, SegmentHeader.firstGsnLo) || readU64(view, SegmentHeader.firstGsnLo) !== expectedFirstGsn) {
    return HeaderProblem.firstGsn
  }
  return HeaderProblem.none
}
