// A stage consuming several rings sleeps on one doorbell that all their producers ring
// (the sequencer and its ingress rings). The consumer worker parks with a 10 s timeout;
// records committed one at a time to different rings must each wake it.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { Doorbell } from '../../../engine/ring/doorbell.js'
import { startWorker } from './helpers/run-worker.js'
import { sleep } from './helpers/main-thread.js'
import type { MultiRingData, MultiRingResult } from './workers/multi-ring-consumer.worker.js'

test('doorbell: ring() bumps the sequence only when someone registered; forceRing() always', () => {
  const bell = Doorbell.create()
  const seq0 = Atomics.load(bell.i32, bell.seqIndex)
  bell.ring()
  assert.equal(Atomics.load(bell.i32, bell.seqIndex), seq0)
  const seq = bell.prepare()
  assert.equal(seq, seq0)
  assert.equal(bell.waiters, 1)
  bell.ring()
  assert.equal(Atomics.load(bell.i32, bell.seqIndex), seq0 + 1)
  assert.equal(bell.await(seq, 10_000), true, 'the sequence moved: await returns at once')
  assert.equal(bell.waiters, 0)
  bell.forceRing()
  assert.equal(Atomics.load(bell.i32, bell.seqIndex), seq0 + 2)
  const again = bell.prepare()
  bell.cancel()
  assert.equal(bell.waiters, 0)
  assert.equal(Doorbell.attach(bell.buffer).prepare(), again)
})

test('one consumer worker sleeps on a doorbell shared by three rings and wakes on each commit', async () => {
  const bell = Doorbell.create()
  const rings = [0, 1, 2].map(() => SpscRing.create(256))
  for (const r of rings) r.producer.linkDoorbell(bell)
  const expected = 9
  const worker = startWorker<MultiRingResult>('multi-ring-consumer.worker.js', {
    rings: rings.map((r) => r.buffer),
    bell: bell.buffer,
    expected,
    parkMs: 10_000,
  } satisfies MultiRingData, 30_000)
  await worker.ready
  const t0 = performance.now()
  for (let i = 0; i < expected; i++) {
    await sleep(30)
    const ring = rings[i % 3]!
    ring.view.setUint32(ring.tryClaim(4, 1), i, true)
    ring.commit()
  }
  const r = await worker.result
  assert.deepEqual(r.values, [
    [0, 3, 6],
    [1, 4, 7],
    [2, 5, 8],
  ])
  assert.ok(r.parks >= expected - 1, `slept between commits: parks=${r.parks}`)
  assert.equal(r.timeouts, 0, 'every wake-up came from a commit')
  assert.ok(performance.now() - t0 < 9_000)
})
