// When a record gets a point entry in the sparse index: when at least `everyBytes` bytes or
// `everyRecords` records lie between it and the previous entry (the segment start counts as
// an implicit entry). Bounds the scan after an index lookup by both measures, so a journal
// of tiny records does not scan a megabyte of headers and one of huge records does not
// index every record. The writer, recovery and index rebuilds share it so they agree.

import { SEGMENT_HEADER_BYTES } from './segment-descriptor.js'

export class IndexPolicy {
  readonly everyBytes: number
  readonly everyRecords: number
  /** Offset of the last point entry (or the segment start). */
  lastOffset = SEGMENT_HEADER_BYTES
  /** Records counted since that entry, the entry's own record included. */
  records = 0

  constructor(everyBytes: number, everyRecords: number) {
    this.everyBytes = everyBytes
    this.everyRecords = everyRecords
  }

  /** Restarts counting from an entry (or the segment start) at `offset`. */
  restart(offset: number): void {
    this.lastOffset = offset
    this.records = 0
  }

  /** Counts the record at `recordOffset`; true if it should get a point entry. */
  observe(recordOffset: number): boolean {
    if (recordOffset - this.lastOffset >= this.everyBytes || this.records >= this.everyRecords) {
      this.lastOffset = recordOffset
      this.records = 1
      return true
    }
    this.records++
    return false
  }
}
