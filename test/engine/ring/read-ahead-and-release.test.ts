// A consumer can read ahead and release later (the journal until written, the fan-out
// until durable): records read but not released still hold the producer back, release(p)
// frees exactly up to p, and peek/advance walk records one at a time.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { SpmcRing } from '../../../engine/ring/spmc-ring.js'
import { BACK_PRESSURED, EMPTY } from '../../../codec/results.js'
import { RingError } from '../../../engine/ring/ring-errors.js'

function fill(ring: SpscRing, count: number, length: number): void {
  for (let i = 0; i < count; i++) {
    const at = ring.tryClaim(length, 1)
    assert.ok(at >= 0, `claim ${i}`)
    ring.bytes[at] = i
  }
  ring.commit()
}

test('records read but not released keep the producer back-pressured until release', () => {
  const ring = SpscRing.create(256)
  fill(ring, 4, 56) // 4 x 64 bytes = full
  assert.equal(ring.tryClaim(0, 1), BACK_PRESSURED)
  const positions: number[] = []
  assert.equal(ring.read(() => positions.push(ring.consumer.readPosition)), 4)
  assert.deepEqual(positions, [64, 128, 192, 256])
  assert.equal(ring.consumer.releasedPosition, 0)
  assert.equal(ring.tryClaim(0, 1), BACK_PRESSURED, 'read-ahead alone frees nothing')
  assert.equal(ring.usedBytes(), 256)
  ring.release(positions[1]!)
  assert.equal(ring.usedBytes(), 128)
  // Exactly two records' worth is free now.
  assert.ok(ring.tryClaim(56, 2) >= 0)
  assert.ok(ring.tryClaim(56, 2) >= 0)
  assert.equal(ring.tryClaim(0, 2), BACK_PRESSURED)
})

test('the held records keep their bytes while held, and a later poll releases the read-ahead too', () => {
  const ring = SpscRing.create(256)
  fill(ring, 2, 56)
  const offsets: number[] = []
  ring.read((_b, offset) => offsets.push(offset))
  fill(ring, 2, 56)
  assert.deepEqual(offsets.map((o) => ring.bytes[o]), [0, 1])
  assert.equal(ring.poll(() => {}), 2)
  assert.equal(ring.consumer.releasedPosition, 256)
  assert.ok(ring.tryClaim(120, 1) >= 0)
})

test('peek / advance walk one record at a time and skip padding', () => {
  const ring = SpscRing.create(256)
  assert.equal(ring.peek(), EMPTY)
  for (let i = 0; i < 2; i++) {
    assert.ok(ring.tryClaim(112, 5) >= 0) // 120 bytes each: the ring ends up at index 240, empty
    ring.commit()
    assert.equal(ring.poll(() => {}), 1)
  }
  assert.ok(ring.tryClaim(40, 6) >= 0) // 48 bytes do not fit in the 16 left: padding, then index 0
  ring.commit()
  const at = ring.peek()
  assert.equal(at, 8)
  assert.equal(ring.consumer.recordLength, 40)
  assert.equal(ring.consumer.recordType, 6)
  assert.equal(ring.peek(), at, 'peek does not move')
  ring.advance()
  assert.equal(ring.peek(), EMPTY)
  assert.equal(ring.consumer.readPosition, 256 + 48)
  ring.consumer.releaseAll()
  assert.equal(ring.consumer.releasedPosition, 256 + 48)
})

test('release outside [released, read] throws RING_BAD_RELEASE', () => {
  const ring = SpscRing.create(256)
  fill(ring, 2, 8)
  ring.read(() => {}, 1)
  assert.throws(() => ring.release(32), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_RELEASE')
  ring.release(16)
  assert.throws(() => ring.release(0), (e: unknown) => e instanceof RingError && e.code === 'RING_BAD_RELEASE')
})

test('SPMC: the producer waits for the consumer holding the oldest records, not the fastest', () => {
  const ring = SpmcRing.create(256, 2)
  const fast = ring.consumer(0)
  const holder = ring.consumer(1)
  for (let i = 0; i < 4; i++) assert.ok(ring.tryClaim(56, 1) >= 0)
  ring.commit()
  assert.equal(fast.poll(() => {}), 4)
  assert.equal(holder.read(() => {}), 4)
  assert.equal(ring.tryClaim(0, 1), BACK_PRESSURED)
  holder.release(128)
  assert.ok(ring.tryClaim(120, 1) >= 0)
  assert.equal(ring.tryClaim(0, 1), BACK_PRESSURED)
})
