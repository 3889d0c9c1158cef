// MessageCursor.reset(..., verdict): the verifier's "all canonical" finding lets
// the cursor skip its layout checks, only for the very frame that verdict
// describes; the values read are the same either way.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodePublish, MessageCursor, Verdict, verifyFrame } from '../../codec/index.js'
import { fastDeliver, fastPublish, payloadOf } from './helpers/sample-frames.js'

function readAll(c: MessageCursor): number[][] {
  const out: number[][] = []
  while (c.next()) out.push([c.tablePos, c.gsn, c.publisher, c.pseq, c.time, c.groupCount, c.payloadOffset, c.payloadLength, c.blobStart, c.blobLength, c.isCanonical ? 1 : 0])
  return out
}

test('the verdict records whether every message is canonical', () => {
  const v = new Verdict()
  const fast = fastPublish(4)
  assert.equal(verifyFrame(fast, 0, fast.length, undefined, v), 0)
  assert.equal(v.allCanonical, true)
  assert.equal(v.frame, fast)
  const builder = encodePublish([{ publisher: 1n, pseq: 1n, groups: [1], payload: payloadOf('x') }])
  assert.equal(verifyFrame(builder, 0, builder.length, undefined, v), 0)
  assert.equal(v.allCanonical, false)
  assert.notEqual(verifyFrame(fast, 0, fast.length - 8, undefined, v), 0)
  assert.equal(v.frame, null, 'a refused frame leaves no hint')
  assert.equal(v.allCanonical, false)
})

test('reading with and without the hint gives the same values', () => {
  for (const frame of [fastPublish(5), fastDeliver(3)]) {
    const v = new Verdict()
    assert.equal(verifyFrame(frame, 0, frame.length, undefined, v), 0)
    const a = new MessageCursor()
    const b = new MessageCursor()
    assert.equal(a.reset(frame, 0, frame.length, v), b.reset(frame, 0, frame.length))
    assert.deepEqual(readAll(a), readAll(b))
  }
})

test('a verdict about another frame or range is ignored', () => {
  const frame = fastPublish(3)
  const other = fastPublish(3)
  const v = new Verdict()
  assert.equal(verifyFrame(other, 0, other.length, undefined, v), 0)
  const big = new Uint8Array(frame.length + 8)
  big.set(frame, 8)
  const c = new MessageCursor()
  // Same length, different array: the cursor checks for itself and still reads correctly.
  assert.equal(c.reset(frame, 0, frame.length, v), 3)
  const expected = readAll(c)
  assert.equal(c.reset(big, 8, frame.length, v), 3)
  assert.deepEqual(
    readAll(c).map((m) => m.slice(1, 6)),
    expected.map((m) => m.slice(1, 6)),
  )
})
