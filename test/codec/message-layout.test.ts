// The canonical layout constants match what the diagram says, and the blob is
// a real FlatBuffers Message: the generated reader finds each field where the
// layout puts it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import { blobLength, groupPos, gseqPos, payloadLengthPos, payloadPos, writeMessage } from '../../codec/index.js'
import * as L from '../../codec/internal.js'
import { Message } from '../../codec/ordo_generated.js'

test('blobLength and positions follow the diagram', () => {
  assert.equal(blobLength(0, 0), 88)
  assert.equal(blobLength(1, 0), 104)
  assert.equal(blobLength(2, 100), 216)
  assert.equal(blobLength(16, 1), 88 + 192 + 8)
  assert.equal(gseqPos(2), 96)
  assert.equal(L.groupsLengthPos(3), 104)
  assert.equal(groupPos(3, 1), 112)
  assert.equal(payloadLengthPos(3), 120)
  assert.equal(payloadPos(3), 124)
  assert.equal(L.GSN_POS, 32)
  assert.equal(L.TIME_POS, 56)
  assert.equal(L.TABLE_END - L.TABLE_POS, L.TABLE_SIZE)
})

test('each field sits where the layout says: mutate through the generated reader, read by offset', () => {
  const bytes = new Uint8Array(256)
  const n = 2
  const len = writeMessage(bytes, 0, 1, 2, [10, 20], n, new Uint8Array([9, 9, 9]), 0, 3)
  const m = new Message().__init(L.TABLE_POS, new flatbuffers.ByteBuffer(bytes))
  assert.ok(m.mutate_gsn(0x0102030405n))
  assert.ok(m.mutate_time(0x0a0b0c0dn))
  const v = new DataView(bytes.buffer)
  assert.equal(v.getUint32(L.GSN_POS, true), 0x02030405)
  assert.equal(v.getUint32(L.GSN_POS + 4, true), 0x01)
  assert.equal(v.getUint32(L.TIME_POS, true), 0x0a0b0c0d)
  assert.equal(v.getUint32(L.PUBLISHER_POS, true), 1)
  assert.equal(v.getUint32(L.PSEQ_POS, true), 2)
  assert.equal(v.getUint32(groupPos(n, 1), true), 20)
  assert.equal(v.getUint32(payloadLengthPos(n), true), 3)
  assert.equal(bytes[payloadPos(n)], 9)
  assert.equal(len, blobLength(n, 3))
})
