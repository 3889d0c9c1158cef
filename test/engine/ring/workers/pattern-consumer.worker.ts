// Test worker: consumes pattern records from a ring and verifies each one (sequence,
// length, type, checksum, every body byte). Options make it slow (spin per batch) or
// make it hold records: read ahead, wait, verify the same bytes again, then release —
// which catches a producer overwriting records a consumer still holds. Also checks after
// each batch that tail - released <= capacity (the producer never laps this consumer).
// Posts { kind: 'ready' } once attached, then { kind: 'result', value: ConsumerResult }.

import { parentPort, workerData } from 'node:worker_threads'
import { SpmcRing } from '../../../../engine/ring/spmc-ring.js'
import { SpscRing } from '../../../../engine/ring/spsc-ring.js'
import type { RingConsumer } from '../../../../engine/ring/ring-consumer.js'
import { BackoffIdleStrategy } from '../../../../engine/idle/backoff-idle-strategy.js'
import { checkRecord } from '../helpers/record-pattern.js'

export interface ConsumerData {
  sab: SharedArrayBuffer
  kind: 'spsc' | 'spmc'
  consumerIndex: number
  count: number
  maxBody: number
  /** Records per read/poll call. */
  limit: number
  /** Busy-wait this many microseconds after each batch (a slow consumer). */
  spinPerBatchUs: number
  /** Read ahead, pause, re-verify the held records, then release. */
  holdAndRecheck: boolean
  /** Fixed park timeout (ms) instead of 1..20 ms backoff: a huge one proves wake-ups come from notify. */
  parkMs?: number
}

export interface ConsumerResult {
  received: number
  failure: string
  maxHeldBytes: number
  parks: number
}

const d = workerData as ConsumerData
const consumer: RingConsumer =
  d.kind === 'spsc' ? SpscRing.attach(d.sab).consumer : SpmcRing.attach(d.sab, d.consumerIndex)
const idle = new BackoffIdleStrategy({
  maxSpins: 100,
  maxYields: 20,
  minParkMs: d.parkMs ?? 1,
  maxParkMs: d.parkMs ?? 20,
  parker: consumer,
})

let expected = 0
let failure = ''
// Held records of the current batch (hold mode), preallocated: offset, length, type.
const held = new Int32Array(3 * Math.max(1, d.limit))
let heldCount = 0

function onRecord(bytes: Uint8Array, offset: number, length: number, type: number): void {
  if (failure === '') {
    const problem = checkRecord(bytes, consumer.view, offset, length, type, expected, d.maxBody)
    if (problem !== '') failure = `consumer ${d.consumerIndex}: ${problem}`
  }
  if (d.holdAndRecheck) {
    held[3 * heldCount] = offset
    held[3 * heldCount + 1] = length
    held[3 * heldCount + 2] = type
    heldCount++
  }
  expected++
}

function spin(us: number): void {
  const until = performance.now() + us / 1000
  while (performance.now() < until) {}
}

parentPort!.postMessage({ kind: 'ready' })
let maxHeldBytes = 0
while (expected < d.count && failure === '') {
  heldCount = 0
  const first = expected
  const n = d.holdAndRecheck ? consumer.read(onRecord, d.limit) : consumer.poll(onRecord, d.limit)
  if (n < 0) {
    failure = `consumer ${d.consumerIndex}: read returned ${n}`
    break
  }
  if (n === 0) {
    if (consumer.closed && !consumer.hasData()) {
      failure = `consumer ${d.consumerIndex}: ring closed after ${expected} of ${d.count} records`
      break
    }
    idle.idle(0)
    continue
  }
  idle.reset()
  // Invariant: the producer never runs more than one capacity ahead of what we hold.
  const heldBytes = consumer.available() + ((consumer.readPosition - consumer.releasedPosition) >>> 0)
  if (heldBytes > maxHeldBytes) maxHeldBytes = heldBytes
  if (heldBytes > consumer.capacity) failure = `consumer ${d.consumerIndex}: producer lapped it: held=${heldBytes}`
  if (d.spinPerBatchUs > 0) spin(d.spinPerBatchUs)
  if (d.holdAndRecheck) {
    for (let i = 0; i < heldCount && failure === ''; i++) {
      const problem = checkRecord(consumer.bytes, consumer.view, held[3 * i]!, held[3 * i + 1]!, held[3 * i + 2]!, first + i, d.maxBody)
      if (problem !== '') failure = `consumer ${d.consumerIndex}: held record changed before release: ${problem}`
    }
    consumer.release(consumer.readPosition)
  }
}

const result: ConsumerResult = { received: expected, failure, maxHeldBytes, parks: idle.parks }
parentPort!.postMessage({ kind: 'result', value: result })
