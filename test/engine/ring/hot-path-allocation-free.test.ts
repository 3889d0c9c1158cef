// The hot path allocates nothing per record: after warm-up, two million claim / write /
// commit / poll cycles (SPSC and SPMC, batched and single, tryClaimMax + shrinkLast, peek
// / advance) must not trigger a single young-generation GC. Allocating even 16 bytes
// per record would fill V8's new space (at most 16-32 MiB) and force several scavenges.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { SpscRing } from '../../../engine/ring/spsc-ring.js'
import { SpmcRing } from '../../../engine/ring/spmc-ring.js'
import { EMPTY } from '../../../codec/results.js'
import type { RingConsumer } from '../../../engine/ring/ring-consumer.js'
import type { RingProducer } from '../../../engine/ring/ring-producer.js'

let sum = 0
function onRecord(bytes: Uint8Array, offset: number, length: number, type: number): void {
  sum += (length > 0 ? bytes[offset]! : 1) + type
}

function cycle(producer: RingProducer, consumers: RingConsumer[], rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 16; i++) {
      const at = producer.tryClaim(20 + (i & 7), 3)
      producer.bytes[at] = i
    }
    const at = producer.tryClaimMax(8, 256, 4)
    producer.bytes[at] = 1
    producer.shrinkLast(Math.min(producer.claimedLength, 8 + (r & 15)))
    producer.commit()
    const one = producer.tryClaim(0, 5)
    if (one < 0) throw new Error('ring unexpectedly full')
    producer.commit()
    for (let c = 0; c < consumers.length; c++) {
      const consumer = consumers[c]!
      if ((r & 1) === 0) consumer.poll(onRecord)
      else {
        for (let p = consumer.peek(); p !== EMPTY; p = consumer.peek()) {
          sum += consumer.recordLength > 0 ? consumer.bytes[p]! : 1
          consumer.advance()
        }
        consumer.releaseAll()
      }
    }
  }
}

test('two million records through SPSC and SPMC rings cause no young-generation GC', async () => {
  const spsc = SpscRing.create(64 * 1024)
  const spmc = SpmcRing.create(64 * 1024, 2)
  const spmcConsumers = [spmc.consumer(0), spmc.consumer(1)]
  // Warm-up: let V8 optimise everything first (compilation itself allocates).
  for (let k = 0; k < 20; k++) {
    cycle(spsc.producer, [spsc.consumer], 2000)
    cycle(spmc.producer, spmcConsumers, 2000)
  }
  await sleep(10)
  let minorGcs = 0
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minorGcs++
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  // 18 records per round: 2 x 56,000 rounds ~ 2 million records.
  cycle(spsc.producer, [spsc.consumer], 56_000)
  cycle(spmc.producer, spmcConsumers, 56_000)
  await sleep(50) // gc entries are delivered asynchronously
  observer.disconnect()
  assert.ok(sum > 0, `sum=${sum}`)
  assert.equal(minorGcs, 0, `scavenges during the measured loop: ${minorGcs}`)
})
