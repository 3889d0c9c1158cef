// In-memory form of one segment's sparse index, and reading/writing `.idx` files
// (layout in index-descriptor.ts). Loading checks every entry's CRC and ordering and keeps
// the valid prefix; callers still check each entry against the segment before trusting it.

import * as path from 'node:path'
import { crc32cJs } from './crc32c-range.js'
import { type FileIo, writeFully } from './file-io.js'
import {
  INDEX_ENTRY_BYTES,
  INDEX_ENTRY_CRC_END,
  INDEX_HEADER_BYTES,
  INDEX_HEADER_CRC_END,
  INDEX_MAGIC,
  INDEX_VERSION,
  IndexEntry,
  IndexEntryKind,
  IndexHeader,
} from './index-descriptor.js'
import { SEGMENT_HEADER_BYTES, indexFileName, readU64, u64IsSafe, writeU64 } from './segment-descriptor.js'

export const IndexState = { ok: 'ok', missing: 'missing', damaged: 'damaged' } as const
export type IndexState = (typeof IndexState)[keyof typeof IndexState]

/** Sorted point entries (gsn -> file offset) plus an optional seal. */
export class SegmentIndex {
  gsns: Float64Array
  offsets: Float64Array
  count = 0
  sealed = false
  sealEndGsn = 0
  sealEndOffset = 0
  /** How the file looked when loaded (ok for an index built in memory). */
  state: IndexState = IndexState.ok

  constructor(capacity = 64) {
    this.gsns = new Float64Array(capacity)
    this.offsets = new Float64Array(capacity)
  }

  push(gsn: number, offset: number): void {
    if (this.count === this.gsns.length) this.grow()
    this.gsns[this.count] = gsn
    this.offsets[this.count] = offset
    this.count++
  }

  seal(endGsn: number, endOffset: number): void {
    this.sealed = true
    this.sealEndGsn = endGsn
    this.sealEndOffset = endOffset
  }

  unseal(): void {
    this.sealed = false
    this.sealEndGsn = 0
    this.sealEndOffset = 0
  }

  /** Drops point entries at file offsets >= `offset` (after a cut). */
  truncateFrom(offset: number): void {
    while (this.count > 0 && this.offsets[this.count - 1]! >= offset) this.count--
  }

  /** Index of the last entry with gsn <= `gsn`, or -1. Binary search. */
  floorEntry(gsn: number): number {
    let lo = 0
    let hi = this.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.gsns[mid]! <= gsn) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found
  }

  private grow(): void {
    const g = new Float64Array(this.gsns.length * 2)
    const o = new Float64Array(this.offsets.length * 2)
    g.set(this.gsns)
    o.set(this.offsets)
    this.gsns = g
    this.offsets = o
  }
}

/** Writes the 32-byte index header for `segmentFirstGsn` into bytes[0, 32). */
export function encodeIndexHeader(bytes: Uint8Array, view: DataView, segmentFirstGsn: number): void {
  bytes.fill(0, 0, INDEX_HEADER_BYTES)
  view.setUint32(IndexHeader.magic, INDEX_MAGIC, true)
  view.setUint32(IndexHeader.version, INDEX_VERSION, true)
  view.setUint32(IndexHeader.entryBytes, INDEX_ENTRY_BYTES, true)
  writeU64(view, IndexHeader.segmentFirstGsnLo, segmentFirstGsn)
  view.setUint32(IndexHeader.crc, crc32cJs(bytes, 0, INDEX_HEADER_CRC_END, 0), true)
}

/** Writes one 24-byte entry at `pos`. */
export function encodeIndexEntry(
  bytes: Uint8Array,
  view: DataView,
  pos: number,
  gsn: number,
  offset: number,
  kind: IndexEntryKind,
): void {
  writeU64(view, pos + IndexEntry.gsnLo, gsn)
  writeU64(view, pos + IndexEntry.offsetLo, offset)
  view.setUint32(pos + IndexEntry.kind, kind, true)
  view.setUint32(pos + IndexEntry.crc, crc32cJs(bytes, pos, pos + INDEX_ENTRY_CRC_END, 0), true)
}

