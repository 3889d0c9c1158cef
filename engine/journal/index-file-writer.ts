// Keeps the active segment's `.idx` file in step with its in-memory SegmentIndex by
// appending the entries it lacks (layout in index-descriptor.ts). The writer calls it after
// each data write, so an entry never points at bytes not yet handed to the OS.
//
// The index is a cache: any failure here only marks the file broken; it is then rewritten
// whole when the segment is sealed (or rebuilt by the next open), and the journal goes on.

import * as path from 'node:path'
import { type FileIo, writeFully } from './file-io.js'
import { INDEX_ENTRY_BYTES, INDEX_HEADER_BYTES, IndexEntryKind, indexEntryOffset } from './index-descriptor.js'
import { indexFileName } from './segment-descriptor.js'
import { type SegmentIndex, encodeIndexEntry, encodeIndexHeader, writeSegmentIndex } from './segment-index.js'

/** Entries encoded per write() call. */
const SCRATCH_ENTRIES = 256

export class IndexFileWriter {
  private readonly io: FileIo
  private readonly dir: string
  private readonly scratch = new Uint8Array(SCRATCH_ENTRIES * INDEX_ENTRY_BYTES)
  private readonly view = new DataView(this.scratch.buffer)
  private fd = -1
  private segmentFirstGsn = 0
  /** Entries (points, then the seal) already in the file; -1 = file broken. */
  private written = 0

  constructor(io: FileIo, dir: string) {
    this.io = io
    this.dir = dir
  }

  /** Starts a new, empty index file for the segment beginning at `segmentFirstGsn`. */
  create(segmentFirstGsn: number): void {
    this.close()
    this.segmentFirstGsn = segmentFirstGsn
    this.written = 0
    try {
      this.fd = this.io.openSync(this.file(), 'w+')
      encodeIndexHeader(this.scratch, this.view, segmentFirstGsn)
      writeFully(this.io, this.fd, this.scratch, 0, INDEX_HEADER_BYTES, 0)
    } catch {
      this.written = -1
    }
  }

  /** Continues an existing index file that already holds `entries` point entries (recovery wrote it). */
  resume(segmentFirstGsn: number, entries: number): void {
    this.close()
    this.segmentFirstGsn = segmentFirstGsn
    this.written = entries
    try {
      this.fd = this.io.openSync(this.file(), 'r+')
    } catch {
      this.written = -1
    }
  }

  /** True if `index` has entries the file lacks. */
  behind(index: SegmentIndex): boolean {
    return this.written >= 0 && this.written < index.count + (index.sealed ? 1 : 0)
  }

  /** Appends the entries of `index` (and its seal) the file lacks. */
  flush(index: SegmentIndex): void {
    if (this.written < 0) return
    const total = index.count + (index.sealed ? 1 : 0)
    try {
      while (this.written < total) {
        const from = this.written
        const n = Math.min(total - from, SCRATCH_ENTRIES)
        for (let i = 0; i < n; i++) {
          const e = from + i
          const pos = i * INDEX_ENTRY_BYTES
          if (e < index.count) {
            encodeIndexEntry(this.scratch, this.view, pos, index.gsns[e]!, index.offsets[e]!, IndexEntryKind.point)
          } else {
            encodeIndexEntry(this.scratch, this.view, pos, index.sealEndGsn, index.sealEndOffset, IndexEntryKind.seal)
          }
        }
        writeFully(this.io, this.fd, this.scratch, 0, n * INDEX_ENTRY_BYTES, indexEntryOffset(from))
        this.written = from + n
      }
    } catch {
      this.written = -1
    }
  }

  /** Brings the file up to date with a sealed `index`, rewriting it whole if it broke. */
  finish(index: SegmentIndex): void {
    this.flush(index)
    if (this.written < 0) {
      try {
        writeSegmentIndex(this.io, this.dir, this.segmentFirstGsn, index)
      } catch {
        // Still a cache: the next open rebuilds it.
      }
    }
    this.close()
  }

  close(): void {
    if (this.fd >= 0) {
      try {
        this.io.closeSync(this.fd)
      } catch {
        // Nothing in an index file is worth an error.
      }
      this.fd = -1
    }
  }

  private file(): string {
    return path.join(this.dir, indexFileName(this.segmentFirstGsn))
  }
}
