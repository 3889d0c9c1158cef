// A consumer parks when the ring is empty and wakes on commit. The consumer worker parks
// with a 10 s timeout; the main thread commits one record every 100 ms, so finishing
// quickly proves each wake-up came from the commit's notify.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { startWorker } from './helpers/run-worker.js'
import { sleep } from './helpers/main-thread.js'
import { PATTERN_HEADER, bodyLength, recordType, writeRecord } from './helpers/record-pattern.js'
import type { ConsumerData, ConsumerResult } from './workers/pattern-consumer.worker.js'

test('consumer parks on an empty ring and wakes on each commit', async () => {
  const ring = SpscRing.create(1024)
  const count = 4
  const consumer = startWorker<ConsumerResult>('pattern-consumer.worker.js', {
    sab: ring.buffer,
    kind: 'spsc',
    consumerIndex: 0,
    count,
    maxBody: 16,
    limit: 100,
    spinPerBatchUs: 0,
    holdAndRecheck: false,
    parkMs: 10_000,
  } satisfies ConsumerData, 30_000)
  await consumer.ready
  const t0 = performance.now()
  for (let seq = 0; seq < count; seq++) {
    await sleep(100)
    const len = bodyLength(seq, 16)
    const at = ring.tryClaim(PATTERN_HEADER + len, recordType(seq))
    assert.ok(at >= 0)
    writeRecord(ring.bytes, ring.view, at, seq, len)
    ring.commit()
  }
  const c = await consumer.result
  assert.equal(c.failure, '')
  assert.equal(c.received, count)
  assert.ok(c.parks >= count - 1, `the consumer slept between commits: parks=${c.parks}`)
  assert.ok(performance.now() - t0 < 9_000, 'woken by commits, not by the 10 s park timeout')
})
