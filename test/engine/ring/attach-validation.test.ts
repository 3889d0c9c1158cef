// create/attach refuse bad capacities, buffers that are not rings, and consumer indices
// out of range, with RingError codes; a valid buffer attaches from its header alone.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { SpmcRing } from '../../../engine/ring/spmc-ring.js'
import { RingError } from '../../../engine/ring/ring-errors.js'
import { RingConsumer } from '../../../engine/ring/ring-consumer.js'
import { headerBytes } from '../../../engine/ring/ring-descriptor.js'

const code = (c: string) => (e: unknown) => e instanceof RingError && e.code === c

test('capacity must be a power of two between 64 and 2^30', () => {
  for (const bad of [0, 32, 100, 1000, 2 ** 31, 1.5, -64]) {
    assert.throws(() => SpscRing.create(bad), code('RING_BAD_CAPACITY'), `capacity=${bad}`)
  }
  assert.equal(SpscRing.create(64).capacity, 64)
})

test('consumer count 1..64 and consumer index in range', () => {
  assert.throws(() => SpmcRing.create(1024, 0), code('RING_BAD_CONSUMER_INDEX'))
  assert.throws(() => SpmcRing.create(1024, 65), code('RING_BAD_CONSUMER_INDEX'))
  const ring = SpmcRing.create(1024, 3)
  assert.throws(() => SpmcRing.attach(ring.buffer, 3), code('RING_BAD_CONSUMER_INDEX'))
  assert.throws(() => ring.consumer(-1), code('RING_BAD_CONSUMER_INDEX'))
  assert.ok(SpmcRing.attach(ring.buffer, 2) instanceof RingConsumer)
  assert.equal(SpmcRing.attach(ring.buffer).consumerCount, 3)
})

test('a buffer that is not a ring is refused', () => {
  assert.throws(() => SpscRing.attach(new SharedArrayBuffer(4096)), code('RING_BAD_BUFFER'))
  assert.throws(() => SpscRing.attach(new ArrayBuffer(4096) as unknown as SharedArrayBuffer), code('RING_BAD_BUFFER'))
  const ring = SpscRing.create(1024)
  const wrongVersion = new SharedArrayBuffer(ring.buffer.byteLength)
  new Uint8Array(wrongVersion).set(new Uint8Array(ring.buffer))
  new Int32Array(wrongVersion)[1] = 99
  assert.throws(() => SpscRing.attach(wrongVersion), /version=99/)
  const truncated = new SharedArrayBuffer(headerBytes(1) + 512)
  new Uint8Array(truncated).set(new Uint8Array(ring.buffer, 0, headerBytes(1)))
  assert.throws(() => SpscRing.attach(truncated), code('RING_BAD_BUFFER'))
})

test('attach reads capacity and positions from the header', () => {
  const ring = SpscRing.create(512)
  ring.tryClaim(10, 1)
  ring.commit()
  const other = SpscRing.attach(ring.buffer)
  assert.equal(other.capacity, 512)
  assert.equal(other.producer.position, 24)
  assert.equal(other.available(), 24)
})
