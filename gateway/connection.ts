// One WebSocket connection: its identity (grants, publisher id), its
// subscriptions, its held publish frames, and the only code that touches the
// socket. uWS sockets must not be used after their close handler ran, so every
// send goes through here and checks `closed` first.

import type * as uWS from './transport/uws-api.js'
import type { GroupAccessCache } from './auth/group-access.js'
import type { Grants } from './auth/token.js'
import type { GatewayContext, IngressWaiter } from './context.js'
import { PendingPublishes } from './pending-publishes.js'
import { closeCodeFor, errorCodeInfo, errorCodeName, ErrorCode } from '../codec/error-codes.js'
import type { PublisherEntry, PublisherOwner } from './publisher-registry.js'
import type { SubscriptionSink } from './subscription-sink.js'
import { errorFrame } from './wire/control-frames.js'
import { PublishAckWriter } from '../codec/publish-ack.js'
import { PublishTiming } from './metrics/publish-timing.js'

export interface ConnData {
  conn: Connection | null
}

export type Socket = uWS.WebSocket<ConnData>

export class Connection implements PublisherOwner, IngressWaiter {
  readonly generation: number
  closed = false
  helloDone = false
  grants: Grants | null = null
  access: GroupAccessCache | null = null
  /** Publisher id of the connection (Welcome.publisher); 0 before Hello. */
  publisher = 0
  /** Holds the binding of `publisher` to its identity (ctx.bindings); released on close. */
  holdsBinding = false
  /** Claimed on the first Publish (a subscriber-only connection never registers a publisher). */
  entry: PublisherEntry | null = null
  subs: Map<number, SubscriptionSink> | null = null
  pausedCount = 0
  /** When the send buffer first stayed above its high mark (0: not stalled). */
  stalledSince = 0
  /**
   * When it was closed as a slow consumer (0: it was not): its SLOW_CONSUMER
   * Error waits in the send buffer behind what the client has not read yet, and
   * the close follows once all of it is written (lingerDone) or the linger ran out.
   */
  lingerSince = 0
  pending: PendingPublishes | null = null
  private acks: PublishAckWriter | null = null
  /** When the socket opened (ms since the epoch), for the close log line and /api/connections. */
  readonly openedAt = Date.now()
  /** Peer address as text ('' when the transport does not tell). */
  readonly remote: string
  /** Why the server ended the connection (set by end()); '' when the client closed it. */
  closeReason = ''
  /** Publish frames received, messages in them, and messages acknowledged (for /api/connections). */
  publishFrames = 0
  messagesIn = 0
  messagesAcked = 0
  /** Publish→PublishAck latency: when each unanswered frame arrived (gateway/metrics/publish-timing.ts). */
  readonly timing = new PublishTiming()

  constructor(
    readonly ctx: GatewayContext,
    readonly ws: Socket,
  ) {
    this.generation = ctx.newGeneration()
    this.remote = remoteAddress(ws)
  }

  /** Who holds the connection, for logs and the admin API: the token's subject ('' before Hello). */
  get subject(): string {
    return this.grants?.subject ?? ''
  }

  /** Sends one binary frame; false when the connection is closed or closing (nothing sent). */
  send(frame: Uint8Array): boolean {
    if (this.closed || this.lingerSince !== 0) return false
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
    this.send(errorFrame(code, message, ref, subscription, this.leaderUrlFor(code)))
    if (errorCodeInfo(code)?.closes === true) {
      if (this.closeReason === '') this.closeReason = `${errorCodeName(code)}: ${message}`
      this.end(closeCodeFor(code), errorCodeName(code))
    }
  }

  /** Sends an Error frame and closes, whatever the code. */
  fail(code: number, message: string, ref: number): void {
    this.ctx.counters.countError(code)
    if (this.closed) return
    if (this.closeReason === '') this.closeReason = `${errorCodeName(code)}: ${message}`
    this.send(errorFrame(code, message, ref, 0, this.leaderUrlFor(code)))
    this.end(closeCodeFor(code), errorCodeName(code))
  }

  /** With NOT_LEADER: the leader's client URL for Error.leader_url ('' while unknown); otherwise none. */
  private leaderUrlFor(code: number): string | undefined {
    return code === ErrorCode.NOT_LEADER ? (this.ctx.engine.clusterStatus?.()?.leaderUrl ?? '') : undefined
  }

