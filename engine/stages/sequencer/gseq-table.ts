// Per-group sequence counters (gseq), indexed by group id. Group ids are assigned
// densely from 1 by the registry, so a growable Float64Array beats a Map: one
// indexed load and store per destination group on the hot path.

export class GseqTable {
  private last = new Float64Array(1024)

  /** Next gseq for group id (and count it). id must be >= 1 and <= maxGroupId (checked by the caller). */
  next(id: number): number {
    if (id >= this.last.length) this.grow(id)
    const v = this.last[id]! + 1
    this.last[id] = v
    return v
  }

  /**
   * next(id), stamped as a little-endian u64 at i32[index] (low half) and i32[index + 1]:
   * the sequencer's form, where no double leaves the call (a double returned by a call that
   * TurboFan does not inline is boxed, and gseqs pass 2^31 in a long run).
   */
  stampNext(i32: Int32Array, index: number, id: number): void {
    if (id >= this.last.length) this.grow(id)
    const v = this.last[id]! + 1
    this.last[id] = v
    i32[index] = v >>> 0
    i32[index + 1] = Math.floor(v / 4294967296)
  }

  /** Last gseq assigned in group id (0 if none). */
  get(id: number): number {
    return id < this.last.length ? this.last[id]! : 0
  }

  /** Recovery: the journal says group id reached gseq (keeps the max). */
  observe(id: number, gseq: number): void {
    if (id >= this.last.length) this.grow(id)
    if (gseq > this.last[id]!) this.last[id] = gseq
  }

  get size(): number {
    return this.last.length
  }

  private grow(id: number): void {
    let n = this.last.length
    while (n <= id) n *= 2
    const next = new Float64Array(n)
    next.set(this.last)
    this.last = next
  }
}
