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
// id (the upstream answers resends with their original gsn), so a client sees
// nothing of an upstream restart. Each message's outcome is passed on once:
// answers do not always come in pseq order (after a takeover the upstream
// passes the new connection the acks of frames an older connection offered,
// ahead of its answers to the resends), so every queued message has its own
// answered flag rather than one watermark.

import { decodeFrame, type Verdict } from '../../codec/index.js'
import { ErrorCode, errorCodeInfo } from '../../codec/error-codes.js'
import { BACK_PRESSURED } from '../../codec/results.js'
import { BodyType } from '../../codec/index.js'
import type { AckListener } from '../../engine/engine-port.js'
import { UpstreamLink } from './upstream-link.js'
import type { Logger } from '../../engine/logger.js'

interface Queued {
  bytes: Uint8Array
  firstPseq: number
  lastPseq: number
  /** 1 where the message firstPseq + i was answered. */
  answered: Uint8Array
  /** Messages not answered yet. */
  remaining: number
}

export interface PublisherLinkOptions {
  urls: readonly string[]
  publisher: number
  token: string
  listener: AckListener
  logger: Logger
  /** Bytes of unanswered frames above which offers are back-pressured. */
  maxQueuedBytes: number
  /** Called when the queue drained below half of maxQueuedBytes after a back-pressured offer. */
  onDrain: () => void
}

export class PublisherLink {
  private readonly link: UpstreamLink
  private readonly queue: Queued[] = []
  private queuedBytes = 0
  private pressured = false
  /** Set when the upstream refused this client for good (bad token, identity): every offer is refused with it. */
  private fatal: { code: number; message: string } | null = null

  constructor(private readonly o: PublisherLinkOptions) {
    this.link = new UpstreamLink(
      { urls: o.urls, token: o.token, publisher: o.publisher, logger: o.logger, name: 'publisher' },
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
    const q: Queued = { bytes: bytes.slice(offset, offset + length), firstPseq, lastPseq, answered: new Uint8Array(lastPseq - firstPseq + 1), remaining: lastPseq - firstPseq + 1 }
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
        // Not queued, or answered already: a resend answered twice, or a frame this relay never offered.
        if (this.markAnswered(pseq)) l.onAck(pseq, Number(f.gsns[i]!))
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
      this.o.logger.warn({ event: 'upstream_publisher_refused', publisher: this.o.publisher, code, reason: f.message }, 'upstream refused a publisher: its messages are refused with the same code')
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
      for (let p = Math.max(q.firstPseq, from); p <= q.lastPseq; p++) {
        if (q.answered[p - q.firstPseq] === 1) continue
        q.answered[p - q.firstPseq] = 1
        q.remaining--
        l.onReject(p, first ? code : ErrorCode.PSEQ_GAP, first ? 0 : from)
        first = false
      }
    }
    this.trim()
    l.onAckFlush()
  }

  /** Marks pseq answered; false when it is not queued or was answered before. */
  private markAnswered(pseq: number): boolean {
    const qs = this.queue
    let lo = 0
    let hi = qs.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (qs[mid]!.lastPseq < pseq) lo = mid + 1
      else hi = mid
    }
    const q = qs[lo]
    if (q === undefined || pseq < q.firstPseq || q.answered[pseq - q.firstPseq] === 1) return false
    q.answered[pseq - q.firstPseq] = 1
    q.remaining--
    return true
  }

  private trim(): void {
    // Frames leave from the front once all their messages are answered (in any order).
    while (this.queue.length > 0 && this.queue[0]!.remaining === 0) {
      this.queuedBytes -= this.queue.shift()!.bytes.length
    }
    if (this.pressured && this.queuedBytes <= this.o.maxQueuedBytes / 2) {
      this.pressured = false
      this.o.onDrain()
    }
  }
}
