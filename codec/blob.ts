// Reading, checking and stamping canonical blobs (layout: codec/message-layout.ts)
// by fixed offsets: no vtable walk. These are the engine's per-message
// operations on ingress ring records, the sequenced ring and journal batches.
// Positions are indexes into `bytes`; values are Numbers (u64 < 2^53).
import { TWO_POW_32, viewOf } from './byte-view.js'
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
  TABLE_POS,
  TIME_POS,
  VTABLE_LAST_FIELD,
  VTABLE_WORD0,
  VTABLE_WORD1,
  VTABLE_WORD2,
  VTABLE_WORD3,
} from './message-layout.js'
import { MISALIGNED, NOT_CANONICAL, TOO_MANY_GROUPS, TRUNCATED } from './results.js'

/**
 * Length of the canonical blob at `pos`, or a negative sentinel when the bytes
 * at pos are not a well-formed canonical blob inside [pos, end): MISALIGNED
 * (pos not 8-aligned), TRUNCATED (runs past end), NOT_CANONICAL (vtable,
 * soffset, uoffsets or vector lengths differ from the layout), TOO_MANY_GROUPS
 * (n > maxGroups). Checks structure only, not the padding bytes' values nor the
 * range of u64 values (verifyBlobs does that).
 */
export function canonicalBlobLength(bytes: Uint8Array, pos: number, end: number, maxGroups: number = MAX_GROUPS): number {
  if (end > bytes.length) end = bytes.length
  if ((pos & 7) !== 0 || pos < 0) return MISALIGNED
  if (pos + BLOB_FIXED_BYTES > end) return TRUNCATED
  const v = viewOf(bytes)
  if (
    v.getUint32(pos, true) !== VTABLE_WORD0 ||
    v.getUint32(pos + 4, true) !== VTABLE_WORD1 ||
    v.getUint32(pos + 8, true) !== VTABLE_WORD2 ||
    v.getUint32(pos + 12, true) !== VTABLE_WORD3 ||
    v.getUint16(pos + 16, true) !== VTABLE_LAST_FIELD ||
    v.getInt32(pos + TABLE_POS, true) !== TABLE_POS ||
    v.getUint32(pos + GSEQS_UOFFSET_POS, true) !== GSEQS_UOFFSET
  ) {
    return NOT_CANONICAL
  }
  const n = v.getUint32(pos + GSEQS_LENGTH_POS, true)
  if (n > maxGroups) return TOO_MANY_GROUPS
  if (
    v.getUint32(pos + GROUPS_UOFFSET_POS, true) !== 52 + 8 * n ||
    v.getUint32(pos + PAYLOAD_UOFFSET_POS, true) !== 16 + 12 * n
  ) {
    return NOT_CANONICAL
  }
  if (pos + BLOB_FIXED_BYTES + 12 * n > end) return TRUNCATED
  if (v.getUint32(pos + 80 + 8 * n, true) !== n) return NOT_CANONICAL
  const payloadLength = v.getUint32(pos + 84 + 12 * n, true)
  const length = (BLOB_FIXED_BYTES + 12 * n + payloadLength + 7) & ~7
  if (pos + length > end) return TRUNCATED
  return length
}

// The u64 reads and writes below are spelled out instead of calling
// readU64/writeU64: a helper that TurboFan leaves out-of-line would box the
// double it returns or takes (an allocation per message); DataView methods
// themselves are always compiled inline.

export function blobGsn(bytes: Uint8Array, pos: number): number {
  const v = viewOf(bytes)
  return v.getUint32(pos + GSN_POS, true) + v.getUint32(pos + GSN_POS + 4, true) * TWO_POW_32
}

export function blobPublisher(bytes: Uint8Array, pos: number): number {
  const v = viewOf(bytes)
  return v.getUint32(pos + PUBLISHER_POS, true) + v.getUint32(pos + PUBLISHER_POS + 4, true) * TWO_POW_32
}

export function blobPseq(bytes: Uint8Array, pos: number): number {
  const v = viewOf(bytes)
  return v.getUint32(pos + PSEQ_POS, true) + v.getUint32(pos + PSEQ_POS + 4, true) * TWO_POW_32
}

export function blobTime(bytes: Uint8Array, pos: number): number {
  const v = viewOf(bytes)
  return v.getUint32(pos + TIME_POS, true) + v.getUint32(pos + TIME_POS + 4, true) * TWO_POW_32
}

export function blobGroupCount(bytes: Uint8Array, pos: number): number {
  return viewOf(bytes).getUint32(pos + GSEQS_LENGTH_POS, true)
}

export function blobGroup(bytes: Uint8Array, pos: number, i: number): number {
  const v = viewOf(bytes)
  return v.getUint32(pos + 84 + 8 * v.getUint32(pos + GSEQS_LENGTH_POS, true) + 4 * i, true)
}

export function blobGseq(bytes: Uint8Array, pos: number, i: number): number {
  const v = viewOf(bytes)
  const p = pos + GSEQS_POS + 8 * i
  return v.getUint32(p, true) + v.getUint32(p + 4, true) * TWO_POW_32
}

/** Index in `bytes` of the first payload byte. */
export function blobPayloadOffset(bytes: Uint8Array, pos: number): number {
  return pos + BLOB_FIXED_BYTES + 12 * viewOf(bytes).getUint32(pos + GSEQS_LENGTH_POS, true)
}

export function blobPayloadLength(bytes: Uint8Array, pos: number): number {
  const v = viewOf(bytes)
  return v.getUint32(pos + 84 + 12 * v.getUint32(pos + GSEQS_LENGTH_POS, true), true)
}

/** Length of a blob already known to be canonical (no checks). */
export function blobLengthAt(bytes: Uint8Array, pos: number): number {
  const v = viewOf(bytes)
  const n = v.getUint32(pos + GSEQS_LENGTH_POS, true)
  return (BLOB_FIXED_BYTES + 12 * n + v.getUint32(pos + 84 + 12 * n, true) + 7) & ~7
}

/** Stamps gsn and time (integers < 2^53) into the blob at pos. */
export function stampBlob(bytes: Uint8Array, pos: number, gsn: number, time: number): void {
  const v = viewOf(bytes)
  v.setUint32(pos + GSN_POS, gsn >>> 0, true)
  v.setUint32(pos + GSN_POS + 4, Math.floor(gsn / TWO_POW_32), true)
  v.setUint32(pos + TIME_POS, time >>> 0, true)
  v.setUint32(pos + TIME_POS + 4, Math.floor(time / TWO_POW_32), true)
}

/** Stamps the gseq of the blob's i-th group (i < group count; not checked). */
export function stampBlobGseq(bytes: Uint8Array, pos: number, i: number, gseq: number): void {
  const v = viewOf(bytes)
  const p = pos + GSEQS_POS + 8 * i
  v.setUint32(p, gseq >>> 0, true)
  v.setUint32(p + 4, Math.floor(gseq / TWO_POW_32), true)
}
