// Main-thread helpers for ring tests: never block the event loop (no Atomics.wait).

import { setTimeout as sleep } from 'node:timers/promises'
import type { RingConsumer } from '../../../../engine/ring/ring-consumer.js'
import { checkRecord } from './record-pattern.js'

export { sleep }

/**
 * Polls pattern records from consumer until `count` arrived, awaiting waitForDataAsync
 * when empty. Throws on the first record that fails its check. Returns the count.
 */
export async function drainPattern(consumer: RingConsumer, count: number, maxBody: number, first = 0): Promise<number> {
  let expected = first
  let problem = ''
  const onRecord = (bytes: Uint8Array, offset: number, length: number, type: number): void => {
    if (problem === '') problem = checkRecord(bytes, consumer.view, offset, length, type, expected, maxBody)
    expected++
  }
  while (expected < first + count) {
    if (consumer.poll(onRecord) === 0) {
      if (!(await consumer.waitForDataAsync(10_000))) throw new Error(`no data for 10 s: received=${expected - first}`)
    }
    if (problem !== '') throw new Error(problem)
  }
  return expected - first
}

/**
 * Resolves once `read()` (e.g. available()) is non-zero (the other thread has started) and
 * then stops changing for `quietMs`; returns its last value.
 */
export async function settle(read: () => number, quietMs = 100, maxMs = 10_000): Promise<number> {
  let last = read()
  let since = performance.now()
  const start = since
  for (;;) {
    await sleep(10)
    const v = read()
    if (v === 0 || v !== last) {
      last = v
      since = performance.now()
    } else if (performance.now() - since >= quietMs) return v
    if (performance.now() - start > maxMs) throw new Error(`value kept changing for ${maxMs} ms`)
  }
}
