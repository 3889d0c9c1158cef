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

/** Resolves when cond() holds (checked every 5 ms); rejects after maxMs. */
export async function waitUntil(cond: () => boolean, what: string, maxMs = 10_000): Promise<void> {
  const start = performance.now()
  while (!cond()) {
    if (performance.now() - start > maxMs) throw new Error(`timed out waiting for: ${what}`)
    await sleep(5)
  }
}
