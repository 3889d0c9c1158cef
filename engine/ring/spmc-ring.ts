// Single-producer multi-consumer byte ring: the sequenced ring, from the sequencer to the
// journal stage and the main-thread fan-out. Every consumer sees every record, in order,
// through its own cursor; the producer waits for the slowest attached consumer.
//
//                                 ┌──▶ consumer 0  SpmcRing.attach(sab, 0)   (journal append, on the sequencer thread)
//   producer  SpmcRing.create ──▶ ring
//                                 └──▶ consumer 1  SpmcRing.attach(sab, 1)   (fan-out, main thread)
//
// A consumer that dies would hold the producer forever; detach(i) (from any thread)
// makes the producer ignore it. See ring-consumer.ts for the read-ahead / release API.

import type { IdleStrategy } from '../idle/idle-strategy.js'
import { RingConsumer, detachConsumer } from './ring-consumer.js'
import { createRingBuffer, initRingRegion, openRingViews, type RingViews } from './ring-layout.js'
import { RingProducer } from './ring-producer.js'
import { committedUnreleasedBytes } from './ring-occupancy.js'

export class SpmcRing {
  readonly buffer: SharedArrayBuffer
  readonly producer: RingProducer
  readonly consumerCount: number
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly i32: Int32Array
  readonly u32: Uint32Array
  readonly capacity: number
  readonly maxPayloadLength: number
  /** Byte offset of the data region in buffer (arena-absolute index = dataOffset + record index). */
  readonly dataOffset: number
  private readonly views: RingViews

  private constructor(views: RingViews) {
    this.views = views
    this.dataOffset = views.dataOffset
    this.buffer = views.buffer
    this.producer = new RingProducer(views)
    this.consumerCount = views.consumerCount
    this.bytes = views.bytes
    this.view = views.view
    this.i32 = views.i32
    this.u32 = views.u32
    this.capacity = views.capacity
    this.maxPayloadLength = views.maxPayloadLength
  }

  /** A new ring (producer side) of capacityBytes record space for consumerCount consumers (1 .. 64). */
  static create(capacityBytes: number, consumerCount: number): SpmcRing {
    return new SpmcRing(openRingViews(createRingBuffer(capacityBytes, consumerCount)))
  }

  /** Opens the producer side of a ring created elsewhere. */
  static attach(sab: SharedArrayBuffer): SpmcRing
  /** Opens consumer `consumerIndex` of a ring created elsewhere. */
  static attach(sab: SharedArrayBuffer, consumerIndex: number): RingConsumer
  static attach(sab: SharedArrayBuffer, consumerIndex?: number): SpmcRing | RingConsumer {
    const views = openRingViews(sab)
    return consumerIndex === undefined ? new SpmcRing(views) : new RingConsumer(views, consumerIndex)
  }

  /** A new ring inside a zero-filled region of an arena buffer (see initRingRegion). */
  static createIn(sab: SharedArrayBuffer, byteOffset: number, capacityBytes: number, consumerCount: number): SpmcRing {
    initRingRegion(sab, byteOffset, capacityBytes, consumerCount)
    return new SpmcRing(openRingViews(sab, byteOffset))
  }

  /** Opens the producer side (consumerIndex undefined) or a consumer of a ring inside an arena buffer. */
  static attachIn(sab: SharedArrayBuffer, byteOffset: number): SpmcRing
  static attachIn(sab: SharedArrayBuffer, byteOffset: number, consumerIndex: number): RingConsumer
  static attachIn(sab: SharedArrayBuffer, byteOffset: number, consumerIndex?: number): SpmcRing | RingConsumer {
    const views = openRingViews(sab, byteOffset)
    return consumerIndex === undefined ? new SpmcRing(views) : new RingConsumer(views, consumerIndex)
  }

  /** Opens consumer `index` in this thread (same-thread pipelines and tests). */
  consumer(index: number): RingConsumer {
    return new RingConsumer(this.views, index)
  }

  /** Detaches consumer `index` (e.g. its worker died): the producer stops waiting for it. */
  detach(index: number): void {
    this.consumer(index) // validates the index
    detachConsumer(this.views.meta, index)
  }

  // Producer side (see RingProducer).
  tryClaim(length: number, type: number): number {
    return this.producer.tryClaim(length, type)
  }
  tryClaimMax(minLength: number, maxLength: number, type: number): number {
    return this.producer.tryClaimMax(minLength, maxLength, type)
  }
  get claimedLength(): number {
    return this.producer.claimedLength
  }
  shrinkLast(length: number): void {
    this.producer.shrinkLast(length)
  }
  commit(): void {
    this.producer.commit()
  }
  abandon(): void {
    this.producer.abandon()
  }
  claim(length: number, type: number, idle: IdleStrategy, timeoutMs?: number): number {
    return this.producer.claim(length, type, idle, timeoutMs)
  }
  close(): void {
    this.producer.close()
  }

  /** Committed bytes not yet released by the slowest attached consumer; any thread may ask. */
  usedBytes(): number {
    return committedUnreleasedBytes(this.views.meta, this.consumerCount)
  }

  get closed(): boolean {
    return this.producer.closed
  }
}
