// Writing PublishAck frames at the publish rate (layout:
// codec/publish-ack-layout.ts) and reading any valid PublishAck (from
// this gateway or another implementation) without allocating per entry.
// No node: imports: the client library reads acks with readPublishAck.

import { SubarrayCache } from './subarray-cache.js'
import { BodyType } from './body-type.js'
import { readU64, TWO_POW_32 } from './byte-view.js'
import { FRAME_BODY_TYPE_POS, FRAME_BODY_UOFFSET_POS, FRAME_FIELD_BODY, FRAME_FIELD_BODY_TYPE, FRAME_TABLE_POS, FRAME_TABLE_SIZE, FRAME_VTABLE_POS, FRAME_VTABLE_SIZE, ROOT_UOFFSET } from './frame-layout.js'
import { fieldPos, indirect, vectorAt } from './table-read.js'
import {
  ACK_FIELD_GSNS,
  ACK_FIELD_PSEQS,
  ACK_GSNS_UOFFSET_POS,
  ACK_PSEQS_LENGTH_POS,
  ACK_PSEQS_POS,
  ACK_PSEQS_UOFFSET_POS,
  ACK_TABLE_POS,
  ACK_TABLE_SIZE,
  ACK_VTABLE_POS,
  ACK_VTABLE_SIZE,
  ackFrameLength,
  ackGsnsLengthPos,
  ackGsnsPos,
} from './publish-ack-layout.js'

// One output buffer for all writers: a frame is sent (and copied by the
// socket) right after finish(), and everything runs on one thread.
let out = new Uint8Array(ackFrameLength(256))
let outView = new DataView(out.buffer)
const outRange = new SubarrayCache()

/**
 * Collects (pseq, gsn) pairs and writes them as one PublishAck frame. Reused:
 * its arrays grow to the largest batch seen and are never shrunk.
 */
export class PublishAckWriter {
  private pseqs: Float64Array
  private gsns: Float64Array
  private n = 0

  constructor(initialCapacity = 16) {
    this.pseqs = new Float64Array(initialCapacity)
    this.gsns = new Float64Array(initialCapacity)
  }

  get count(): number {
    return this.n
  }

  add(pseq: number, gsn: number): void {
    if (this.n === this.pseqs.length) this.grow()
    this.pseqs[this.n] = pseq
    this.gsns[this.n] = gsn
    this.n++
  }

  /**
   * Writes the collected pairs as a frame and resets the count. The returned
   * view is into a buffer shared by all writers: valid until the next finish().
   */
  finish(): Uint8Array {
    const n = this.n
    const length = ackFrameLength(n)
    if (out.length < length) {
      out = new Uint8Array(ackFrameLength(this.pseqs.length))
      outView = new DataView(out.buffer)
    }
    const v = outView
    v.setUint32(0, ROOT_UOFFSET, true)
    v.setUint32(FRAME_VTABLE_POS, FRAME_VTABLE_SIZE | (FRAME_TABLE_SIZE << 16), true)
    v.setUint32(FRAME_VTABLE_POS + 4, FRAME_FIELD_BODY_TYPE | (FRAME_FIELD_BODY << 16), true)
    v.setInt32(FRAME_TABLE_POS, FRAME_TABLE_POS - FRAME_VTABLE_POS, true)
    v.setUint32(FRAME_BODY_UOFFSET_POS, ACK_TABLE_POS - FRAME_BODY_UOFFSET_POS, true)
    v.setUint32(FRAME_BODY_TYPE_POS, BodyType.PublishAck, true) // u8 + 3 zero bytes
    v.setUint32(ACK_VTABLE_POS, ACK_VTABLE_SIZE | (ACK_TABLE_SIZE << 16), true)
    v.setUint32(ACK_VTABLE_POS + 4, ACK_FIELD_PSEQS | (ACK_FIELD_GSNS << 16), true)
    v.setInt32(ACK_TABLE_POS, ACK_TABLE_POS - ACK_VTABLE_POS, true)
    v.setUint32(ACK_PSEQS_UOFFSET_POS, ACK_PSEQS_LENGTH_POS - ACK_PSEQS_UOFFSET_POS, true)
    v.setUint32(ACK_GSNS_UOFFSET_POS, ackGsnsLengthPos(n) - ACK_GSNS_UOFFSET_POS, true)
    v.setUint32(ACK_PSEQS_LENGTH_POS, n, true)
    const gsnsPos = ackGsnsPos(n)
    for (let i = 0; i < n; i++) {
      const p = this.pseqs[i]!
      const g = this.gsns[i]!
      v.setUint32(ACK_PSEQS_POS + 8 * i, p >>> 0, true)
      v.setUint32(ACK_PSEQS_POS + 8 * i + 4, Math.floor(p / TWO_POW_32), true)
      v.setUint32(gsnsPos + 8 * i, g >>> 0, true)
      v.setUint32(gsnsPos + 8 * i + 4, Math.floor(g / TWO_POW_32), true)
    }
    v.setUint32(gsnsPos - 8, 0, true) // padding before the gsns length
    v.setUint32(gsnsPos - 4, n, true)
    this.n = 0
    return outRange.range(out, 0, length)
  }

  private grow(): void {
    const p = new Float64Array(this.pseqs.length * 2)
    p.set(this.pseqs)
    const g = new Float64Array(this.gsns.length * 2)
    g.set(this.gsns)
    this.pseqs = p
    this.gsns = g
  }
}

/** Receives the pairs of a PublishAck, one call per pair. */
export interface AckPairSink {
  onAckPair(pseq: number, gsn: number): void
}

/**
 * Reads a PublishAck frame that verifyFrame accepted (any valid encoding),
 * calling sink.onAckPair for each pair. Returns the pair count, or -1 when the
 * frame's body is not a PublishAck.
 */
export function readPublishAck(view: DataView, offset: number, sink: AckPairSink): number {
  const frame = indirect(view, offset)
  const typePos = fieldPos(view, frame, 0)
  if (typePos === 0 || view.getUint8(typePos) !== BodyType.PublishAck) return -1
  const body = indirect(view, fieldPos(view, frame, 1))
  const pseqs = vectorAt(view, body, 0)
  const gsns = vectorAt(view, body, 1)
  // The verifier checked that both vectors have the same length (absent = 0).
  const n = pseqs === 0 ? 0 : view.getUint32(pseqs, true)
  for (let i = 0; i < n; i++) sink.onAckPair(readU64(view, pseqs + 4 + 8 * i), readU64(view, gsns + 4 + 8 * i))
  return n
}
