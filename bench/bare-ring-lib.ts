// The baseline ordo's engine benchmark is compared with: the same records moved between
// the same threads through bare shared-memory rings, with no sequencing, no journal and
// no encoding beyond writing the record's words.
//
//   producer 0 ──▶ SPSC ring 0 ──┐
//   producer 1 ──▶ SPSC ring 1 ──┼──▶ consumer (reads every word of every record)
//   ...                          │      sleeps on one doorbell rung by all producers
//   producer P-1 ▶ SPSC ring P-1 ┘
//
// Each producer claims `batch` records of `recordBytes` (written word by word, straight
// into the ring), then commits once. The consumer measures its own receive rate over a
// window after a warm-up, then stops everyone and checks it got exactly what was sent.

import { Worker } from 'node:worker_threads'
import { SpscRing } from '../engine/ring/spsc-ring.js'
import { Doorbell } from '../engine/ring/doorbell.js'
import { START, controlBytes } from './bare-ring-control.js'
import type { BareProducerData } from './bare-ring-producer.worker.js'
import type { BareConsumerData, BareConsumerResult } from './bare-ring-consumer.worker.js'

export interface BareRingOptions {
  /** Producer worker threads, each with its own SPSC ring. */
  producers: number
  /** Payload bytes per record (multiple of 4, >= 4). 100 by default in the CLI; an ordo canonical blob of a 100 B payload with 2 groups is ~216. */
  recordBytes: number
  /** Measured window, seconds. */
  seconds: number
  /** Records per commit. */
  batch: number
  /** Bytes per ring (power of two). Default 1 MiB. */
  ringBytes?: number
  /** Warm-up before the window, seconds. Default 0.5. */
  warmupSeconds?: number
}

export interface BareRingResult {
  msgsPerSec: number
  /** Records received in the window, and its length. */
  messages: number
  seconds: number
  /** Every record arrived, in order, with the words written (counts and xors match). */
  verified: boolean
  problem: string
  consumerParks: number
}

function start<T>(file: string, workerData: unknown): { worker: Worker; ready: Promise<void>; result: Promise<T> } {
  const worker = new Worker(new URL(file, import.meta.url), { workerData })
  let onReady = (): void => {}
  const ready = new Promise<void>((r) => (onReady = r))
  const result = new Promise<T>((resolve, reject) => {
    let value: T | undefined
    worker.on('message', (m: { kind: string; value?: T }) => {
      if (m.kind === 'ready') onReady()
      else if (m.kind === 'result') value = m.value
    })
    worker.on('error', reject)
    worker.on('exit', (code) => (code === 0 && value !== undefined ? resolve(value) : reject(new Error(`${file} exited: code=${code}`))))
  })
  return { worker, ready, result }
}

export async function runBareRing(opts: BareRingOptions): Promise<BareRingResult> {
  const { producers, recordBytes, seconds, batch } = opts
  if (!(producers >= 1) || recordBytes < 4 || recordBytes % 4 !== 0 || !(batch >= 1) || !(seconds > 0)) {
    throw new RangeError(`bad bare ring options: producers=${producers}, recordBytes=${recordBytes}, batch=${batch}, seconds=${seconds}`)
  }
  const ringBytes = opts.ringBytes ?? 1 << 20
  const rings = Array.from({ length: producers }, () => SpscRing.create(ringBytes))
  const bell = Doorbell.create()
  const control = new SharedArrayBuffer(controlBytes(producers))
  const consumer = start<BareConsumerResult>('./bare-ring-consumer.worker.js', {
    rings: rings.map((r) => r.buffer),
    bell: bell.buffer,
    control,
    recordBytes,
    warmupSeconds: opts.warmupSeconds ?? 0.5,
    seconds,
    pollLimit: Math.max(256, batch * 4),
  } satisfies BareConsumerData)
  const producerRuns = rings.map((r, index) =>
    start<unknown>('./bare-ring-producer.worker.js', {
      ring: r.buffer,
      bell: bell.buffer,
      control,
      index,
      recordBytes,
      batch,
    } satisfies BareProducerData),
  )
  await Promise.all([consumer.ready, ...producerRuns.map((p) => p.ready)])
  const i32 = new Int32Array(control)
  Atomics.store(i32, START, 1)
  Atomics.notify(i32, START)
  const [c] = await Promise.all([consumer.result, ...producerRuns.map((p) => p.result)])
  return {
    msgsPerSec: c.messages / c.seconds,
    messages: c.messages,
    seconds: c.seconds,
    verified: c.verified,
    problem: c.problem,
    consumerParks: c.parks,
  }
}
