// A detached consumer no longer holds the producer back: a consumer that never reads
// stalls an SPMC producer until it is detached (from another thread), after which the
// producer is woken and the remaining consumers get everything. A detached consumer's
// reads return CLOSED.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpmcRing } from '../../../engine/ring/spmc-ring.js'
import { BACK_PRESSURED, CLOSED } from '../../../codec/results.js'
import { startWorker } from './helpers/run-worker.js'
import { drainPattern, waitUntil } from './helpers/main-thread.js'
import type { ProducerData, ProducerResult } from './workers/pattern-producer.worker.js'

test('same thread: detaching the consumer that never reads frees the producer', () => {
  const ring = SpmcRing.create(256, 2)
  const live = ring.consumer(0)
  const dead = ring.consumer(1)
  for (let i = 0; i < 4; i++) assert.ok(ring.tryClaim(56, 1) >= 0)
  ring.commit()
  assert.equal(live.poll(() => {}), 4)
  assert.equal(ring.tryClaim(8, 1), BACK_PRESSURED)
  dead.detach()
  assert.ok(dead.detached)
  assert.ok(ring.tryClaim(8, 1) >= 0)
  assert.equal(dead.read(() => {}), CLOSED)
  assert.equal(dead.poll(() => {}), CLOSED)
  assert.equal(dead.peek(), CLOSED)
})

test('all consumers detached: the producer still never claims more than the capacity between commits', () => {
  const ring = SpmcRing.create(256, 1)
  ring.detach(0)
  for (let i = 0; i < 4; i++) assert.ok(ring.tryClaim(56, 1) >= 0)
  assert.equal(ring.tryClaim(0, 1), BACK_PRESSURED)
  ring.commit()
  assert.ok(ring.tryClaim(56, 1) >= 0)
})

test('workers: a producer parked behind a dead consumer wakes when it is detached', async () => {
  const ring = SpmcRing.create(1024, 2)
  const live = ring.consumer(0)
  const count = 400
  const producer = startWorker<ProducerResult>('pattern-producer.worker.js', {
    sab: ring.buffer,
    kind: 'spmc',
    count,
    maxBody: 40,
    batch: 4,
    idle: 'backoff',
    claimTimeoutMs: 60_000,
    closeAtEnd: false,
    parkMs: 10_000,
  } satisfies ProducerData, 30_000)
  // Consumer 0 reads what it can; consumer 1 (never opened, cursor 0) holds the ring full.
  let before = 0
  await waitUntil(() => {
    before += live.poll(() => {})
    return ring.usedBytes() > ring.capacity - 56
  }, 'the producer to fill the ring up to consumer 1')
  before += live.poll(() => {})
  assert.ok(before < count, `producer must be stalled by consumer 1: received=${before}`)
  const t0 = performance.now()
  ring.detach(1)
  // The rest arrives (checked record by record) now that only consumer 0 counts.
  assert.equal(await drainPattern(live, count - before, 40, before), count - before)
  const p = await producer.result
  assert.equal(p.failure, '')
  assert.equal(p.produced, count)
  assert.ok(p.parks >= 1)
  assert.ok(performance.now() - t0 < 9_000, 'woken by detach, not by the 10 s park timeout')
})
