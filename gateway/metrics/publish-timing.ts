// Publish→PublishAck latency of one connection, measured per Publish frame:
// when a frame's messages are taken, its last pseq and the arrival time go into
// a small ring; when a PublishAck leaves, every frame whose last pseq it covers
// is observed (now - arrival). Acks come in pseq order (publisher FIFO), so the
// ring is drained from its head. Fixed arrays, allocated on the first publish:
// nothing per frame. When the ring is full (a publisher with more than SLOTS
// frames unanswered) a frame goes unmeasured rather than costing memory.

import type { LatencyHistogram } from './latency-histogram.js'

const SLOTS = 64

export class PublishTiming {
  private pseqs: Float64Array | null = null
  private times: Float64Array | null = null
  private head = 0
  private size = 0
  private maxAcked = 0

  /** A frame whose messages end at lastPseq arrived at `at` (performance.now(), ms). */
  received(lastPseq: number, at: number): void {
    if (this.pseqs === null) {
      this.pseqs = new Float64Array(SLOTS)
      this.times = new Float64Array(SLOTS)
    }
    if (this.size === SLOTS) return
    const k = (this.head + this.size) % SLOTS
    this.pseqs[k] = lastPseq
    this.times![k] = at
    this.size++
  }

  acked(pseq: number): void {
    if (pseq > this.maxAcked) this.maxAcked = pseq
  }

  /** A PublishAck was sent: observe every frame it completed. */
  flushed(h: LatencyHistogram): void {
    if (this.size === 0) return
    const now = performance.now()
    const p = this.pseqs!
    const t = this.times!
    while (this.size > 0 && p[this.head]! <= this.maxAcked) {
      h.observe((now - t[this.head]!) / 1000)
      this.head = (this.head + 1) % SLOTS
      this.size--
    }
  }

  /** A message was refused: its frame will never be fully acknowledged; the client resends, which is timed anew. */
  reset(): void {
    this.head = 0
    this.size = 0
  }
}
