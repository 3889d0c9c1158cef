// Publishing over HTTP (POST /publish). Requests without an identity publish
// under the gateway's own publisher id with its own pseq counter; requests that
// name `publisher` and `pseq` publish under that identity, so a retried request
// is deduplicated by the engine and answered with its original gsn. Each
// request is answered once its messages are durable (the engine's ack).

import { BACK_PRESSURED } from '../codec/results.js'
import { offerRefusal } from './engine-refusal.js'
import type { GatewayContext, IngressWaiter } from './context.js'
import { ErrorCode, errorCodeName } from '../codec/error-codes.js'
import type { PublisherEntry, PublisherOwner } from './publisher-registry.js'

export interface HttpAnswer {
  ok(pseq: number, gsn: number): void
  refused(code: number, message: string): void
}

export class HttpPublisher implements PublisherOwner, IngressWaiter {
  readonly generation: number
  /** Answers waiting per pseq (a retried request can wait for the same pseq as the first). */
  private readonly waiting = new Map<number, HttpAnswer[]>()
  private readonly held: { frame: Uint8Array; pseqs: number[] }[] = []
  private entry: PublisherEntry | null = null
  nextPseq = 1
  /**
   * A message was refused by the sequencer: later pseqs of this id can no
   * longer be sequenced (they would leave a gap), so the gateway's own HTTP
   * publisher moves to a fresh id instead of renumbering under this one.
   */
  broken = false

  constructor(
    private readonly ctx: GatewayContext,
    readonly publisher: number,
  ) {
    this.generation = ctx.newGeneration()
  }

  /** Claims the publisher id; false when a WebSocket connection holds it. */
  claim(): boolean {
    const current = this.ctx.registry.get(this.publisher)?.owner
    if (current !== undefined && current !== null && current !== this) return false
    this.entry = this.ctx.registry.claim(this.publisher, this).entry
    return true
  }

  /** Offers a Publish frame (copied if it must wait) whose messages carry `pseqs`; answers come through `answer`. */
  publish(frame: Uint8Array, pseqs: number[], answers: HttpAnswer[]): void {
    for (let i = 0; i < pseqs.length; i++) {
      const list = this.waiting.get(pseqs[i]!)
      if (list === undefined) this.waiting.set(pseqs[i]!, [answers[i]!])
      else list.push(answers[i]!)
    }
    if (this.held.length > 0) {
      this.held.push({ frame: frame.slice(), pseqs })
      return
    }
    if (!this.offer(frame, pseqs)) {
      this.held.push({ frame: frame.slice(), pseqs })
      this.ctx.waitForIngress(this)
    }
  }

  private offer(frame: Uint8Array, pseqs: number[]): boolean {
    const r = this.ctx.engine.offerPublishFrame(frame, 0, frame.length, this.publisher)
    if (r === BACK_PRESSURED) return false
    if (r < 0) {
      const refusal = offerRefusal(this.ctx.engine, r)
      for (const p of pseqs) this.answerRefused(p, refusal.code, refusal.message)
      return true
    }
    this.entry?.offered(this.generation, r)
    this.ctx.counters.messagesIn += r
    this.ctx.counters.httpPublishes += r
    return true
  }

  onIngressRoom(): void {
    while (this.held.length > 0) {
      const h = this.held[0]!
      if (!this.offer(h.frame, h.pseqs)) {
        this.ctx.waitForIngress(this)
        return
      }
      this.held.shift()
    }
  }

  onPublishAck(pseq: number, gsn: number): void {
    const list = this.waiting.get(pseq)
    if (list === undefined) return
    // One engine answer per offered message: the oldest waiter for this pseq.
    const a = list.shift()!
    if (list.length === 0) this.waiting.delete(pseq)
    a.ok(pseq, gsn)
  }

  onPublishReject(pseq: number, code: number, expected: number): void {
    const why = code === ErrorCode.PSEQ_GAP ? `pseq gap: pseq=${pseq}, expected=${expected}` : `refused by the sequencer: code=${errorCodeName(code)}, pseq=${pseq}`
    if (code !== ErrorCode.PSEQ_GAP && code !== ErrorCode.DUPLICATE_OUTSIDE_WINDOW) this.broken = true
    this.answerRefused(pseq, code, why)
  }

  onPublishFlush(): void {}

  takenOver(): void {
    this.entry = null
    for (const [p, list] of [...this.waiting]) {
      for (let k = list.length; k > 0; k--) this.answerRefused(p, ErrorCode.BAD_PUBLISHER, `publisher id taken over by a WebSocket connection: publisher=${this.publisher}`)
    }
  }

  /** Nothing left to answer: the id can be released (explicit-identity publishers). */
  get idle(): boolean {
    return this.waiting.size === 0 && this.held.length === 0
  }

  release(): void {
    this.ctx.registry.release(this.publisher, this)
    this.entry = null
  }

  private answerRefused(pseq: number, code: number, message: string): void {
    const list = this.waiting.get(pseq)
    if (list === undefined) return
    const a = list.shift()!
    if (list.length === 0) this.waiting.delete(pseq)
    a.refused(code, message)
  }
}
