// Verifier for untrusted ordo frames, single Message tables and sequences of
// canonical blobs. Checks every offset, vtable, vector and string of every table
// type in codec/ordo.fbs before any field is read, never reads outside
// [offset, offset + length), never throws, and does work linear in the input
// (bounded by the limits). Returns 0 or a VerifyCode; details go to a reusable
// Verdict (codec/verdict.ts).
import { canonicalBlobLength } from './blob.js'
import { BodyType, MAX_BODY_TYPE } from './body-type.js'
import { viewOf } from './byte-view.js'
import { DEFAULT_LIMITS, type Limits } from './limits.js'
import { verifyMessageTable } from './message-verifier.js'
import { CodecResult } from './results.js'
import { Verdict } from './verdict.js'
import {
  beginVerify,
  checkField,
  checkLengthAlignment,
  checkString,
  checkTable,
  checkVector,
  deref,
  fail,
  st,
} from './verifier-core.js'
import { VerifyCode } from './verify-codes.js'

// Field kinds of the body tables.
const BOOL = 1
const U32 = 2
const U64 = 3
const STRING = 4
const NAMES = 5
const IDS = 6
const U64S = 7
const MESSAGES = 8

interface FieldSpec {
  readonly kind: number
  readonly name: string
}

function f(kind: number, name: string): FieldSpec {
  return { kind, name }
}

/** Fields of each body table in schema order, indexed by BodyType. */
const BODY_FIELDS: readonly (readonly FieldSpec[])[] = [
  [], // NONE
  [f(STRING, 'token'), f(U64, 'publisher')], // Hello
  [f(U64, 'publisher'), f(U32, 'max_payload'), f(U32, 'max_groups'), f(U64, 'durable_gsn'), f(STRING, 'node'), f(STRING, 'role'), f(STRING, 'leader_url'), f(U64, 'epoch')], // Welcome
  [f(NAMES, 'names'), f(BOOL, 'create'), f(IDS, 'ids')], // ResolveGroups
  [f(NAMES, 'names'), f(IDS, 'ids')], // Groups
  [f(MESSAGES, 'messages')], // Publish
  [f(U64S, 'pseqs'), f(U64S, 'gsns')], // PublishAck
  [f(U32, 'id'), f(IDS, 'groups'), f(U64, 'from_gsn'), f(BOOL, 'tentative'), f(STRING, 'name'), f(U32, 'ack_policy'), f(U32, 'ack_wait_ms'), f(U64, 'seen_epoch')], // Subscribe
  [f(U32, 'id'), f(U64, 'next_gsn'), f(U64, 'acked_gsn')], // Subscribed
  [f(U32, 'subscription'), f(MESSAGES, 'messages'), f(U64, 'durable_gsn')], // Deliver
  [f(U32, 'id')], // Unsubscribe
  [f(U32, 'subscription'), f(U64, 'gsn')], // Ack
  [f(U64, 'durable_gsn'), f(U64, 'stable_gsn')], // Heartbeat
  [f(U32, 'code'), f(STRING, 'message'), f(U64, 'ref'), f(STRING, 'leader_url'), f(U32, 'subscription')], // Error
  [f(U32, 'subscription'), f(U64, 'from_gsn'), f(U64, 'to_gsn')], // Withdrawn
]

const BODY_NAMES: readonly string[] = Object.keys(BodyType)

/** Vector lengths of the fields of the body being verified (-1 = absent), for the paired-length rules. */
const fieldLengths = new Int32Array(8)

const defaultVerdict = new Verdict()

/**
 * Verifies the Frame at bytes[offset, offset + length). Returns 0 (OK) or a
 * VerifyCode; `verdict` receives the code, body type, message count, and on
 * failure the position and reason.
 */
