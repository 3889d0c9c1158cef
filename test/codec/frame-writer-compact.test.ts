// FrameWriter.finishCompact: a Publish frame begun with room for many messages
// and finished with few drops the unused slots; the result verifies, reads back
// the same messages, and is as long as a frame begun with exactly that room.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FrameWriter, makeLimits, MessageCursor, Verdict, verifyFrame } from '../../codec/index.js'

function write(maxMessages: number, payloads: Uint8Array[], compact: boolean): Uint8Array {
  const buf = new Uint8Array(64 * 1024)
  const w = new FrameWriter(buf)
  w.beginPublish(0, maxMessages)
  payloads.forEach((p, i) => assert.equal(w.addMessage(77, i + 1, [3, 5].slice(0, 1 + (i % 2)), 1 + (i % 2), p, 0, p.length), 0))
  const n = compact ? w.finishCompact() : w.finish()
  assert.ok(n > 0)
  return buf.slice(0, n)
}

test('a compacted frame verifies, reads back every message and equals a frame of exact size', () => {
  for (const count of [1, 2, 3, 7, 64]) {
    const payloads = Array.from({ length: count }, (_, i) => new Uint8Array(i * 13 + 1).fill(i + 1))
    const compact = write(1024, payloads, true)
    const exact = write(count, payloads, false)
    assert.deepEqual(compact, exact, `count ${count}`)
    const v = new Verdict()
    assert.equal(verifyFrame(compact, 0, compact.length, makeLimits({}), v), 0, v.toString())
    const c = new MessageCursor()
    assert.equal(c.reset(compact, 0, compact.length), count)
    let i = 0
    while (c.next()) {
      assert.equal(c.pseq, i + 1)
      assert.equal(c.publisher, 77)
      assert.deepEqual([...c.payload()], [...payloads[i]!])
      i++
    }
    assert.equal(i, count)
  }
})

test('a full frame and an empty one are left as finish() leaves them', () => {
  const payloads = [new Uint8Array(10), new Uint8Array(20)]
  assert.deepEqual(write(2, payloads, true), write(2, payloads, false))
  const buf = new Uint8Array(1024)
  const w = new FrameWriter(buf)
  w.beginPublish(0, 16)
  const a = w.finishCompact()
  const w2 = new FrameWriter(new Uint8Array(1024))
  w2.beginPublish(0, 16)
  assert.equal(a, w2.finish())
})
