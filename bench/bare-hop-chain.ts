// The floor the embedded engine's latency is judged against: the engine's threads and
// hand-offs, with nothing done between them.
//
//   publisher thread (engine-publisher.worker.ts, paced, the same code the engine bench runs)
//     ─ IngressWriter ─▶ SPSC ring ─ doorbell ─▶
//   hop thread (bare-hop-chain.worker.ts, in the sequencer's place: the same idle strategy and
//     parker; copies each record into the out ring, commits, rings; no sequencing, no journal)
//     ─▶ SPSC ring ─ doorbell, Atomics.waitAsync ─▶
//   main thread (in the dispatcher's place: a pass per wake-up, further passes through
//     setImmediate while there is work; reads every message's intended time stamp)
//
// Latency is deliver time minus the message's intended send time (coordinated omission
// corrected, as in the engine bench), into an HdrHistogram, over a window after a warm-up.

import { Worker } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import { SpscRing } from '../engine/ring/spsc-ring.js'
import { Doorbell } from '../engine/ring/doorbell.js'
import { ingressBlobsAt, ingressCount } from '../engine/descriptors/ingress-record-descriptor.js'
import { blobLengthAt, blobPayloadOffset, blobPseq } from '../codec/blob.js'
import { CONTROL_BYTES, CTL_MEASURE, CTL_START, CTL_STOP } from './engine-bench-control.js'
import { startPublisherThread } from './engine-publisher-start.js'
import type { PublisherPort } from '../engine/publisher-port.js'
import type { HopData } from './bare-hop-chain.worker.js'

export interface HopChainOptions {
  /** Messages per second the publisher is paced at. */
  rate: number
  seconds: number
  warmupSeconds: number
  payloadBytes: number
  /** Group id sets cycled per message (they only set the blob's size here). */
  groupSets: number[][]
  /** The hop thread's empty passes before it parks (the engine's idleSpins). */
  idleSpins: number
  /** Called once a second with the messages received so far. */
  progress?: (received: number, elapsedS: number) => void
}

export interface HopChainResult {
  /** µs from intended send time to delivery, over the window. */
  p50: number
  p99: number
  p999: number
  max: number
  samples: number
  /** Every message arrived once, in order (pseq by pseq). */
  inOrder: boolean
}

const RING_BYTES = 8 * 1024 * 1024

export async function runHopChain(o: HopChainOptions): Promise<HopChainResult> {
  const input = SpscRing.create(RING_BYTES)
  const output = SpscRing.create(RING_BYTES)
  const inBell = Doorbell.create()
  const outBell = Doorbell.create()
  const port: PublisherPort = { arena: input.buffer, ringOffset: 0, bell: inBell.buffer, acks: new SharedArrayBuffer(128), publisher: 1 }
  const control = new SharedArrayBuffer(CONTROL_BYTES)
  const ctl = new Int32Array(control)
  const stop = new SharedArrayBuffer(4)
  const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
  const stampF64 = new Float64Array(1)
  const stampU8 = new Uint8Array(stampF64.buffer)
  let received = 0
  let lastPseq = 0
  let inOrder = true

  const onRecord = (bytes: Uint8Array, offset: number): void => {
    const now = performance.timeOrigin + performance.now()
    const count = ingressCount(output.i32, offset)
    let pos = ingressBlobsAt(offset)
    for (let k = 0; k < count; k++) {
      const pseq = blobPseq(bytes, pos)
      if (pseq !== lastPseq + 1) inOrder = false
      lastPseq = pseq
      const p = blobPayloadOffset(bytes, pos)
      for (let i = 0; i < 8; i++) stampU8[i] = bytes[p + i]!
      const us = Math.round((now - stampF64[0]!) * 1000)
      hist.recordValue(us < 0 ? 0 : us)
      received++
      pos += blobLengthAt(bytes, pos)
    }
  }

  // The dispatcher's loop (engine/stages/fanout/dispatcher.ts run / wokenBound), reduced.
  let scheduled = false
  let waiting = false
  let stopped = false
  const run = (): void => {
    scheduled = false
    if (stopped) return
    if (output.consumer.poll(onRecord) > 0) return schedule()
    if (waiting) return
    const seq = outBell.prepare()
    if (output.consumer.hasData()) {
      outBell.cancel()
      return schedule()
    }
    waiting = true
    void outBell.awaitAsync(seq, 200).then(woken)
  }
  const woken = (): void => {
    waiting = false
    if (!scheduled && !stopped) run()
  }
  const schedule = (): void => {
    if (scheduled || stopped) return
    scheduled = true
    setImmediate(run)
  }

  const hop = new Worker(new URL('./bare-hop-chain.worker.js', import.meta.url), {
    workerData: { input: input.buffer, output: output.buffer, inBell: inBell.buffer, outBell: outBell.buffer, stop, idleSpins: o.idleSpins } satisfies HopData,
  })
  const hopReady = new Promise<void>((resolve) => hop.once('message', () => resolve()))
  const hopDone = new Promise<void>((resolve, reject) => {
    hop.on('error', reject)
    hop.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`hop thread exited: code=${code}`))))
  })
  const pub = startPublisherThread({ port, control, mode: 'paced', groupSets: o.groupSets, payloadBytes: o.payloadBytes, batch: 1, window: 0, rate: o.rate })
  await Promise.all([pub.ready, hopReady])
  run()
  Atomics.store(ctl, CTL_START, 1)
  Atomics.notify(ctl, CTL_START)
  await sleep(o.warmupSeconds * 1000)
  hist.reset()
  const r0 = received
  const t0 = performance.now()
  Atomics.store(ctl, CTL_MEASURE, 1)
  const tick = setInterval(() => o.progress?.(received - r0, (performance.now() - t0) / 1000), 1000)
  await sleep(o.seconds * 1000)
  clearInterval(tick)
  const samples = hist.totalCount
  const result = { p50: hist.getValueAtPercentile(50), p99: hist.getValueAtPercentile(99), p999: hist.getValueAtPercentile(99.9), max: hist.maxValue, samples }
  Atomics.store(ctl, CTL_MEASURE, 2)
  Atomics.store(ctl, CTL_STOP, 1)
  await pub.result
  Atomics.store(new Int32Array(stop), 0, 1)
  inBell.forceRing()
  await hopDone
  stopped = true
  outBell.forceRing()
  return { ...result, inOrder }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
