// Test worker: writes `count` pattern records (helpers/record-pattern.ts) into a ring,
// committing every `batch` records, waiting with a Backoff strategy parked on the ring
// when it is full. Posts { kind: 'result', value: ProducerResult }.

import { parentPort, workerData } from 'node:worker_threads'
import { SpmcRing } from '../../../../engine/ring/spmc-ring.js'
import { SpscRing } from '../../../../engine/ring/spsc-ring.js'
import type { RingProducer } from '../../../../engine/ring/ring-producer.js'
import { BackoffIdleStrategy } from '../../../../engine/idle/backoff-idle-strategy.js'
import { BusySpinIdleStrategy } from '../../../../engine/idle/busy-spin-idle-strategy.js'
import { PATTERN_HEADER, bodyLength, recordType, writeRecord } from '../helpers/record-pattern.js'

export interface ProducerData {
  sab: SharedArrayBuffer
  kind: 'spsc' | 'spmc'
  count: number
  maxBody: number
  batch: number
  idle: 'backoff' | 'spin'
  claimTimeoutMs: number
  /** Close the ring after the last commit. */
  closeAtEnd: boolean
  /** Fixed park timeout (ms) instead of 1..20 ms backoff: a huge one proves wake-ups come from notify. */
  parkMs?: number
}

export interface ProducerResult {
  produced: number
  backPressureCount: number
  parks: number
  failure: string
}

const d = workerData as ProducerData
const producer: RingProducer = d.kind === 'spsc' ? SpscRing.attach(d.sab).producer : SpmcRing.attach(d.sab).producer
const idle =
  d.idle === 'spin'
    ? new BusySpinIdleStrategy()
    : new BackoffIdleStrategy({ maxSpins: 100, maxYields: 20, minParkMs: d.parkMs ?? 1, maxParkMs: d.parkMs ?? 20, parker: producer })

let failure = ''
let seq = 0
for (; seq < d.count; seq++) {
  const bodyLen = bodyLength(seq, d.maxBody)
  const at = producer.claim(PATTERN_HEADER + bodyLen, recordType(seq), idle, d.claimTimeoutMs)
  if (at < 0) {
    failure = `claim failed: seq=${seq}, result=${at}`
    break
  }
  writeRecord(producer.bytes, producer.view, at, seq, bodyLen)
  if ((seq + 1) % d.batch === 0) producer.commit()
}
producer.commit()
if (d.closeAtEnd) producer.close()

const result: ProducerResult = {
  produced: seq,
  backPressureCount: producer.backPressureCount,
  parks: idle instanceof BackoffIdleStrategy ? idle.parks : 0,
  failure,
}
parentPort!.postMessage({ kind: 'result', value: result })
