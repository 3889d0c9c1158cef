// writeMessage writes canonical blobs that the generated Message reader reads
// back, into plain and shared memory, over dirty bytes, with clear sentinels.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import {
  blobLength,
  canonicalBlobLength,
  MISALIGNED,
  NO_SPACE,
  TOO_MANY_GROUPS,
  BAD_ARGUMENT,
  writeMessage,
} from '../../codec/index.js'
import { Message } from '../../codec/ordo_generated.js'

function readBlob(bytes: Uint8Array, pos: number): Message {
  // A blob is a Message table at pos + 24 with only relative offsets inside.
  return new Message().__init(pos + 24, new flatbuffers.ByteBuffer(bytes))
}

test('writeMessage blob reads back with the generated reader', () => {
  const dst = new Uint8Array(1024)
  const payload = new TextEncoder().encode('__hello, ordo__')
  const len = writeMessage(dst, 8, 2 ** 53 - 1, 2 ** 32 + 5, [7, 0xffffffff, 3], 3, payload, 2, 11)
  assert.equal(len, blobLength(3, 11))
  assert.equal(len % 8, 0)
  const m = readBlob(dst, 8)
  assert.equal(m.publisher(), 2n ** 53n - 1n)
  assert.equal(m.pseq(), 2n ** 32n + 5n)
  assert.equal(m.gsn(), 0n)
  assert.equal(m.time(), 0n)
  assert.deepEqual([m.groups(0), m.groups(1), m.groups(2)], [7, 0xffffffff, 3])
  assert.equal(m.groupsLength(), 3)
  assert.equal(m.gseqsLength(), 3)
  assert.deepEqual([m.gseqs(0), m.gseqs(1), m.gseqs(2)], [0n, 0n, 0n])
  assert.equal(new TextDecoder().decode(m.payloadArray()!), 'hello, ordo')
  assert.equal(canonicalBlobLength(dst, 8, dst.length), len)
})

test('writeMessage works on a SharedArrayBuffer and overwrites stale bytes, padding included', () => {
  const sab = new SharedArrayBuffer(4096)
  const dst = new Uint8Array(sab, 64, 1024)
  dst.fill(0xff)
  const payload = new Uint8Array([1, 2, 3])
  const len = writeMessage(dst, 16, 1, 1, [5], 1, payload, 0, 3)
  assert.equal(len, 104) // align8(88 + 12 + 3)
  const blob = dst.slice(16, 16 + len)
  // Bytes that are padding or reserved must be zero; the copy in a fresh buffer must still read back.
  for (const p of [18, 19, 20, 21, 22, 23, 72, 73, 74, 75]) assert.equal(blob[p], 0, `byte ${p}`)
  for (let p = 88 + 12 + 3; p < len; p++) assert.equal(blob[p], 0, `padding byte ${p}`)
  const m = readBlob(blob, 0)
  assert.deepEqual([...m.payloadArray()!], [1, 2, 3])
  assert.equal(m.groups(0), 5)
  assert.equal(dst[16 + len], 0xff, 'writes nothing past the blob')
})

test('writeMessage with no groups and an empty payload', () => {
  const dst = new Uint8Array(88)
  assert.equal(writeMessage(dst, 0, 0, 0, [], 0, new Uint8Array(0), 0, 0), 88)
  const m = readBlob(dst, 0)
  assert.equal(m.groupsLength(), 0)
  assert.equal(m.payloadLength(), 0)
})

test('writeMessage returns sentinels instead of throwing', () => {
  const payload = new Uint8Array(10)
  assert.equal(writeMessage(new Uint8Array(100), 0, 1, 1, [1], 1, payload, 0, 10), NO_SPACE)
  assert.equal(writeMessage(new Uint8Array(200), 4, 1, 1, [1], 1, payload, 0, 10), MISALIGNED)
  const many = Array.from({ length: 17 }, (_, i) => i)
  assert.equal(writeMessage(new Uint8Array(1000), 0, 1, 1, many, 17, payload, 0, 10), TOO_MANY_GROUPS)
  assert.equal(writeMessage(new Uint8Array(1000), 0, 1, 1, [1], 1, payload, 5, 6), BAD_ARGUMENT)
  assert.equal(writeMessage(new Uint8Array(1000), 0, 1, 1, [1], 1, payload, -1, 2), BAD_ARGUMENT)
})

test('writeMessage copies large payloads exactly (set path) and small ones (loop path)', () => {
  for (const size of [0, 1, 3, 4, 5, 511, 512, 513, 70000]) {
    const payload = new Uint8Array(size + 9)
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + size) & 0xff
    const dst = new Uint8Array(blobLength(2, size) + 16)
    const len = writeMessage(dst, 8, 3, 4, [1, 2], 2, payload, 9, size)
    assert.equal(len, blobLength(2, size))
    const m = readBlob(dst, 8)
    assert.deepEqual(m.payloadArray(), payload.subarray(9, 9 + size), `size ${size}`)
  }
})
