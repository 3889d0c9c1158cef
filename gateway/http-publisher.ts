// One publisher id that HTTP requests publish under (POST /publish): the
// gateway's own, an identity's Idempotency-Key publisher, or an id a request
// names. It offers Publish frames to the engine (holding them while the
// ingress is full), and hands each engine answer to the request waiting for
// that pseq. Each request is answered once its message is durable.

import { BACK_PRESSURED } from '../codec/results.js'
import type { GatewayContext, IngressWaiter } from './context.js'
import { offerRefusal } from './offer-refusal.js'
import { ErrorCode, errorCodeName } from '../codec/error-codes.js'
import type { PublisherEntry, PublisherOwner } from './publisher-registry.js'

export interface HttpAnswer {
  ok(pseq: number, gsn: number): void
  refused(code: number, message: string): void
}

export class HttpPublisher implements PublisherOwner, IngressWaiter {
  readonly generation: number
  /**
   * Per pseq, one slot per message offered (or about to be) under it, oldest
   * first; the engine answers each offered message once, and that answer goes
   * to every request of the slot (a retry that joined the first request).
   */
  private readonly waiting = new Map<number, HttpAnswer[][]>()
  private readonly held: { frame: Uint8Array; pseqs: number[] }[] = []
  private entry: PublisherEntry | null = null
  nextPseq = 1
  /**
   * A message was refused by the sequencer (not a gap): later pseqs of this id
   * can no longer be sequenced, so a publisher whose pseqs the gateway numbers
   * moves to a fresh id instead of renumbering under this one.
   */
  broken = false

  constructor(
    private readonly ctx: GatewayContext,
    readonly publisher: number,
    /** Who owns the id (gateway/auth/identity.ts); the caller holds its binding. */
    readonly identity: string,
  ) {
    this.generation = ctx.newGeneration()
  }

  /** Claims the publisher id in the registry; false when a WebSocket connection holds it. */
  claim(): boolean {
    const current = this.ctx.registry.get(this.publisher)?.owner
    if (current !== undefined && current !== null && current !== this) return false
    this.entry = this.ctx.registry.claim(this.publisher, this).entry
    return true
  }

  /** Whether an answer for pseq is awaited (its message is on its way, or about to be). */
  isWaiting(pseq: number): boolean {
    return this.waiting.has(pseq)
  }

  /** Waits for the engine's answer for a message under pseq that send() offers, now or later. */
  expect(pseq: number, answer: HttpAnswer): void {
    const slots = this.waiting.get(pseq)
    if (slots === undefined) this.waiting.set(pseq, [[answer]])
    else slots.push([answer])
  }

  /** Shares the answer the newest waiting request for pseq gets (nothing more is offered); false when none waits. */
  join(pseq: number, answer: HttpAnswer): boolean {
    const slots = this.waiting.get(pseq)
    if (slots === undefined) return false
    slots[slots.length - 1]!.push(answer)
    return true
  }

  /** Offers a Publish frame (copied if it must wait) whose messages carry `pseqs`, all expected. */
  send(frame: Uint8Array, pseqs: number[]): void {
    if (this.held.length > 0) {
      this.held.push({ frame: frame.slice(), pseqs })
      return
    }
    if (!this.offer(frame, pseqs)) {
      this.held.push({ frame: frame.slice(), pseqs })
      this.ctx.waitForIngress(this)
    }
  }

  /** expect() each pseq with its answer, then send(). */
  publish(frame: Uint8Array, pseqs: number[], answers: HttpAnswer[]): void {
    for (let i = 0; i < pseqs.length; i++) this.expect(pseqs[i]!, answers[i]!)
    this.send(frame, pseqs)
  }

  private offer(frame: Uint8Array, pseqs: number[]): boolean {
    const r = this.ctx.engine.offerPublishFrame(frame, 0, frame.length, this.publisher)
    if (r === BACK_PRESSURED) return false
    if (r < 0) {
      const why = offerRefusal(this.ctx.engine, r)
      // Nothing was taken: the pseqs are a hole that later ones cannot pass.
      this.broken = true
      for (const p of pseqs) this.refuse(p, why.code, why.message)
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
    // One engine answer per offered message: the oldest slot for this pseq.
    for (const a of this.take(pseq)) a.ok(pseq, gsn)
  }

  onPublishReject(pseq: number, code: number, expected: number): void {
    const why = code === ErrorCode.PSEQ_GAP ? `pseq gap: pseq=${pseq}, expected=${expected}` : `refused by the sequencer: code=${errorCodeName(code)}, pseq=${pseq}`
    if (code !== ErrorCode.PSEQ_GAP && code !== ErrorCode.DUPLICATE_OUTSIDE_WINDOW) this.broken = true
    this.refuse(pseq, code, why)
  }

  onPublishFlush(): void {}

  takenOver(): void {
    this.entry = null
    for (const p of [...this.waiting.keys()]) {
      while (this.waiting.has(p)) this.refuse(p, ErrorCode.BAD_PUBLISHER, `publisher id taken over by a WebSocket connection: publisher=${this.publisher}`)
    }
  }

  /** Nothing left to answer: the id can be released. */
  get idle(): boolean {
    return this.waiting.size === 0 && this.held.length === 0
  }

  release(): void {
    this.ctx.registry.release(this.publisher, this)
    this.entry = null
  }

  /** Answers the oldest slot of requests waiting for pseq with a refusal. */
  refuse(pseq: number, code: number, message: string): void {
    for (const a of this.take(pseq)) a.refused(code, message)
  }

  private take(pseq: number): HttpAnswer[] {
    const slots = this.waiting.get(pseq)
    if (slots === undefined) return NONE
    const slot = slots.shift()!
    if (slots.length === 0) this.waiting.delete(pseq)
    return slot
  }
}

const NONE: HttpAnswer[] = []
