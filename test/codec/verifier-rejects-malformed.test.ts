// Hand-made defects, each refused with its specific code and a key=value reason:
// wrong union types, offsets and vectors pointing outside, huge lengths, vtable
// loops and bad vtables, misalignment, limits, and ordo's message rules.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import { encodeFrame, encodePublish, FrameWriter, makeLimits, Verdict, verifyFrame, VerifyCode, type Limits } from '../../codec/index.js'
import * as g from '../../codec/ordo_generated.js'
import { readWithGenerated } from './helpers/checked-read.js'
import { deliverMessage, fastPublish, payloadOf } from './helpers/sample-frames.js'

const verdict = new Verdict()

function codeOf(bytes: Uint8Array, limits?: Limits): number {
  return verifyFrame(bytes, 0, bytes.length, limits, verdict)
}

function expectCode(bytes: Uint8Array, code: number, reason?: RegExp, limits?: Limits): void {
  assert.equal(codeOf(bytes, limits), code, `expected ${code}, got ${verdict.toString()}`)
  if (reason) assert.match(verdict.reason, reason)
}

function setU32(b: Uint8Array, pos: number, v: number): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint32(pos, v >>> 0, true)
  return b
}
function setU16(b: Uint8Array, pos: number, v: number): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint16(pos, v, true)
  return b
}

// fastPublish(1) layout (codec/frame-layout.ts): root 12, Frame vtable at 4, Frame
// table at 12, body uoffset at 16, body_type at 20, Publish vtable at 24, table at
// 32, messages uoffset at 36, count at 40, slot at 44, blob at 48 (table at 72).
const one = (): Uint8Array => fastPublish(1)
const BLOB = 48

test('union type NONE, unknown members, and an absent body are refused', () => {
  expectCode((() => { const b = one(); b[20] = 0; return b })(), VerifyCode.NO_BODY, /body_type=NONE/)
  expectCode((() => { const b = one(); b[20] = 15; return b })(), VerifyCode.UNKNOWN_BODY, /unknown body type: body_type=15, max=14/)
  expectCode((() => { const b = one(); b[20] = 255; return b })(), VerifyCode.UNKNOWN_BODY)
  expectCode(setU16(one(), 6 + 4, 0), VerifyCode.NO_BODY, /body=absent/) // Frame vtable slot of `body`
  assert.equal(verdict.bodyType, 5)
})

test('a wrong (known) union type is either refused or reads safely as that type', () => {
  for (let type = 1; type <= 13; type++) {
    const b = one()
    b[20] = type
    if (codeOf(b) === 0) assert.doesNotThrow(() => readWithGenerated(b), `type ${type}`)
    else assert.ok(verdict.reason.length > 0)
  }
  // Publish read as Heartbeat: its 4-byte field would be a misplaced u64.
  const b = one()
  b[20] = 12
  assert.notEqual(codeOf(b), 0)
})

test('offsets: zero, >= 2^31, or pointing outside the frame', () => {
  expectCode(setU32(one(), 0, 0), VerifyCode.BAD_OFFSET, /bad root offset: value=0/)
  expectCode(setU32(one(), 0, 0x80000000), VerifyCode.BAD_OFFSET)
  expectCode(setU32(one(), 0, 4096), VerifyCode.OUT_OF_BOUNDS, /table out of bounds: table=Frame/)
  expectCode(setU32(one(), 16, 0), VerifyCode.BAD_OFFSET, /field=body/)
  expectCode(setU32(one(), 16, 100000), VerifyCode.OUT_OF_BOUNDS, /offset out of bounds: field=body/)
  expectCode(setU32(one(), 36, 0xfffffff0), VerifyCode.BAD_OFFSET, /field=messages/)
  expectCode(setU32(one(), 44, 1 << 20), VerifyCode.OUT_OF_BOUNDS, /field=messages/)
})

test('huge vector lengths: limit codes first, then bounds', () => {
  expectCode(setU32(one(), 40, 0xffffffff), VerifyCode.TOO_MANY_MESSAGES, /too many messages: field=messages, count=4294967295, max=65536/)
  expectCode(setU32(one(), 40, 1000), VerifyCode.OUT_OF_BOUNDS, /vector out of bounds: field=messages, end=4044, size=/)
  // Payload length field of the blob (n = 1: at 84 + 12): canonical structure
  // breaks, so the general path reports it.
  expectCode(setU32(one(), BLOB + 96, 0xfffffff0), VerifyCode.PAYLOAD_TOO_LARGE, /payload too large: size=4294967280, max=1048576/)
  expectCode(setU32(one(), BLOB + 96, 5000), VerifyCode.OUT_OF_BOUNDS, /vector out of bounds: field=payload, end=\d+, size=\d+/)
  expectCode(setU32(one(), BLOB + 76, 0x10000000), VerifyCode.TOO_MANY_GROUPS, /too many groups: field=gseqs/)
})

