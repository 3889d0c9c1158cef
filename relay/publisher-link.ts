// The upstream side of one publisher id that publishes through the relay: its
// own connection to the upstream, opened with the token its client presented
// and the client's publisher id, so the upstream (and at the end of the chain
// the root) checks the token and binds the publisher id to the client's
// identity itself: the relay cannot publish as anyone, and one client cannot
// publish as another through it. Publish frames pass through as the client
// sent them (publisher id and pseqs intact); PublishAck and refusals come back
// to the gateway's AckListener in pseq order, one outcome per message offered.
//
// Frames stay queued until every message in them is answered; after a lost
// connection the link reconnects and sends them again under the same publisher
// id (the upstream answers resends with their original gsn; outcomes already
// passed on are skipped), so a client sees nothing of an upstream restart.

import { decodeFrame, type Verdict } from '../codec/index.js'
import { ErrorCode, errorCodeInfo } from '../codec/error-codes.js'
import { BACK_PRESSURED } from '../codec/results.js'
import { BodyType } from '../codec/index.js'
import type { AckListener } from '../engine/engine-port.js'
import { UpstreamLink } from './upstream-link.js'

interface Queued {
  bytes: Uint8Array
  firstPseq: number
  lastPseq: number
}

export interface PublisherLinkOptions {
  urls: readonly string[]
  publisher: number
  token: string
  listener: AckListener
  log: (line: string) => void
  /** Bytes of unanswered frames above which offers are back-pressured. */
  maxQueuedBytes: number
  /** Called when the queue drained below half of maxQueuedBytes after a back-pressured offer. */
  onDrain: () => void
}

export class PublisherLink {
  private readonly link: UpstreamLink
  private readonly queue: Queued[] = []
  private queuedBytes = 0
  /** Highest pseq acknowledged (a resend's answer below it is not passed on twice). */
  private acked = 0
  private pressured = false
  /** Set when the upstream refused this client for good (bad token, identity): every offer is refused with it. */
  private fatal: { code: number; message: string } | null = null

  constructor(private readonly o: PublisherLinkOptions) {
    this.link = new UpstreamLink(
      { urls: o.urls, token: o.token, publisher: o.publisher, log: o.log, name: `publisher ${o.publisher}` },
      {
        onReady: () => {
          for (const q of this.queue) this.link.send(q.bytes)
        },
        onFrame: (type, bytes, verdict) => this.onFrame(type, bytes, verdict),
        onDown: () => {},
      },
    )
    this.link.start()
  }

  get token(): string {
    return this.o.token
  }

  get idle(): boolean {
    return this.queue.length === 0
  }

  /** Queues (and sends) a verified Publish frame of this publisher: count, or BACK_PRESSURED. */
  offer(bytes: Uint8Array, offset: number, length: number, count: number, firstPseq: number, lastPseq: number): number {
    if (this.fatal !== null) {
      const f = this.fatal
      queueMicrotask(() => {
        for (let p = firstPseq; p <= lastPseq; p++) this.o.listener.onReject(p, f.code, 0)
        this.o.listener.onAckFlush()
      })
      return count
    }
    if (this.queuedBytes > this.o.maxQueuedBytes) {
      this.pressured = true
      return BACK_PRESSURED
    }
    const q = { bytes: bytes.slice(offset, offset + length), firstPseq, lastPseq }
    this.queue.push(q)
    this.queuedBytes += length
    this.link.send(q.bytes)
    return count
  }

  /** Moves the unanswered frames to `next` (the publisher id was claimed with another token). */
  handOver(next: PublisherLink): void {
    for (const q of this.queue.splice(0)) {
      next.queue.push(q)
      next.queuedBytes += q.bytes.length
      next.link.send(q.bytes)
    }
    next.acked = Math.max(next.acked, this.acked)
    this.queuedBytes = 0
    this.close()
  }

  close(): void {
    this.link.close()
  }

  private onFrame(type: number, bytes: Uint8Array, _verdict: Verdict): void {
    if (type === BodyType.PublishAck) {
      const f = decodeFrame(bytes)
      if (f.type !== 'PublishAck') return
      const l = this.o.listener
      for (let i = 0; i < f.pseqs.length; i++) {
        const pseq = Number(f.pseqs[i]!)
        if (pseq <= this.acked) continue // a resend answered again
        this.acked = pseq
        l.onAck(pseq, Number(f.gsns[i]!))
      }
      this.trim()
      l.onAckFlush()
      return
    }
    if (type !== BodyType.Error) return
    const f = decodeFrame(bytes)
    if (f.type !== 'Error') return
    const code = f.code
    if (code === ErrorCode.NOT_LEADER) {
      // Publish at the leader: reconnect there and send the queue again.
      if (f.leaderUrl !== undefined && f.leaderUrl !== '') this.link.preferUrl(f.leaderUrl)
      this.link.drop(`NOT_LEADER: leader=${f.leaderUrl ?? ''}`)
      return
    }
    if (code === ErrorCode.PSEQ_GAP || code === ErrorCode.GOING_AWAY || code === ErrorCode.OVERLOADED) {
      // Frames of an earlier connection, or an upstream going away: the queue is sent again on reconnect.
      if (code !== ErrorCode.PSEQ_GAP) this.link.drop(`upstream: code=${code}, ${f.message}`)
      return
    }
    if (!this.link.ready && errorCodeInfo(code)?.closes === true) {
      // Hello refused (bad token, identity): this client cannot publish upstream.
      this.fatal = { code, message: f.message }
      this.o.log(`publisher ${this.o.publisher}: upstream refused it: code=${code}, ${f.message}`)
      this.failQueued(code, 0)
      this.link.close()
      return
    }
    // A refusal of message ref: it and every later message offered are not sequenced
    // (the client resends the later ones numbered from it).
    this.failQueued(code, Number(f.ref))
    if (errorCodeInfo(code)?.closes === true) {
      this.fatal = { code, message: f.message }
      this.link.close()
    }
  }

  /**
   * Passes a refusal for every queued message from pseq `from` on (the first
   * with `code`, the rest PSEQ_GAP naming it) and forgets them: the client sends
   * them again numbered from `from`. Acks for the messages before it may still
   * come (the upstream answers those once durable).
   */
  private failQueued(code: number, from: number): void {
    const l = this.o.listener
    let first = true
    for (const q of this.queue) {
      for (let p = Math.max(q.firstPseq, from, this.acked + 1); p <= q.lastPseq; p++) {
        l.onReject(p, first ? code : ErrorCode.PSEQ_GAP, first ? 0 : from)
        first = false
      }
      if (q.lastPseq >= from) q.lastPseq = Math.max(from - 1, q.firstPseq - 1)
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const q = this.queue[i]!
      if (q.lastPseq < q.firstPseq) {
        this.queuedBytes -= q.bytes.length
        this.queue.splice(i, 1)
      }
    }
    this.trim()
    l.onAckFlush()
  }

  private trim(): void {
    while (this.queue.length > 0 && this.queue[0]!.lastPseq <= this.acked) {
      this.queuedBytes -= this.queue.shift()!.bytes.length
    }
    if (this.pressured && this.queuedBytes <= this.o.maxQueuedBytes / 2) {
      this.pressured = false
      this.o.onDrain()
    }
  }
}
