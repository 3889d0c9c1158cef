// Stamping gsn, gseqs and time in place: the generated readers see the values,
// for canonical blobs (fixed offsets) and for Builder-made messages (vtable).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  BAD_ARGUMENT,
  blobGseq,
  blobGsn,
  blobTime,
  encodeFrame,
  encodePublish,
  MessageCursor,
  MISSING_FIELD,
  stampBlob,
  stampBlobGseq,
  stampGseq,
  stampMessage,
  verifyFrame,
} from '../../codec/index.js'
import { readWithGenerated, type ReadMessage } from './helpers/checked-read.js'
import { fastPublish, payloadOf } from './helpers/sample-frames.js'

type Read = { messages: ReadMessage[] }

test('stampBlob/stampBlobGseq on a fast Publish frame', () => {
  const frame = fastPublish(3)
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  const big = 2 ** 53 - 1
  let k = 0
  while (c.next()) {
    stampBlob(frame, c.blobStart, big - k, 1_700_000_000_000_000 + k)
    for (let i = 0; i < c.groupCount; i++) stampBlobGseq(frame, c.blobStart, i, 2 ** 32 + 10 * k + i)
    assert.equal(blobGsn(frame, c.blobStart), big - k)
    assert.equal(blobTime(frame, c.blobStart), 1_700_000_000_000_000 + k)
    assert.equal(blobGseq(frame, c.blobStart, 0), 2 ** 32 + 10 * k)
    k++
  }
  const read = readWithGenerated(frame) as Read
  read.messages.forEach((m, k) => {
    assert.equal(m.gsn, BigInt(big - k))
    assert.equal(m.time, BigInt(1_700_000_000_000_000 + k))
    assert.deepEqual(m.gseqs, m.groups.map((_, i) => 2n ** 32n + BigInt(10 * k + i)))
  })
  assert.equal(verifyFrame(frame, 0, frame.length), 0)
})

test('stampMessage/stampGseq on a Builder-made (non-canonical) Publish', () => {
  const frame = encodePublish([
    { publisher: 1n, pseq: 1n, groups: [4, 5], payload: payloadOf('a') },
    { publisher: 1n, pseq: 2n, groups: [6], payload: payloadOf('bb') },
  ])
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  let gsn = 100
  while (c.next()) {
    assert.equal(c.isCanonical, false)
    assert.equal(stampMessage(frame, c.tablePos, gsn, gsn * 2), 0)
    for (let i = 0; i < c.groupCount; i++) assert.equal(stampGseq(frame, c.tablePos, i, gsn + i), 0)
    assert.equal(stampGseq(frame, c.tablePos, c.groupCount, 1), BAD_ARGUMENT)
    gsn++
  }
  // The cursor's u64 fields are read at next(): a second pass sees the stamps.
  c.reset(frame, 0, frame.length)
  const seen: number[][] = []
  while (c.next()) seen.push([c.gsn, c.time, c.gseq(0)])
  assert.deepEqual(seen, [
    [100, 200, 100],
    [101, 202, 101],
  ])
  const read = readWithGenerated(frame) as Read
  assert.deepEqual(
    read.messages.map((m) => [m.gsn, m.time, m.gseqs]),
    [
      [100n, 200n, [100n, 101n]],
      [101n, 202n, [101n]],
    ],
  )
})

test('cursor.stamp and cursor.stampGseq write through the resolved positions', () => {
  for (const frame of [fastPublish(2), encodePublish([{ publisher: 1n, pseq: 1n, groups: [1, 2], payload: payloadOf('x') }])]) {
    const c = new MessageCursor()
    c.reset(frame, 0, frame.length)
    c.next()
    assert.equal(c.stamp(7, 8), 0)
    assert.equal(c.stampGseq(0, 9), 0)
    assert.equal(c.stampGseq(5, 9), BAD_ARGUMENT)
    const m = (readWithGenerated(frame) as Read).messages[0]!
    assert.deepEqual([m.gsn, m.time, m.gseqs[0]], [7n, 8n, 9n])
  }
})

test('stamping a message without the fields returns MISSING_FIELD', () => {
  const frame = encodeFrame(
    { type: 'Deliver', subscription: 1, messages: [{ gsn: 0n, publisher: 1n, pseq: 1n, groups: [1], gseqs: [], time: 0n, payload: payloadOf('') }], durableGsn: 0n },
    { forceDefaults: false },
  )
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  c.next()
  assert.equal(stampMessage(frame, c.tablePos, 1, 1), MISSING_FIELD)
  assert.equal(c.stamp(1, 1), MISSING_FIELD)
})