test('vtable loops and bad vtables', () => {
  // soffset 0: the vtable would be the table itself (vtsize 0).
  expectCode(setU32(one(), 32, 0), VerifyCode.BAD_VTABLE, /bad vtable size: table=Publish, vtsize=0/)
  // soffset -4: vtable inside the table, vtsize 4 / tblsize 40 bytes: no fields, table ends past... still bounded.
  const loop = setU32(one(), 32, 0xfffffffc)
  const c = codeOf(loop)
  if (c === 0) assert.doesNotThrow(() => readWithGenerated(loop))
  // Frame vtable moved onto the root offset (vtsize 12, tblsize 0), or before the frame.
  expectCode(setU32(one(), 12, 12), VerifyCode.BAD_VTABLE, /bad table size: table=Frame, tblsize=0/)
  expectCode(setU32(one(), 12, 16), VerifyCode.OUT_OF_BOUNDS, /vtable out of bounds: table=Frame/)
  expectCode(setU32(one(), 12, 0x7fffffff), VerifyCode.OUT_OF_BOUNDS)
  expectCode(setU32(one(), 12, 0x80000000), VerifyCode.OUT_OF_BOUNDS)
  expectCode(setU16(one(), 4, 7), VerifyCode.BAD_VTABLE, /vtsize=7/)
  expectCode(setU16(one(), 4, 2), VerifyCode.BAD_VTABLE)
  expectCode(setU16(one(), 4, 0x8000), VerifyCode.BAD_VTABLE)
  expectCode(setU16(one(), 4, 4000), VerifyCode.OUT_OF_BOUNDS, /vtable out of bounds/)
  expectCode(setU16(one(), 6, 2), VerifyCode.BAD_VTABLE, /bad table size: table=Frame, tblsize=2/)
  expectCode(setU16(one(), 6, 30000), VerifyCode.OUT_OF_BOUNDS, /table out of bounds: table=Frame, end=/)
  // A field offset past its table's size.
  expectCode(setU16(one(), 10, 12), VerifyCode.BAD_FIELD, /field outside its table: field=body, offset=12, tblsize=12/)
  expectCode(setU16(one(), 10, 2), VerifyCode.BAD_FIELD)
})

test('misalignment relative to the frame start', () => {
  expectCode(setU32(one(), 0, 13), VerifyCode.MISALIGNED, /table misaligned: table=Frame/)
  // Move the body_type field: a u8 can be anywhere, so only a u32 move is caught.
  expectCode(setU16(one(), 10, 6), VerifyCode.MISALIGNED, /field misaligned: field=body/)
  // A Frame at an odd offset inside an array is fine; the same bytes shifted by 4
  // inside their own range are not (u64s land on 4 mod 8).
  const f = one()
  const shifted = new Uint8Array(f.length + 4)
  shifted.set(f, 4)
  setU32(shifted, 0, 16)
  assert.notEqual(codeOf(shifted), 0)
})

test('u64 message values >= 2^53 are refused', () => {
  const b = one()
  setU32(b, BLOB + 44, 0x00200000) // publisher hi word
  expectCode(b, VerifyCode.VALUE_TOO_LARGE, /value too large: field=publisher, hi=2097152/)
  const d = encodeFrame({ type: 'Deliver', subscription: 1, messages: [{ ...deliverMessage(1n, [1], 'x'), gseqs: [2n ** 60n] }], durableGsn: 0n })
  expectCode(d, VerifyCode.VALUE_TOO_LARGE, /field=gseqs/)
})

test('Publish messages must carry the stamp fields, 1..16 distinct groups, matching gseqs', () => {
  const bare = encodePublish([{ publisher: 1n, pseq: 1n, groups: [1], payload: payloadOf('x') }], { forceDefaults: false })
  expectCode(bare, VerifyCode.MISSING_STAMP_FIELDS, /field=gsn/)
  const w = new FrameWriter(new Uint8Array(4096))
  const p = payloadOf('abc')
  w.beginPublish(0, 1)
  w.addMessage(1, 1, [], 0, p, 0, 3)
  expectCode(w.target.slice(0, w.finish()), VerifyCode.NO_GROUPS, /message has no groups/)
  w.beginPublish(0, 1)
  w.addMessage(1, 1, [4, 5, 4], 3, p, 0, 3)
  expectCode(w.target.slice(0, w.finish()), VerifyCode.DUPLICATE_GROUP, /duplicate group: group=4, index=2/)
  const seventeen = Array.from({ length: 17 }, (_, i) => i)
  expectCode(encodePublish([{ publisher: 1n, pseq: 1n, groups: seventeen, payload: p }]), VerifyCode.TOO_MANY_GROUPS, /count=17, max=16/)
  const mismatch = encodeFrame({ type: 'Publish', messages: [{ gsn: 0n, publisher: 1n, pseq: 1n, groups: [1, 2], gseqs: [0n], time: 0n, payload: p }] })
  expectCode(mismatch, VerifyCode.GSEQS_MISMATCH, /gseqs=1, groups=2/)
  // A Deliver may omit fields, but gseqs, when present, must match groups.
  const dm = encodeFrame({ type: 'Deliver', subscription: 1, messages: [{ ...deliverMessage(1n, [1, 2], 'x'), gseqs: [1n] }], durableGsn: 0n })
  expectCode(dm, VerifyCode.GSEQS_MISMATCH)
})

