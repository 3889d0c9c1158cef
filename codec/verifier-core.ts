// Primitives of the FlatBuffers verifier: tables, vtables, fields, offsets,
// vectors and strings, each checked before anything is read through it. The
// flatbuffers JS runtime has no verifier; this follows the rules of the C++
// one (flatbuffers/verifier.h: VerifyTableStart, VerifyField, VerifyOffset,
// VerifyVectorOrString) plus a few of our own, marked "ordo:" below.
//
// One verification runs at a time per thread and never calls out, so the state
// lives in one module-level object instead of being threaded through every
// call; that keeps the primitives small and allocation-free. Every primitive
// returns a non-negative position on success and -1 after recording the defect
// in the verdict; reasons are built only on that failure path.
import { DEFAULT_LIMITS, type Limits } from './limits.js'
import { isValidUtf8 } from './utf8.js'
import { Verdict } from './verdict.js'
import { VerifyCode } from './verify-codes.js'

const EMPTY = new Uint8Array(8)

class VerifyState {
  bytes: Uint8Array = EMPTY
  view: DataView = new DataView(EMPTY.buffer)
  /** Start of the verified range: alignment is relative to it, as in a FlatBuffer. */
  base = 0
  /** End of the verified range (exclusive). */
  end = 0
  limits: Limits = DEFAULT_LIMITS
  verdict: Verdict = new Verdict()
  /** Largest alignment of anything referenced (see checkLengthAlignment). */
  maxAlign = 1
  /** Length of the vector checked last by vector(). */
  vecLen = 0
  /** Messages that took the canonical fast path (whole blob inside the range). */
  canonicalCount = 0
  /**
   * Bytes the messages of a messages vector own: their tables and vectors (not the
   * vtables, which builders share). Without aliasing these lie apart inside the
   * frame, so they cannot add up to more than it.
   */
  ownedBytes = 0
}

export const st = new VerifyState()

export function beginVerify(bytes: Uint8Array, view: DataView, base: number, end: number, limits: Limits, verdict: Verdict): void {
  st.bytes = bytes
  st.view = view
  st.base = base
  st.end = end
  st.limits = limits
  st.verdict = verdict
  st.maxAlign = 1
  st.vecLen = 0
  st.canonicalCount = 0
  st.ownedBytes = 0
  verdict.reset()
}

/** Records a defect; returns -1 so callers can `return fail(...)`. */
export function fail(code: number, pos: number, reason: string): -1 {
  const v = st.verdict
  v.code = code
  v.position = pos < 0 ? -1 : pos - st.base
  v.reason = reason
  return -1
}

function rel(pos: number): number {
  return pos - st.base
}

/**
 * Checks the table at tablePos and its vtable. Returns the vtable position or -1.
 * ordo: vtable and table sizes are capped at 32767 because the generated
 * TypeScript readers read them as signed 16-bit values.
 */
export function checkTable(tablePos: number, depth: number, name: string): number {
  const lim = st.limits
  if (depth > lim.maxDepth) return fail(VerifyCode.TOO_DEEP, tablePos, `tables nested too deep: table=${name}, depth=${depth}, max=${lim.maxDepth}`)
  const base = st.base
  const end = st.end
  if (tablePos < base || tablePos + 4 > end) return fail(VerifyCode.OUT_OF_BOUNDS, tablePos, `table out of bounds: table=${name}, pos=${rel(tablePos)}, size=${end - base}`)
  if (((tablePos - base) & 3) !== 0) return fail(VerifyCode.MISALIGNED, tablePos, `table misaligned: table=${name}, pos=${rel(tablePos)}`)
  const view = st.view
  const vt = tablePos - view.getInt32(tablePos, true)
  if (vt < base || vt + 4 > end) return fail(VerifyCode.OUT_OF_BOUNDS, tablePos, `vtable out of bounds: table=${name}, vtable=${rel(vt)}, size=${end - base}`)
  if (((vt - base) & 1) !== 0) return fail(VerifyCode.MISALIGNED, vt, `vtable misaligned: table=${name}, vtable=${rel(vt)}`)
  const vtsize = view.getUint16(vt, true)
  if (vtsize < 4 || (vtsize & 1) !== 0 || vtsize > 0x7fff) return fail(VerifyCode.BAD_VTABLE, vt, `bad vtable size: table=${name}, vtsize=${vtsize}`)
  if (vt + vtsize > end) return fail(VerifyCode.OUT_OF_BOUNDS, vt, `vtable out of bounds: table=${name}, end=${rel(vt + vtsize)}, size=${end - base}`)
  const tblsize = view.getUint16(vt + 2, true)
  if (tblsize < 4 || tblsize > 0x7fff) return fail(VerifyCode.BAD_VTABLE, vt, `bad table size: table=${name}, tblsize=${tblsize}`)
  if (tablePos + tblsize > end) return fail(VerifyCode.OUT_OF_BOUNDS, tablePos, `table out of bounds: table=${name}, end=${rel(tablePos + tblsize)}, size=${end - base}`)
  if (st.maxAlign < 4) st.maxAlign = 4
  return vt
}

/**
 * Position of field `index` of the table (vtable vt), 0 when absent, -1 when
 * the field lies outside its table or is misaligned for its `size` (1, 2, 4, 8).
 * ordo: the field must also fit inside the table's declared size.
 */
