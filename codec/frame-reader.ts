// Reading messages out of verified Publish/Deliver frames, and out of runs of
// canonical blobs (ring records, journal batches), through one reusable
// flyweight. next() resolves the current message's field positions once
// (fixed offsets for canonical blobs, a vtable walk otherwise), so the
// accessors are plain reads and nothing is allocated per message.
//
// The bytes must have passed verifyFrame / verifyBlobs: nothing here re-checks
// bounds. Values are Numbers (u64 < 2^53, which the verifier enforces).
import { BodyType } from './body-type.js'
import { readU64, TWO_POW_32, viewOf } from './byte-view.js'
import {
  BLOB_FIXED_BYTES,
  GSEQS_UOFFSET,
  TABLE_POS,
  VTABLE_LAST_FIELD,
  VTABLE_WORD0,
  VTABLE_WORD1,
  VTABLE_WORD2,
  VTABLE_WORD3,
} from './message-layout.js'
import { BAD_ARGUMENT, MISSING_FIELD, NOT_MESSAGE_FRAME } from './results.js'
import { fieldPos, indirect, vectorAt } from './table-read.js'
import type { Verdict } from './verdict.js'

const EMPTY = new Uint8Array(0)

/**
 * Length of the canonical blob whose table is at tablePos, or 0 when the
 * message is not laid out canonically inside [base, end) (alignment relative
 * to base). Reads only inside [base, end).
 */
export function canonicalLengthAt(view: DataView, tablePos: number, base: number, end: number): number {
  const blob = tablePos - TABLE_POS
  if (blob < base || ((blob - base) & 7) !== 0 || blob + BLOB_FIXED_BYTES > end) return 0
  if (
    view.getInt32(tablePos, true) !== TABLE_POS ||
    view.getUint32(blob, true) !== VTABLE_WORD0 ||
    view.getUint32(blob + 4, true) !== VTABLE_WORD1 ||
    view.getUint32(blob + 8, true) !== VTABLE_WORD2 ||
    view.getUint32(blob + 12, true) !== VTABLE_WORD3 ||
    view.getUint16(blob + 16, true) !== VTABLE_LAST_FIELD ||
    view.getUint32(blob + 64, true) !== GSEQS_UOFFSET
  ) {
    return 0
  }
  const n = view.getUint32(blob + 76, true)
  if (blob + BLOB_FIXED_BYTES + 12 * n > end) return 0
  if (view.getUint32(blob + 28, true) !== 52 + 8 * n || view.getUint32(blob + 68, true) !== 16 + 12 * n || view.getUint32(blob + 80 + 8 * n, true) !== n) return 0
  const length = (BLOB_FIXED_BYTES + 12 * n + view.getUint32(blob + 84 + 12 * n, true) + 7) & ~7
  return blob + length <= end ? length : 0
}

export class MessageCursor {
  private bytes: Uint8Array = EMPTY
  private view: DataView = viewOf(EMPTY)
  private base = 0
  private end = 0
  private vecPos = 0
  private total = 0
  private index = -1
  private blobMode = false
  private nextBlob = 0
  /** Every message is known canonical (verdict hint, or blob mode). */
  private trusted = false

  /** Body type of the frame (Publish or Deliver; 0 in blob mode). */
  bodyType = 0
  /** Deliver.subscription (0 for Publish). */
  subscription = 0
  /** Deliver.durable_gsn (0 for Publish). */
  durableGsn = 0

  /** Table position of the current message (its messages-vector target). */
  tablePos = -1
  /** The current message is a canonical blob lying wholly inside the frame: it can be memcpy'd. */
  isCanonical = false
  /** Start and length of the current message's canonical blob (-1 / 0 when not canonical). */
  blobStart = -1
  blobLength = 0
  // The u64 fields of the current message are read in next() and kept in
  // plain fields rather than served by getters: a getter that TurboFan does not
  // inline would return its double boxed in a fresh heap number (gsn, time and
  // publisher ids are above 2^31), an allocation per read. Treat as read-only;
  // they are a snapshot taken by next() (cursor.stamp updates them, other
  // writes to the bytes show at the next next()).
  gsn = 0
  publisher = 0
  pseq = 0
  time = 0
  groupCount = 0
  /** Index in the byte array of the first payload byte. */
  payloadOffset = 0
  payloadLength = 0

  private gsnPos = 0
  private publisherPos = 0
  private pseqPos = 0
  private timePos = 0
  private groupsPos = 0
  private gseqsPos = 0