/**
 * Loads `<dir>/<segmentFirstGsn>.idx`. Never throws for a bad file: returns what is valid,
 * with state 'missing' or 'damaged' when the file is absent or anything in it failed a check.
 */
export function loadSegmentIndex(io: FileIo, dir: string, segmentFirstGsn: number): SegmentIndex {
  const index = new SegmentIndex()
  let bytes: Uint8Array
  try {
    bytes = io.readFileSync(path.join(dir, indexFileName(segmentFirstGsn)))
  } catch {
    index.state = IndexState.missing
    return index
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (
    bytes.length < INDEX_HEADER_BYTES ||
    view.getUint32(IndexHeader.magic, true) !== INDEX_MAGIC ||
    view.getUint32(IndexHeader.version, true) !== INDEX_VERSION ||
    view.getUint32(IndexHeader.entryBytes, true) !== INDEX_ENTRY_BYTES ||
    view.getUint32(IndexHeader.crc, true) !== crc32cJs(bytes, 0, INDEX_HEADER_CRC_END, 0) ||
    !u64IsSafe(view, IndexHeader.segmentFirstGsnLo) ||
    readU64(view, IndexHeader.segmentFirstGsnLo) !== segmentFirstGsn
  ) {
    index.state = IndexState.damaged
    return index
  }
  let pos = INDEX_HEADER_BYTES
  let lastGsn = segmentFirstGsn - 1
  let lastOffset = SEGMENT_HEADER_BYTES - 1
  for (; pos + INDEX_ENTRY_BYTES <= bytes.length; pos += INDEX_ENTRY_BYTES) {
    if (index.sealed || view.getUint32(pos + IndexEntry.crc, true) !== crc32cJs(bytes, pos, pos + INDEX_ENTRY_CRC_END, 0))
      break
    if (!u64IsSafe(view, pos + IndexEntry.gsnLo) || !u64IsSafe(view, pos + IndexEntry.offsetLo)) break
    const gsn = readU64(view, pos + IndexEntry.gsnLo)
    const offset = readU64(view, pos + IndexEntry.offsetLo)
    const kind = view.getUint32(pos + IndexEntry.kind, true)
    if (kind === IndexEntryKind.point) {
      if (gsn <= lastGsn || offset <= lastOffset || (offset & 7) !== 0) break
      index.push(gsn, offset)
    } else if (kind === IndexEntryKind.seal) {
      if (gsn <= lastGsn || offset <= lastOffset) break
      index.seal(gsn, offset)
    } else {
      break
    }
    lastGsn = gsn
    lastOffset = offset
  }
  if (pos !== bytes.length) index.state = IndexState.damaged
  return index
}

/** Rewrites the whole `.idx` file from `index` (no fsync: the index is a cache). */
export function writeSegmentIndex(io: FileIo, dir: string, segmentFirstGsn: number, index: SegmentIndex): void {
  const n = index.count + (index.sealed ? 1 : 0)
  const bytes = new Uint8Array(INDEX_HEADER_BYTES + n * INDEX_ENTRY_BYTES)
  const view = new DataView(bytes.buffer)
  encodeIndexHeader(bytes, view, segmentFirstGsn)
  let pos = INDEX_HEADER_BYTES
  for (let i = 0; i < index.count; i++, pos += INDEX_ENTRY_BYTES) {
    encodeIndexEntry(bytes, view, pos, index.gsns[i]!, index.offsets[i]!, IndexEntryKind.point)
  }
  if (index.sealed) encodeIndexEntry(bytes, view, pos, index.sealEndGsn, index.sealEndOffset, IndexEntryKind.seal)
  const fd = io.openSync(path.join(dir, indexFileName(segmentFirstGsn)), 'w')
  try {
    writeFully(io, fd, bytes, 0, bytes.length, 0)
  } finally {
    io.closeSync(fd)
  }
}
