// Fast encoder of Publish and Deliver frames (layout: codec/frame-layout.ts).
// One FrameWriter is bound to a target buffer and reused for frame after frame;
// adding a message writes its canonical blob in place and fills one reserved
// messages-vector slot, with no allocation per message.
import { copyBytes, TWO_POW_32, viewOf, writeU64 } from './byte-view.js'
import { BodyType } from './body-type.js'
import {
  BODY_VTABLE_POS,
  DELIVER_COUNT_POS,
  DELIVER_EMPTY_LENGTH,
  DELIVER_DURABLE_GSN_POS,
  DELIVER_MESSAGES_UOFFSET_POS,
  DELIVER_SLOTS_POS,
  DELIVER_SUBSCRIPTION_POS,
  DELIVER_TABLE_POS,
  DELIVER_TABLE_SIZE,
  DELIVER_VTABLE_SIZE,
  DELIVER_FIELD_DURABLE_GSN,
  DELIVER_FIELD_MESSAGES,
  DELIVER_FIELD_SUBSCRIPTION,
  FRAME_BODY_TYPE_POS,
  FRAME_BODY_UOFFSET_POS,
  FRAME_FIELD_BODY,
  FRAME_FIELD_BODY_TYPE,
  FRAME_TABLE_POS,
  FRAME_TABLE_SIZE,
  FRAME_VTABLE_POS,
  FRAME_VTABLE_SIZE,
  PUBLISH_COUNT_POS,
  PUBLISH_EMPTY_LENGTH,
  PUBLISH_FIELD_MESSAGES,
  PUBLISH_MESSAGES_UOFFSET_POS,
  PUBLISH_SLOTS_POS,
  PUBLISH_TABLE_POS,
  PUBLISH_TABLE_SIZE,
  PUBLISH_VTABLE_SIZE,
  ROOT_UOFFSET,
} from './frame-layout.js'
import { GSEQS_LENGTH_POS, GSEQS_POS, GSN_POS, PSEQ_POS, PUBLISHER_POS, TABLE_POS } from './message-layout.js'
import { writeMessageBody } from './message-writer.js'
import { BAD_ARGUMENT, FULL, MISALIGNED, NO_SPACE, WRONG_STATE } from './results.js'

const EMPTY = new Uint8Array(0)

export class FrameWriter {
  private bytes: Uint8Array = EMPTY
  private view: DataView = viewOf(EMPTY)
  private framePos = 0
  private countPos = 0
  private slotsPos = 0
  private maxMessages = 0
  private messageCount = 0
  private writePos = 0
  private open = false
  /** Group ids kept by addBlobSubset (reused: no allocation per message). */
  private readonly subsetGroups = new Uint32Array(16)

  constructor(target?: Uint8Array) {
    if (target !== undefined) this.setTarget(target)
  }

  /** Rebinds the writer to another buffer (drops an unfinished frame). */
  setTarget(target: Uint8Array): void {
    this.bytes = target
    this.view = new DataView(target.buffer, target.byteOffset, target.byteLength)
    this.open = false
  }

  get target(): Uint8Array {
    return this.bytes
  }

  /** Messages added to the open frame. */
  get count(): number {
    return this.messageCount
  }

  /** Position of the open frame's first byte. */
  get frameStart(): number {
    return this.framePos
  }

  /** Position where the next blob goes (the frame's end so far). */
  get position(): number {
    return this.writePos
  }

