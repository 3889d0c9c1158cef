// Reading messages out of verified Publish/Deliver frames, and out of runs of
// canonical blobs (ring records, journal batches), through one reusable
// flyweight. next() resolves the current message's field positions once
// (fixed offsets for canonical blobs, a vtable walk otherwise), so the
// accessors are plain reads and nothing is allocated per message.
//
// The bytes must have passed verifyFrame / verifyBlobs: nothing here re-checks
// bounds. Values are Numbers (u64 < 2^53, which the verifier enforces).
import { BodyType } from './body-type.js'
import { readU64, viewOf, writeU64 } from './byte-view.js'
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
   * or NOT_MESSAGE_FRAME for other bodies.
   */
  reset(bytes: Uint8Array, offset: number, length: number): number {
    this.bind(bytes, offset, offset + length)
    this.blobMode = false
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
    const length = canonicalLengthAt(this.view, tablePos, this.base, this.end)
    if (length > 0) this.setCanonical(tablePos, length)
    else this.setGeneral(tablePos)
    return true
  }

  get gsn(): number {
    return this.gsnPos === 0 ? 0 : readU64(this.view, this.gsnPos)
  }

  get publisher(): number {
    return this.publisherPos === 0 ? 0 : readU64(this.view, this.publisherPos)
  }

  get pseq(): number {
    return this.pseqPos === 0 ? 0 : readU64(this.view, this.pseqPos)
  }

  get time(): number {
    return this.timePos === 0 ? 0 : readU64(this.view, this.timePos)
  }

  group(i: number): number {
    return this.view.getUint32(this.groupsPos + 4 * i, true)
  }

  /** gseq of group i (0 when the message carries no gseqs). */
  gseq(i: number): number {
    return this.gseqsPos === 0 ? 0 : readU64(this.view, this.gseqsPos + 8 * i)
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
    writeU64(this.view, this.gsnPos, gsn)
    writeU64(this.view, this.timePos, time)
    return 0
  }

  /** Stamps gseq i of the current message in place; 0, MISSING_FIELD or BAD_ARGUMENT. */
  stampGseq(i: number, gseq: number): number {
    if (this.gseqsPos === 0) return MISSING_FIELD
    if (!(i >= 0 && i < this.groupCount)) return BAD_ARGUMENT
    writeU64(this.view, this.gseqsPos + 8 * i, gseq)
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
  writeU64(v, gsnPos, gsn)
  writeU64(v, timePos, time)
  return 0
}

/** Stamps gseq i of the verified Message table at tablePos. 0, MISSING_FIELD or BAD_ARGUMENT. */
export function stampGseq(bytes: Uint8Array, tablePos: number, i: number, gseq: number): number {
  const v = viewOf(bytes)
  const vec = vectorAt(v, tablePos, 4)
  if (vec === 0) return MISSING_FIELD
  if (!(i >= 0 && i < v.getUint32(vec, true))) return BAD_ARGUMENT
  writeU64(v, vec + 4 + 8 * i, gseq)
  return 0
}
