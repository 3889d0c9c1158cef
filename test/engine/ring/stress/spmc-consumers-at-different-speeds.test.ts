// Stress: one producer worker, three consumer workers at different speeds on an SPMC
// ring. Consumer 0 runs flat out, consumer 1 spins after every batch, consumer 2 reads
// ahead, pauses, re-verifies the very bytes it holds and only then releases them.
// Forbidden outcomes: any consumer missing, duplicating, reordering or seeing altered
// records; the producer overwriting records a consumer has not released (consumer 2's
// re-check would see changed bytes; every consumer checks tail - released <= capacity).
// The slow consumers must throttle the producer (it reports back-pressure).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpmcRing } from '../../../../engine/ring/spmc-ring.js'
import { startWorker } from '../helpers/run-worker.js'
import type { ProducerData, ProducerResult } from '../workers/pattern-producer.worker.js'
import type { ConsumerData, ConsumerResult } from '../workers/pattern-consumer.worker.js'

const COUNT = 1_000_000
const MAX_BODY = 40

test('SPMC: every consumer sees every record in order; slow consumers throttle the producer', async () => {
  const ring = SpmcRing.create(16 * 1024, 3)
  const speeds: Array<Pick<ConsumerData, 'spinPerBatchUs' | 'holdAndRecheck' | 'limit'>> = [
    { spinPerBatchUs: 0, holdAndRecheck: false, limit: 512 },
    { spinPerBatchUs: 20, holdAndRecheck: false, limit: 64 },
    { spinPerBatchUs: 20, holdAndRecheck: true, limit: 64 },
  ]
  const consumers = speeds.map((s, i) =>
    startWorker<ConsumerResult>('pattern-consumer.worker.js', {
      sab: ring.buffer,
      kind: 'spmc',
      consumerIndex: i,
      count: COUNT,
      maxBody: MAX_BODY,
      ...s,
    } satisfies ConsumerData, 120_000),
  )
  await Promise.all(consumers.map((c) => c.ready))
  const producer = startWorker<ProducerResult>('pattern-producer.worker.js', {
    sab: ring.buffer,
    kind: 'spmc',
    count: COUNT,
    maxBody: MAX_BODY,
    batch: 32,
    idle: 'backoff',
    claimTimeoutMs: 30_000,
    closeAtEnd: true,
  } satisfies ProducerData, 120_000)
  const [p, ...cs] = await Promise.all([producer.result, ...consumers.map((c) => c.result)])
  assert.equal(p.failure, '')
  assert.equal(p.produced, COUNT)
  cs.forEach((c, i) => {
    assert.equal(c.failure, '', `consumer ${i}`)
    assert.equal(c.received, COUNT, `consumer ${i}`)
    assert.ok(c.maxHeldBytes <= ring.capacity, `consumer ${i}: held=${c.maxHeldBytes}`)
  })
  // 1M records of up to 56 B through a 16 KiB ring with a consumer that pauses 20 µs per
  // 64 records: the producer cannot have avoided waiting for the slowest.
  assert.ok(p.backPressureCount > 0, 'producer never back-pressured')
  console.log(
    `# spmc: producer back-pressured ${p.backPressureCount}x parked ${p.parks}x; consumer parks ${cs.map((c) => c.parks).join('/')}`,
  )
})