  /**
   * Starts a Publish frame at `pos` (8-aligned) with room for `maxMessages`.
   * Returns 0, MISALIGNED, NO_SPACE or BAD_ARGUMENT.
   */
  beginPublish(pos: number, maxMessages: number): number {
    const r = this.checkBegin(pos, maxMessages, PUBLISH_SLOTS_POS)
    if (r !== 0) return r
    const v = this.view
    this.writeFrameHeader(pos, BodyType.Publish, PUBLISH_TABLE_POS)
    v.setUint32(pos + BODY_VTABLE_POS, PUBLISH_VTABLE_SIZE | (PUBLISH_TABLE_SIZE << 16), true)
    v.setUint32(pos + BODY_VTABLE_POS + 4, PUBLISH_FIELD_MESSAGES, true)
    v.setInt32(pos + PUBLISH_TABLE_POS, PUBLISH_TABLE_POS - BODY_VTABLE_POS, true)
    v.setUint32(pos + PUBLISH_MESSAGES_UOFFSET_POS, PUBLISH_COUNT_POS - PUBLISH_MESSAGES_UOFFSET_POS, true)
    this.startVector(pos, PUBLISH_COUNT_POS, PUBLISH_SLOTS_POS, maxMessages)
    return 0
  }

  /**
   * Starts a Deliver frame at `pos` (8-aligned) with room for `maxMessages`.
   * subscription and durableGsn can be patched after finish (patchDeliver*).
   */
  beginDeliver(pos: number, subscription: number, durableGsn: number, maxMessages: number): number {
    const r = this.checkBegin(pos, maxMessages, DELIVER_SLOTS_POS)
    if (r !== 0) return r
    const v = this.view
    this.writeFrameHeader(pos, BodyType.Deliver, DELIVER_TABLE_POS)
    v.setUint32(pos + BODY_VTABLE_POS, DELIVER_VTABLE_SIZE | (DELIVER_TABLE_SIZE << 16), true)
    v.setUint32(pos + BODY_VTABLE_POS + 4, DELIVER_FIELD_SUBSCRIPTION | (DELIVER_FIELD_MESSAGES << 16), true)
    v.setUint32(pos + BODY_VTABLE_POS + 8, DELIVER_FIELD_DURABLE_GSN, true)
    v.setUint32(pos + BODY_VTABLE_POS + 12, 0, true)
    v.setInt32(pos + DELIVER_TABLE_POS, DELIVER_TABLE_POS - BODY_VTABLE_POS, true)
    v.setUint32(pos + DELIVER_SUBSCRIPTION_POS, subscription >>> 0, true)
    writeU64(v, pos + DELIVER_DURABLE_GSN_POS, durableGsn)
    v.setUint32(pos + DELIVER_MESSAGES_UOFFSET_POS, DELIVER_COUNT_POS - DELIVER_MESSAGES_UOFFSET_POS, true)
    v.setUint32(pos + DELIVER_MESSAGES_UOFFSET_POS + 4, 0, true)
    this.startVector(pos, DELIVER_COUNT_POS, DELIVER_SLOTS_POS, maxMessages)
    return 0
  }

  /**
   * Appends one message as a canonical blob (gsn, time, gseqs zero). Returns 0,
   * FULL (maxMessages reached), NO_SPACE, TOO_MANY_GROUPS, BAD_ARGUMENT or
   * WRONG_STATE (no open frame).
   */
  addMessage(
    publisher: number,
    pseq: number,
    groups: ArrayLike<number>,
    groupCount: number,
    payload: Uint8Array,
    payloadOffset: number,
    payloadLength: number,
  ): number {
    if (!this.open) return WRONG_STATE
    if (this.messageCount === this.maxMessages) return FULL
    const pos = this.writePos
    const length = writeMessageBody(this.bytes, this.view, pos, groups, groupCount, payload, payloadOffset, payloadLength)
    if (length < 0) return length
    // Written here, spelled out, rather than by writeMessageBody or writeU64:
    // passing a double (ids are above 2^31) to a call that TurboFan leaves
    // out-of-line boxes it, an allocation per message.
    const v = this.view
    v.setUint32(pos + PUBLISHER_POS, publisher >>> 0, true)
    v.setUint32(pos + PUBLISHER_POS + 4, Math.floor(publisher / TWO_POW_32), true)
    v.setUint32(pos + PSEQ_POS, pseq >>> 0, true)
    v.setUint32(pos + PSEQ_POS + 4, Math.floor(pseq / TWO_POW_32), true)
    this.commitSlot(pos, length)
    return 0
  }

