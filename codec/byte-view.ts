// Little-endian access to Uint8Arrays without allocating per call.
//
// Hot-path functions take `(bytes, pos)`; building a DataView per call would
// allocate, so the views are cached, keyed by the identity of the Uint8Array
// (a DataView over exactly its range, so positions stay relative to `bytes`).
// Four entries cover the usual pairs (frame -> ring, ring -> frame, journal
// batch) without thrashing. A cache miss allocates one DataView, which is per
// buffer, not per message. The cache keeps at most four arrays alive; call
// releaseViews() if that matters (e.g. after dropping a very large buffer).
//
// u64 values are JS Numbers below 2^53 written and read as two u32 halves
// (lo = n >>> 0, hi = Math.floor(n / 2^32)): no BigInt on the hot path.

export const TWO_POW_32 = 4294967296

let key0: Uint8Array | null = null
let key1: Uint8Array | null = null
let key2: Uint8Array | null = null
let key3: Uint8Array | null = null
let view0: DataView = new DataView(new ArrayBuffer(0))
let view1: DataView = view0
let view2: DataView = view0
let view3: DataView = view0
let nextSlot = 0

/** A DataView over exactly `bytes` (position 0 = bytes[0]); cached per array. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes === key0) return view0
  if (bytes === key1) return view1
  if (bytes === key2) return view2
  if (bytes === key3) return view3
  return cacheView(bytes)
}

function cacheView(bytes: Uint8Array): DataView {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  switch (nextSlot) {
    case 0:
      key0 = bytes
      view0 = view
      break
    case 1:
      key1 = bytes
      view1 = view
      break
    case 2:
      key2 = bytes
      view2 = view
      break
    default:
      key3 = bytes
      view3 = view
  }
  nextSlot = (nextSlot + 1) & 3
  return view
}

/** Forget cached views (lets the GC reclaim the arrays they were keyed by). */
export function releaseViews(): void {
  key0 = key1 = key2 = key3 = null
  view0 = view1 = view2 = view3 = new DataView(new ArrayBuffer(0))
  nextSlot = 0
}

// Per-frame and cold code uses these two; per-message code spells them out
// (see blob.ts) so no double crosses a call TurboFan might leave out-of-line.
export function readU64(view: DataView, pos: number): number {
  return view.getUint32(pos, true) + view.getUint32(pos + 4, true) * TWO_POW_32
}

export function writeU64(view: DataView, pos: number, value: number): void {
  view.setUint32(pos, value >>> 0, true)
  view.setUint32(pos + 4, Math.floor(value / TWO_POW_32), true)
}

/** Copies below this size go through a DataView loop; larger ones through set(subarray). */
export const COPY_LOOP_MAX = 512

/**
 * Copies `length` bytes. Small copies run a u32 loop over the two views (no
 * allocation); larger ones use TypedArray.set, whose subarray view is one small
 * allocation amortised over at least COPY_LOOP_MAX bytes. The two ranges
 * must not overlap.
 */
export function copyBytes(
  dst: Uint8Array,
  dstView: DataView,
  dstPos: number,
  src: Uint8Array,
  srcView: DataView,
  srcPos: number,
  length: number,
): void {
  if (length < COPY_LOOP_MAX) {
    // Unrolled by 16 bytes: the loop overhead, not the loads, dominates at this size.
    let i = 0
    for (; i + 16 <= length; i += 16) {
      const d = dstPos + i
      const s = srcPos + i
      dstView.setUint32(d, srcView.getUint32(s, true), true)
      dstView.setUint32(d + 4, srcView.getUint32(s + 4, true), true)
      dstView.setUint32(d + 8, srcView.getUint32(s + 8, true), true)
      dstView.setUint32(d + 12, srcView.getUint32(s + 12, true), true)
    }
    for (; i + 4 <= length; i += 4) dstView.setUint32(dstPos + i, srcView.getUint32(srcPos + i, true), true)
    for (; i < length; i++) dstView.setUint8(dstPos + i, srcView.getUint8(srcPos + i))
    return
  }
  if (dst === src) {
    dst.copyWithin(dstPos, srcPos, srcPos + length)
  } else if (srcPos === 0 && length === src.length) {
    dst.set(src, dstPos)
  } else {
    dst.set(src.subarray(srcPos, srcPos + length), dstPos)
  }
}
