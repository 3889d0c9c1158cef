// Writes canonical message blobs (layout: codec/message-layout.ts) straight into
// their destination, typically a ring slot in a SharedArrayBuffer: copying into
// shared memory is the ring's main cost, so producers encode in place rather
// than build elsewhere and copy. gsn, time and the gseqs are written as explicit
// zeros so the sequencer can stamp them in place (the protocol asks for them present,
// docs/protocol.md "Publishing"). Every byte of the blob is written, padding included, so reused
// ring memory never leaks stale bytes into a message.
import { copyBytes, TWO_POW_32, viewOf } from './byte-view.js'
import {
  BLOB_FIXED_BYTES,
  GROUPS_UOFFSET_POS,
  GSEQS_LENGTH_POS,
  GSEQS_POS,
  GSEQS_UOFFSET,
  GSEQS_UOFFSET_POS,
  GSN_POS,
  MAX_GROUPS,
  PAYLOAD_UOFFSET_POS,
  PSEQ_POS,
  PUBLISHER_POS,
  TABLE_END,
  TABLE_POS,
  TIME_POS,
  VTABLE_LAST_FIELD,
  VTABLE_WORD0,
  VTABLE_WORD1,
  VTABLE_WORD2,
  VTABLE_WORD3,
} from './message-layout.js'
import { BAD_ARGUMENT, MISALIGNED, NO_SPACE, TOO_MANY_GROUPS } from './results.js'

/**
 * Writes one canonical blob at `pos` (8-aligned) in `dst` and returns its length,
 * or NO_SPACE when it does not fit, MISALIGNED, TOO_MANY_GROUPS (> 16) or
 * BAD_ARGUMENT (payload range outside `payload`). `dst` may be a view of a
 * SharedArrayBuffer. Allocates nothing for payloads under COPY_LOOP_MAX bytes.
 * publisher and pseq must be integers in [0, 2^53).
 */
export function writeMessage(
  dst: Uint8Array,
  pos: number,
  publisher: number,
  pseq: number,
  groups: ArrayLike<number>,
  groupCount: number,
  payload: Uint8Array,
  payloadOffset: number,
  payloadLength: number,
): number {
  const v = viewOf(dst)
  const length = writeMessageBody(dst, v, pos, groups, groupCount, payload, payloadOffset, payloadLength)
  // The u64 fields are written here, spelled out, in this small (inlinable)
  // function, not in writeMessageBody or writeU64: a double passed to a call
  // that TurboFan leaves out-of-line is boxed into a heap number (allocated),
  // and publisher ids are above 2^31.
  if (length > 0) {
    v.setUint32(pos + PUBLISHER_POS, publisher >>> 0, true)
    v.setUint32(pos + PUBLISHER_POS + 4, Math.floor(publisher / TWO_POW_32), true)
    v.setUint32(pos + PSEQ_POS, pseq >>> 0, true)
    v.setUint32(pos + PSEQ_POS + 4, Math.floor(pseq / TWO_POW_32), true)
  }
  return length
}

/**
 * Everything of writeMessage except publisher and pseq (left for the caller to
 * write at PUBLISHER_POS / PSEQ_POS): checks, skeleton, zero stamps, groups,
 * payload. Returns the blob length or a negative sentinel.
 */
export function writeMessageBody(
  dst: Uint8Array,
  v: DataView,
  pos: number,
  groups: ArrayLike<number>,
  groupCount: number,
  payload: Uint8Array,
  payloadOffset: number,
  payloadLength: number,
): number {
  if ((pos & 7) !== 0) return MISALIGNED
  if (groupCount > MAX_GROUPS || groupCount < 0) return TOO_MANY_GROUPS
  if (payloadOffset < 0 || payloadLength < 0 || payloadOffset + payloadLength > payload.length) return BAD_ARGUMENT
  const n = groupCount
  const length = (BLOB_FIXED_BYTES + 12 * n + payloadLength + 7) & ~7
  if (pos < 0 || pos + length > dst.length) return NO_SPACE
  writeSkeleton(v, pos, n, payloadLength, length)
  v.setUint32(pos + GSN_POS, 0, true)
  v.setUint32(pos + GSN_POS + 4, 0, true)
  v.setUint32(pos + TIME_POS, 0, true)
  v.setUint32(pos + TIME_POS + 4, 0, true)
  let p = pos + GSEQS_POS
  for (let i = 0; i < n; i++, p += 8) {
    v.setUint32(p, 0, true)
    v.setUint32(p + 4, 0, true)
  }
  p += 4 // groups length written by writeSkeleton
  for (let i = 0; i < n; i++, p += 4) v.setUint32(p, groups[i]!, true)
  if (payloadOffset === 0 && payloadLength === payload.length && payload.buffer !== dst.buffer) {
    // A whole array: TypedArray.set copies it without a view (viewOf would make a DataView for every payload
    // array it has not seen, i.e. per message when each message has its own array). Measured at 100 B on the
    // 2-core VM: set 18 ns, DataView loop 25-30 ns with a cached view, 130 ns with a new one.
    dst.set(payload, p + 4)
  } else {
    copyBytes(dst, v, p + 4, payload, viewOf(payload), payloadOffset, payloadLength)
  }
  return length
}

/**
 * Writes everything of a blob except the u64 fields, the gseq values, the group
 * ids and the payload bytes: vtable, soffset, uoffsets, vector lengths and every
 * zero/padding byte. Shared with copyCanonical. `length` = blobLength(n, L).
 */
export function writeSkeleton(v: DataView, pos: number, n: number, payloadLength: number, length: number): void {
  // Zero the last 8 bytes first: they hold the tail padding, and whatever of
  // them belongs to a field is overwritten below.
  v.setUint32(pos + length - 8, 0, true)
  v.setUint32(pos + length - 4, 0, true)
  v.setUint32(pos, VTABLE_WORD0, true)
  v.setUint32(pos + 4, VTABLE_WORD1, true)
  v.setUint32(pos + 8, VTABLE_WORD2, true)
  v.setUint32(pos + 12, VTABLE_WORD3, true)
  v.setUint32(pos + 16, VTABLE_LAST_FIELD, true) // bytes 18..19 zero
  v.setUint32(pos + 20, 0, true)
  v.setInt32(pos + TABLE_POS, TABLE_POS, true)
  v.setUint32(pos + GROUPS_UOFFSET_POS, 52 + 8 * n, true)
  v.setUint32(pos + GSEQS_UOFFSET_POS, GSEQS_UOFFSET, true)
  v.setUint32(pos + PAYLOAD_UOFFSET_POS, 16 + 12 * n, true)
  v.setUint32(pos + TABLE_END, 0, true)
  v.setUint32(pos + GSEQS_LENGTH_POS, n, true)
  v.setUint32(pos + 80 + 8 * n, n, true)
  v.setUint32(pos + 84 + 12 * n, payloadLength, true)
}