  /**
   * Appends a copy of the canonical blob src[srcPos, srcPos + length) (e.g. a
   * sequenced-ring record). The blob is trusted: check it with
   * canonicalBlobLength first if it comes from outside. Returns 0, FULL,
   * NO_SPACE, BAD_ARGUMENT (length not a positive multiple of 8) or WRONG_STATE.
   */
  addBlob(src: Uint8Array, srcPos: number, length: number): number {
    if (!this.open) return WRONG_STATE
    if (this.messageCount === this.maxMessages) return FULL
    if ((length & 7) !== 0 || length <= 0 || srcPos < 0 || srcPos + length > src.length) return BAD_ARGUMENT
    const pos = this.writePos
    if (pos + length > this.bytes.length) return NO_SPACE
    copyBytes(this.bytes, this.view, pos, src, viewOf(src), srcPos, length)
    this.commitSlot(pos, length)
    return 0
  }

  /**
   * Appends a copy of the canonical blob at src[srcPos..] that keeps only the
   * groups whose bit is set in `keep` (bit i = group i), each with its gseq;
   * gsn, publisher, pseq, time and payload as they are. For subscribers that
   * may not see every group of a message. The blob is trusted, as in addBlob.
   * Returns 0, FULL, NO_SPACE, BAD_ARGUMENT or WRONG_STATE.
   */
  addBlobSubset(src: Uint8Array, srcPos: number, keep: number): number {
    if (!this.open) return WRONG_STATE
    if (this.messageCount === this.maxMessages) return FULL
    const sv = viewOf(src)
    const n = sv.getUint32(srcPos + GSEQS_LENGTH_POS, true)
    const groupsAt = srcPos + GSEQS_POS + 8 * n + 4
    const kept = this.subsetGroups
    let k = 0
    for (let i = 0; i < n; i++) if (((keep >>> i) & 1) !== 0) kept[k++] = sv.getUint32(groupsAt + 4 * i, true)
    const payloadAt = groupsAt + 4 * n + 4
    const payloadLength = sv.getUint32(groupsAt + 4 * n, true)
    const pos = this.writePos
    const length = writeMessageBody(this.bytes, this.view, pos, kept, k, src, payloadAt, payloadLength)
    if (length < 0) return length
    // gsn, publisher, pseq and time are the four u64s at [GSN_POS, GSN_POS + 32).
    copyBytes(this.bytes, this.view, pos + GSN_POS, src, sv, srcPos + GSN_POS, 32)
    const v = this.view
    for (let i = 0, j = 0; i < n; i++) {
      if (((keep >>> i) & 1) === 0) continue
      v.setUint32(pos + GSEQS_POS + 8 * j, sv.getUint32(srcPos + GSEQS_POS + 8 * i, true), true)
      v.setUint32(pos + GSEQS_POS + 8 * j + 4, sv.getUint32(srcPos + GSEQS_POS + 8 * i + 4, true), true)
      j++
    }
    this.commitSlot(pos, length)
    return 0
  }

  /** Index of blob i of the open frame (i < count), e.g. to stamp it. */
  blobPos(i: number): number {
    const slot = this.slotsPos + 4 * i
    return slot + this.view.getUint32(slot, true) - TABLE_POS
  }

  /**
   * Closes the frame: stores the message count, zeroes unused slots, and
   * returns the frame length (a multiple of 8, or PUBLISH_EMPTY_LENGTH for an
   * empty Publish), or WRONG_STATE.
   */
  finish(): number {
    if (!this.open) return WRONG_STATE
    const v = this.view
    v.setUint32(this.countPos, this.messageCount, true)
    for (let i = this.messageCount; i < this.maxMessages; i++) v.setUint32(this.slotsPos + 4 * i, 0, true)
    this.open = false
    if (this.messageCount === 0) {
      // Nothing follows the count: end the frame right after it, padded to the
      // largest alignment inside (8 for Deliver's u64), so the verifier's
      // truncation check holds for empty frames too (no unreferenced tail).
      this.writePos = this.slotsPos === this.framePos + DELIVER_SLOTS_POS ? this.framePos + DELIVER_EMPTY_LENGTH : this.framePos + PUBLISH_EMPTY_LENGTH
    }
    return this.writePos - this.framePos
  }