test('limits: frame size, messages, payload, names, strings, depth', () => {
  const five = fastPublish(5)
  expectCode(five, VerifyCode.FRAME_TOO_LARGE, /frame too large: size=\d+, max=64/, makeLimits({ maxFrameBytes: 64 }))
  expectCode(five, VerifyCode.TOO_MANY_MESSAGES, /count=5, max=4/, makeLimits({ maxMessages: 4 }))
  expectCode(five, VerifyCode.PAYLOAD_TOO_LARGE, /payload too large: size=100, max=50/, makeLimits({ maxPayload: 50 }))
  expectCode(five, VerifyCode.TOO_MANY_GROUPS, /max=1/, makeLimits({ maxGroups: 1 }))
  expectCode(five, VerifyCode.TOO_DEEP, /table=Message, depth=3, max=2/, makeLimits({ maxDepth: 2 }))
  assert.equal(codeOf(encodeFrame({ type: 'Heartbeat', durableGsn: 1n }), makeLimits({ maxDepth: 2 })), 0)
  const resolve = encodeFrame({ type: 'ResolveGroups', names: ['a', 'b', 'c'], create: false })
  expectCode(resolve, VerifyCode.TOO_MANY_NAMES, /field=names, count=3, max=2/, makeLimits({ maxNames: 2 }))
  expectCode(encodeFrame({ type: 'ResolveGroups', names: ['x'.repeat(256)], create: false }), VerifyCode.NAME_TOO_LONG, /size=256, max=255/)
  assert.equal(codeOf(encodeFrame({ type: 'ResolveGroups', names: ['x'.repeat(255)], create: false })), 0)
  expectCode(encodeFrame({ type: 'Hello', token: 'x'.repeat(100), publisher: 0n }), VerifyCode.STRING_TOO_LONG, /field=token/, makeLimits({ maxStringBytes: 99 }))
  expectCode(encodeFrame({ type: 'Subscribe', id: 1, groups: [1, 2, 3], fromGsn: 0n, tentative: false }), VerifyCode.TOO_MANY_NAMES, /field=groups/, makeLimits({ maxNames: 2 }))
  expectCode(encodeFrame({ type: 'PublishAck', pseqs: [1n, 2n], gsns: [1n, 2n] }), VerifyCode.TOO_MANY_MESSAGES, /field=pseqs/, makeLimits({ maxMessages: 1 }))
})

test('strings: NUL terminator and UTF-8', () => {
  const hello = encodeFrame({ type: 'Hello', token: 'abc', publisher: 0n })
  const nul = hello.indexOf(0, hello.indexOf(0x63) + 1) // the byte after 'c'
  const noNul = hello.slice()
  noNul[nul] = 0x78
  expectCode(noNul, VerifyCode.BAD_STRING, /string not NUL-terminated: field=token/)
  const b = new flatbuffers.Builder(64)
  const bad = b.createString(new Uint8Array([0x6f, 0xc0, 0xaf])) // overlong '/'
  const names = g.ResolveGroups.createNamesVector(b, [bad])
  const body = g.ResolveGroups.createResolveGroups(b, names, true, 0)
  g.Frame.finishFrameBuffer(b, g.Frame.createFrame(b, g.Body.ResolveGroups, body))
  expectCode(b.asUint8Array().slice(), VerifyCode.BAD_STRING, /string not valid UTF-8: field=names/)
})

test('paired vectors must have equal lengths', () => {
  expectCode(encodeFrame({ type: 'Groups', names: ['a', 'b'], ids: [1] }), VerifyCode.LENGTH_MISMATCH, /table=Groups, names=2, ids=1/)
  expectCode(encodeFrame({ type: 'PublishAck', pseqs: [1n], gsns: [] }), VerifyCode.LENGTH_MISMATCH, /pseqs=1, gsns=0/)
})

test('bad ranges and trailing bytes', () => {
  const hb = encodeFrame({ type: 'Heartbeat', durableGsn: 1n })
  assert.equal(verifyFrame(hb, 0, hb.length + 1, undefined, verdict), VerifyCode.BAD_RANGE)
  assert.match(verdict.reason, /range outside the byte array/)
  assert.equal(verifyFrame(hb, -1, 8, undefined, verdict), VerifyCode.BAD_RANGE)
  assert.equal(verifyFrame(hb, 0, 4, undefined, verdict), VerifyCode.BAD_RANGE)
  assert.equal(verifyFrame(new Uint8Array(0), 0, 0, undefined, verdict), VerifyCode.BAD_RANGE)
  const padded = new Uint8Array(hb.length + 4)
  padded.set(hb)
  expectCode(padded, VerifyCode.TRUNCATED, /length not a multiple of alignment \(truncated\?\): length=\d+, align=8/)
})

test('failure position points at the defect, relative to the frame start', () => {
  const b = one()
  setU32(b, 44, 1 << 20)
  const big = new Uint8Array(b.length + 8)
  big.set(b, 8)
  assert.equal(verifyFrame(big, 8, b.length, undefined, verdict), VerifyCode.OUT_OF_BOUNDS)
  assert.equal(verdict.position, 44)
})
