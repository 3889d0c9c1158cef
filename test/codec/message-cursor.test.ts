// MessageCursor reads the same values as the generated readers, for canonical
// (fast) and non-canonical (Builder) frames, and for runs of blobs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeFrame, MessageCursor, NOT_MESSAGE_FRAME, verifyBlobs, encodeHeartbeat, Verdict } from '../../codec/index.js'
import { readWithGenerated, type ReadMessage } from './helpers/checked-read.js'
import { deliverMessage, fastDeliver, fastPublish, validSamples } from './helpers/sample-frames.js'

function cursorMessages(c: MessageCursor): ReadMessage[] {
  const out: ReadMessage[] = []
  const bytes = c.frameBytes
  while (c.next()) {
    const groups: number[] = []
    const gseqs: bigint[] = []
    for (let i = 0; i < c.groupCount; i++) {
      groups.push(c.group(i))
      gseqs.push(BigInt(c.gseq(i)))
    }
    out.push({
      gsn: BigInt(c.gsn),
      publisher: BigInt(c.publisher),
      pseq: BigInt(c.pseq),
      groups,
      gseqs,
      time: BigInt(c.time),
      payload: [...bytes.subarray(c.payloadOffset, c.payloadOffset + c.payloadLength)],
      hasGsn: true,
      hasTime: true,
      hasGseqs: true,
    })
  }
  return out
}

test('cursor agrees with the generated readers on every message frame sample', () => {
  const c = new MessageCursor()
  let checked = 0
  for (const s of validSamples()) {
    const n = c.reset(s.bytes, 0, s.bytes.length)
    if (s.bodyType !== 5 && s.bodyType !== 9) {
      assert.equal(n, NOT_MESSAGE_FRAME, s.name)
      continue
    }
    assert.equal(n, s.messages, s.name)
    const expected = (readWithGenerated(s.bytes) as { messages: ReadMessage[] }).messages.map((m) => ({
      ...m,
      // absent gseqs read as empty; the cursor reports 0 per group
      gseqs: m.hasGseqs ? m.gseqs : m.groups.map(() => 0n),
      hasGsn: true,
      hasTime: true,
      hasGseqs: true,
    }))
    assert.deepEqual(cursorMessages(c), expected, s.name)
    checked++
  }
  assert.ok(checked >= 6)
})

test('cursor reports canonical blobs for fast frames and not for Builder frames', () => {
  const c = new MessageCursor()
  const fast = fastPublish(3)
  c.reset(fast, 0, fast.length)
  while (c.next()) {
    assert.equal(c.isCanonical, true)
    assert.equal(c.blobStart, c.tablePos - 24)
    assert.equal(c.blobLength % 8, 0)
  }
  const builder = encodeFrame({ type: 'Deliver', subscription: 3, messages: [deliverMessage(5n, [1], 'x')], durableGsn: 5n })
  assert.equal(c.reset(builder, 0, builder.length), 1)
  assert.equal(c.bodyType, 9)
  assert.equal(c.subscription, 3)
  assert.equal(c.durableGsn, 5)
  assert.equal(c.next(), true)
  assert.equal(c.isCanonical, false)
  assert.equal(c.blobStart, -1)
  assert.equal(c.gsn, 5)
  assert.equal(c.next(), false)
  assert.equal(c.next(), false)
})

test('cursor reads Deliver header fields of a fast frame', () => {
  const d = fastDeliver(3, 77)
  const c = new MessageCursor()
  assert.equal(c.reset(d, 0, d.length), 3)
  assert.equal(c.subscription, 77)
  assert.equal(c.durableGsn, 503)
  assert.equal(c.reset(encodeHeartbeat({ durableGsn: 1n }), 0, 16), NOT_MESSAGE_FRAME)
})

test('resetBlobs iterates a run of canonical blobs (ring record / journal batch)', () => {
  const frame = fastPublish(4)
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  c.next()
  const start = c.blobStart
  const run = frame.subarray(start)
  const verdict = new Verdict()
  assert.equal(verifyBlobs(run, 0, run.length, undefined, verdict), 0, verdict.toString())
  assert.equal(verdict.messageCount, 4)
  const expected = (() => {
    c.reset(frame, 0, frame.length)
    return cursorMessages(c)
  })()
  assert.equal(c.resetBlobs(run, 0, run.length), 4)
  assert.deepEqual(cursorMessages(c), expected)
})
