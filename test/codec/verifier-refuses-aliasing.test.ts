// One frame must not stand for many times its size: a Publish whose messages
// share one payload vector (or whose messages vector names one table many
// times) passed the verifier: a frame of a hundred-odd KB became 1 800
// messages and 7.5 MB of journal. The verifier now counts the bytes each message owns (its
// table and vectors) and refuses a frame where they add up to more than the
// frame: ALIASED_MESSAGES. Frames from a Builder and from FrameWriter, which
// share vtables only, still pass.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import { encodePublish, FrameWriter, makeLimits, Verdict, verifyFrame, VerifyCode } from '../../codec/index.js'
import * as g from '../../codec/ordo_generated.js'

const verdict = new Verdict()
const limits = makeLimits({ maxFrameBytes: 8 * 1024 * 1024, maxPayload: 1024 * 1024 })

/** A Publish frame of `count` messages built with the Builder; `share` picks what they have in common. */
function publishFrame(count: number, payloadBytes: number, share: 'payload' | 'table' | 'nothing'): Uint8Array {
  const b = new flatbuffers.Builder(1024)
  b.forceDefaults(true)
  const build = (payload: number): number => {
    const gseqs = g.Message.createGseqsVector(b, [0n])
    const groups = g.Message.createGroupsVector(b, [1])
    return g.Message.createMessage(b, 0n, 7n, 1n, groups, gseqs, 0n, payload)
  }
  const offsets: number[] = []
  if (share === 'payload') {
    const payload = b.createByteVector(new Uint8Array(payloadBytes).fill(0x61))
    for (let i = 0; i < count; i++) offsets.push(build(payload))
  } else if (share === 'table') {
    const t = build(b.createByteVector(new Uint8Array(payloadBytes).fill(0x62)))
    for (let i = 0; i < count; i++) offsets.push(t)
  } else {
    for (let i = 0; i < count; i++) offsets.push(build(b.createByteVector(new Uint8Array(payloadBytes).fill(0x63))))
  }
  const messages = g.Publish.createMessagesVector(b, offsets)
  const body = g.Publish.createPublish(b, messages)
  g.Frame.finishFrameBuffer(b, g.Frame.createFrame(b, g.Body.Publish, body))
  return b.asUint8Array().slice()
}

test('messages sharing one payload vector are refused (a 140 KB frame standing for 7.5 MB)', () => {
  const frame = publishFrame(1800, 4096, 'payload')
  assert.ok(frame.length < 150_000, `frame is ${frame.length} bytes`)
  const code = verifyFrame(frame, 0, frame.length, limits, verdict)
  assert.equal(code, VerifyCode.ALIASED_MESSAGES, verdict.toString())
  assert.match(verdict.reason, /messages share bytes: owned=\d+, frame=\d+/)
})

test('a messages vector naming one table many times is refused, even with an empty payload', () => {
  for (const payloadBytes of [0, 1000]) {
    const frame = publishFrame(5000, payloadBytes, 'table')
    const code = verifyFrame(frame, 0, frame.length, limits, verdict)
    assert.equal(code, VerifyCode.ALIASED_MESSAGES, `payload ${payloadBytes}: ${verdict.toString()}`)
  }
})

test('two messages sharing a payload are refused; frames that share nothing pass', () => {
  assert.equal(verifyFrame(publishFrame(2, 4096, 'payload'), 0, publishFrame(2, 4096, 'payload').length, limits, verdict), VerifyCode.ALIASED_MESSAGES)
  for (const [count, size] of [[1, 0], [1, 5000], [3000, 0], [3000, 17], [200, 4096]] as const) {
    const frame = publishFrame(count, size, 'nothing')
    assert.equal(verifyFrame(frame, 0, frame.length, limits, verdict), 0, `${count} x ${size}: ${verdict.toString()}`)
  }
})

test('Builder and FrameWriter frames of many messages still pass', () => {
  const msgs = Array.from({ length: 2000 }, (_, i) => ({ publisher: 9n, pseq: BigInt(i + 1), groups: [1, 2, 3].slice(0, 1 + (i % 3)), payload: new Uint8Array(i % 50) }))
  const built = encodePublish(msgs)
  assert.equal(verifyFrame(built, 0, built.length, limits, verdict), 0, verdict.toString())
  const buf = new Uint8Array(1024 * 1024)
  const w = new FrameWriter(buf)
  w.beginPublish(0, msgs.length)
  for (const m of msgs) w.addMessage(9, Number(m.pseq), m.groups, m.groups.length, m.payload, 0, m.payload.length)
  const n = w.finish()
  assert.equal(verifyFrame(buf, 0, n, limits, verdict), 0, verdict.toString())
})
