// Verification of one `Message` table (codec/ordo.fbs) inside a range set up
// by beginVerify (codec/verifier-core.ts). Canonical blobs, which is what our
// own encoders write, take a fixed-offset fast path; anything else takes the
// general vtable walk, which is also where every defect gets its precise code.
// Both paths accept exactly the same messages.
import { GSEQS_UOFFSET, TABLE_POS, VTABLE_LAST_FIELD, VTABLE_WORD0, VTABLE_WORD1, VTABLE_WORD2, VTABLE_WORD3 } from './message-layout.js'
import { checkField, checkTable, checkU53, checkVector, fail, st } from './verifier-core.js'
import { VerifyCode } from './verify-codes.js'

// Field indexes of Message in schema order.
const F_GSN = 0
const F_PUBLISHER = 1
const F_PSEQ = 2
const F_GROUPS = 3
const F_GSEQS = 4
const F_TIME = 5
const F_PAYLOAD = 6

/**
 * Verifies the Message table at tablePos. `forPublish` adds the rules for
 * messages on their way to the sequencer: gsn, time and gseqs present (so they
 * can be stamped in place), 1..maxGroups distinct groups. Returns 0 or -1.
 */
export function verifyMessageTable(tablePos: number, depth: number, forPublish: boolean): number {
  const r = verifyCanonicalFast(tablePos, depth, forPublish)
  if (r !== 1) return r
  return verifyGeneral(tablePos, depth, forPublish)
}

/** 0 = valid canonical blob, -1 = defect recorded, 1 = not canonical: use the general path. */
function verifyCanonicalFast(tablePos: number, depth: number, forPublish: boolean): number {
  const blob = tablePos - TABLE_POS
  const base = st.base
  const end = st.end
  if (blob < base || ((blob - base) & 7) !== 0 || blob + 88 > end || depth > st.limits.maxDepth) return 1
  const v = st.view
  if (
    v.getInt32(tablePos, true) !== TABLE_POS ||
    v.getUint32(blob, true) !== VTABLE_WORD0 ||
    v.getUint32(blob + 4, true) !== VTABLE_WORD1 ||
    v.getUint32(blob + 8, true) !== VTABLE_WORD2 ||
    v.getUint32(blob + 12, true) !== VTABLE_WORD3 ||
    v.getUint16(blob + 16, true) !== VTABLE_LAST_FIELD ||
    v.getUint32(blob + 64, true) !== GSEQS_UOFFSET
  ) {
    return 1
  }
  const n = v.getUint32(blob + 76, true)
  if (n > st.limits.maxGroups || blob + 88 + 12 * n > end) return 1
  if (v.getUint32(blob + 28, true) !== 52 + 8 * n || v.getUint32(blob + 68, true) !== 16 + 12 * n || v.getUint32(blob + 80 + 8 * n, true) !== n) return 1
  const payloadLength = v.getUint32(blob + 84 + 12 * n, true)
  // The whole blob, tail padding included, must lie in the range for the
  // message to count as canonical (MessageCursor then copies it as is).
  if (payloadLength > st.limits.maxPayload || blob + ((88 + 12 * n + payloadLength + 7) & ~7) > end) return 1
  // Structure is canonical and in bounds: only value rules remain. The high
  // words of all u64s are OR-ed so the common case is one branch.
  let hi = v.getUint32(blob + 36, true) | v.getUint32(blob + 44, true) | v.getUint32(blob + 52, true) | v.getUint32(blob + 60, true)
  for (let i = 0; i < n; i++) hi |= v.getUint32(blob + 84 + 8 * i, true)
  if ((hi >>> 0) > 0x1fffff) return reportU53(blob, n)
  st.maxAlign = 8
  if (forPublish && checkGroupSet(blob + 84 + 8 * n, n, tablePos) < 0) return -1
  st.canonicalCount++
  st.ownedBytes += (88 + 12 * n + payloadLength + 7) & ~7
  return 0
}

/** Names the first u64 >= 2^53 of a canonical blob (failure path only). */
function reportU53(blob: number, n: number): number {
  if (checkU53(blob + 32, 'gsn') < 0 || checkU53(blob + 40, 'publisher') < 0 || checkU53(blob + 48, 'pseq') < 0 || checkU53(blob + 56, 'time') < 0) return -1
  for (let i = 0; i < n; i++) if (checkU53(blob + 80 + 8 * i, 'gseqs') < 0) return -1
  return -1
}

