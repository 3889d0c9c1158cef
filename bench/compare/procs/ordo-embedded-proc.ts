// The comparison's embedded ordo: one process holding the engine (async durability), its publisher threads and one
// subscriber on the main thread. The runner measures this process's CPU and RSS as the "server".
//
//   publisher thread k (engine-publisher.worker.js, RingPublisher) ──▶ ingress ring k ──▶ sequencer ──▶ journal
//                                                                                              └──▶ dispatcher ──▶ subscriber
//
// throughput: P threads flood (batches of 256); after a warm-up, delivered msg/s until `messages` were delivered in
//             the window; then stop, and check the subscriber got every offered message once, gsn dense, each
//             publisher's pseqs in order.
// latency:    1 thread paced at `rate` by intended send times (stamped in the payload), `seconds` after a warm-up.
//
//   node ordo-embedded-proc.js '{"dir":..,"publishers":1,"groups":1,"payloadBytes":100,"messages":..,...}'
// Prints {"result": EmbeddedResult} (or {"error"}), then exits when stdin closes.

import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import * as hdr from 'hdr-histogram-js'
import { Engine, type DeliverBatch } from '../../../engine/index.js'
import { CONTROL_BYTES, CTL_START, CTL_STOP } from '../../engine-bench-control.js'
import { startPublisherThread } from '../../engine-publisher-start.js'
import type { PublisherResult } from '../../engine-publisher.worker.js'
import { emit, onCommand } from './child.js'

export interface EmbeddedArgs {
  dir: string
  publishers: number
  groups: number
  payloadBytes: number
  messages: number
  latencyRate: number
  latencySeconds: number
  warmupMs: number
  /** 'async' (the row compared with the peers) or 'memory' (no journal: the like-for-like with the bare ring). */
  durability: 'async' | 'memory'
}

export interface EmbeddedResult {
  published_per_s: number
  acked_per_s: number
  delivered_per_s: number
  window_messages: number
  offered: number
  delivered: number
  p50_us: number
  p99_us: number
  p999_us: number
  max_us: number
  samples: number
  problems: string[]
}

const a = JSON.parse(process.argv[2]!) as EmbeddedArgs
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const nowMs = (): number => performance.timeOrigin + performance.now()
const MAX_PROBLEMS = 10

// Subscriber state: module-level numbers and typed arrays, so the handler allocates nothing per message.
let delivered = 0
let lastGsn = 0
let problemCount = 0
const problems: string[] = []
/** Per publisher: its id and the next pseq expected (linear search: a handful of publishers). */
const pubIds = new Float64Array(16)
const nextPseq = new Float64Array(16)
let pubCount = 0
let hist: hdr.Histogram | null = null
let measureFrom = Infinity
const stampF64 = new Float64Array(1)
const stampU8 = new Uint8Array(stampF64.buffer)

function problem(text: string): void {
  problemCount++
  if (problems.length < MAX_PROBLEMS) problems.push(text)
}

function onDeliver(batch: DeliverBatch): void {
  const h = hist
  // One clock read per batch: all messages of a batch reach the handler at once.
  const now = h === null ? 0 : nowMs()
  while (batch.next()) {
    delivered++
    const g = batch.gsnNumber
    if (lastGsn !== 0 && g !== lastGsn + 1) problem(`gsn ${g} after ${lastGsn}`)
    lastGsn = g
    const pub = batch.publisherNumber
    let k = 0
    while (k < pubCount && pubIds[k] !== pub) k++
    if (k === pubCount) {
      if (pubCount === pubIds.length) {
        problem(`more than ${pubIds.length} publishers seen`)
        continue
      }
      pubIds[k] = pub
      nextPseq[k] = batch.pseqNumber
      pubCount++
    }
    if (batch.pseqNumber !== nextPseq[k]) problem(`publisher ${pub}: pseq ${batch.pseqNumber}, expected ${nextPseq[k]} (gsn ${g})`)
    nextPseq[k] = batch.pseqNumber + 1
    if (batch.payloadLength !== a.payloadBytes) problem(`gsn ${g}: payload length ${batch.payloadLength}`)
    if (h !== null) {
      const f = batch.frame
      const p = batch.payloadOffset
      for (let i = 0; i < 8; i++) stampU8[i] = f[p + i]!
      if (stampF64[0]! >= measureFrom) {
        const us = Math.round((now - stampF64[0]!) * 1000)
        h.recordValue(us < 1 ? 1 : us)
      }
    }
  }
}

async function waitDelivered(target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (delivered < target && Date.now() < deadline) await sleep(5)
}

