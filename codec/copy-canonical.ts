// Turns any verified Message table into a canonical blob (codec/message-layout.ts)
// at an 8-aligned destination: a plain copy when it already is one (what our
// encoders and most ordo clients send), a field-by-field re-encode otherwise
// (e.g. a message from another language's FlatBuffers Builder, with shared
// vtables and vectors placed elsewhere). Values are copied as raw u32 halves,
// so u64 fields keep all 64 bits.
import { copyBytes, viewOf } from './byte-view.js'
import { canonicalLengthAt } from './frame-reader.js'
import { BLOB_FIXED_BYTES, GSN_POS, PSEQ_POS, PUBLISHER_POS, TABLE_POS, TIME_POS } from './message-layout.js'
import { writeSkeleton } from './message-writer.js'
import { INCONSISTENT, MISALIGNED, NO_SPACE } from './results.js'
import { fieldPos, vectorAt } from './table-read.js'

/**
 * Writes the canonical form of the verified Message table at src[tablePos] to
 * dst[dstPos] (8-aligned). Returns the blob length, NO_SPACE, MISALIGNED, or
 * INCONSISTENT (gseqs present with a length other than the groups'). Absent
 * fields become zeros (absent gseqs: one zero per group). src and dst ranges
 * must not overlap.
 */
export function copyCanonical(src: Uint8Array, tablePos: number, dst: Uint8Array, dstPos: number): number {
  if ((dstPos & 7) !== 0 || dstPos < 0) return MISALIGNED
  const sv = viewOf(src)
  const dv = viewOf(dst)
  if (tablePos >= TABLE_POS) {
    const blob = tablePos - TABLE_POS
    const length = canonicalLengthAt(sv, tablePos, blob, src.length)
    if (length > 0) {
      if (dstPos + length > dst.length) return NO_SPACE
      copyBytes(dst, dv, dstPos, src, sv, blob, length)
      return length
    }
  }
  const groups = vectorAt(sv, tablePos, 3)
  const n = groups === 0 ? 0 : sv.getUint32(groups, true)
  const gseqs = vectorAt(sv, tablePos, 4)
  if (gseqs !== 0 && sv.getUint32(gseqs, true) !== n) return INCONSISTENT
  const payload = vectorAt(sv, tablePos, 6)
  const payloadLength = payload === 0 ? 0 : sv.getUint32(payload, true)
  const length = (BLOB_FIXED_BYTES + 12 * n + payloadLength + 7) & ~7
  if (dstPos + length > dst.length) return NO_SPACE
  writeSkeleton(dv, dstPos, n, payloadLength, length)
  copyU64(sv, fieldPos(sv, tablePos, 0), dv, dstPos + GSN_POS)
  copyU64(sv, fieldPos(sv, tablePos, 1), dv, dstPos + PUBLISHER_POS)
  copyU64(sv, fieldPos(sv, tablePos, 2), dv, dstPos + PSEQ_POS)
  copyU64(sv, fieldPos(sv, tablePos, 5), dv, dstPos + TIME_POS)
  for (let i = 0; i < n; i++) {
    copyU64(sv, gseqs === 0 ? 0 : gseqs + 4 + 8 * i, dv, dstPos + 80 + 8 * i)
    dv.setUint32(dstPos + 84 + 8 * n + 4 * i, sv.getUint32(groups + 4 + 4 * i, true), true)
  }
  if (payloadLength > 0) copyBytes(dst, dv, dstPos + BLOB_FIXED_BYTES + 12 * n, src, sv, payload + 4, payloadLength)
  return length
}

/** Copies the u64 at srcPos (0 = absent: writes zero). */
function copyU64(sv: DataView, srcPos: number, dv: DataView, dstPos: number): void {
  if (srcPos === 0) {
    dv.setUint32(dstPos, 0, true)
    dv.setUint32(dstPos + 4, 0, true)
  } else {
    dv.setUint32(dstPos, sv.getUint32(srcPos, true), true)
    dv.setUint32(dstPos + 4, sv.getUint32(srcPos + 4, true), true)
  }
}
