// copyCanonical turns Builder-made (non-canonical) messages into canonical blobs
// equal to the originals field by field; canonical sources are copied as is.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import fc from 'fast-check'
import {
  canonicalBlobLength,
  copyCanonical,
  encodeFrame,
  INCONSISTENT,
  MessageCursor,
  MISALIGNED,
  NO_SPACE,
  verifyBlobs,
  verifyFrame,
  type WireMessage,
} from '../../codec/index.js'
import { Message } from '../../codec/ordo_generated.js'
import { testSeed } from './helpers/prng.js'
import { deliverWithBareMessage, fastDeliver } from './helpers/sample-frames.js'

function readBlob(bytes: Uint8Array, pos: number): WireMessage {
  const m = new Message().__init(pos + 24, new flatbuffers.ByteBuffer(bytes))
  const groups: number[] = []
  const gseqs: bigint[] = []
  for (let i = 0; i < m.groupsLength(); i++) {
    groups.push(m.groups(i)!)
    gseqs.push(m.gseqs(i)!)
  }
  return { gsn: m.gsn(), publisher: m.publisher(), pseq: m.pseq(), groups, gseqs, time: m.time(), payload: m.payloadArray()!.slice() }
}

const u64 = fc.bigInt({ min: 0n, max: 2n ** 53n - 1n })
const message: fc.Arbitrary<WireMessage> = fc
  .record({
    gsn: u64,
    publisher: u64,
    pseq: u64,
    groups: fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 16 }),
    time: u64,
    payload: fc.uint8Array({ maxLength: 2000 }),
    gseqSeed: fc.bigInt({ min: 0n, max: 2n ** 53n - 17n }),
  })
  .map(({ gseqSeed, ...m }) => ({ ...m, gseqs: m.groups.map((_, i) => gseqSeed + BigInt(i)) }))

test('copyCanonical of Builder-made messages equals the originals and is canonical', () => {
  const seed = testSeed()
  const c = new MessageCursor()
  try {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (messages, slack) => {
        const frame = encodeFrame({ type: 'Deliver', subscription: 1, messages, durableGsn: 0n })
        assert.equal(verifyFrame(frame, 0, frame.length), 0)
        const out = new Uint8Array(messages.reduce((a, m) => a + 88 + 12 * m.groups.length + m.payload.length + 8, 0) + 8 * slack)
        let pos = 0
        c.reset(frame, 0, frame.length)
        for (let i = 0; c.next(); i++) {
          assert.equal(c.isCanonical, false)
          const len = copyCanonical(frame, c.tablePos, out, pos)
          assert.ok(len > 0, `copyCanonical returned ${len}`)
          assert.equal(canonicalBlobLength(out, pos, out.length), len)
          assert.deepEqual(readBlob(out, pos), messages[i])
          pos += len
        }
        assert.equal(verifyBlobs(out, 0, pos), 0)
      }),
      { seed, numRuns: 100 },
    )
  } catch (err) {
    console.error(`copy-canonical failed: seed=${seed} (rerun with ORDO_TEST_SEED=${seed})`)
    throw err
  }
})

test('copyCanonical of a canonical blob is a byte copy', () => {
  const frame = fastDeliver(3)
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  const out = new Uint8Array(1024)
  let pos = 0
  while (c.next()) {
    const len = copyCanonical(frame, c.tablePos, out, pos)
    assert.equal(len, c.blobLength)
    assert.deepEqual(out.subarray(pos, pos + len), frame.subarray(c.blobStart, c.blobStart + len))
    pos += len
  }
})

test('copyCanonical sentinels: NO_SPACE, MISALIGNED, INCONSISTENT', () => {
  const m: WireMessage = { gsn: 1n, publisher: 2n, pseq: 3n, groups: [1, 2], gseqs: [5n], time: 0n, payload: new Uint8Array(3) }
  const frame = encodeFrame({ type: 'Deliver', subscription: 1, messages: [m], durableGsn: 0n })
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  c.next()
  assert.equal(copyCanonical(frame, c.tablePos, new Uint8Array(256), 0), INCONSISTENT)
  const ok = encodeFrame({ type: 'Deliver', subscription: 1, messages: [{ ...m, gseqs: [5n, 6n] }], durableGsn: 0n })
  c.reset(ok, 0, ok.length)
  c.next()
  assert.equal(copyCanonical(ok, c.tablePos, new Uint8Array(100), 0), NO_SPACE)
  assert.equal(copyCanonical(ok, c.tablePos, new Uint8Array(256), 4), MISALIGNED)
  assert.equal(copyCanonical(ok, c.tablePos, new Uint8Array(128), 8), 120) // align8(88 + 24 + 3)
})

test('copyCanonical fills absent fields with zeros, one gseq per group', () => {
  const frame = deliverWithBareMessage([8, 9], new Uint8Array(0))
  assert.equal(verifyFrame(frame, 0, frame.length), 0)
  const c = new MessageCursor()
  c.reset(frame, 0, frame.length)
  c.next()
  const out = new Uint8Array(256).fill(0xee)
  const len = copyCanonical(frame, c.tablePos, out, 0)
  assert.equal(canonicalBlobLength(out, 0, out.length), len)
  assert.deepEqual(readBlob(out, 0), { gsn: 0n, publisher: 0n, pseq: 0n, groups: [8, 9], gseqs: [0n, 0n], time: 0n, payload: new Uint8Array(0) })
})
