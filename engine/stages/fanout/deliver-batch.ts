// The DeliverBatch handed to embedded subscribers: a cursor over one Deliver frame.
// One instance per subscription, reused for every delivery (valid during the call only).

import { MessageCursor } from '../../../codec/frame-reader.js'
import type { DeliverBatch } from '../../../codec/deliver-batch.js'

export class CursorDeliverBatch implements DeliverBatch {
  subscription = 0
  count = 0
  durableGsnNumber = 0
  frame: Uint8Array = new Uint8Array(0)
  frameOffset = 0
  frameLength = 0
  private readonly c = new MessageCursor()

  reset(frame: Uint8Array, offset: number, length: number): void {
    this.frame = frame
    this.frameOffset = offset
    this.frameLength = length
    this.count = this.c.reset(frame, offset, length)
    this.subscription = this.c.subscription
    this.durableGsnNumber = this.c.durableGsn
  }
  next(): boolean {
    return this.c.next()
  }
  get durableGsn(): bigint {
    return BigInt(this.durableGsnNumber)
  }
  get gsn(): bigint {
    return BigInt(this.c.gsn)
  }
  get publisher(): bigint {
    return BigInt(this.c.publisher)
  }
  get pseq(): bigint {
    return BigInt(this.c.pseq)
  }
  get gsnNumber(): number {
    return this.c.gsn
  }
  get publisherNumber(): number {
    return this.c.publisher
  }
  get pseqNumber(): number {
    return this.c.pseq
  }
  gseqNumber(i: number): number {
    return this.c.gseq(i)
  }
  get time(): number {
    return this.c.time
  }
  get groupCount(): number {
    return this.c.groupCount
  }
  group(i: number): number {
    return this.c.group(i)
  }
  gseq(i: number): bigint {
    return BigInt(this.c.gseq(i))
  }
  payload(): Uint8Array {
    return this.c.payload()
  }
  get payloadOffset(): number {
    return this.c.payloadOffset
  }
  get payloadLength(): number {
    return this.c.payloadLength
  }
}
