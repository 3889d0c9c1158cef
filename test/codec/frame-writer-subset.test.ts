// FrameWriter.addBlobSubset copies a sequenced blob keeping only some of its
// groups (each with its gseq): the Deliver a subscriber gets when it may not
// see every group of a message. Everything else is kept byte for byte.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeFrame, FrameWriter, stampBlob, stampBlobGseq, verifyFrame, writeMessage } from '../../codec/index.js'

function sequencedBlob(groups: number[], payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(1024)
  const n = writeMessage(b, 0, 0x1234_5678_9abc, 42, groups, groups.length, payload, 0, payload.length)
  stampBlob(b, 0, 2 ** 40 + 7, 1_800_000_000_123)
  groups.forEach((_, i) => stampBlobGseq(b, 0, i, 1000 + i))
  return b.subarray(0, n)
}

test('kept groups keep their gseqs, in order; gsn, publisher, pseq, time and payload are unchanged', () => {
  const payload = new TextEncoder().encode('payload bytes, seventeen+')
  const blob = sequencedBlob([11, 22, 33, 44, 55], payload)
  const out = new Uint8Array(4096)
  const w = new FrameWriter(out)
  w.beginDeliver(0, 9, 77, 4)
  assert.equal(w.addBlobSubset(blob, 0, 0b10110), 0)
  assert.equal(w.addBlobSubset(blob, 0, 0b00001), 0)
  assert.equal(w.addBlob(blob, 0, blob.length), 0)
  const len = w.finish()
  assert.equal(verifyFrame(out, 0, len), 0)
  const f = decodeFrame(out.subarray(0, len))
  assert.equal(f.type, 'Deliver')
  if (f.type !== 'Deliver') return
  const [a, b, c] = f.messages
  assert.deepEqual(a!.groups, [22, 33, 55])
  assert.deepEqual(a!.gseqs, [1001n, 1002n, 1004n])
  assert.deepEqual(b!.groups, [11])
  assert.deepEqual(b!.gseqs, [1000n])
  assert.deepEqual(c!.groups, [11, 22, 33, 44, 55])
  for (const m of [a!, b!, c!]) {
    assert.equal(m.gsn, 2n ** 40n + 7n)
    assert.equal(m.publisher, 0x1234_5678_9abcn)
    assert.equal(m.pseq, 42n)
    assert.equal(m.time, 1_800_000_000_123n)
    assert.deepEqual(m.payload, payload)
  }
})

test('a full frame answers NO_SPACE instead of writing past the buffer', () => {
  const blob = sequencedBlob([1, 2], new Uint8Array(300))
  const out = new Uint8Array(600)
  const w = new FrameWriter(out)
  w.beginDeliver(0, 1, 0, 4)
  assert.equal(w.addBlobSubset(blob, 0, 0b01), 0)
  assert.ok(w.addBlobSubset(blob, 0, 0b01) < 0)
})
