// The view a subscription handler gets of one Deliver frame: the engine's embedded
// DeliverBatch (codec/deliver-batch.ts) over the same bytes, a cursor over the frame's
// messages with no copy and no object per message, plus text() and json(). Every
// gsn-like number (gsn, durable gsn, gseqs, publisher, pseq) is a bigint, as everywhere
// in the client's public shapes (reading one makes that bigint); the *Number forms read
// the same values as numbers and allocate nothing. Messages at or below the
// subscription's last delivered gsn (a resume that overlaps) are skipped, so a handler
// sees each gsn once. Valid only during the handler call: copy what you keep.

import { MessageCursor } from '../../codec/index.js'
import type { DeliverBatch as EngineDeliverBatch } from '../../codec/deliver-batch.js'

export interface DeliverBatch extends EngineDeliverBatch {
  /** Payload as UTF-8 text. */
  text(): string
  /** Payload parsed as JSON. */
  json<T = unknown>(): T
}

const decoder = new TextDecoder()

export class ClientDeliverBatch implements DeliverBatch {
  private readonly cursor = new MessageCursor()
  private bytes: Uint8Array = new Uint8Array(0)
  private offset = 0
  private length = 0
  private skipThrough = 0
  subscription = 0
  count = 0
  durableGsnNumber = 0

  /** Points the batch at a verified Deliver frame; `count` messages have gsn > skipThrough. */
  reset(bytes: Uint8Array, offset: number, length: number, skipThrough: number, count: number): void {
    this.bytes = bytes
    this.offset = offset
    this.length = length
    this.skipThrough = skipThrough
    this.count = count
    this.cursor.reset(bytes, offset, length)
    this.subscription = this.cursor.subscription
    this.durableGsnNumber = this.cursor.durableGsn
  }

  get durableGsn(): bigint {
    return BigInt(this.durableGsnNumber)
  }

  get frame(): Uint8Array {
    return this.bytes
  }

  get frameOffset(): number {
    return this.offset
  }

  get frameLength(): number {
    return this.length
  }

  next(): boolean {
    while (this.cursor.next()) {
      if (this.cursor.gsn > this.skipThrough) return true
    }
    return false
  }

  get gsn(): bigint {
    return BigInt(this.cursor.gsn)
  }

  get publisher(): bigint {
    return BigInt(this.cursor.publisher)
  }

  get pseq(): bigint {
    return BigInt(this.cursor.pseq)
  }

  get gsnNumber(): number {
    return this.cursor.gsn
  }

  get publisherNumber(): number {
    return this.cursor.publisher
  }

  get pseqNumber(): number {
    return this.cursor.pseq
  }

  gseqNumber(i: number): number {
    return this.cursor.gseq(i)
  }

  get time(): number {
    return this.cursor.time
  }

  get groupCount(): number {
    return this.cursor.groupCount
  }

  group(i: number): number {
    return this.cursor.group(i)
  }

  gseq(i: number): bigint {
    return BigInt(this.cursor.gseq(i))
  }

  payload(): Uint8Array {
    return this.cursor.payload()
  }

  text(): string {
    return decoder.decode(this.cursor.payload())
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T
  }

  get payloadOffset(): number {
    return this.cursor.payloadOffset
  }

  get payloadLength(): number {
    return this.cursor.payloadLength
  }
}

/** Counts the messages of a verified Deliver frame above skipThrough and finds the last gsn. */
export function scanDeliver(cursor: MessageCursor, bytes: Uint8Array, offset: number, length: number, skipThrough: number, out: { fresh: number; lastGsn: number }): void {
  cursor.reset(bytes, offset, length)
  let fresh = 0
  let last = 0
  while (cursor.next()) {
    const g = cursor.gsn
    if (g > skipThrough) fresh++
    if (g > last) last = g
  }
  out.fresh = fresh
  out.lastGsn = last
}