export function checkField(tablePos: number, vt: number, index: number, size: number, name: string): number {
  const view = st.view
  const vo = 4 + 2 * index
  if (vo >= view.getUint16(vt, true)) return 0
  const off = view.getUint16(vt + vo, true)
  if (off === 0) return 0
  const tblsize = view.getUint16(vt + 2, true)
  if (off < 4 || off + size > tblsize) return fail(VerifyCode.BAD_FIELD, vt + vo, `field outside its table: field=${name}, offset=${off}, tblsize=${tblsize}`)
  const p = tablePos + off
  if (((p - st.base) & (size - 1)) !== 0) return fail(VerifyCode.MISALIGNED, p, `field misaligned: field=${name}, pos=${rel(p)}, align=${size}`)
  if (size > st.maxAlign) st.maxAlign = size
  return p
}

/** Follows the uoffset stored at p (already checked); returns the target or -1. */
export function deref(p: number, name: string): number {
  const uo = st.view.getUint32(p, true)
  if (uo === 0 || uo > 0x7fffffff) return fail(VerifyCode.BAD_OFFSET, p, `bad offset: field=${name}, value=${uo}`)
  const t = p + uo
  if (t + 4 > st.end) return fail(VerifyCode.OUT_OF_BOUNDS, p, `offset out of bounds: field=${name}, target=${rel(t)}, size=${st.end - st.base}`)
  return t
}

/**
 * Checks the vector whose uoffset is at p: alignment, length <= maxLen (else
 * `limitCode`), elements inside the range (8-byte elements 8-aligned).
 * Returns the position of its length field and sets st.vecLen, or -1.
 */
export function checkVector(p: number, elemSize: number, maxLen: number, limitCode: number, name: string): number {
  const t = deref(p, name)
  if (t < 0) return -1
  if (((t - st.base) & 3) !== 0) return fail(VerifyCode.MISALIGNED, t, `vector misaligned: field=${name}, pos=${rel(t)}`)
  const len = st.view.getUint32(t, true)
  if (len > maxLen) return fail(limitCode, t, limitReason(limitCode, name, len, maxLen))
  const data = t + 4
  if (elemSize === 8) {
    if (((data - st.base) & 7) !== 0) return fail(VerifyCode.MISALIGNED, data, `vector elements misaligned: field=${name}, pos=${rel(data)}, align=8`)
    st.maxAlign = 8
  }
  const vend = data + len * elemSize
  if (vend > st.end) return fail(VerifyCode.OUT_OF_BOUNDS, t, `vector out of bounds: field=${name}, end=${rel(vend)}, size=${st.end - st.base}`)
  st.vecLen = len
  return t
}

/**
 * Checks the string whose uoffset is at p: length <= maxBytes (else
 * `limitCode`), bytes and NUL terminator inside the range, valid UTF-8.
 * Returns the position of its length field or -1.
 */
export function checkString(p: number, maxBytes: number, limitCode: number, name: string): number {
  const t = deref(p, name)
  if (t < 0) return -1
  if (((t - st.base) & 3) !== 0) return fail(VerifyCode.MISALIGNED, t, `string misaligned: field=${name}, pos=${rel(t)}`)
  const len = st.view.getUint32(t, true)
  if (len > maxBytes) return fail(limitCode, t, limitReason(limitCode, name, len, maxBytes))
  const data = t + 4
  if (data + len + 1 > st.end) return fail(VerifyCode.OUT_OF_BOUNDS, t, `string out of bounds: field=${name}, end=${rel(data + len + 1)}, size=${st.end - st.base}`)
  if (st.bytes[data + len] !== 0) return fail(VerifyCode.BAD_STRING, data + len, `string not NUL-terminated: field=${name}, pos=${rel(t)}`)
  if (!isValidUtf8(st.bytes, data, data + len)) return fail(VerifyCode.BAD_STRING, data, `string not valid UTF-8: field=${name}, pos=${rel(t)}`)
  return t
}

/** ordo: u64 message fields must be below 2^53 (exact as JS Numbers). 0 or -1. */
export function checkU53(p: number, name: string): number {
  const hi = st.view.getUint32(p + 4, true)
  if (hi > 0x1fffff) return fail(VerifyCode.VALUE_TOO_LARGE, p, `value too large: field=${name}, hi=${hi}, max=2^53-1`)
  return 0
}

/**
 * ordo: a FlatBuffers builder pads the finished buffer to its largest
 * alignment (`minalign`), so a frame whose length is not a multiple of the
 * largest alignment of what it references was cut short: trailing padding
 * could otherwise be lost without any referenced byte going missing.
 */
export function checkLengthAlignment(): number {
  const length = st.end - st.base
  if (length % st.maxAlign !== 0) return fail(VerifyCode.TRUNCATED, st.end, `length not a multiple of alignment (truncated?): length=${length}, align=${st.maxAlign}`)
  return 0
}

function limitReason(code: number, name: string, value: number, max: number): string {
  switch (code) {
    case VerifyCode.PAYLOAD_TOO_LARGE:
      return `payload too large: size=${value}, max=${max}`
    case VerifyCode.TOO_MANY_GROUPS:
      return `too many groups: field=${name}, count=${value}, max=${max}`
    case VerifyCode.TOO_MANY_MESSAGES:
      return `too many messages: field=${name}, count=${value}, max=${max}`
    case VerifyCode.TOO_MANY_NAMES:
      return `too many entries: field=${name}, count=${value}, max=${max}`
    case VerifyCode.NAME_TOO_LONG:
      return `name too long: field=${name}, size=${value}, max=${max}`
    case VerifyCode.STRING_TOO_LONG:
      return `string too long: field=${name}, size=${value}, max=${max}`
    default:
      return `limit exceeded: field=${name}, value=${value}, max=${max}`
  }
}
