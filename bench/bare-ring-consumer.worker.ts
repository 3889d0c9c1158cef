// Bare-ring benchmark consumer: polls every producer's ring round-robin, reading every
// u32 word of every record (checks the sequence, xors the words), sleeping on the shared
// doorbell when all rings are empty. It measures the window itself: after a warm-up it
// counts records for `seconds`, then raises the stop flag, drains, and checks that it
// received exactly what each producer reports having written (count and xor).

import { parentPort, workerData } from 'node:worker_threads'
import { SpscRing } from '../engine/ring/spsc-ring.js'
import { Doorbell } from '../engine/ring/doorbell.js'
import { BackoffIdleStrategy } from '../engine/idle/backoff-idle-strategy.js'
import type { Parker } from '../engine/idle/idle-strategy.js'
import { START, STOP, producerCount, producerDone, producerXor } from './bare-ring-control.js'

export interface BareConsumerData {
  rings: SharedArrayBuffer[]
  bell: SharedArrayBuffer
  control: SharedArrayBuffer
  recordBytes: number
  warmupSeconds: number
  seconds: number
  pollLimit: number
}

export interface BareConsumerResult {
  messages: number
  seconds: number
  total: number
  verified: boolean
  problem: string
  parks: number
}

const d = workerData as BareConsumerData
const rings = d.rings.map((sab) => SpscRing.attach(sab))
const bell = Doorbell.attach(d.bell)
const control = new Int32Array(d.control)
const words = d.recordBytes >>> 2
const expected = new Float64Array(rings.length)
const xors = new Int32Array(rings.length)
let current = 0
let u32: Uint32Array = rings[0]!.u32
let total = 0
let problem = ''

function onRecord(_bytes: Uint8Array, offset: number, length: number): void {
  const w0 = offset >>> 2
  const seq = u32[w0]!
  if (seq !== expected[current] || length !== d.recordBytes) {
    if (problem === '') problem = `ring ${current}: got seq=${seq} length=${length}, expected seq=${expected[current]}`
  }
  let x = xors[current]! ^ seq
  for (let w = 1; w < words; w++) x ^= u32[w0 + w]!
  xors[current] = x
  expected[current]++
  total++
}

function anyData(): boolean {
  for (const r of rings) if (r.consumer.hasData()) return true
  return false
}

// Sleeps on the doorbell all producers ring, with the race-free re-check of every ring.
const parker: Parker = {
  park(timeoutMs: number): boolean {
    const seq = bell.prepare()
    if (anyData()) {
      bell.cancel()
      return true
    }
    return bell.await(seq, timeoutMs)
  },
}
const idle = new BackoffIdleStrategy({ maxSpins: 200, maxYields: 50, minParkMs: 0.05, maxParkMs: 10, parker })

function pollAll(): number {
  let n = 0
  for (current = 0; current < rings.length; current++) {
    u32 = rings[current]!.u32
    n += rings[current]!.poll(onRecord, d.pollLimit)
  }
  return n
}

parentPort!.postMessage({ kind: 'ready' })
while (Atomics.load(control, START) === 0) Atomics.wait(control, START, 0, 1000)

const begin = performance.now()
const windowStart = begin + d.warmupSeconds * 1000
const windowEnd = windowStart + d.seconds * 1000
let t0 = 0
let t1 = 0
let c0 = 0
let c1 = 0
let phase = 0 // 0 warm-up, 1 measuring, 2 done
while (phase < 2) {
  idle.idle(pollAll())
  const now = performance.now()
  if (phase === 0 && now >= windowStart) {
    t0 = now
    c0 = total
    phase = 1
  } else if (phase === 1 && now >= windowEnd) {
    t1 = now
    c1 = total
    phase = 2
  }
}
Atomics.store(control, STOP, 1)

// Drain: until every producer is done and its ring is empty.
for (;;) {
  const n = pollAll()
  let done = true
  for (let p = 0; p < rings.length; p++) {
    if (Atomics.load(control, producerDone(p)) === 0 || rings[p]!.consumer.hasData()) done = false
  }
  if (done) break
  idle.idle(n)
}
let verified = problem === ''
for (let p = 0; p < rings.length; p++) {
  const count = Atomics.load(control, producerCount(p))
  const xor = Atomics.load(control, producerXor(p))
  if (count !== expected[p] || xor !== xors[p]) {
    verified = false
    if (problem === '') problem = `ring ${p}: produced=${count} received=${expected[p]} xor=${xor} vs ${xors[p]}`
  }
}
const result: BareConsumerResult = {
  messages: c1 - c0,
  seconds: (t1 - t0) / 1000,
  total,
  verified,
  problem,
  parks: idle.parks,
}
parentPort!.postMessage({ kind: 'result', value: result })
