// The one consumer attached to a durable subscription: a FrameSink between the engine's
// raw subscription and the front end's sink (a WebSocket connection, an embedded handler),
// and the RawSubscription the front end holds. It tracks what was delivered, applies the
// ack policy, and redelivers what was delivered but not acknowledged within ackWaitMs by
// starting the raw subscription again right after the acknowledged gsn (the engine replays
// it from the journal, then goes live: no gap).
//
// Why the acknowledged gsn may run ahead of the last delivered message: a subscription to
// a quiet group sees no message for a long time while other groups fill the journal. Once
// everything delivered is acknowledged, the durable's position is where its raw
// subscription stands in the total order (positionGsn), so a quiet durable does not hold
// retention back at its last message.

import { AckPolicy } from '../../codec/ack-policy.js'
import type { FrameSink, RawSubscription } from '../engine-port.js'
import type { DurableRecord } from './durable-record.js'

export interface ConsumerOwner {
  /** Moves the record's acknowledged gsn forward (never back); marks it for saving. */
  advance(rec: DurableRecord, gsn: number): void
  /** The consumer left (closed, or its raw subscription ended with an error). */
  detach(c: DurableConsumer): void
  /** Gsn up to which the engine has dispatched everything (live subscriptions stand there). */
  dispatchedGsn(): number
  now(): number
}

export class DurableConsumer implements RawSubscription, FrameSink {
  private raw: RawSubscription
  /** Highest gsn handed to the front end's sink. */
  lastDelivered: number
  /** When the oldest unacknowledged delivery went out (0: none outstanding). */
  unackedSince = 0
  redeliveries = 0
  closed = false
  readonly since: number

  constructor(
    readonly rec: DurableRecord,
    private readonly outer: FrameSink,
    /** Starts a raw subscription from a gsn with this consumer as its sink. */
    private readonly open: (fromGsn: number, sink: FrameSink) => RawSubscription,
    private readonly owner: ConsumerOwner,
    fromGsn: number,
  ) {
    this.since = owner.now()
    this.lastDelivered = fromGsn - 1
    this.raw = open(fromGsn, this)
  }

  get id(): number {
    return this.raw.id
  }

  get nextGsn(): number {
    return this.raw.nextGsn
  }

  // ---- FrameSink: what the engine hands over ----------------------------------------

  onFrame(bytes: Uint8Array, offset: number, length: number, lastGsn: number): boolean {
    if (this.closed) return true
    // Counted as delivered before the handler runs: an ack made inside it covers this frame.
    const before = this.lastDelivered
    if (lastGsn > before) this.lastDelivered = lastGsn
    if (!this.outer.onFrame(bytes, offset, length, lastGsn)) {
      this.lastDelivered = before
      return false
    }
    if (this.rec.ackPolicy === AckPolicy.onDelivery) this.owner.advance(this.rec, lastGsn)
    else if (this.unackedSince === 0 && this.lastDelivered > this.rec.ackedGsn) this.unackedSince = this.owner.now()
    return true
  }

  onLive(nextGsn: number): void {
    this.outer.onLive?.(nextGsn)
  }

  onError(code: number, message: string, ref: number): void {
    if (this.closed) return
    this.closed = true
    this.owner.detach(this)
    this.outer.onError(code, message, ref)
  }

  // ---- the consumer's acknowledgements ------------------------------------------------

  /**
   * Cumulative ack: everything delivered up to gsn. A gsn beyond what was delivered counts
   * as the last delivered one (a consumer cannot acknowledge what it never got); a lower
   * one than the stored ack changes nothing. Returns the acknowledged gsn after the call.
   */
  ack(gsn: number): number {
    if (this.closed) return this.rec.ackedGsn
    const upTo = Math.min(gsn, this.lastDelivered)
    this.owner.advance(this.rec, upTo)
    this.unackedSince = this.rec.ackedGsn >= this.lastDelivered ? 0 : this.owner.now()
    return this.rec.ackedGsn
  }

  /** Where the durable stands when everything delivered is acknowledged (see the header). */
  positionGsn(): number {
    if (this.closed || this.rec.ackedGsn < this.lastDelivered) return this.rec.ackedGsn
    const raw = this.raw as RawSubscription & { live?: boolean }
    const at = raw.live === true ? this.owner.dispatchedGsn() : this.raw.nextGsn - 1
    return Math.max(this.rec.ackedGsn, at)
  }

  /** Explicit acks overdue: deliver again from right after the acknowledged gsn. */
  redeliverIfDue(now: number): boolean {
    if (this.closed || this.rec.ackPolicy !== AckPolicy.explicit || this.unackedSince === 0) return false
    if (now - this.unackedSince < this.rec.ackWaitMs) return false
    this.redeliveries++
    this.unackedSince = 0
    this.raw.close()
    this.lastDelivered = this.rec.ackedGsn
    this.raw = this.open(this.rec.ackedGsn + 1, this)
    return true
  }

  // ---- RawSubscription: what the front end holds --------------------------------------

  pause(): void {
    this.raw.pause()
  }

  resume(): void {
    this.raw.resume()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.raw.close()
    this.owner.detach(this)
  }
}
