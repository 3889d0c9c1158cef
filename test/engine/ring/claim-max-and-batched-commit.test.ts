// tryClaimMax grants the largest contiguous space (encode a variable-size batch in place),
// shrinkLast gives back the unused tail; several claims are published by one commit.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { RingError } from '../../../engine/ring/ring-errors.js'
import { BACK_PRESSURED } from '../../../codec/results.js'

test('tryClaimMax on an empty ring grants up to maxLength, capped by maxPayloadLength', () => {
  const ring = SpscRing.create(1024)
  assert.equal(ring.tryClaimMax(8, 100, 3), 8)
  assert.equal(ring.claimedLength, 100)
  ring.abandon()
  assert.equal(ring.tryClaimMax(8, 100_000, 3), 8)
  assert.equal(ring.claimedLength, ring.maxPayloadLength)
  ring.abandon()
  assert.equal(ring.tryClaimMax(0, Number.POSITIVE_INFINITY, 3), 8)
  assert.equal(ring.claimedLength, ring.maxPayloadLength)
})

test('an encoder writes a variable batch into the granted space, shrinks, commits; the consumer sees exactly it', () => {
  const ring = SpscRing.create(1024)
  const at = ring.tryClaimMax(16, 400, 7)
  assert.ok(at >= 0)
  for (let i = 0; i < 37; i++) ring.bytes[at + i] = i + 1
  ring.shrinkLast(37)
  // The next claim starts right after the shrunk record (8-aligned), not after the grant.
  const next = ring.tryClaim(4, 8)
  assert.equal(next, at + ((37 + 7) & ~7) + 8)
  ring.view.setUint32(next, 0xdeadbeef, true)
  ring.commit()
  const got: Array<[number, number, number[]]> = []
  ring.poll((bytes, offset, length, type) => got.push([type, length, Array.from(bytes.subarray(offset, offset + length))]))
  assert.deepEqual(got[0], [7, 37, Array.from({ length: 37 }, (_, i) => i + 1)])
  assert.deepEqual(got[1]?.slice(0, 2), [8, 4])
  assert.equal(got.length, 2)
})

test('tryClaimMax near the end takes what is left before it when that meets minLength, else pads and wraps', () => {
  const ring = SpscRing.create(256)
  // Move the ring to index 192: two 96-byte records (88-byte payloads), consumed.
  for (const len of [88, 88]) {
    assert.ok(ring.tryClaim(len, 1) >= 0)
  }
  ring.commit()
  assert.equal(ring.poll(() => {}), 2)
  // index 192, 64 bytes to the end, ring empty.
  assert.equal(ring.tryClaimMax(8, 200, 2), 192 + 8)
  assert.equal(ring.claimedLength, 64 - 8)
  ring.abandon()
  // min 60 does not fit in the 64-byte end piece (needs 72): padding, then index 0 with
  // 256 - 64 = 192 free bytes, capped at maxPayloadLength (120).
  assert.equal(ring.tryClaimMax(60, 200, 2), 8)
  assert.equal(ring.claimedLength, 120)
  ring.commit()
  const types: number[] = []
  ring.poll((_b, _o, _l, type) => types.push(type))
  assert.deepEqual(types, [2], 'padding is never delivered')
})

test('claims are invisible until commit, and one commit publishes all outstanding claims', () => {
  const ring = SpscRing.create(1024)
  for (let i = 0; i < 5; i++) ring.view.setUint32(ring.tryClaim(4, i), i * 10, true)
  assert.equal(ring.available(), 0)
  assert.equal(ring.poll(() => {}), 0)
  ring.commit()
  const values: number[] = []
  assert.equal(ring.poll((_b, offset) => values.push(ring.view.getUint32(offset, true))), 5)
  assert.deepEqual(values, [0, 10, 20, 30, 40])
})

test('shrinkLast without a claim since the last commit, or growing, throws', () => {
  const ring = SpscRing.create(256)
  assert.throws(() => ring.shrinkLast(0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_SHRINK')
  ring.tryClaim(16, 0)
  assert.throws(() => ring.shrinkLast(17), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_SHRINK')
  ring.commit()
  assert.throws(() => ring.shrinkLast(8), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_SHRINK')
})

test('tryClaimMax returns BACK_PRESSURED when not even minLength is free', () => {
  const ring = SpscRing.create(128)
  assert.ok(ring.tryClaim(56, 0) >= 0)
  assert.ok(ring.tryClaim(40, 0) >= 0)
  // 128 - 64 - 48 = 16 free: minLength 8 fits (16-byte record), minLength 9 does not.
  assert.equal(ring.tryClaimMax(9, 50, 0), BACK_PRESSURED)
  assert.ok(ring.tryClaimMax(8, 50, 0) >= 0)
  assert.equal(ring.claimedLength, 8)
})