async function run(engine: Engine): Promise<EmbeddedResult> {
  const names = Array.from({ length: a.groups }, (_, i) => `cmp.g${i}`)
  const ids = engine.resolveGroupIds(names, true)
  // One group per message, cycling over the groups (as every system of the comparison is asked to).
  const groupSets = ids.map((id) => [id])
  const base = { groupSets, payloadBytes: a.payloadBytes, batch: 256, window: 32768, rate: a.latencyRate }

  // Throughput.
  let sub = engine.subscribe(names, {}, onDeliver)
  let control = new SharedArrayBuffer(CONTROL_BYTES)
  let ctl = new Int32Array(control)
  let pubs = Array.from({ length: a.publishers }, () => startPublisherThread({ ...base, port: engine.createPublisherPort(), control, mode: 'flood' }))
  await Promise.all(pubs.map((p) => p.ready))
  Atomics.store(ctl, CTL_START, 1)
  Atomics.notify(ctl, CTL_START)
  await sleep(a.warmupMs)
  const d0 = delivered
  const m0 = engine.metricsSnapshot()
  const t0 = nowMs()
  let lastProgress = t0
  const deadline = t0 + 120_000
  while (delivered - d0 < a.messages && nowMs() < deadline) {
    await sleep(2)
    if (nowMs() - lastProgress >= 1000) {
      lastProgress = nowMs()
      emit({ progress: `${delivered - d0}/${a.messages} delivered in the window` })
    }
  }
  const d1 = delivered
  const m1 = engine.metricsSnapshot()
  const t1 = nowMs()
  Atomics.store(ctl, CTL_STOP, 1)
  const results: PublisherResult[] = await Promise.all(pubs.map((p) => p.result))
  const offered = results.reduce((s, r) => s + r.offered, 0)
  await waitDelivered(offered, 10_000)
  if (delivered !== offered) problem(`${offered} messages offered, ${delivered} delivered (after 10 s)`)
  sub.close()
  // All three rates over the same window: sequenced (taken from the publishers' rings) and written (the durable
  // watermark, which in async mode is what an ack waits for) from the engine's counters, delivered from the subscriber.
  const s = (t1 - t0) / 1000
  const tp = {
    delivered,
    offered,
    window: d1 - d0,
    perS: (d1 - d0) / s,
    published: (m1.messagesSequenced - m0.messagesSequenced) / s,
    acked: (m1.durableGsn - m0.durableGsn) / s,
  }

  // Latency: a fresh subscription from now on (gsn check restarts), one paced publisher thread.
  lastGsn = 0
  pubCount = 0
  delivered = 0
  hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
  sub = engine.subscribe(names, {}, onDeliver)
  control = new SharedArrayBuffer(CONTROL_BYTES)
  ctl = new Int32Array(control)
  pubs = [startPublisherThread({ ...base, port: engine.createPublisherPort(), control, mode: 'paced' })]
  await Promise.all(pubs.map((p) => p.ready))
  measureFrom = nowMs() + a.warmupMs
  Atomics.store(ctl, CTL_START, 1)
  Atomics.notify(ctl, CTL_START)
  await sleep(a.warmupMs + a.latencySeconds * 1000)
  Atomics.store(ctl, CTL_STOP, 1)
  const lat = await Promise.all(pubs.map((p) => p.result))
  await waitDelivered(lat[0]!.offered, 10_000)
  if (delivered !== lat[0]!.offered) problem(`latency run: ${lat[0]!.offered} offered, ${delivered} delivered (after 10 s)`)
  sub.close()
  const h = hist
  hist = null
  if (problemCount > problems.length) problems.push(`${problemCount - problems.length} more problems`)
  return {
    published_per_s: tp.published,
    acked_per_s: tp.acked,
    delivered_per_s: tp.perS,
    window_messages: tp.window,
    offered: tp.offered,
    delivered: tp.delivered,
    p50_us: h.getValueAtPercentile(50),
    p99_us: h.getValueAtPercentile(99),
    p999_us: h.getValueAtPercentile(99.9),
    max_us: h.maxValue,
    samples: h.totalCount,
    problems,
  }
}

// The report goes out after the engine closed and its data is gone; the process then stays until the runner closes
// stdin, so the runner can still read this process's CPU and peak RSS from /proc.
const dataDir = fs.mkdtempSync(path.join(a.dir, 'ordo-embedded-'))
let report: Record<string, unknown>
try {
  if (a.durability === 'memory') process.removeAllListeners('warning') // the memory-mode warning is expected here
  const engine = await Engine.open({ dataDir, durability: a.durability })
  try {
    report = { result: await run(engine) }
  } finally {
    await engine.close()
  }
} catch (e) {
  report = { error: e instanceof Error ? e.message : String(e) }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true })
}
onCommand(() => {})
emit(report)
