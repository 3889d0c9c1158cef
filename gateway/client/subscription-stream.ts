// `for await (const m of client.subscribe(groups))`: a subscription read as an
// async iterator of ClientMessage objects, next to the zero-copy handler form.
//
//   Deliver frames ──handler──▶ buffer (at most maxBuffered + one frame) ──next()──▶ consumer
//        ▲                          │ full: pause (Unsubscribe; frames still on the way are dropped)
//        └── resume: Subscribe from the last gsn buffered + 1 ◀── drained to half
//
// Back-pressure is per subscription and works over any WebSocket (browsers
// cannot pause a socket): a slow consumer makes the server stop sending this
// subscription, and nothing is lost or repeated, because the subscription resumes
// from the last gsn it took. Other subscriptions and publishes on the connection
// go on meanwhile. Breaking out of the loop (or return()) closes the subscription;
// an error that ends it is thrown from next().

import { ClientMessage } from './client-message.js'
import type { DeliverBatch } from './deliver-batch.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import type { ClientSubscribeOptions, ClientSubscription } from './subscriptions.js'

export interface SubscriptionStreamOptions extends ClientSubscribeOptions {
  /** Messages buffered for a slow consumer before the subscription pauses. Default 4096. */
  maxBuffered?: number
}

type Subscribe = (handler: (b: DeliverBatch) => void, setup: (s: ClientSubscription) => void) => Promise<ClientSubscription>

export class SubscriptionStream implements AsyncIterableIterator<ClientMessage> {
  private buffer: ClientMessage[] = []
  private head = 0
  private waiter: { resolve: (r: IteratorResult<ClientMessage>) => void; reject: (e: Error) => void } | null = null
  private sub: ClientSubscription | null = null
  private ended = false
  private failure: OrdoError | null = null
  private readonly maxBuffered: number
  /** Resolves once the server confirmed the subscription (rejects when it refused it). */
  readonly subscribed: Promise<ClientSubscription>

  constructor(subscribe: Subscribe, options: SubscriptionStreamOptions) {
    this.maxBuffered = Math.max(1, options.maxBuffered ?? 4096)
    this.subscribed = subscribe(
      (b) => this.onBatch(b),
      (s) => {
        this.sub = s
        s.onEnd = (err) => this.end(err)
      },
    )
    // A refusal reaches the consumer through next(); this copy must not count as unhandled.
    this.subscribed.catch(() => {})
  }

  /** Durable subscriptions: acknowledge everything taken from the stream up to gsn (see ClientSubscription.ack). */
  ack(gsn: bigint): void {
    if (this.sub === null) throw new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'ack() before the subscription exists: await stream.subscribed first')
    this.sub.ack(gsn)
  }

  /** Messages waiting for the consumer. */
  get buffered(): number {
    return this.buffer.length - this.head
  }

  /** Where the stream continues after what was handed out and buffered. */
  get nextGsn(): bigint {
    return this.sub?.nextGsn ?? 0n
  }

  private onBatch(b: DeliverBatch): void {
    while (b.next()) {
      const n = b.groupCount
      const ids = new Array<number>(n)
      const gseqs = new Array<bigint>(n)
      for (let i = 0; i < n; i++) {
        ids[i] = b.group(i)
        gseqs[i] = b.gseq(i)
      }
      const m = new ClientMessage(b.subscription, b.gsn, b.publisher, b.pseq, b.time, ids, gseqs, b.payload())
      const w = this.waiter
      if (w !== null && this.buffered === 0) {
        this.waiter = null
        w.resolve({ value: m, done: false })
      } else {
        this.buffer.push(m)
      }
    }
    if (this.buffered >= this.maxBuffered) this.sub?.pause()
  }

  private end(reason: OrdoError | null): void {
    let err = reason
    if (this.ended) return
    this.ended = true
    // The client closing is the normal end of its streams, not a failure.
    this.failure = err !== null && err.code === ClientErrorCode.CLOSED ? null : err
    err = this.failure
    const w = this.waiter
    this.waiter = null
    if (w === null) return
    if (err !== null && this.buffered === 0) w.reject(err)
    else w.resolve({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<ClientMessage>> {
    if (this.head < this.buffer.length) {
      const m = this.buffer[this.head]!
      this.buffer[this.head] = undefined as unknown as ClientMessage
      this.head++
      if (this.head === this.buffer.length) {
        this.buffer = []
        this.head = 0
      } else if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head)
        this.head = 0
      }
      if (this.buffered <= this.maxBuffered / 2) this.sub?.resume()
      return Promise.resolve({ value: m, done: false })
    }
    if (this.ended) {
      const err = this.failure
      this.failure = null
      return err === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(err)
    }
    this.sub?.resume()
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject }
    })
  }

  /** Ends the iteration and closes the subscription (a `break` out of `for await` calls this). */
  return(): Promise<IteratorResult<ClientMessage>> {
    this.failure = null
    if (!this.ended) {
      this.ended = true
      this.sub?.close()
    }
    this.buffer = []
    this.head = 0
    return Promise.resolve({ value: undefined, done: true })
  }

  /** Closes the subscription; the loop ends after the messages already buffered. */
  close(): void {
    if (this.ended) return
    this.sub?.close()
  }

  [Symbol.asyncIterator](): this {
    return this
  }
}
