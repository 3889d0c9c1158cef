// Every frame type encoded with the Builder helpers reads back the same through
// the generated readers and through decodeFrame.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeFrame, encodeAck, encodeError, encodeHeartbeat, encodeHello, encodeSubscribe, type WireMessage } from '../../codec/index.js'
import { readWithGenerated, type ReadMessage } from './helpers/checked-read.js'
import { builderFrames } from './helpers/sample-frames.js'

function asRead(m: WireMessage): ReadMessage {
  return { ...m, payload: [...m.payload], hasGsn: true, hasTime: true, hasGseqs: true }
}

test('all 14 body types round-trip through the generated readers', () => {
  const frames = builderFrames()
  assert.equal(frames.length, 17)
  for (const { frame, bytes } of frames) {
    const read = readWithGenerated(bytes)
    const expected: Record<string, unknown> = { ...frame }
    if (frame.type === 'Publish' || frame.type === 'Deliver') expected['messages'] = frame.messages.map(asRead)
    assert.deepEqual(read, expected, frame.type)
  }
})

test('all 14 body types round-trip through decodeFrame', () => {
  for (const { frame, bytes } of builderFrames()) assert.deepEqual(decodeFrame(bytes), frame, frame.type)
})

test('typed helpers produce the same bytes as encodeFrame', () => {
  const hello = encodeHello({ token: 't', publisher: 5n })
  assert.deepEqual(decodeFrame(hello), { type: 'Hello', token: 't', publisher: 5n })
  assert.deepEqual(decodeFrame(encodeSubscribe({ id: 1, groups: [], fromGsn: 0n, tentative: true })), {
    type: 'Subscribe',
    id: 1,
    groups: [],
    fromGsn: 0n,
    tentative: true,
  })
  assert.deepEqual(decodeFrame(encodeAck({ subscription: 2, gsn: 2n ** 64n - 1n })), { type: 'Ack', subscription: 2, gsn: 2n ** 64n - 1n })
  assert.deepEqual(decodeFrame(encodeHeartbeat({ durableGsn: 0n })), { type: 'Heartbeat', durableGsn: 0n })
  assert.deepEqual(decodeFrame(encodeError({ code: 0, message: '', ref: 0n })), { type: 'Error', code: 0, message: '', ref: 0n })
})

test('decodeFrame works on a frame inside a larger array at an odd offset', () => {
  const bytes = encodeHello({ token: 'abc', publisher: 9n })
  const big = new Uint8Array(bytes.length + 13)
  big.set(bytes, 5)
  // Alignment is relative to the frame start, so an offset of 5 is fine.
  assert.deepEqual(decodeFrame(big, undefined, 5, bytes.length), { type: 'Hello', token: 'abc', publisher: 9n })
})
