// Bare-ring benchmark producer: writes fixed-size records straight into its SPSC ring
// (claim, write every u32 word, commit per batch) until the stop flag, then publishes its
// count and the xor of all words it wrote. Record words: [0] sequence, [w] seq*31 + w.

import { parentPort, workerData } from 'node:worker_threads'
import { SpscRing } from '../engine/ring/spsc-ring.js'
import { Doorbell } from '../engine/ring/doorbell.js'
import { BackoffIdleStrategy } from '../engine/idle/backoff-idle-strategy.js'
import { START, STOP, producerCount, producerDone, producerXor } from './bare-ring-control.js'

export interface BareProducerData {
  ring: SharedArrayBuffer
  bell: SharedArrayBuffer
  control: SharedArrayBuffer
  index: number
  recordBytes: number
  batch: number
}

const d = workerData as BareProducerData
const ring = SpscRing.attach(d.ring)
const producer = ring.producer
producer.linkDoorbell(Doorbell.attach(d.bell))
const control = new Int32Array(d.control)
const u32 = producer.u32
const words = d.recordBytes >>> 2
const idle = new BackoffIdleStrategy({ maxSpins: 200, maxYields: 50, minParkMs: 0.05, maxParkMs: 10, parker: producer })

parentPort!.postMessage({ kind: 'ready' })
// Worker thread: blocking until the start flag is fine (main notifies START).
while (Atomics.load(control, START) === 0) Atomics.wait(control, START, 0, 1000)

let seq = 0
let xor = 0
while (Atomics.load(control, STOP) === 0) {
  let n = 0
  for (; n < d.batch; n++) {
    const at = producer.tryClaim(d.recordBytes, 1)
    if (at < 0) break
    const w0 = at >>> 2
    u32[w0] = seq
    xor ^= seq
    for (let w = 1; w < words; w++) {
      const v = (Math.imul(seq, 31) + w) >>> 0
      u32[w0 + w] = v
      xor ^= v
    }
    seq++
  }
  producer.commit()
  idle.idle(n)
}
producer.commit()
Atomics.store(control, producerCount(d.index), seq)
Atomics.store(control, producerXor(d.index), xor)
// Done last: the consumer reads count and xor after seeing it (SC store/load pair).
Atomics.store(control, producerDone(d.index), 1)
producer.close() // wakes the consumer if it sleeps on the doorbell
parentPort!.postMessage({ kind: 'result', value: { produced: seq, parks: idle.parks } })
