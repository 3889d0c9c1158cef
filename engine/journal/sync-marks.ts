// Where each write of the active segment ended, so that a confirmation by gsn ("an
// fdatasync that started after gsn g was written has returned", from whoever made it)
// becomes a file offset: the end of what is known to be on stable storage. A fault
// re-writes the segment from there (journal-writer.ts, retry()).
//
// A fixed ring of (gsn, end offset) pairs in one Float64Array: one pair per write(), no
// allocation. When it is full the oldest pair is dropped, which only makes the confirmed
// offset lag (a retry then re-writes a little more), never run ahead.

const CAPACITY = 256 // pairs; a power of two

export class SyncMarks {
  private readonly pairs = new Float64Array(CAPACITY * 2)
  private head = 0
  private size = 0
  /** After confirm() moved: the gsn and end offset of the last pair it took. */
  gsn = 0
  offset = 0

  /** Records that everything up to `gsn` ends at file offset `endOffset`. */
  push(gsn: number, endOffset: number): void {
    if (this.size === CAPACITY) {
      this.head = (this.head + 1) & (CAPACITY - 1)
      this.size--
    }
    const at = ((this.head + this.size) & (CAPACITY - 1)) * 2
    this.pairs[at] = gsn
    this.pairs[at + 1] = endOffset
    this.size++
  }

  /** Takes every pair with a gsn <= `gsn`; true (gsn/offset set to the last one) when any was. */
  confirm(gsn: number): boolean {
    let moved = false
    while (this.size > 0) {
      const at = this.head * 2
      const g = this.pairs[at]!
      if (g > gsn) break
      this.gsn = g
      this.offset = this.pairs[at + 1]!
      this.head = (this.head + 1) & (CAPACITY - 1)
      this.size--
      moved = true
    }
    return moved
  }

  clear(): void {
    this.head = 0
    this.size = 0
  }
}
