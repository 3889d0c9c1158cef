// The main thread waits without blocking its event loop: waitForDataAsync and
// waitForSpaceAsync use Atomics.waitAsync, resolve true when the other side acts and
// false on timeout, and timers keep firing meanwhile.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { BACK_PRESSURED } from '../../../codec/results.js'
import { startWorker } from './helpers/run-worker.js'
import { PATTERN_HEADER, bodyLength, recordType, writeRecord } from './helpers/record-pattern.js'
import type { ProducerData, ProducerResult } from './workers/pattern-producer.worker.js'
import type { ConsumerData, ConsumerResult } from './workers/pattern-consumer.worker.js'

test('waitForDataAsync times out with false on an empty ring, without blocking timers', async () => {
  const ring = SpscRing.create(256)
  let timerFired = false
  setTimeout(() => (timerFired = true), 5)
  const woke = await ring.consumer.waitForDataAsync(100)
  assert.equal(woke, false)
  assert.ok(timerFired, 'the event loop ran while waiting')
})

test('waitForDataAsync resolves at once when data is already there', async () => {
  const ring = SpscRing.create(256)
  ring.tryClaim(4, 1)
  ring.commit()
  assert.equal(await ring.consumer.waitForDataAsync(10_000), true)
})

test('waitForDataAsync resolves true when a worker commits', async () => {
  const ring = SpscRing.create(1024)
  const t0 = performance.now()
  const woke = ring.consumer.waitForDataAsync(20_000)
  const producer = startWorker<ProducerResult>('pattern-producer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    count: 1,
    maxBody: 8,
    batch: 1,
    idle: 'spin',
    claimTimeoutMs: 1000,
    closeAtEnd: false,
  } satisfies ProducerData)
  assert.equal(await woke, true)
  assert.ok(performance.now() - t0 < 15_000)
  assert.ok(ring.available() > 0)
  assert.equal((await producer.result).produced, 1)
})

test('waitForSpaceAsync resolves true when a worker consumer releases', async () => {
  const ring = SpscRing.create(1024)
  const count = 40
  let seq = 0
  for (; seq < count; seq++) {
    const len = bodyLength(seq, 40)
    const at = ring.tryClaim(PATTERN_HEADER + len, recordType(seq))
    if (at === BACK_PRESSURED) break
    writeRecord(ring.bytes, ring.view, at, seq, len)
  }
  assert.ok(seq < count, 'the ring filled before all records were written')
  ring.commit()
  assert.equal(await ring.producer.waitForSpaceAsync(50), false, 'nobody consumes yet: times out')
  const consumer = startWorker<ConsumerResult>('pattern-consumer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    consumerIndex: 0,
    count,
    maxBody: 40,
    limit: 1000,
    spinPerBatchUs: 0,
    holdAndRecheck: false,
  } satisfies ConsumerData)
  assert.equal(await ring.producer.waitForSpaceAsync(20_000), true)
  for (; seq < count; seq++) {
    const len = bodyLength(seq, 40)
    let at = ring.tryClaim(PATTERN_HEADER + len, recordType(seq))
    while (at === BACK_PRESSURED) {
      ring.commit()
      await ring.producer.waitForSpaceAsync(20_000)
      at = ring.tryClaim(PATTERN_HEADER + len, recordType(seq))
    }
    writeRecord(ring.bytes, ring.view, at, seq, len)
  }
  ring.commit()
  const c = await consumer.result
  assert.equal(c.failure, '')
  assert.equal(c.received, count)
})
