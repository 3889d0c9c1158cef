// claim() cannot hang forever: it gives up with BACK_PRESSURED after its timeout, and
// returns CLOSED once either side closes the ring — including a producer already parked
// in another thread. A consumer parked on an empty ring wakes when the producer closes.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { BACK_PRESSURED, CLOSED } from '../../../codec/results.js'
import { NoOpIdleStrategy } from '../../../engine/idle/no-op-idle-strategy.js'
import { startWorker } from './helpers/run-worker.js'
import { waitUntil } from './helpers/main-thread.js'
import type { ProducerData, ProducerResult } from './workers/pattern-producer.worker.js'
import type { ConsumerData, ConsumerResult } from './workers/pattern-consumer.worker.js'

test('claim on a full ring returns BACK_PRESSURED after its timeout, having committed earlier claims', () => {
  const ring = SpscRing.create(128)
  assert.ok(ring.tryClaim(56, 1) >= 0)
  assert.ok(ring.tryClaim(56, 1) >= 0)
  assert.equal(ring.available(), 0)
  assert.equal(ring.claim(8, 1, new NoOpIdleStrategy(), 20), BACK_PRESSURED)
  assert.equal(ring.available(), 128, 'outstanding claims were published before waiting')
})

test('claim on a closed, full ring returns CLOSED', () => {
  const ring = SpscRing.create(128)
  ring.tryClaim(56, 1)
  ring.tryClaim(56, 1)
  ring.consumer.close()
  assert.ok(ring.closed)
  assert.equal(ring.claim(8, 1, new NoOpIdleStrategy(), 60_000), CLOSED)
})

test('workers: closing from the consumer side releases a producer parked on a full ring', async () => {
  const ring = SpscRing.create(1024)
  const producer = startWorker<ProducerResult>('pattern-producer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    count: 1000,
    maxBody: 40,
    batch: 4,
    idle: 'backoff',
    claimTimeoutMs: 60_000,
    closeAtEnd: false,
    parkMs: 10_000,
  } satisfies ProducerData, 30_000)
  await waitUntil(() => ring.available() > ring.capacity - 56, 'the ring to fill up')
  const t0 = performance.now()
  ring.consumer.close()
  const p = await producer.result
  assert.match(p.failure, /result=-3/)
  assert.ok(p.produced < 1000)
  assert.ok(performance.now() - t0 < 9_000, 'woken by close, not by the park timeout')
})

test('workers: a consumer parked on an empty ring wakes when the producer closes it', async () => {
  const ring = SpscRing.create(1024)
  const consumer = startWorker<ConsumerResult>('pattern-consumer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    consumerIndex: 0,
    count: 10,
    maxBody: 8,
    limit: 10,
    spinPerBatchUs: 0,
    holdAndRecheck: false,
    parkMs: 10_000,
  } satisfies ConsumerData, 30_000)
  await consumer.ready
  await new Promise((r) => setTimeout(r, 100))
  const t0 = performance.now()
  ring.producer.close()
  const c = await consumer.result
  assert.equal(c.received, 0)
  assert.match(c.failure, /ring closed after 0 of 10/)
  assert.ok(c.parks >= 1)
  assert.ok(performance.now() - t0 < 9_000)
})
