// Per-group figures for operators (admin API, dashboard): messages dispatched to
// each group and the latest gseq it reached. Indexed by group id (ids are small
// integers from 1 that are never reused), two typed-array writes per message and
// group on the dispatcher's pass; the arrays grow only when a new id shows up.

import { blobGroup, blobGroupCount, blobGseq } from '../../../codec/blob.js'

export interface GroupStat {
  id: number
  /** Messages dispatched (durable) to the group since the engine opened. */
  messages: number
  /** gseq of the latest dispatched message of the group (0: none since open). */
  lastGseq: number
}

export class GroupStats {
  private messages = new Float64Array(64)
  private lastGseq = new Float64Array(64)

  /** One dispatched message at bytes[pos] (a canonical blob). */
  record(bytes: Uint8Array, pos: number): void {
    const n = blobGroupCount(bytes, pos)
    for (let g = 0; g < n; g++) {
      const id = blobGroup(bytes, pos, g)
      if (id >= this.messages.length) this.grow(id)
      this.messages[id]!++
      this.lastGseq[id] = blobGseq(bytes, pos, g)
    }
  }

  /** Figures of one group (zeros when nothing was dispatched to it since open). */
  get(id: number): GroupStat {
    if (id <= 0 || id >= this.messages.length) return { id, messages: 0, lastGseq: 0 }
    return { id, messages: this.messages[id]!, lastGseq: this.lastGseq[id]! }
  }

  private grow(id: number): void {
    let n = this.messages.length
    while (n <= id) n *= 2
    const m = new Float64Array(n)
    m.set(this.messages)
    const l = new Float64Array(n)
    l.set(this.lastGseq)
    this.messages = m
    this.lastGseq = l
  }
}
