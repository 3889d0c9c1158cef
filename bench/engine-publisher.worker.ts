// Publisher thread of engine-bench.ts: writes 100 B messages straight into its own
// ingress ring (RingPublisher) until the stop flag is set, then reports what it did.
//
//   mode 'flood'  offers in batches of `batch`, flush() after each; on BACK_PRESSURED
//                 flush() + waitForSpace(1) and retry the same message.
//   mode 'acked'  like flood, but keeps at most `window` messages unacknowledged
//                 (waitForAck), so everything the subscriber counts was acked after fsync.
//   mode 'paced'  message i is due at t0 + i / rate; sends every due message, stamps
//                 each payload with its intended time (epoch ms, f64 at payload[0..8]),
//                 flushes, sleeps until the next one is due. Stamping the intended time,
//                 not the send time, is what corrects coordinated omission.
//
// Allocation of this thread is measured over the window (v8.GCProfiler + 'gc' entries).

import { parentPort, workerData } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import { RingPublisher, type PublisherPort } from '../engine/index.js'
import { AllocProbe } from './engine-alloc-probe.js'
import { CTL_MEASURE, CTL_START, CTL_STOP } from './engine-bench-control.js'

export interface PublisherData {
  port: PublisherPort
  control: SharedArrayBuffer
  mode: 'flood' | 'acked' | 'paced'
  /** Group id sets cycled per message (1-3 groups each). */
  groupSets: number[][]
  payloadBytes: number
  batch: number
  window: number
  rate: number
}

export interface PublisherResult {
  offered: number
  acked: number
  backPressured: number
  ackTimeouts: number
  allocBytes: number
  allocMessages: number
  gcCount: number
  gcPauseMs: number
  gcMaxPauseMs: number
  heapMeasured: boolean
  /** paced mode: send lag (actual offer time - intended time), µs, after the warm-up. */
  sendLagP50Us: number
  sendLagP99Us: number
  sendLagMaxUs: number
}

const d = workerData as PublisherData
const ctl = new Int32Array(d.control)
const pub = RingPublisher.attach(d.port)
const payload = new Uint8Array(d.payloadBytes)
for (let i = 0; i < payload.length; i++) payload[i] = (i * 37) & 255
const stamp = new Float64Array(1)
const stampBytes = new Uint8Array(stamp.buffer)
const sets = d.groupSets.map((s) => Int32Array.from(s))
const nSets = sets.length
const sleeper = new Int32Array(new SharedArrayBuffer(4))
let backPressured = 0
let ackTimeouts = 0
const probe = new AllocProbe()
let measuring = false
let measureFrom = 0

parentPort!.postMessage({ kind: 'ready' })
// Worker thread: blocking on the start flag is fine (the main thread notifies it).
while (Atomics.load(ctl, CTL_START) === 0) Atomics.wait(ctl, CTL_START, 0, 100)

function offerOne(): void {
  const g = sets[(pub.nextPseq - 1) % nSets]!
  for (;;) {
    const rc = pub.offer(g, g.length, payload, 0, payload.length)
    if (rc === 0) return
    if (rc !== RingPublisher.BACK_PRESSURED) throw new Error(`offer failed: rc=${rc}`)
    backPressured++
    pub.flush()
    pub.waitForSpace(1)
    if (Atomics.load(ctl, CTL_STOP) !== 0) return
  }
}

function checkMeasure(): void {
  // The main thread flips CTL_MEASURE at the window's edges; the probe brackets it.
  const m = Atomics.load(ctl, CTL_MEASURE) === 1
  if (m && !measuring) {
    measuring = true
    measureFrom = pub.nextPseq
    probe.start()
  } else if (!m && measuring && measureFrom > 0 && probe.running) {
    probe.stop(pub.nextPseq - measureFrom)
  }
}

// Send lag tells publisher stalls (this thread not scheduled) apart from engine delay:
// both show in the subscriber's corrected latency, only the first shows here.
const lag = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2 })
if (d.mode === 'paced') {
  const t0 = performance.timeOrigin + performance.now()
  const perMs = d.rate / 1000
  let sent = 0
  while (Atomics.load(ctl, CTL_STOP) === 0) {
    const now = performance.timeOrigin + performance.now()
    const due = Math.floor((now - t0) * perMs)
    if (sent < due && probe.running) {
      // One sample per wake-up, for its oldest due message (the worst lag of the group).
      const us = Math.round((now - (t0 + sent / perMs)) * 1000)
      lag.recordValue(us < 0 ? 0 : us)
    }
    while (sent < due) {
      stamp[0] = t0 + sent / perMs
      payload.set(stampBytes, 0)
      offerOne()
      sent++
    }
    pub.flush()
    checkMeasure()
    const nextAt = t0 + (sent + 1) / perMs
    const ahead = nextAt - (performance.timeOrigin + performance.now())
    // Sleep only when the next message is far enough off for a timed wait to be worth it;
    // shorter gaps are spun so the pacing stays close to the intended times.
    if (ahead > 0.05) Atomics.wait(sleeper, 0, 0, ahead - 0.02)
  }
} else {
  const acked = d.mode === 'acked'
  while (Atomics.load(ctl, CTL_STOP) === 0) {
    if (acked) {
      const limit = pub.nextPseq - d.window
      if (limit > 0 && pub.ackedPseq < limit) {
        pub.flush()
        if (!pub.waitForAck(limit, 200)) ackTimeouts++
        continue
      }
    }
    for (let i = 0; i < d.batch; i++) offerOne()
    pub.flush()
    checkMeasure()
  }
}
pub.flush()
if (probe.running) probe.stop(pub.nextPseq - measureFrom)
const r = probe.result()
parentPort!.postMessage({
  kind: 'result',
  value: {
    offered: pub.nextPseq - 1,
    acked: pub.ackedPseq,
    backPressured,
    ackTimeouts,
    allocBytes: r.bytes,
    allocMessages: r.messages,
    gcCount: r.gcCount,
    gcPauseMs: r.gcPauseMs,
    gcMaxPauseMs: r.gcMaxPauseMs,
    heapMeasured: r.measured,
    sendLagP50Us: lag.getValueAtPercentile(50),
    sendLagP99Us: lag.getValueAtPercentile(99),
    sendLagMaxUs: lag.maxValue,
  } satisfies PublisherResult,
})