  /**
   * Positions the cursor before the first message of the verified Publish or
   * Deliver frame at bytes[offset, offset + length). Returns the message count,
   * or NOT_MESSAGE_FRAME for other bodies. Pass the Verdict that verifyFrame
   * just filled for this frame to skip the per-message layout checks when the
   * verifier found every message canonical (bytes unchanged since, stamps and
   * patches aside).
   */
  reset(bytes: Uint8Array, offset: number, length: number, verdict?: Verdict): number {
    this.bind(bytes, offset, offset + length)
    this.blobMode = false
    this.trusted =
      verdict !== undefined &&
      verdict.allCanonical &&
      verdict.code === 0 &&
      verdict.frame === bytes &&
      verdict.frameOffset === offset &&
      verdict.frameLength === length
    const v = this.view
    const frame = indirect(v, offset)
    const typePos = fieldPos(v, frame, 0)
    const type = typePos === 0 ? 0 : v.getUint8(typePos)
    this.bodyType = type
    this.subscription = 0
    this.durableGsn = 0
    this.total = 0
    if (type !== BodyType.Publish && type !== BodyType.Deliver) return NOT_MESSAGE_FRAME
    const body = indirect(v, fieldPos(v, frame, 1))
    if (type === BodyType.Deliver) {
      const sub = fieldPos(v, body, 0)
      this.subscription = sub === 0 ? 0 : v.getUint32(sub, true)
      const durable = fieldPos(v, body, 2)
      this.durableGsn = durable === 0 ? 0 : readU64(v, durable)
    }
    const vec = vectorAt(v, body, type === BodyType.Deliver ? 1 : 0)
    this.vecPos = vec
    this.total = vec === 0 ? 0 : v.getUint32(vec, true)
    return this.total
  }

  /**
   * Positions the cursor before the first of the verified canonical blobs in
   * bytes[pos, end) (verifyBlobs). Returns the blob count.
   */
  resetBlobs(bytes: Uint8Array, pos: number, end: number): number {
    this.bind(bytes, pos, end)
    this.blobMode = true
    this.trusted = true
    this.bodyType = 0
    this.subscription = 0
    this.durableGsn = 0
    this.nextBlob = pos
    const v = this.view
    let count = 0
    for (let p = pos; p < end; count++) {
      const n = v.getUint32(p + 76, true)
      p += (BLOB_FIXED_BYTES + 12 * n + v.getUint32(p + 84 + 12 * n, true) + 7) & ~7
    }
    this.total = count
    return count
  }

  /** Messages in the frame (or blobs in the run). */
  get count(): number {
    return this.total
  }

  /** Index of the current message. */
  get position(): number {
    return this.index
  }

  /** Moves to the next message; false at the end. */
  next(): boolean {
    if (this.index + 1 >= this.total) {
      this.index = this.total
      return false
    }
    this.index++
    if (this.blobMode) {
      const blob = this.nextBlob
      this.setCanonical(blob + TABLE_POS, this.blobLengthAt(blob))
      this.nextBlob = blob + this.blobLength
      return true
    }
    const tablePos = indirect(this.view, this.vecPos + 4 + 4 * this.index)
    if (this.trusted) {
      this.setCanonical(tablePos, this.blobLengthAt(tablePos - TABLE_POS))
      return true
    }
    const length = canonicalLengthAt(this.view, tablePos, this.base, this.end)
    if (length > 0) this.setCanonical(tablePos, length)
    else this.setGeneral(tablePos)
    return true
  }

  group(i: number): number {
    return this.view.getUint32(this.groupsPos + 4 * i, true)
  }

  /** gseq of group i (0 when the message carries no gseqs). */
  gseq(i: number): number {
    if (this.gseqsPos === 0) return 0
    const p = this.gseqsPos + 8 * i
    return this.view.getUint32(p, true) + this.view.getUint32(p + 4, true) * TWO_POW_32
  }

  /** The byte array the cursor reads. */
  get frameBytes(): Uint8Array {
    return this.bytes
  }

  /** Payload as a view of the frame (allocates the view; use payloadOffset/Length on hot paths). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength)
  }

  /** Stamps gsn and time of the current message in place; 0 or MISSING_FIELD. */
  stamp(gsn: number, time: number): number {
    if (this.gsnPos === 0 || this.timePos === 0) return MISSING_FIELD
    const v = this.view
    v.setUint32(this.gsnPos, gsn >>> 0, true)
    v.setUint32(this.gsnPos + 4, Math.floor(gsn / TWO_POW_32), true)
    v.setUint32(this.timePos, time >>> 0, true)
    v.setUint32(this.timePos + 4, Math.floor(time / TWO_POW_32), true)
    this.gsn = gsn
    this.time = time
    return 0
  }

  /** Stamps gseq i of the current message in place; 0, MISSING_FIELD or BAD_ARGUMENT. */
  stampGseq(i: number, gseq: number): number {
    if (this.gseqsPos === 0) return MISSING_FIELD
    if (!(i >= 0 && i < this.groupCount)) return BAD_ARGUMENT
    const p = this.gseqsPos + 8 * i
    this.view.setUint32(p, gseq >>> 0, true)
    this.view.setUint32(p + 4, Math.floor(gseq / TWO_POW_32), true)
    return 0
  }

