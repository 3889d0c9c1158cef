// Publish frames a connection could not hand to the engine because its ingress
// ring was full (BACK_PRESSURED). They are copied (uWS frees the received bytes
// when the message handler returns) and offered again, in order, when the
// engine reports room. While any are held, later frames of the connection queue
// behind them so the publisher's order is kept.

import { BACK_PRESSURED } from '../codec/results.js'
import { MessageCursor } from '../codec/frame-reader.js'
import type { Connection } from './connection.js'
import { offerRefusal } from './offer-refusal.js'

export class PendingPublishes {
  private readonly frames: Uint8Array[] = []
  private readonly counts: number[] = []
  private head = 0
  bytes = 0
  /** When the oldest held frame was held (ms). */
  since = 0

  get size(): number {
    return this.frames.length - this.head
  }

  /** Holds a copy of bytes[offset, offset + length) carrying `count` messages. */
  hold(bytes: Uint8Array, offset: number, length: number, count: number): void {
    if (this.size === 0) this.since = Date.now()
    this.frames.push(bytes.slice(offset, offset + length))
    this.counts.push(count)
    this.bytes += length
  }

  /** Offers held frames in order until the engine pushes back again. */
  offerHeld(conn: Connection): void {
    const ctx = conn.ctx
    while (this.size > 0 && !conn.closed) {
      const f = this.frames[this.head]!
      const r = ctx.engine.offerPublishFrame(f, 0, f.length, conn.publisher)
      if (r === BACK_PRESSURED) {
        ctx.waitForIngress(conn)
        return
      }
      this.frames[this.head] = EMPTY
      this.head++
      this.bytes -= f.length
      this.since = Date.now()
      if (r < 0) {
        const why = offerRefusal(ctx.engine, r)
        conn.sendError(why.code, why.message, firstPseqOf(f))
        continue
      }
      conn.entry?.offered(conn.generation, r)
      ctx.counters.messagesIn += r
    }
    if (this.size === 0) this.clear()
  }

  clear(): void {
    this.frames.length = 0
    this.counts.length = 0
    this.head = 0
    this.bytes = 0
    this.since = 0
  }
}

const EMPTY = new Uint8Array(0)
const firstCursor = new MessageCursor()

/** The pseq of a held frame's first message (what a refusal of the whole frame names). */
function firstPseqOf(frame: Uint8Array): number {
  return firstCursor.reset(frame, 0, frame.length) > 0 && firstCursor.next() ? firstCursor.pseq : 0
}