export function verifyFrame(
  bytes: Uint8Array,
  offset: number,
  length: number,
  limits: Limits = DEFAULT_LIMITS,
  verdict: Verdict = defaultVerdict,
): number {
  if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
    verdict.reset()
    verdict.code = VerifyCode.BAD_RANGE
    verdict.reason = `range outside the byte array: offset=${offset}, length=${length}, size=${bytes.length}`
    return verdict.code
  }
  beginVerify(bytes, viewOf(bytes), offset, offset + length, limits, verdict)
  if (length > limits.maxFrameBytes) {
    fail(VerifyCode.FRAME_TOO_LARGE, -1, `frame too large: size=${length}, max=${limits.maxFrameBytes}`)
    return verdict.code
  }
  if (length < 8) {
    fail(VerifyCode.BAD_RANGE, -1, `frame too short: size=${length}, min=8`)
    return verdict.code
  }
  if (verifyFrameTable() < 0 || checkLengthAlignment() < 0) return verdict.code
  verdict.frame = bytes
  verdict.frameOffset = offset
  verdict.frameLength = length
  verdict.allCanonical = st.canonicalCount === verdict.messageCount
  return 0
}

function verifyFrameTable(): number {
  const view = st.view
  const root = view.getUint32(st.base, true)
  if (root === 0 || root > 0x7fffffff) return fail(VerifyCode.BAD_OFFSET, st.base, `bad root offset: value=${root}`)
  const frame = st.base + root
  const vt = checkTable(frame, 1, 'Frame')
  if (vt < 0) return -1
  const typePos = checkField(frame, vt, 0, 1, 'body_type')
  if (typePos < 0) return -1
  const bodyPos = checkField(frame, vt, 1, 4, 'body')
  if (bodyPos < 0) return -1
  const type = typePos > 0 ? view.getUint8(typePos) : BodyType.NONE
  st.verdict.bodyType = type
  if (type === BodyType.NONE) return fail(VerifyCode.NO_BODY, frame, 'frame has no body: body_type=NONE')
  if (type > MAX_BODY_TYPE) return fail(VerifyCode.UNKNOWN_BODY, typePos, `unknown body type: body_type=${type}, max=${MAX_BODY_TYPE}`)
  if (bodyPos === 0) return fail(VerifyCode.NO_BODY, frame, `frame has no body: body_type=${BODY_NAMES[type]}, body=absent`)
  const body = deref(bodyPos, 'body')
  if (body < 0) return -1
  return verifyBody(body, type)
}

function verifyBody(tablePos: number, type: number): number {
  const name = BODY_NAMES[type]!
  const vt = checkTable(tablePos, 2, name)
  if (vt < 0) return -1
  const fields = BODY_FIELDS[type]!
  const lim = st.limits
  for (let i = 0; i < fields.length; i++) {
    const spec = fields[i]!
    fieldLengths[i] = -1
    let p: number
    switch (spec.kind) {
      case BOOL:
        p = checkField(tablePos, vt, i, 1, spec.name)
        break
      case U32:
        p = checkField(tablePos, vt, i, 4, spec.name)
        break
      case U64:
        p = checkField(tablePos, vt, i, 8, spec.name)
        break
      default: {
        p = checkField(tablePos, vt, i, 4, spec.name)
        if (p > 0) {
          const len = verifyOffsetField(p, spec, type, lim)
          if (len < 0) return -1
          fieldLengths[i] = len
        }
      }
    }
    if (p < 0) return -1
  }
  if (type === BodyType.Groups || type === BodyType.PublishAck) {
    // Paired vectors; an absent vector reads as length 0 in the generated readers.
    const a = Math.max(fieldLengths[0]!, 0)
    const b = Math.max(fieldLengths[1]!, 0)
    if (a !== b) return fail(VerifyCode.LENGTH_MISMATCH, tablePos, `paired vectors differ in length: table=${name}, ${fields[0]!.name}=${a}, ${fields[1]!.name}=${b}`)
  }
  return 0
}

