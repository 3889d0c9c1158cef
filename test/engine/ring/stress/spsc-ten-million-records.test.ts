// Stress: one producer worker and one consumer worker move 10 million small records
// through an SPSC ring. Forbidden outcomes: a record missing, duplicated, reordered,
// with a wrong length/type, or with any byte different from what the producer wrote
// (the consumer verifies sequence, checksum and every byte of every record).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../../engine/ring/spsc-ring.js'
import { startWorker } from '../helpers/run-worker.js'
import type { ProducerData, ProducerResult } from '../workers/pattern-producer.worker.js'
import type { ConsumerData, ConsumerResult } from '../workers/pattern-consumer.worker.js'

const COUNT = 10_000_000
const MAX_BODY = 12

test('SPSC ring moves 10 million records between two workers intact and in order', async () => {
  const ring = SpscRing.create(64 * 1024)
  const consumer = startWorker<ConsumerResult>('pattern-consumer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    consumerIndex: 0,
    count: COUNT,
    maxBody: MAX_BODY,
    limit: 1024,
    spinPerBatchUs: 0,
    holdAndRecheck: false,
  } satisfies ConsumerData, 120_000)
  await consumer.ready
  const started = performance.now()
  const producer = startWorker<ProducerResult>('pattern-producer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    count: COUNT,
    maxBody: MAX_BODY,
    batch: 64,
    idle: 'backoff',
    claimTimeoutMs: 30_000,
    closeAtEnd: true,
  } satisfies ProducerData, 120_000)
  const [p, c] = await Promise.all([producer.result, consumer.result])
  const seconds = (performance.now() - started) / 1000
  assert.equal(p.failure, '')
  assert.equal(p.produced, COUNT)
  assert.equal(c.failure, '')
  assert.equal(c.received, COUNT)
  assert.ok(c.maxHeldBytes <= ring.capacity, `held=${c.maxHeldBytes}`)
  // Informational only (no timed assertions): throughput and how often each side waited.
  console.log(
    `# spsc 10M: ${seconds.toFixed(2)} s (${(COUNT / seconds / 1e6).toFixed(2)} M rec/s incl. startup), ` +
      `producer back-pressured ${p.backPressureCount}x parked ${p.parks}x, consumer parked ${c.parks}x`,
  )
})
