// TOO_LARGE for records that can never fit (returned, not thrown, and claim() does not
// wait for them); programming errors (negative length, bad type) throw RingError.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { SpmcRing } from '../../../engine/ring/spmc-ring.js'
import { TOO_LARGE, BACK_PRESSURED } from '../../../codec/results.js'
import { RingError } from '../../../engine/ring/ring-errors.js'
import { NoOpIdleStrategy } from '../../../engine/idle/no-op-idle-strategy.js'

test('a payload above maxPayloadLength is TOO_LARGE; the maximum itself fits an empty ring', () => {
  const ring = SpscRing.create(1024)
  assert.equal(ring.maxPayloadLength, 1024 / 2 - 8)
  assert.equal(ring.tryClaim(ring.maxPayloadLength + 1, 1), TOO_LARGE)
  assert.equal(ring.tryClaim(10 * 1024, 1), TOO_LARGE)
  assert.equal(ring.tryClaimMax(ring.maxPayloadLength + 1, ring.maxPayloadLength + 10, 1), TOO_LARGE)
  assert.equal(ring.claim(ring.maxPayloadLength + 1, 1, new NoOpIdleStrategy(), 60_000), TOO_LARGE)
  const at = ring.tryClaim(ring.maxPayloadLength, 1)
  assert.ok(at >= 0)
  ring.commit()
  let seen = -1
  ring.poll((_b, _o, length) => (seen = length))
  assert.equal(seen, ring.maxPayloadLength)
})

test('TOO_LARGE is the same on an SPMC ring, and a full ring says BACK_PRESSURED instead', () => {
  const ring = SpmcRing.create(128, 2)
  assert.equal(ring.tryClaim(57, 0), TOO_LARGE)
  assert.ok(ring.tryClaim(56, 0) >= 0)
  assert.ok(ring.tryClaim(56, 0) >= 0)
  assert.equal(ring.tryClaim(0, 0), BACK_PRESSURED)
})

test('bad lengths and types throw RingError with a code', () => {
  const ring = SpscRing.create(256)
  assert.throws(() => ring.tryClaim(-1, 0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_LENGTH')
  assert.throws(() => ring.tryClaim(1.5, 0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_LENGTH')
  assert.throws(() => ring.tryClaim(Number.NaN, 0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_LENGTH')
  assert.throws(() => ring.tryClaim(8, -1), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_RECORD_TYPE')
  assert.throws(() => ring.tryClaim(8, 2 ** 31), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_RECORD_TYPE')
  assert.throws(() => ring.tryClaimMax(16, 8, 0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_LENGTH')
  assert.throws(() => ring.tryClaimMax(16, Number.NaN, 0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_LENGTH')
  assert.throws(() => ring.tryClaim(8, 0.5), /type=0.5/)
})