function verifyGeneral(tablePos: number, depth: number, forPublish: boolean): number {
  const vt = checkTable(tablePos, depth, 'Message')
  if (vt < 0) return -1
  const gsn = checkField(tablePos, vt, F_GSN, 8, 'gsn')
  if (gsn < 0) return -1
  const publisher = checkField(tablePos, vt, F_PUBLISHER, 8, 'publisher')
  if (publisher < 0) return -1
  const pseq = checkField(tablePos, vt, F_PSEQ, 8, 'pseq')
  if (pseq < 0) return -1
  const groups = checkField(tablePos, vt, F_GROUPS, 4, 'groups')
  if (groups < 0) return -1
  const gseqs = checkField(tablePos, vt, F_GSEQS, 4, 'gseqs')
  if (gseqs < 0) return -1
  const time = checkField(tablePos, vt, F_TIME, 8, 'time')
  if (time < 0) return -1
  const payload = checkField(tablePos, vt, F_PAYLOAD, 4, 'payload')
  if (payload < 0) return -1

  if (gsn > 0 && checkU53(gsn, 'gsn') < 0) return -1
  if (publisher > 0 && checkU53(publisher, 'publisher') < 0) return -1
  if (pseq > 0 && checkU53(pseq, 'pseq') < 0) return -1
  if (time > 0 && checkU53(time, 'time') < 0) return -1

  const maxGroups = st.limits.maxGroups
  let n = 0
  let groupsVec = 0
  if (groups > 0) {
    groupsVec = checkVector(groups, 4, maxGroups, VerifyCode.TOO_MANY_GROUPS, 'groups')
    if (groupsVec < 0) return -1
    n = st.vecLen
  }
  let m = 0
  if (gseqs > 0) {
    const gseqsVec = checkVector(gseqs, 8, maxGroups, VerifyCode.TOO_MANY_GROUPS, 'gseqs')
    if (gseqsVec < 0) return -1
    m = st.vecLen
    for (let i = 0; i < m; i++) if (checkU53(gseqsVec + 4 + 8 * i, 'gseqs') < 0) return -1
  }
  let payloadLength = 0
  if (payload > 0) {
    if (checkVector(payload, 1, st.limits.maxPayload, VerifyCode.PAYLOAD_TOO_LARGE, 'payload') < 0) return -1
    payloadLength = st.vecLen
  }
  // What this message owns: its table and its three vectors (length words included).
  st.ownedBytes += st.view.getUint16(vt + 2, true) + (groups > 0 ? 4 + 4 * n : 0) + (gseqs > 0 ? 4 + 8 * m : 0) + (payload > 0 ? 4 + payloadLength : 0)

  if (forPublish && (gsn === 0 || time === 0 || gseqs === 0)) {
    const missing = gsn === 0 ? 'gsn' : time === 0 ? 'time' : 'gseqs'
    return fail(VerifyCode.MISSING_STAMP_FIELDS, tablePos, `publish message lacks a field the sequencer stamps (write defaults explicitly): field=${missing}`)
  }
  if (gseqs > 0 && m !== n) return fail(VerifyCode.GSEQS_MISMATCH, tablePos, `gseqs length differs from groups length: gseqs=${m}, groups=${n}`)
  if (forPublish) return checkGroupSet(groupsVec + 4, n, tablePos)
  return 0
}

/** 1..maxGroups distinct group ids at pos (n u32s). 0 or -1. */
function checkGroupSet(pos: number, n: number, tablePos: number): number {
  if (n === 0) return fail(VerifyCode.NO_GROUPS, tablePos, 'message has no groups: count=0, min=1')
  const v = st.view
  for (let i = 1; i < n; i++) {
    const g = v.getUint32(pos + 4 * i, true)
    for (let j = 0; j < i; j++) {
      if (v.getUint32(pos + 4 * j, true) === g) return fail(VerifyCode.DUPLICATE_GROUP, pos + 4 * i, `duplicate group: group=${g}, index=${i}`)
    }
  }
  return 0
}
