// The client's record of every message from the call that published it until it
// is settled, indexed by ticket (the client's own message number, 1, 2, 3 ...).
// A ring of parallel arrays instead of an object per message: typed arrays for
// the numbers, two plain arrays for whom to tell. It grows (doubling) when more
// messages are unsettled than it holds, and never shrinks.
//
//   tickets:  head ............ sentEnd ............ tail
//             oldest unsettled   first not yet sent   next ticket to hand out
//
// A settled slot keeps its place until the head passes it (acks arrive in pseq
// order, so that is at once in steady state); its pseq is SETTLED.

import type { OutFrame } from './out-frames.js'

export const SETTLED = -1

/** Whom to tell when a message settles: a resolve function, a batch, or nobody (send()). */
export type Settler = ((value: never) => void) | BatchSettler | null

export interface BatchSettler {
  ack(index: number, gsn: number): void
  fail(index: number, err: Error): void
}

export class PublishRing {
  private mask: number
  /** pseq the message was (last) given, or SETTLED. */
  pseq: Float64Array
  /** Where the message's only copy is: its frame and the blob's position in it. */
  frame: (OutFrame | null)[]
  blobAt: Int32Array
  /** For batches: the message's index in its publishBatch call. */
  index: Int32Array
  settler: Settler[]
  reject: (((e: Error) => void) | null)[]
  head = 1
  sentEnd = 1
  tail = 1

  constructor(capacity = 1024) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, capacity)))
    this.mask = n - 1
    this.pseq = new Float64Array(n)
    this.frame = new Array<OutFrame | null>(n).fill(null)
    this.blobAt = new Int32Array(n)
    this.index = new Int32Array(n)
    this.settler = new Array<Settler>(n).fill(null)
    this.reject = new Array<((e: Error) => void) | null>(n).fill(null)
  }

  get capacity(): number {
    return this.mask + 1
  }

  slot(ticket: number): number {
    return ticket & this.mask
  }

  /** Takes the next ticket (growing the ring when full) and returns it. */
  take(): number {
    if (this.tail - this.head === this.mask + 1) this.grow()
    return this.tail++
  }

  /** Moves the head past settled slots; returns the new head. */
  advance(): number {
    const p = this.pseq
    const m = this.mask
    let h = this.head
    while (h < this.tail && p[h & m] === SETTLED) h++
    this.head = h
    if (this.sentEnd < h) this.sentEnd = h
    return h
  }

  /** Ticket in [from, to) whose pseq is `pseq`, or 0. Acks and refusals come in pseq order: usually `from`. */
  find(pseq: number, from: number, to: number): number {
    const p = this.pseq
    const m = this.mask
    for (let t = from; t < to; t++) if (p[t & m] === pseq) return t
    return 0
  }

  private grow(): void {
    const old = this.mask + 1
    const n = old * 2
    const pseq = new Float64Array(n)
    const frame = new Array<OutFrame | null>(n).fill(null)
    const blobAt = new Int32Array(n)
    const index = new Int32Array(n)
    const settler = new Array<Settler>(n).fill(null)
    const reject = new Array<((e: Error) => void) | null>(n).fill(null)
    const nm = n - 1
    for (let t = this.head; t < this.tail; t++) {
      const a = t & this.mask
      const b = t & nm
      pseq[b] = this.pseq[a]!
      frame[b] = this.frame[a]!
      blobAt[b] = this.blobAt[a]!
      index[b] = this.index[a]!
      settler[b] = this.settler[a]!
      reject[b] = this.reject[a]!
    }
    this.mask = nm
    this.pseq = pseq
    this.frame = frame
    this.blobAt = blobAt
    this.index = index
    this.settler = settler
    this.reject = reject
  }
}
