// One WebSocket connection: its identity (grants, publisher id), its
// subscriptions, its held publish frames, and the only code that touches the
// socket. uWS sockets must not be used after their close handler ran, so every
// send goes through here and checks `closed` first.

import type uWS from '@trufflesuite/uws-js-unofficial'
import type { GroupAccessCache } from './auth/group-access.js'
import type { Grants } from './auth/token.js'
import type { GatewayContext, IngressWaiter } from './context.js'
import { PendingPublishes } from './pending-publishes.js'
import { closeCodeFor, errorCodeInfo, errorCodeName, ErrorCode } from '../codec/error-codes.js'
import type { PublisherEntry, PublisherOwner } from './publisher-registry.js'
import type { SubscriptionSink } from './subscription-sink.js'
import { errorFrame } from './wire/control-frames.js'
import { PublishAckWriter } from '../codec/publish-ack.js'

export interface ConnData {
  conn: Connection | null
}

export type Socket = uWS.WebSocket<ConnData>

export class Connection implements PublisherOwner, IngressWaiter {
  readonly generation: number
  closed = false
  helloDone = false
  grants: Grants | null = null
  /** The token presented in Hello (a relay forwards it upstream with this client's publishes). */
  token = ''
  access: GroupAccessCache | null = null
  /** Publisher id of the connection (Welcome.publisher); 0 before Hello. */
  publisher = 0
  /** Claimed on the first Publish (a subscriber-only connection never registers a publisher). */
  entry: PublisherEntry | null = null
  subs: Map<number, SubscriptionSink> | null = null
  pausedCount = 0
  /** When the send buffer first stayed above its high mark (0: not stalled). */
  stalledSince = 0
  pending: PendingPublishes | null = null
  /** Frames held while their groups are looked up upstream (gateway/group-lookup.ts); null: none. */
  lookupQueue: ArrayBuffer[] | null = null
  lookupHeldBytes = 0
  private acks: PublishAckWriter | null = null

  constructor(
    readonly ctx: GatewayContext,
    readonly ws: Socket,
  ) {
    this.generation = ctx.newGeneration()
  }

  /** Sends one binary frame; false when the connection is closed (nothing sent). */
  send(frame: Uint8Array): boolean {
    if (this.closed) return false
    const c = this.ctx.counters
    this.ws.send(frame, true, false)
    c.framesOut++
    c.bytesOut += frame.length
    if (this.ws.getBufferedAmount() > this.ctx.limits.sendBufferMaxBytes) {
      this.slowConsumer(`send buffer above its hard limit: buffered=${this.ws.getBufferedAmount()}, max=${this.ctx.limits.sendBufferMaxBytes}`)
      return false
    }
    return true
  }

  /**
   * Sends an Error frame; closes the connection when the code is one that closes. `subscription`: the
   * subscription the error is about (Error.subscription), 0 for none.
   */
  sendError(code: number, message: string, ref: number, subscription = 0): void {
    this.ctx.counters.countError(code)
    if (this.closed) return
    this.send(errorFrame(code, message, ref, subscription))
    if (errorCodeInfo(code)?.closes === true) this.end(closeCodeFor(code), errorCodeName(code))
  }

  /** Sends an Error frame and closes, whatever the code. */
  fail(code: number, message: string, ref: number): void {
    this.ctx.counters.countError(code)
    if (this.closed) return
    this.send(errorFrame(code, message, ref))
    this.end(closeCodeFor(code), errorCodeName(code))
  }

  end(code: number, reason: string): void {
    if (this.closed) return
    // uWS runs the close handler (and so onClosed) synchronously inside end().
    this.ws.end(code, reason.slice(0, 120))
  }

  /** Closes with SLOW_CONSUMER naming the gsn to resume from (the lowest held back). */
  slowConsumer(why: string): void {
    if (this.closed) return
    let resume = 0
    if (this.subs !== null) {
      for (const s of this.subs.values()) {
        const next = s.nextGsn
        if (next > 0 && (resume === 0 || next < resume)) resume = next
      }
    }
    this.ctx.counters.slowConsumerDisconnects++
    this.ctx.log(`slow consumer closed: connection=${this.generation}, resume_gsn=${resume}, ${why}`)
    this.fail(ErrorCode.SLOW_CONSUMER, `slow consumer: ${why}; resume from gsn=${resume}`, resume)
  }

  // --- PublisherOwner: answers from the engine for this connection's publisher ---

  onPublishAck(pseq: number, gsn: number): void {
    if (this.acks === null) this.acks = new PublishAckWriter()
    this.acks.add(pseq, gsn)
  }

  onPublishReject(pseq: number, code: number, expected: number): void {
    this.onPublishFlush() // keep answers in order: acks before this refusal
    const msg =
      code === ErrorCode.PSEQ_GAP
        ? `pseq gap: pseq=${pseq}, expected=${expected}`
        : code === ErrorCode.DUPLICATE_OUTSIDE_WINDOW
          ? `resend older than the dedupe window: pseq=${pseq}, last=${expected}`
          : `message refused by the sequencer: code=${errorCodeName(code)}, pseq=${pseq}; resend later messages numbered from pseq=${pseq}`
    this.sendError(code, msg, pseq)
  }

  onPublishFlush(): void {
    const a = this.acks
    if (a === null || a.count === 0) return
    this.ctx.counters.publishAcks += a.count
    this.send(a.finish())
  }

  takenOver(): void {
    this.entry = null
    this.fail(ErrorCode.BAD_PUBLISHER, `publisher id taken over by a newer connection: publisher=${this.publisher}`, 0)
  }

  // --- IngressWaiter ---

  onIngressRoom(): void {
    this.pending?.offerHeld(this)
  }

  /** Called from the uWS close handler: release everything the connection held. */
  onClosed(): void {
    if (this.closed) return
    this.closed = true
    const ctx = this.ctx
    ctx.counters.connectionsClosed++
    if (this.subs !== null) {
      for (const s of this.subs.values()) s.close()
      this.subs.clear()
    }
    this.pausedCount = 0
    if (this.pending !== null) {
      ctx.cancelIngressWait(this)
      this.pending.clear()
    }
    if (this.entry !== null) ctx.registry.release(this.publisher, this)
  }
}
