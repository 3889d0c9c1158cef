// A publisher thread's side of its own ingress ring (Engine.createPublisherPort):
// encodes messages straight into shared memory; no postMessage on the way.
//
//   worker:  const pub = RingPublisher.attach(port)
//            pub.offer(groupIds, payload) … pub.flush()      (group ids from engine.resolveGroupIds)
//            pub.ackedPseq                                    (highest durable pseq, FIFO)

import { SpscRing } from './ring/spsc-ring.js'
import { Doorbell } from './ring/doorbell.js'
import { IngressWriter } from './ingress-writer.js'
import { BACK_PRESSURED } from '../codec/results.js'
import { PORT_ACKED_PSEQ, type PublisherPort } from './publisher-port.js'

export class RingPublisher {
  readonly publisher: number
  nextPseq = 1
  private readonly writer: IngressWriter
  private readonly acks: Int32Array
  private readonly ring: SpscRing

  private constructor(port: PublisherPort) {
    this.ring = SpscRing.attach(port.arena, port.ringOffset)
    this.ring.producer.linkDoorbell(Doorbell.attach(port.bell))
    this.writer = new IngressWriter(this.ring.producer)
    this.acks = new Int32Array(port.acks)
    this.publisher = port.publisher
  }

  static attach(port: PublisherPort): RingPublisher {
    return new RingPublisher(port)
  }

  /** 0, or BACK_PRESSURED (call flush() and wait: waitForSpace), or TOO_LARGE (codec/results.ts). */
  offer(groups: ArrayLike<number>, groupCount: number, payload: Uint8Array, offset: number, length: number): number {
    const rc = this.writer.offer(this.publisher, this.nextPseq, groups, groupCount, payload, offset, length)
    if (rc === 0) this.nextPseq++
    return rc
  }

  flush(): void {
    this.writer.flush()
  }

  /** Block this (worker) thread until the ring has room or timeoutMs passes. */
  waitForSpace(timeoutMs: number): boolean {
    return this.ring.producer.park(timeoutMs)
  }

  /** Highest pseq acknowledged durable (all pseqs up to it are: FIFO). */
  get ackedPseq(): number {
    return Atomics.load(this.acks, PORT_ACKED_PSEQ)
  }

  /** Block until ackedPseq >= pseq or timeout; returns whether reached. */
  waitForAck(pseq: number, timeoutMs: number): boolean {
    const end = performance.now() + timeoutMs
    for (;;) {
      const cur = Atomics.load(this.acks, PORT_ACKED_PSEQ)
      if (cur >= pseq) return true
      const left = end - performance.now()
      if (left <= 0) return false
      Atomics.wait(this.acks, PORT_ACKED_PSEQ, cur, Math.min(left, 10))
    }
  }

  static readonly BACK_PRESSURED = BACK_PRESSURED
}
