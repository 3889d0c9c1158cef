// Single-producer single-consumer byte ring over a SharedArrayBuffer: one per ingress
// producer (a publisher thread, the gateway's main thread) into the sequencer.
//
//   producer thread                              consumer thread
//   SpscRing.create(cap) ──postMessage(.buffer)──▶ SpscRing.attach(sab)
//   tryClaim / write / commit                     poll / read / peek / release
//
// The object carries both sides (ring.producer, ring.consumer) with the producer and
// consumer calls forwarded for convenience; each thread uses one side. Both sides may
// also live in one thread (tests, single-threaded embedding).

import type { IdleStrategy } from '../idle/idle-strategy.js'
import { RingConsumer, type RecordHandler } from './ring-consumer.js'
import { createRingBuffer, initRingRegion, openRingViews } from './ring-layout.js'
import { RingProducer } from './ring-producer.js'
import { committedUnreleasedBytes } from './ring-occupancy.js'

export class SpscRing {
  readonly buffer: SharedArrayBuffer
  readonly producer: RingProducer
  readonly consumer: RingConsumer
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly i32: Int32Array
  readonly u32: Uint32Array
  readonly capacity: number
  readonly maxPayloadLength: number
  private readonly meta: Int32Array

  /** Byte offset of the data region in buffer (arena-absolute index = dataOffset + record index). */
  readonly dataOffset: number

  private constructor(sab: SharedArrayBuffer, byteOffset = 0) {
    const views = openRingViews(sab, byteOffset)
    this.dataOffset = views.dataOffset
    this.meta = views.meta
    this.buffer = sab
    this.producer = new RingProducer(views)
    this.consumer = new RingConsumer(views, 0)
    this.bytes = views.bytes
    this.view = views.view
    this.i32 = views.i32
    this.u32 = views.u32
    this.capacity = views.capacity
    this.maxPayloadLength = views.maxPayloadLength
  }

  /** A new ring of capacityBytes (power of two, 64 .. 2^30) of record space. */
  static create(capacityBytes: number): SpscRing {
    return new SpscRing(createRingBuffer(capacityBytes, 1))
  }

  /** Opens a ring created elsewhere (its .buffer, received through postMessage / workerData). */
  static attach(sab: SharedArrayBuffer, byteOffset = 0): SpscRing {
    return new SpscRing(sab, byteOffset)
  }

  /** A new ring inside a zero-filled region of an arena buffer (see initRingRegion). */
  static createIn(sab: SharedArrayBuffer, byteOffset: number, capacityBytes: number): SpscRing {
    initRingRegion(sab, byteOffset, capacityBytes, 1)
    return new SpscRing(sab, byteOffset)
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

  // Consumer side (see RingConsumer).
  poll(handler: RecordHandler, limit?: number): number {
    return this.consumer.poll(handler, limit)
  }
  read(handler: RecordHandler, limit?: number): number {
    return this.consumer.read(handler, limit)
  }
  peek(): number {
    return this.consumer.peek()
  }
  advance(): void {
    this.consumer.advance()
  }
  release(position: number): void {
    this.consumer.release(position)
  }
  available(): number {
    return this.consumer.available()
  }

  /** Closes the ring (from either side): consumers drain, then see CLOSED; claim() returns CLOSED. */
  close(): void {
    this.producer.close()
  }

  /** Committed bytes not yet released by the slowest attached consumer; any thread may ask. */
  usedBytes(): number {
    return committedUnreleasedBytes(this.meta, 1)
  }

  get closed(): boolean {
    return this.producer.closed
  }
}
