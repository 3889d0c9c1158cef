// Producer side of one ingress ring: encodes messages straight into the ring's
// claimed space (copying into shared memory is the ring's main cost, so
// producers write there once, in final form). Messages accumulate in one open record
// until flush() (or until the record is full) so the sequencer sees batches, and the
// ring's tail is stored once per record, not per message.
//
// Record payload: [count u32][0 u32][canonical blob]… (descriptors/ingress-record-descriptor.ts).

import { BACK_PRESSURED, TOO_LARGE } from '../codec/results.js'
import { INGRESS_HEADER, IngressType, ingressBlobsAt, writeIngressHeader } from './descriptors/ingress-record-descriptor.js'
import { blobLength } from '../codec/message-layout.js'
import { BATCH_HEADER, batchBlobsAt, writeBatchHeader } from './descriptors/sequenced-record-descriptor.js'
import { writeMessage } from '../codec/message-writer.js'
import { copyCanonical } from '../codec/copy-canonical.js'
import { copyBytes, viewOf } from '../codec/byte-view.js'
import type { RingProducer } from './ring/ring-producer.js'
import type { MessageCursor } from '../codec/frame-reader.js'
import type { Verdict } from '../codec/verdict.js'

export class IngressWriter {
  /** Messages written into records not yet committed. */
  pending = 0
  private recordAt = -1
  private writeAt = 0
  private recordEnd = 0
  private count = 0
  private readonly bytes: Uint8Array
  private readonly i32: Int32Array

  constructor(readonly producer: RingProducer, private readonly chunkBytes = 256 * 1024) {
    this.bytes = producer.bytes
    this.i32 = producer.i32
  }

  /** Encode one message. 0, BACK_PRESSURED (ring full: flush and retry later) or TOO_LARGE. */
  offer(publisher: number, pseq: number, groups: ArrayLike<number>, groupCount: number, payload: Uint8Array, offset: number, length: number): number {
    const need = blobLength(groupCount, length)
    const at = this.room(need)
    if (at < 0) return at
    const n = writeMessage(this.bytes, at, publisher, pseq, groups, groupCount, payload, offset, length)
    // writeMessage can only refuse arguments the callers check before (group count, payload
    // range): reported as TOO_LARGE, the one refusal of a message this writer has.
    if (n < 0) return TOO_LARGE
    this.writeAt = at + n
    this.count++
    this.pending++
    return 0
  }

  /** Copy one verified message (any FlatBuffers layout) as a canonical blob. */
  offerMessage(src: Uint8Array, tablePos: number, canonicalLength: number): number {
    const at = this.room(canonicalLength)
    if (at < 0) return at
    const n = copyCanonical(src, tablePos, this.bytes, at)
    if (n < 0) return TOO_LARGE
    this.writeAt = at + n
    this.count++
    this.pending++
    return 0
  }

  /**
   * All messages of a verified Publish frame as one record, or nothing: BACK_PRESSURED
   * when the ring has no room for all of them now. total = their canonical bytes.
   */
  offerFrame(src: Uint8Array, offset: number, length: number, cursor: MessageCursor, total: number, verdict?: Verdict): number {
    this.close()
    if (INGRESS_HEADER + total > this.producer.maxPayloadLength) return TOO_LARGE
    const at = this.producer.tryClaim(INGRESS_HEADER + total, IngressType.blobs)
    if (at < 0) {
      if (this.pending > 0) {
        this.producer.commit()
        this.pending = 0
      }
      return at === TOO_LARGE ? TOO_LARGE : BACK_PRESSURED
    }
    cursor.reset(src, offset, length, verdict)
    let w = ingressBlobsAt(at)
    let count = 0
    // Canonical blobs that lie back to back in the frame (what FrameWriter writes) are
    // copied as one run: one copy per frame instead of one per message.
    let runStart = -1
    let runEnd = -1
    while (cursor.next()) {
      if (cursor.isCanonical) {
        if (cursor.blobStart === runEnd) runEnd += cursor.blobLength
        else {
          if (runStart >= 0) w = this.copyRun(src, runStart, runEnd, w)
          runStart = cursor.blobStart
          runEnd = runStart + cursor.blobLength
        }
      } else {
        if (runStart >= 0) w = this.copyRun(src, runStart, runEnd, w)
        runStart = runEnd = -1
        const n = copyCanonical(src, cursor.tablePos, this.bytes, w)
        if (n < 0) break // cannot happen: room was claimed for the canonical sizes
        w += n
      }
      count++
    }
    if (runStart >= 0) w = this.copyRun(src, runStart, runEnd, w)
    writeIngressHeader(this.i32, at, count)
    this.producer.shrinkLast(w - at)
    this.pending += count
    return count
  }

  private copyRun(src: Uint8Array, start: number, end: number, w: number): number {
    // A short run (a frame of a message or two) is copied through the two cached views; a
    // long one through set(subarray), one view per run (byte-view.ts copyBytes).
    copyBytes(this.bytes, viewOf(this.bytes), w, src, viewOf(src), start, end - start)
    return w + (end - start)
  }

  /**
   * One batch read from a cluster's log, as an APPLY record (ingress-record-descriptor.ts):
   * `blobs[offset, offset + length)` are the journal record's batch bytes. Published at
   * once. 0, or BACK_PRESSURED when the ring has no room now (retry after it drained).
   */
  offerApply(blobs: Uint8Array, offset: number, length: number, firstGsn: number, count: number): number {
    this.flush()
    if (BATCH_HEADER + length > this.producer.maxPayloadLength) return TOO_LARGE
    const at = this.producer.tryClaim(BATCH_HEADER + length, IngressType.apply)
    if (at < 0) return at === TOO_LARGE ? TOO_LARGE : BACK_PRESSURED
    writeBatchHeader(this.i32, at, count, length, firstGsn)
    this.bytes.set(blobs.subarray(offset, offset + length), batchBlobsAt(at))
    this.producer.commit()
    return 0
  }

  /** Close the open record and publish everything written (wakes the sequencer if it sleeps). */
  flush(): void {
    this.close()
    if (this.pending > 0) {
      this.producer.commit()
      this.pending = 0
    }
  }

  /** Bytes that could ever be offered in one message. */
  get maxMessageBytes(): number {
    return this.producer.maxPayloadLength - INGRESS_HEADER
  }

  private room(need: number): number {
    if (this.recordAt >= 0 && this.writeAt + need <= this.recordEnd) return this.writeAt
    this.close()
    if (INGRESS_HEADER + need > this.producer.maxPayloadLength) return TOO_LARGE
    const at = this.producer.tryClaimMax(INGRESS_HEADER + need, Math.max(this.chunkBytes, INGRESS_HEADER + need), IngressType.blobs)
    if (at < 0) {
      // Publish what is written so the sequencer can drain the ring.
      if (this.pending > 0) {
        this.producer.commit()
        this.pending = 0
      }
      return at === TOO_LARGE ? TOO_LARGE : BACK_PRESSURED
    }
    this.recordAt = at
    this.writeAt = ingressBlobsAt(at)
    this.recordEnd = at + this.producer.claimedLength
    this.count = 0
    return this.writeAt
  }

  private close(): void {
    if (this.recordAt < 0) return
    writeIngressHeader(this.i32, this.recordAt, this.count)
    this.producer.shrinkLast(this.writeAt - this.recordAt)
    this.recordAt = -1
  }
}
