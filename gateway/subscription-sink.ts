// One subscription of a connection: receives Deliver frames from the engine
// (FrameSink) and sends them, unless the connection's send buffer is over its
// high mark: then it declines the frame, which makes the engine hold the
// subscription back (G6: publishers, the sequencer and other subscribers go on);
// the connection resumes it once the buffer drains below its low mark, and the
// engine catches it up from the journal. A connection that stays stalled past
// the timeout is closed with SLOW_CONSUMER naming the gsn to resume from
// (gateway/connection.ts, gateway/housekeeping.ts).

import { BodyType, writerFrameKind } from '../codec/index.js'
import { DELIVER_COUNT_POS } from '../codec/frame-layout.js'
import { viewOf } from '../codec/byte-view.js'
import type { DurableHandle, FrameSink, RawSubscription } from '../engine/engine-port.js'
import type { Connection } from './connection.js'
import { subscribedFrame, withdrawnFrame } from './wire/control-frames.js'
import type { LatencyHistogram } from './metrics/latency-histogram.js'
import { SubarrayCache } from '../codec/subarray-cache.js'

const frameRange = new SubarrayCache()

export class SubscriptionSink implements FrameSink {
  raw: RawSubscription | null = null
  /** The consumer of a durable subscription (null: an ordinary subscription). */
  durable: DurableHandle | null = null
  /** The durable subscription's name ('' when ordinary). */
  durableName = ''
  paused = false
  /** Subscribed was sent (it must precede the first Deliver). */
  announced = false
  closed = false
  /** Highest gsn the client acknowledged with an Ack frame (lag metrics). */
  lastAckedGsn = 0
  /** Last gsn sent to the socket. */
  sentThrough = 0
  /** Caught up with the live stream (frames before are replays: not timed). */
  live = false
  /** When the subscription was made (ms since the epoch), for the admin API. */
  readonly since = Date.now()

  constructor(
    readonly conn: Connection,
    readonly id: number,
    /** Group ids subscribed to (admin API). */
    readonly groups: readonly number[] = [],
    readonly tentative = false,
  ) {}

  /** Where this subscription would resume. */
  get nextGsn(): number {
    return this.raw !== null ? this.raw.nextGsn : this.sentThrough + 1
  }

  announce(nextGsn: number): void {
    if (this.announced) return
    this.announced = true
    this.conn.send(subscribedFrame(this.id, nextGsn))
  }

  onWithdrawn(fromGsn: number, toGsn: number): void {
    if (this.closed) return
    if (this.sentThrough >= fromGsn) this.sentThrough = fromGsn - 1
    this.conn.ctx.counters.withdrawn++
    this.conn.send(withdrawnFrame(this.id, fromGsn, toGsn))
  }

  onFrame(bytes: Uint8Array, offset: number, length: number, lastGsn: number): boolean {
    const conn = this.conn
    // A closing connection drops what is still on the way; the engine closes the subscription next.
    // A durable subscription declines instead, so the frame does not count as delivered
    // (an on-delivery ack would otherwise cover what never left).
    if (conn.closed || this.closed) return this.durable === null
    const ctx = conn.ctx
    if (!this.announced) this.announce(firstGsn(ctx.cursor, bytes, offset, length))
    if (conn.ws.getBufferedAmount() > ctx.limits.sendBufferHighBytes) {
      if (!this.paused) {
        this.paused = true
        conn.pausedCount++
        ctx.counters.slowConsumerPauses++
        ctx.logger.debug({ event: 'slow_consumer_paused', conn: conn.generation, subject: conn.subject, subscription: this.id, nextGsn: this.nextGsn }, 'subscription paused: send buffer full, it will catch up from the journal')
      }
      if (conn.stalledSince === 0) conn.stalledSince = Date.now()
      return false
    }
    // The frame as a view of its own (the socket takes whole arrays); the same view again while frames keep their length.
    if (!conn.send(frameRange.range(bytes, offset, length))) return this.durable === null
    ctx.counters.messagesOut += messageCount(bytes, offset, length, ctx.cursor)
    this.sentThrough = lastGsn
    if (this.live) observeDeliver(ctx.counters.deliverLatency, ctx.cursor, bytes, offset, length)
    return true
  }

  onLive(_nextGsn: number): void {
    this.live = true
  }

  onError(code: number, message: string, ref: number): void {
    const conn = this.conn
    if (conn.subs?.get(this.id) === this) conn.subs.delete(this.id)
    if (this.paused) {
      this.paused = false
      conn.pausedCount--
    }
    this.close()
    conn.sendError(code, `subscription ${this.id}: ${message}`, ref, this.id)
  }

  /** Resumes a paused subscription (catch-up from the journal, then live). */
  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.live = false // catch-up from the journal first
    this.conn.pausedCount--
    this.conn.ctx.counters.slowConsumerResumes++
    this.conn.ctx.logger.debug({ event: 'slow_consumer_resumed', conn: this.conn.generation, subject: this.conn.subject, subscription: this.id, nextGsn: this.nextGsn }, 'subscription resumed: catching up from the journal')
    this.raw?.resume()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.raw?.close()
  }
}

interface Cursor {
  reset(bytes: Uint8Array, offset: number, length: number): number
  next(): boolean
  readonly gsn: number
  readonly time: number
}

/**
 * Sequenced→delivered latency of a live frame: from the sequencer's timestamp of
 * its first message (µs since the epoch, stamped a few µs after the gateway took
 * the publish) to now. One reading per frame, no allocation.
 */
function observeDeliver(h: LatencyHistogram, cursor: Cursor, bytes: Uint8Array, offset: number, length: number): void {
  if (cursor.reset(bytes, offset, length) <= 0 || !cursor.next() || cursor.time === 0) return
  const seconds = ((performance.timeOrigin + performance.now()) * 1000 - cursor.time) / 1e6
  if (seconds >= 0) h.observe(seconds)
}

function firstGsn(cursor: Cursor, bytes: Uint8Array, offset: number, length: number): number {
  if (cursor.reset(bytes, offset, length) <= 0 || !cursor.next()) return 0
  return cursor.gsn
}

function messageCount(bytes: Uint8Array, offset: number, length: number, cursor: Cursor): number {
  if (writerFrameKind(bytes, offset, length) === BodyType.Deliver) return viewOf(bytes).getUint32(offset + DELIVER_COUNT_POS, true)
  return Math.max(0, cursor.reset(bytes, offset, length))
}