/** Verifies the vector or string whose uoffset is at p; returns its length or -1. */
function verifyOffsetField(p: number, spec: FieldSpec, type: number, lim: Limits): number {
  switch (spec.kind) {
    case STRING: {
      const s = checkString(p, lim.maxStringBytes, VerifyCode.STRING_TOO_LONG, spec.name)
      return s < 0 ? -1 : st.view.getUint32(s, true)
    }
    case NAMES: {
      const vec = checkVector(p, 4, lim.maxNames, VerifyCode.TOO_MANY_NAMES, spec.name)
      if (vec < 0) return -1
      const n = st.vecLen
      for (let i = 0; i < n; i++) {
        if (checkString(vec + 4 + 4 * i, lim.maxNameBytes, VerifyCode.NAME_TOO_LONG, spec.name) < 0) return -1
      }
      return n
    }
    case IDS:
      return checkVector(p, 4, lim.maxNames, VerifyCode.TOO_MANY_NAMES, spec.name) < 0 ? -1 : st.vecLen
    case U64S:
      return checkVector(p, 8, lim.maxMessages, VerifyCode.TOO_MANY_MESSAGES, spec.name) < 0 ? -1 : st.vecLen
    case MESSAGES: {
      const vec = checkVector(p, 4, lim.maxMessages, VerifyCode.TOO_MANY_MESSAGES, spec.name)
      if (vec < 0) return -1
      const n = st.vecLen
      const forPublish = type === BodyType.Publish
      st.ownedBytes = 0
      for (let i = 0; i < n; i++) {
        const table = deref(vec + 4 + 4 * i, 'messages')
        if (table < 0 || verifyMessageTable(table, 3, forPublish) < 0) return -1
      }
      // One frame must not stand for many times its size in the journal or on the
      // wire: messages that share a table or vector (every one pointing at one large
      // payload, say) are refused, whatever the payload and message limits say.
      const owned = st.ownedBytes + 4 * n
      if (owned > st.end - st.base) {
        return fail(VerifyCode.ALIASED_MESSAGES, vec, `messages share bytes: owned=${owned}, frame=${st.end - st.base} (a message table or vector is referenced more than once)`)
      }
      st.verdict.messageCount = n
      return n
    }
    default:
      return fail(VerifyCode.BAD_FIELD, p, `unknown field kind: field=${spec.name}`)
  }
}

/**
 * Verifies one Message table at tablePos whose references must stay inside
 * bytes[start, end) (alignment relative to start). `forPublish` adds the rules
 * of a Publish message (stamp fields present, 1..maxGroups distinct groups).
 */
export function verifyMessage(
  bytes: Uint8Array,
  start: number,
  end: number,
  tablePos: number,
  limits: Limits = DEFAULT_LIMITS,
  verdict: Verdict = defaultVerdict,
  forPublish = false,
): number {
  if (!(start >= 0 && start <= end && end <= bytes.length)) {
    verdict.reset()
    verdict.code = VerifyCode.BAD_RANGE
    verdict.reason = `range outside the byte array: start=${start}, end=${end}, size=${bytes.length}`
    return verdict.code
  }
  beginVerify(bytes, viewOf(bytes), start, end, limits, verdict)
  if (verifyMessageTable(tablePos, 1, forPublish) < 0) return verdict.code
  verdict.messageCount = 1
  return 0
}

/**
 * Verifies bytes[pos, end) as canonical blobs back to back (an ingress ring
 * record or a journal batch): each well-formed, u64 values < 2^53, 1..maxGroups
 * distinct groups, payload <= maxPayload. verdict.messageCount = blob count.
 */
export function verifyBlobs(
  bytes: Uint8Array,
  pos: number,
  end: number,
  limits: Limits = DEFAULT_LIMITS,
  verdict: Verdict = defaultVerdict,
): number {
  if (!(pos >= 0 && pos <= end && end <= bytes.length)) {
    verdict.reset()
    verdict.code = VerifyCode.BAD_RANGE
    verdict.reason = `range outside the byte array: pos=${pos}, end=${end}, size=${bytes.length}`
    return verdict.code
  }
  beginVerify(bytes, viewOf(bytes), pos, end, limits, verdict)
  let p = pos
  let count = 0
  while (p < end) {
    const length = canonicalBlobLength(bytes, p, end, limits.maxGroups)
    if (length < 0) {
      const code =
        length === CodecResult.TOO_MANY_GROUPS ? VerifyCode.TOO_MANY_GROUPS : length === CodecResult.TRUNCATED ? VerifyCode.OUT_OF_BOUNDS : VerifyCode.NOT_CANONICAL
      fail(code, p, `not a canonical blob: index=${count}, pos=${p - pos}, result=${length}`)
      return verdict.code
    }
    // The structure is canonical; the value rules and limits (payload size,
    // u64 range, distinct groups) are those of a Publish message.
    if (verifyMessageTable(p + 24, 1, true) < 0) return verdict.code
    count++
    p += length
  }
  verdict.messageCount = count
  return 0
}
