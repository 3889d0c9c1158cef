// A producer blocks when the ring is full and is woken when the consumer releases. The
// producer worker parks with a 10 s timeout, so finishing within a few seconds proves the
// wake-up came from the consumer's release notify, not from the timeout.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { startWorker } from './helpers/run-worker.js'
import { drainPattern, sleep, waitUntil } from './helpers/main-thread.js'
import type { ProducerData, ProducerResult } from './workers/pattern-producer.worker.js'

test('producer parks on a full ring and wakes on release', async () => {
  const ring = SpscRing.create(1024)
  const count = 500
  const producer = startWorker<ProducerResult>('pattern-producer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    count,
    maxBody: 40,
    batch: 4,
    idle: 'backoff',
    claimTimeoutMs: 60_000,
    closeAtEnd: false,
    parkMs: 10_000,
  } satisfies ProducerData, 30_000)
  // Nobody consumes: the producer fills the ring (no room for its next record: records
  // are at most 56 bytes) and must then stay stopped.
  await waitUntil(() => ring.available() > ring.capacity - 56, 'the ring to fill up')
  await sleep(100)
  assert.ok(ring.available() <= ring.capacity, `never more than the capacity committed: ${ring.available()}`)
  const t0 = performance.now()
  assert.equal(await drainPattern(ring.consumer, count, 40), count)
  const p = await producer.result
  assert.equal(p.failure, '')
  assert.equal(p.produced, count)
  assert.ok(p.parks >= 1, 'the producer parked while the ring was full')
  assert.ok(performance.now() - t0 < 9_000, 'woken by release, not by the 10 s park timeout')
})
