// The codec microbenchmark's workload, shared by the timed runs and the
// allocation probe: 100-byte payloads, 1-3 groups per message, 100 messages per
// frame. Each function handles one frame's worth of messages and returns a
// number that depends on what it read or wrote, so nothing is optimised away.
import * as flatbuffers from 'flatbuffers'
import {
  blobLengthAt,
  FrameWriter,
  MessageCursor,
  stampBlob,
  stampBlobGseq,
  Verdict,
  verifyFrame,
  writeMessage,
} from '../codec/index.js'
import { Body, Frame, Message, Publish } from '../codec/ordo_generated.js'

export const MESSAGES_PER_FRAME = 100
export const PAYLOAD_BYTES = 100

export interface Workload {
  payload: Uint8Array
  /** Group ids of message i: groups[i * 3 .. i * 3 + groupCounts[i]). */
  groups: Uint32Array
  groupCounts: Uint8Array
  /** Message i's groups as a view starting at index 0 (made once: the writer takes an ArrayLike). */
  groupViews: Uint32Array[]
  publisher: number
  /** Fast writer and its target (plain memory, like a client's send buffer). */
  writer: FrameWriter
  frameBuf: Uint8Array
  /** The same messages as bigints, ready for the Builder (its best case). */
  builder: flatbuffers.Builder
  bigPseqs: bigint[]
  bigPublisher: bigint
  groupArrays: number[][]
  zeroGseqs: bigint[][]
  /** A verified-once Publish frame from the fast writer, and one from the Builder. */
  fastFrame: Uint8Array
  builderFrame: Uint8Array
  cursor: MessageCursor
  verdict: Verdict
  /** A run of canonical blobs in shared memory (the sequenced ring) and their positions. */
  ring: Uint8Array
  blobPos: Int32Array
  blobLen: Int32Array
  /** Target of Deliver frames built from ring blobs. */
  deliverWriter: FrameWriter
}

export function makeWorkload(): Workload {
  const payload = new Uint8Array(PAYLOAD_BYTES)
  for (let i = 0; i < PAYLOAD_BYTES; i++) payload[i] = (i * 13 + 5) & 0xff
  const groups = new Uint32Array(MESSAGES_PER_FRAME * 3)
  const groupCounts = new Uint8Array(MESSAGES_PER_FRAME)
  const groupArrays: number[][] = []
  const zeroGseqs: bigint[][] = []
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) {
    groupCounts[i] = 1 + (i % 3)
    const list: number[] = []
    for (let k = 0; k < groupCounts[i]!; k++) {
      groups[i * 3 + k] = (i + 17 * k) % 64
      list.push(groups[i * 3 + k]!)
    }
    groupArrays.push(list)
    zeroGseqs.push(list.map(() => 0n))
  }
  const frameBuf = new Uint8Array(64 * 1024)
  const w: Workload = {
    payload,
    groups,
    groupCounts,
    groupViews: Array.from({ length: MESSAGES_PER_FRAME }, (_, i) => groups.subarray(i * 3, i * 3 + 3)),
    // Engine-assigned publisher ids are random 48-bit numbers: above 2^31, so
    // the u64 paths run on doubles, not small integers.
    publisher: 0x9abc_def0_1234,
    writer: new FrameWriter(frameBuf),
    frameBuf,
    builder: new flatbuffers.Builder(64 * 1024),
    bigPseqs: Array.from({ length: MESSAGES_PER_FRAME }, (_, i) => BigInt(i + 1)),
    bigPublisher: 0x9abc_def0_1234n,
    groupArrays,
    zeroGseqs,
    fastFrame: new Uint8Array(0),
    builderFrame: new Uint8Array(0),
    cursor: new MessageCursor(),
    verdict: new Verdict(),
    ring: new Uint8Array(new SharedArrayBuffer(MESSAGES_PER_FRAME * 256)),
    blobPos: new Int32Array(MESSAGES_PER_FRAME),
    blobLen: new Int32Array(MESSAGES_PER_FRAME),
    deliverWriter: new FrameWriter(new Uint8Array(64 * 1024)),
  }
  const len = encodeFast(w, 1)
  w.fastFrame = frameBuf.slice(0, len)
  w.builderFrame = encodeBuilder(w).slice()
  let pos = 0
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) {
    const n = writeMessage(w.ring, pos, w.publisher, i + 1, w.groupViews[i]!, groupCounts[i]!, payload, 0, PAYLOAD_BYTES)
    w.blobPos[i] = pos
    w.blobLen[i] = n
    pos += n
  }
  return w
}