  /**
   * finish(), then drops the slots the frame did not use: the blobs move down
   * to just after the last used slot and every slot's relative offset shrinks
   * by the same amount, so a frame of 3 messages begun with room for 1024
   * does not carry 4 KiB of empty slots. Returns the (shorter) frame length or
   * WRONG_STATE. Blob positions read before this call are stale afterwards
   * (blobPos reads the new ones).
   */
  finishCompact(): number {
    const length = this.finish()
    if (length < 0 || this.messageCount === this.maxMessages || this.messageCount === 0) return length
    const v = this.view
    const countPos = this.slotsPos - this.framePos
    // Blob areas start 8-aligned after the slots, so the shift is a multiple of 8 and keeps every blob aligned.
    const oldBlobs = this.framePos + ((countPos + 4 * this.maxMessages + 7) & ~7)
    const newBlobs = this.framePos + ((countPos + 4 * this.messageCount + 7) & ~7)
    const shift = oldBlobs - newBlobs
    this.bytes.copyWithin(newBlobs, oldBlobs, this.writePos)
    for (let i = 0; i < this.messageCount; i++) {
      const slot = this.slotsPos + 4 * i
      v.setUint32(slot, v.getUint32(slot, true) - shift, true)
    }
    const slotsEnd = this.slotsPos + 4 * this.messageCount
    if (slotsEnd !== newBlobs) v.setUint32(slotsEnd, 0, true)
    this.maxMessages = this.messageCount
    this.writePos -= shift
    return this.writePos - this.framePos
  }

  /** Drops the open frame without writing its count. */
  abort(): void {
    this.open = false
  }

  private checkBegin(pos: number, maxMessages: number, slotsPos: number): number {
    if ((pos & 7) !== 0 || pos < 0) return MISALIGNED
    if (!(maxMessages >= 0 && maxMessages <= 0x3fffffff) || Math.floor(maxMessages) !== maxMessages) return BAD_ARGUMENT
    if (pos + ((slotsPos + 4 * maxMessages + 7) & ~7) > this.bytes.length) return NO_SPACE
    return 0
  }

  private writeFrameHeader(pos: number, bodyType: number, bodyTablePos: number): void {
    const v = this.view
    v.setUint32(pos, ROOT_UOFFSET, true)
    v.setUint32(pos + FRAME_VTABLE_POS, FRAME_VTABLE_SIZE | (FRAME_TABLE_SIZE << 16), true)
    v.setUint32(pos + FRAME_VTABLE_POS + 4, FRAME_FIELD_BODY_TYPE | (FRAME_FIELD_BODY << 16), true)
    v.setInt32(pos + FRAME_TABLE_POS, FRAME_TABLE_POS - FRAME_VTABLE_POS, true)
    v.setUint32(pos + FRAME_BODY_UOFFSET_POS, bodyTablePos - FRAME_BODY_UOFFSET_POS, true)
    v.setUint32(pos + FRAME_BODY_TYPE_POS, bodyType, true) // u8 + 3 zero bytes
  }

  private startVector(pos: number, countPos: number, slotsPos: number, maxMessages: number): void {
    this.framePos = pos
    this.countPos = pos + countPos
    this.slotsPos = pos + slotsPos
    this.maxMessages = maxMessages
    this.messageCount = 0
    const slotsEnd = pos + slotsPos + 4 * maxMessages
    this.writePos = (slotsEnd + 7) & ~7
    // 4 bytes of padding when the slots end off an 8-byte boundary.
    if (this.writePos !== slotsEnd) this.view.setUint32(slotsEnd, 0, true)
    this.view.setUint32(this.countPos, 0, true)
    this.open = true
  }