  private bind(bytes: Uint8Array, base: number, end: number): void {
    if (bytes !== this.bytes) {
      this.bytes = bytes
      this.view = viewOf(bytes)
    }
    this.base = base
    this.end = end
    this.index = -1
    this.tablePos = -1
    this.isCanonical = false
    this.gsn = this.publisher = this.pseq = this.time = 0
  }

  private blobLengthAt(blob: number): number {
    const n = this.view.getUint32(blob + 76, true)
    return (BLOB_FIXED_BYTES + 12 * n + this.view.getUint32(blob + 84 + 12 * n, true) + 7) & ~7
  }

  private setCanonical(tablePos: number, length: number): void {
    const blob = tablePos - TABLE_POS
    const n = this.view.getUint32(blob + 76, true)
    this.tablePos = tablePos
    this.isCanonical = true
    this.blobStart = blob
    this.blobLength = length
    this.gsnPos = blob + 32
    this.publisherPos = blob + 40
    this.pseqPos = blob + 48
    this.timePos = blob + 56
    this.gseqsPos = blob + 80
    this.groupCount = n
    this.groupsPos = blob + 84 + 8 * n
    this.payloadLength = this.view.getUint32(blob + 84 + 12 * n, true)
    this.payloadOffset = blob + 88 + 12 * n
    this.readScalars()
  }

  private setGeneral(tablePos: number): void {
    const v = this.view
    this.tablePos = tablePos
    this.isCanonical = false
    this.blobStart = -1
    this.blobLength = 0
    this.gsnPos = fieldPos(v, tablePos, 0)
    this.publisherPos = fieldPos(v, tablePos, 1)
    this.pseqPos = fieldPos(v, tablePos, 2)
    const groups = vectorAt(v, tablePos, 3)
    this.groupCount = groups === 0 ? 0 : v.getUint32(groups, true)
    this.groupsPos = groups + 4
    const gseqs = vectorAt(v, tablePos, 4)
    this.gseqsPos = gseqs === 0 ? 0 : gseqs + 4
    this.timePos = fieldPos(v, tablePos, 5)
    const payload = vectorAt(v, tablePos, 6)
    this.payloadLength = payload === 0 ? 0 : v.getUint32(payload, true)
    this.payloadOffset = payload === 0 ? 0 : payload + 4
    this.readScalars()
  }

  // u64 reads spelled out: a readU64 call left out-of-line would return its
  // double boxed (an allocation per message); DataView calls are always inlined.
  private readScalars(): void {
    const v = this.view
    const g = this.gsnPos
    const pu = this.publisherPos
    const ps = this.pseqPos
    const t = this.timePos
    this.gsn = g === 0 ? 0 : v.getUint32(g, true) + v.getUint32(g + 4, true) * TWO_POW_32
    this.publisher = pu === 0 ? 0 : v.getUint32(pu, true) + v.getUint32(pu + 4, true) * TWO_POW_32
    this.pseq = ps === 0 ? 0 : v.getUint32(ps, true) + v.getUint32(ps + 4, true) * TWO_POW_32
    this.time = t === 0 ? 0 : v.getUint32(t, true) + v.getUint32(t + 4, true) * TWO_POW_32
  }
}

/**
 * Stamps gsn and time into the verified Message table at tablePos (any
 * encoding, through its vtable). Returns 0 or MISSING_FIELD (verifyFrame
 * refuses Publish messages without them: MISSING_STAMP_FIELDS).
 */
export function stampMessage(bytes: Uint8Array, tablePos: number, gsn: number, time: number): number {
  const v = viewOf(bytes)
  const gsnPos = fieldPos(v, tablePos, 0)
  const timePos = fieldPos(v, tablePos, 5)
  if (gsnPos === 0 || timePos === 0) return MISSING_FIELD
  v.setUint32(gsnPos, gsn >>> 0, true)
  v.setUint32(gsnPos + 4, Math.floor(gsn / TWO_POW_32), true)
  v.setUint32(timePos, time >>> 0, true)
  v.setUint32(timePos + 4, Math.floor(time / TWO_POW_32), true)
  return 0
}

/** Stamps gseq i of the verified Message table at tablePos. 0, MISSING_FIELD or BAD_ARGUMENT. */
export function stampGseq(bytes: Uint8Array, tablePos: number, i: number, gseq: number): number {
  const v = viewOf(bytes)
  const vec = vectorAt(v, tablePos, 4)
  if (vec === 0) return MISSING_FIELD
  if (!(i >= 0 && i < v.getUint32(vec, true))) return BAD_ARGUMENT
  const p = vec + 4 + 8 * i
  v.setUint32(p, gseq >>> 0, true)
  v.setUint32(p + 4, Math.floor(gseq / TWO_POW_32), true)
  return 0
}