/** Fast writer: one Publish frame of 100 messages. Returns its length. */
export function encodeFast(w: Workload, pseqBase: number): number {
  const writer = w.writer
  writer.beginPublish(0, MESSAGES_PER_FRAME)
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) {
    writer.addMessage(w.publisher, pseqBase + i, w.groupViews[i]!, w.groupCounts[i]!, w.payload, 0, PAYLOAD_BYTES)
  }
  return writer.finish()
}

/** flatbuffers Builder: the same frame, reusing one Builder (cleared) and precomputed bigints. */
export function encodeBuilder(w: Workload): Uint8Array {
  const b = w.builder
  b.clear()
  b.forceDefaults(true)
  const offsets = OFFSETS
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) {
    const payload = b.createByteVector(w.payload)
    const gseqs = Message.createGseqsVector(b, w.zeroGseqs[i]!)
    const groups = Message.createGroupsVector(b, w.groupArrays[i]!)
    offsets[i] = Message.createMessage(b, 0n, w.bigPublisher, w.bigPseqs[i]!, groups, gseqs, 0n, payload)
  }
  const vec = Publish.createMessagesVector(b, offsets)
  const body = Publish.createPublish(b, vec)
  Frame.finishFrameBuffer(b, Frame.createFrame(b, Body.Publish, body))
  return b.asUint8Array()
}
const OFFSETS: number[] = new Array<number>(MESSAGES_PER_FRAME).fill(0)

/** verifyFrame + read every field of every message through MessageCursor. */
export function verifyAndIterate(w: Workload, frame: Uint8Array): number {
  if (verifyFrame(frame, 0, frame.length, undefined, w.verdict) !== 0) throw new Error(w.verdict.toString())
  const c = w.cursor
  c.reset(frame, 0, frame.length, w.verdict)
  let sum = 0
  while (c.next()) {
    sum += c.publisher + c.pseq + c.gsn + c.time + c.payloadOffset + c.payloadLength
    for (let i = 0; i < c.groupCount; i++) sum += c.group(i) + c.gseq(i)
  }
  // A small integer: returning a large double would box it (an allocation of the harness).
  return sum % 1_000_003 | 0
}

/** Sequencer's stamp: gsn, time and one gseq per group, in place in shared memory. */
export function stampAll(w: Workload, gsnBase: number): number {
  const ring = w.ring
  const pos = w.blobPos
  const counts = w.groupCounts
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) {
    const p = pos[i]!
    stampBlob(ring, p, gsnBase + i, 1_767_225_600_000_000 + i)
    for (let k = 0; k < counts[i]!; k++) stampBlobGseq(ring, p, k, gsnBase + i + k)
  }
  return gsnBase + MESSAGES_PER_FRAME
}

/** Fan-out: copy 100 blobs from the (shared) ring into one Deliver frame. */
export function copyBlobs(w: Workload): number {
  const d = w.deliverWriter
  d.beginDeliver(0, 1, 0, MESSAGES_PER_FRAME)
  const ring = w.ring
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) d.addBlob(ring, w.blobPos[i]!, w.blobLen[i]!)
  return d.finish()
}

/** Sanity check of the workload itself (run once before timing). */
export function checkWorkload(w: Workload): void {
  const len = encodeFast(w, 1)
  if (verifyFrame(w.frameBuf, 0, len, undefined, w.verdict) !== 0) throw new Error(`fast frame invalid: ${w.verdict.toString()}`)
  if (w.verdict.messageCount !== MESSAGES_PER_FRAME) throw new Error('fast frame count')
  if (verifyAndIterate(w, w.builderFrame) <= 0) throw new Error('builder frame unreadable')
  const deliver = copyBlobs(w)
  if (verifyFrame(w.deliverWriter.target, 0, deliver) !== 0) throw new Error('deliver frame invalid')
  for (let i = 0; i < MESSAGES_PER_FRAME; i++) if (blobLengthAt(w.ring, w.blobPos[i]!) !== w.blobLen[i]) throw new Error('ring blob')
}