  private commitSlot(blobPos: number, length: number): void {
    const slot = this.slotsPos + 4 * this.messageCount
    this.view.setUint32(slot, blobPos + TABLE_POS - slot, true)
    this.messageCount++
    this.writePos = blobPos + length
  }
}

/** Patches the subscription id of a Deliver frame written by FrameWriter. */
export function patchDeliverSubscription(bytes: Uint8Array, framePos: number, id: number): void {
  viewOf(bytes).setUint32(framePos + DELIVER_SUBSCRIPTION_POS, id >>> 0, true)
}

/** Patches durable_gsn (integer < 2^53) of a Deliver frame written by FrameWriter. */
export function patchDeliverDurableGsn(bytes: Uint8Array, framePos: number, gsn: number): void {
  writeU64(viewOf(bytes), framePos + DELIVER_DURABLE_GSN_POS, gsn)
}

/**
 * Body type (Publish or Deliver) when the frame at framePos has FrameWriter's
 * fixed header, so the patch helpers apply; 0 otherwise. Checks the header
 * bytes only: verify the frame separately.
 */
export function writerFrameKind(bytes: Uint8Array, framePos: number, length: number): number {
  if (length < PUBLISH_SLOTS_POS || framePos < 0 || framePos + length > bytes.length) return 0
  const v = viewOf(bytes)
  if (
    v.getUint32(framePos, true) !== ROOT_UOFFSET ||
    v.getUint32(framePos + FRAME_VTABLE_POS, true) !== (FRAME_VTABLE_SIZE | (FRAME_TABLE_SIZE << 16)) ||
    v.getUint32(framePos + FRAME_VTABLE_POS + 4, true) !== (FRAME_FIELD_BODY_TYPE | (FRAME_FIELD_BODY << 16)) ||
    v.getInt32(framePos + FRAME_TABLE_POS, true) !== FRAME_TABLE_POS - FRAME_VTABLE_POS
  ) {
    return 0
  }
  const type = v.getUint8(framePos + FRAME_BODY_TYPE_POS)
  const body = v.getUint32(framePos + FRAME_BODY_UOFFSET_POS, true)
  if (type === BodyType.Deliver) {
    return length >= DELIVER_SLOTS_POS &&
      body === DELIVER_TABLE_POS - FRAME_BODY_UOFFSET_POS &&
      v.getUint32(framePos + BODY_VTABLE_POS, true) === (DELIVER_VTABLE_SIZE | (DELIVER_TABLE_SIZE << 16)) &&
      v.getUint32(framePos + BODY_VTABLE_POS + 4, true) === (DELIVER_FIELD_SUBSCRIPTION | (DELIVER_FIELD_MESSAGES << 16)) &&
      v.getUint16(framePos + BODY_VTABLE_POS + 8, true) === DELIVER_FIELD_DURABLE_GSN &&
      v.getInt32(framePos + DELIVER_TABLE_POS, true) === DELIVER_TABLE_POS - BODY_VTABLE_POS
      ? BodyType.Deliver
      : 0
  }
  if (type === BodyType.Publish) {
    return body === PUBLISH_TABLE_POS - FRAME_BODY_UOFFSET_POS &&
      v.getUint32(framePos + BODY_VTABLE_POS, true) === (PUBLISH_VTABLE_SIZE | (PUBLISH_TABLE_SIZE << 16)) &&
      v.getUint16(framePos + BODY_VTABLE_POS + 4, true) === PUBLISH_FIELD_MESSAGES &&
      v.getInt32(framePos + PUBLISH_TABLE_POS, true) === PUBLISH_TABLE_POS - BODY_VTABLE_POS
      ? BodyType.Publish
      : 0
  }
  return 0
}