  end(code: number, reason: string): void {
    if (this.closed) return
    if (this.closeReason === '') this.closeReason = reason
    // uWS runs the close handler (and so onClosed) synchronously inside end().
    this.ws.end(code, reason.slice(0, 120))
  }

  /**
   * Closes with SLOW_CONSUMER naming the gsn to resume from (the lowest held
   * back). A slow client has not read what is queued for it yet, and the Error
   * and the close frame queue behind that: closing the socket at once would
   * throw them away and leave the client with a bare 1006. So the subscriptions
   * stop, the Error is queued, nothing else is sent, and the close follows once
   * the queue is written out (lingerDone), or when the linger runs out.
   */
  slowConsumer(why: string): void {
    if (this.closed || this.lingerSince !== 0) return
    let resume = 0
    if (this.subs !== null) {
      for (const s of this.subs.values()) {
        const next = s.nextGsn
        if (next > 0 && (resume === 0 || next < resume)) resume = next
        s.close()
      }
      this.subs.clear()
    }
    this.pausedCount = 0
    const ctx = this.ctx
    ctx.counters.slowConsumerDisconnects++
    ctx.counters.countError(ErrorCode.SLOW_CONSUMER)
    ctx.logger.warn(
      { event: 'slow_consumer_closed', conn: this.generation, subject: this.subject, resumeGsn: resume, buffered: this.ws.getBufferedAmount(), why },
      'slow consumer disconnected',
    )
    const message = `slow consumer: ${why}; resume from gsn=${resume}`
    if (this.closeReason === '') this.closeReason = `${errorCodeName(ErrorCode.SLOW_CONSUMER)}: ${message}`
    const frame = errorFrame(ErrorCode.SLOW_CONSUMER, message, resume)
    this.ws.send(frame, true, false)
    ctx.counters.framesOut++
    ctx.counters.bytesOut += frame.length
    this.lingerSince = Date.now()
    this.lingerDone()
  }

  /** Closing as a slow consumer: ends the connection once everything queued is written. true when it did. */
  lingerDone(): boolean {
    if (this.closed || this.lingerSince === 0 || this.ws.getBufferedAmount() > 0) return false
    this.end(closeCodeFor(ErrorCode.SLOW_CONSUMER), errorCodeName(ErrorCode.SLOW_CONSUMER))
    return true
  }

  // --- PublisherOwner: answers from the engine for this connection's publisher ---

  onPublishAck(pseq: number, gsn: number): void {
    if (this.acks === null) this.acks = new PublishAckWriter()
    this.acks.add(pseq, gsn)
    this.timing.acked(pseq)
  }

  onPublishReject(pseq: number, code: number, expected: number): void {
    this.onPublishFlush() // keep answers in order: acks before this refusal
    this.timing.reset()
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
    this.messagesAcked += a.count
    this.send(a.finish())
    this.timing.flushed(this.ctx.counters.publishAckLatency)
  }

  takenOver(): void {
    this.entry = null
    this.fail(ErrorCode.BAD_PUBLISHER, `publisher id taken over by a newer connection: publisher=${this.publisher}`, 0)
  }

  // --- IngressWaiter ---

  onIngressRoom(): void {
    this.pending?.offerHeld(this)
  }

  /** Called from the uWS close handler (code and text as the socket closed): release everything the connection held. */
  onClosed(code = 0, text = ''): void {
    if (this.closed) return
    this.closed = true
    const ctx = this.ctx
    ctx.counters.connectionsClosed++
    ctx.logger.info(
      {
        event: 'connection_close', conn: this.generation, subject: this.subject, remote: this.remote, code,
        reason: this.closeReason !== '' ? this.closeReason : text !== '' ? `client: ${text}` : 'closed by the client',
        ms: Date.now() - this.openedAt, messagesIn: this.messagesIn, messagesAcked: this.messagesAcked,
      },
      'connection closed',
    )
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
    if (this.holdsBinding) {
      this.holdsBinding = false
      ctx.bindings.release(this.publisher, this.grants!.identity)
    }
  }
}

/**
 * The peer's address as text. Both transports answer it (uWS, and the ws fallback from
 * the TCP socket: transport/ws-socket.ts); a socket that is already gone answers ''.
 */
function remoteAddress(ws: Socket): string {
  try {
    return Buffer.from(ws.getRemoteAddressAsText()).toString()
  } catch {
    return ''
  }
}
