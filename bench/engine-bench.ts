// ordo engine benchmark: throughput, durable throughput, latency, allocation, recovery,
// each next to the baseline it is judged against, measured in the same run.
//
//   publisher thread 0 ─ RingPublisher ─▶ ingress ring 1 ─┐
//   publisher thread 1 ─ RingPublisher ─▶ ingress ring 2 ─┤
//                                                         ▼
//                sequencer worker (gsn, gseqs, batches; then, same thread, journal
//                append + write() to the OS — none in memory mode)
//                                                         ▼
//                        sequenced ring ──▶ journal-sync worker: fdatasync (fsync mode) or
//                                           every asyncFsyncIntervalMs (async mode)
//                                                         ▼
//                  main thread: dispatcher ──▶ 1 embedded subscriber (counts, checks gsn
//                                                order, reads the payload's timestamp)
//
//   baseline: 2 producer threads ─▶ 2 bare SPSC rings ─▶ 1 consumer thread (runBareRing),
//             records of the canonical blob size of a 100 B payload with 2 groups.
//
// Messages: 100 B payloads, 1-3 groups each (cycled); the subscriber subscribes to every
// group, so it must see every gsn exactly once, consecutively.
//
//   memory   2 publishers flood (batches of 256, flush; BACK_PRESSURED → flush +
//            waitForSpace(1)); delivered msg/s over --seconds; bare ring in the same run.
//            Allocation is measured in this run: main thread (dispatcher + subscriber)
//            and both publisher threads.
//   fsync    2 publishers flood with a bounded unacknowledged window (waitForAck), so
//            every counted message was acked after fsync; fsyncs/s, mean batch size.
//   latency  1 publisher paced at --rate (default 100 000 msg/s) by intended send times;
//            deliver - intended (µs, coordinated-omission corrected) into an HdrHistogram;
//            async mode, then fsync mode. Beside async (and memory) mode, the floor it is
//            judged against in the same run: the bare hop chain (bare-hop-chain.ts), the same
//            publisher thread, a hop thread idling like the sequencer and a main-thread pass
//            woken like the dispatcher, with no sequencing or journal between them.
//            --latency-runs N alternates engine and chain N times and prints medians.
//   recovery journal-recovery.js in a child: ~1 GiB journal (--quick: 256 MiB), kill -9,
//            time Journal.open; ms per GiB. Then engine-recovery.js: the engine itself fills
//            the journal, kill -9, time Engine.open (recovery + state rebuild + workers).
//
//   node dist/bench/engine-bench.js [--seconds 10 (--quick: 3)] [--rate 100000] [--window 32768]
//        [--dir <parent of data dirs>] [--quick] [--json] [--skip memory,fsync,latency,recovery]
//        [--latency-modes async,fsync[,memory]] [--latency-runs 1] [--batch-max-bytes 4096|engine]
//
// Progress goes to stderr; results to stdout; --json adds one JSON object as the last line.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { PerformanceObserver } from 'node:perf_hooks'
import * as hdr from 'hdr-histogram-js'
import { Engine, type DeliverBatch, type EngineMetrics } from '../engine/index.js'
import { blobLength } from '../codec/message-layout.js'
import { runBareRing } from './bare-ring-lib.js'
import { runHopChain, type HopChainResult } from './bare-hop-chain.js'
import { defaultIdleSpins } from '../engine/options.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'
import { AllocProbe, type AllocResult } from './engine-alloc-probe.js'
import { CONTROL_BYTES, CTL_MEASURE, CTL_START, CTL_STOP } from './engine-bench-control.js'
import type { PublisherData, PublisherResult } from './engine-publisher.worker.js'
import { startPublisherThread } from './engine-publisher-start.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    rate: { type: 'string', default: '100000' },
    window: { type: 'string', default: '32768' },
    dir: { type: 'string', default: os.tmpdir() },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    'batch-max-bytes': { type: 'string', default: 'engine' },
    'latency-modes': { type: 'string', default: 'async,fsync' },
    'latency-runs': { type: 'string', default: '1' },
  },
})
// 10 s windows by default: allocation and GC pauses are judged over a 10-second run.
const SECONDS = Number(values.seconds ?? (values.quick ? 3 : 10))
const RATE = Number(values.rate)
const LATENCY_RUNS = Number(values['latency-runs'])
if (!(LATENCY_RUNS >= 1)) throw new Error(`bad --latency-runs: ${values['latency-runs']}: a whole number >= 1`)
const WINDOW = Number(values.window)
const WARMUP_S = values.quick ? 0.5 : 1
const PAYLOAD = 100
const BATCH = 256
// Engine option batchMaxBytes; 'engine' (default) = the engine's default (512 KiB).
const BATCH_MAX_BYTES = values['batch-max-bytes'] === 'engine' ? undefined : Number(values['batch-max-bytes'])
const skip = new Set(values.skip.split(',').filter((s) => s !== ''))
const log = (s: string): void => void process.stderr.write(`${s}\n`)
const fmtM = (n: number): string => `${(n / 1e6).toFixed(2)} M`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

interface ScenarioOptions {
  durability: 'memory' | 'fsync' | 'async'
  mode: PublisherData['mode']
  publishers: number
  latency: boolean
  measureAlloc: boolean
}

interface ScenarioResult {
  msgsPerSec: number
  delivered: number
  seconds: number
  orderErrors: number
  publishers: PublisherResult[]
  before: EngineMetrics
  after: EngineMetrics
  heapBefore: StageHeaps
  heapAfter: StageHeaps
  hist: hdr.Histogram | null
  histToSeq: hdr.Histogram | null
  histFromSeq: hdr.Histogram | null
  mainAlloc: AllocResult | null
  mainGcObserved: { count: number; totalMs: number; maxMs: number }
  /** Mean fraction of the sequenced ring in use, sampled once a second. */
  seqRingFull: number
}

/** The subscriber's state: module-level numbers so the handler allocates nothing per message. */
let delivered = 0
let lastGsn = 0
let orderErrors = 0
let hist: hdr.Histogram | null = null
/** The same latency split at the sequencer's time stamp: publish -> sequenced, sequenced -> delivered. */
let histToSeq: hdr.Histogram | null = null
let histFromSeq: hdr.Histogram | null = null
const stampF64 = new Float64Array(1)
const stampU8 = new Uint8Array(stampF64.buffer)

function onDeliver(batch: DeliverBatch): void {
  const h = hist
  // One clock read per batch: every message of a Deliver frame reaches the handler at once.
  const now = h === null ? 0 : performance.timeOrigin + performance.now()
  while (batch.next()) {
    const g = batch.gsnNumber
    if (lastGsn !== 0 && g !== lastGsn + 1) orderErrors++
    lastGsn = g
    delivered++
    if (h !== null) {
      const f = batch.frame
      const p = batch.payloadOffset
      for (let i = 0; i < 8; i++) stampU8[i] = f[p + i]!
      const us = Math.round((now - stampF64[0]!) * 1000)
      h.recordValue(us < 0 ? 0 : us)
      const seqUs = batch.time - stampF64[0]! * 1000
      histToSeq!.recordValue(seqUs < 0 ? 0 : Math.round(seqUs))
      const fromSeq = now * 1000 - batch.time
      histFromSeq!.recordValue(fromSeq < 0 ? 0 : Math.round(fromSeq))
    }
  }
}

async function runScenario(o: ScenarioOptions, seconds: number): Promise<ScenarioResult> {
  const dataDir = fs.mkdtempSync(path.join(values.dir, `ordo-engine-bench-${o.durability}-`))
  const engine = await Engine.open({ dataDir, durability: o.durability, ...(BATCH_MAX_BYTES === undefined ? {} : { batchMaxBytes: BATCH_MAX_BYTES }) })
  try {
    const names = ['bench-a', 'bench-b', 'bench-c', 'bench-d']
    const ids = engine.resolveGroupIds(names, true)
    const groupSets = [[ids[0]!], [ids[1]!, ids[2]!], [ids[3]!, ids[0]!, ids[1]!], [ids[2]!, ids[3]!]]
    delivered = 0
    lastGsn = 0
    orderErrors = 0
    hist = o.latency ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 }) : null
    histToSeq = o.latency ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2 }) : null
    histFromSeq = o.latency ? hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2 }) : null
    const sub = engine.subscribe(names, {}, onDeliver)
    const control = new SharedArrayBuffer(CONTROL_BYTES)
    const ctl = new Int32Array(control)
    const pubs = Array.from({ length: o.publishers }, () =>
      startPublisherThread({ port: engine.createPublisherPort(), control, mode: o.mode, groupSets, payloadBytes: PAYLOAD, batch: BATCH, window: WINDOW, rate: RATE }),
    )
    await Promise.all(pubs.map((p) => p.ready))
    Atomics.store(ctl, CTL_START, 1)
    Atomics.notify(ctl, CTL_START)
    await sleep(WARMUP_S * 1000)
    hist?.reset()
    histToSeq?.reset()
    histFromSeq?.reset()
    const gcSeen = { count: 0, totalMs: 0, maxMs: 0, on: false }
    const obs = new PerformanceObserver((list) => {
      if (!gcSeen.on) return
      for (const e of list.getEntries()) {
        gcSeen.count++
        gcSeen.totalMs += e.duration
        if (e.duration > gcSeen.maxMs) gcSeen.maxMs = e.duration
      }
    })
    obs.observe({ entryTypes: ['gc'] })
    const probe = new AllocProbe()
    const before = engine.metricsSnapshot()
    const heapBefore = engine.stageHeap()
    const d0 = delivered
    const t0 = performance.now()
    gcSeen.on = true
    if (o.measureAlloc) probe.start()
    Atomics.store(ctl, CTL_MEASURE, 1)
    // Once a second: progress, and how full the sequenced ring is (a full ring means the
    // consumers, i.e. the main-thread dispatcher or the journal, are the bottleneck).
    const occ: number[] = []
    const tick = setInterval(() => {
      const seqRing = engine.metricsSnapshot().ringOccupancy[0]!
      occ.push(seqRing.usedBytes / seqRing.capacityBytes)
      log(`  ${o.durability}/${o.mode}: ${fmtM(delivered - d0)} delivered, ${((performance.now() - t0) / 1000).toFixed(1)} s, sequenced ring ${(occ[occ.length - 1]! * 100).toFixed(0)} % full`)
    }, 1000)
    await sleep(seconds * 1000)
    clearInterval(tick)
    const d1 = delivered
    const t1 = performance.now()
    if (o.measureAlloc) probe.stop(d1 - d0)
    Atomics.store(ctl, CTL_MEASURE, 2)
    const after = engine.metricsSnapshot()
    const heapAfter = engine.stageHeap()
    await sleep(20) // let queued gc entries reach the observer
    gcSeen.on = false
    obs.disconnect()
    Atomics.store(ctl, CTL_STOP, 1)
    const results = await Promise.all(pubs.map((p) => p.result))
    sub.close()
    return {
      msgsPerSec: (d1 - d0) / ((t1 - t0) / 1000),
      delivered: d1 - d0,
      seconds: (t1 - t0) / 1000,
      orderErrors,
      publishers: results,
      before,
      after,
      heapBefore,
      heapAfter,
      hist,
      histToSeq,
      histFromSeq,
      mainAlloc: o.measureAlloc ? probe.result() : null,
      mainGcObserved: { count: gcSeen.count, totalMs: gcSeen.totalMs, maxMs: gcSeen.maxMs },
      seqRingFull: occ.length === 0 ? 0 : occ.reduce((a, b) => a + b, 0) / occ.length,
    }
  } finally {
    hist = null
    await engine.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

type StageHeaps = ReturnType<Engine['stageHeap']>

/** Bytes per sequenced message, collections and GC pause of each worker stage over a window. */
function stageAlloc(r: ScenarioResult): { seq: number; journal: number; line: string } {
  const msgs = r.after.messagesSequenced - r.before.messagesSequenced
  const one = (k: 'sequencer' | 'journal'): { perMsg: number; text: string } => {
    const b = r.heapAfter[k].allocatedBytes - r.heapBefore[k].allocatedBytes
    const gcs = r.heapAfter[k].collections - r.heapBefore[k].collections
    const pause = r.heapAfter[k].gcPauseMs - r.heapBefore[k].gcPauseMs
    const perMsg = msgs > 0 ? b / msgs : 0
    return { perMsg, text: `${k === 'sequencer' ? 'sequencer thread (sequence + journal append/write)' : 'journal sync thread'} ${perMsg.toFixed(3)} B/msg (${(b / 1024).toFixed(0)} KiB over ${msgs} msgs), GCs ${gcs}, pause ${pause.toFixed(1)} ms` }
  }
  const s = one('sequencer')
  const j = one('journal')
  return { seq: s.perMsg, journal: j.perMsg, line: `${s.text}; ${j.text}` }
}

function runRecovery(gib: number, file = './journal-recovery.js'): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const script = fileURLToPath(new URL(file, import.meta.url))
    const child = spawn(process.execPath, [script, '--gib', String(gib), '--runs', '1', '--json', '--dir', values.dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (s: string) => (out += s))
    child.on('exit', (code) => {
      const lines = out.trim().split('\n')
      for (const l of lines.slice(1, -1)) console.log(`  ${path.basename(script)}: ${l}`)
      try {
        resolve(code === 0 ? (JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>) : null)
      } catch {
        resolve(null)
      }
    })
  })
}

const q = (h: hdr.Histogram, p: number): number => h.getValueAtPercentile(p)

function latencyLine(name: string, r: ScenarioResult): string {
  const h = r.hist!
  return (
    `${name}: offered ${RATE.toLocaleString('en-US')} msg/s, delivered ${fmtM(r.msgsPerSec)} msg/s, ${h.totalCount} samples: ` +
    `p50 ${q(h, 50)} µs, p99 ${q(h, 99)} µs, p99.9 ${q(h, 99.9)} µs, max ${h.maxValue} µs (order errors ${r.orderErrors}); publisher send lag (its own stalls, once per wake-up): ` +
    `p50 ${r.publishers[0]!.sendLagP50Us} µs, p99 ${r.publishers[0]!.sendLagP99Us} µs, max ${r.publishers[0]!.sendLagMaxUs} µs` +
    `\n  split at the sequencer's time stamp: publish->sequenced p50 ${q(r.histToSeq!, 50)} µs p99 ${q(r.histToSeq!, 99)} µs; ` +
    `sequenced->delivered p50 ${q(r.histFromSeq!, 50)} µs p99 ${q(r.histFromSeq!, 99)} µs`
  )
}

// ---- main --------------------------------------------------------------------------------

console.log(machineBanner())
console.log(`engine bench: ${SECONDS} s windows after ${WARMUP_S} s warm-up, ${PAYLOAD} B payloads, 1-3 groups, data under ${values.dir}, batchMaxBytes ${BATCH_MAX_BYTES ?? 'engine default'}${values.quick ? ', --quick' : ''}`)
warnIfFewCores(5)
const json: Record<string, number | boolean | null> = {}
let ok = true

if (!skip.has('memory')) {
  log('memory mode: 2 publisher threads → engine → 1 subscriber')
  const m = await runScenario({ durability: 'memory', mode: 'flood', publishers: 2, latency: false, measureAlloc: true }, SECONDS)
  const recordBytes = blobLength(2, PAYLOAD)
  log(`bare ring: 2 producers, ${recordBytes} B records, batches of ${BATCH}`)
  const bare = await runBareRing({ producers: 2, recordBytes, seconds: SECONDS, batch: BATCH })
  const ratio = m.msgsPerSec / bare.msgsPerSec
  ok &&= m.orderErrors === 0 && bare.verified
  const bp = m.publishers.reduce((s, p) => s + p.backPressured, 0)
  console.log(
    `memory mode: ${fmtM(m.msgsPerSec)} msg/s delivered (${m.delivered} in ${m.seconds.toFixed(2)} s, order errors ${m.orderErrors}, ` +
      `back-pressured offers ${bp}, mean sequencer batch ${((m.after.messagesSequenced - m.before.messagesSequenced) / Math.max(1, m.after.batchesSequenced - m.before.batchesSequenced)).toFixed(0)} msgs, sequenced ring ${(m.seqRingFull * 100).toFixed(0)} % full on average)`,
  )
  console.log(`bare SAB ring, same threads, ${recordBytes} B records: ${fmtM(bare.msgsPerSec)} msg/s (verified ${bare.verified}${bare.problem ? `: ${bare.problem}` : ''})`)
  console.log(`engine / bare ring: ${(ratio * 100).toFixed(1)} % (target >= 40 %, and >= 5 M msg/s: ${ratio >= 0.4 ? 'ratio met' : 'ratio short'}, ${m.msgsPerSec >= 5e6 ? 'rate met' : 'rate short'})`)
  const a = m.mainAlloc!
  const pubBytes = m.publishers.reduce((s, p) => s + p.allocBytes, 0)
  const pubMsgs = m.publishers.reduce((s, p) => s + p.allocMessages, 0)
  const pubGc = m.publishers.reduce((s, p) => s + p.gcCount, 0)
  const pubGcMs = m.publishers.reduce((s, p) => s + p.gcPauseMs, 0)
  const pubGcMax = m.publishers.reduce((s, p) => Math.max(s, p.gcMaxPauseMs), 0)
  const perMsg = a.measured && a.messages > 0 ? a.bytes / a.messages : null
  console.log(
    `allocation, main thread (dispatcher + subscriber), memory-mode window: ${perMsg === null ? 'not measured (no v8.GCProfiler)' : `${perMsg.toFixed(2)} B/msg`} ` +
      `(${(a.bytes / 2 ** 20).toFixed(1)} MiB over ${a.messages} msgs), GCs ${a.gcCount}, pause total ${a.gcPauseMs.toFixed(1)} ms, max ${a.gcMaxPauseMs.toFixed(2)} ms ` +
      `[PerformanceObserver 'gc': ${m.mainGcObserved.count} entries, ${m.mainGcObserved.totalMs.toFixed(1)} ms, max ${m.mainGcObserved.maxMs.toFixed(2)} ms]`,
  )
  console.log(
    `allocation, 2 publisher threads: ${pubMsgs > 0 ? (pubBytes / pubMsgs).toFixed(2) : 'n/a'} B/msg (${(pubBytes / 2 ** 20).toFixed(1)} MiB over ${pubMsgs} msgs), ` +
      `GCs ${pubGc}, pause total ${pubGcMs.toFixed(1)} ms, max ${pubGcMax.toFixed(2)} ms`,
  )
  const sa = stageAlloc(m)
  console.log(`allocation, worker stages, memory-mode window (v8.GCProfiler in each stage; target 0): ${sa.line}`)
  Object.assign(json, {
    memory_msgs_per_s: Math.round(m.msgsPerSec),
    bare_ring_msgs_per_s: Math.round(bare.msgsPerSec),
    memory_vs_bare_ratio: Number(ratio.toFixed(3)),
    alloc_main_bytes_per_msg: perMsg === null ? null : Number(perMsg.toFixed(3)),
    alloc_bytes_per_msg: Number(Math.max(sa.seq, sa.journal).toFixed(3)),
    alloc_publisher_bytes_per_msg: pubMsgs > 0 ? Number((pubBytes / pubMsgs).toFixed(3)) : null,
    main_gc_count: a.gcCount,
    main_gc_pause_ms: Number(a.gcPauseMs.toFixed(2)),
  })
}

if (!skip.has('fsync')) {
  log(`fsync mode: 2 publisher threads, ${WINDOW} unacknowledged messages each at most`)
  const f = await runScenario({ durability: 'fsync', mode: 'acked', publishers: 2, latency: false, measureAlloc: false }, SECONDS)
  const fsyncs = f.after.fsyncs - f.before.fsyncs
  const msgs = f.after.messagesSequenced - f.before.messagesSequenced
  const fsyncLatMs = f.after.fsyncs > 0 ? (f.after.fsyncLatencySumSeconds / f.after.fsyncs) * 1000 : 0
  ok &&= f.orderErrors === 0
  const acked = f.publishers.reduce((s, p) => s + p.acked, 0)
  const offered = f.publishers.reduce((s, p) => s + p.offered, 0)
  console.log(
    `fsync mode: ${fmtM(f.msgsPerSec)} msg/s delivered after fsync (${f.delivered} in ${f.seconds.toFixed(2)} s, order errors ${f.orderErrors}); ` +
      `${(fsyncs / f.seconds).toFixed(0)} fsyncs/s, ${fsyncs > 0 ? (msgs / fsyncs).toFixed(0) : 'n/a'} msgs per fsync, mean sequencer batch ${f.after.meanBatchMessages.toFixed(0)} msgs, ` +
      `mean fsync ${fsyncLatMs.toFixed(2)} ms, sequenced ring ${(f.seqRingFull * 100).toFixed(0)} % full on average; publishers: ${offered} offered, ${acked} acked, ack-wait timeouts ${f.publishers.reduce((s, p) => s + p.ackTimeouts, 0)}`,
  )
  const fa = stageAlloc(f)
  console.log(`allocation, worker stages, fsync-mode window (target 0): ${fa.line}`)
  Object.assign(json, {
    alloc_bytes_per_msg: Number(Math.max(fa.seq, fa.journal, typeof json.alloc_bytes_per_msg === 'number' ? json.alloc_bytes_per_msg : 0).toFixed(3)),
    fsync_msgs_per_s: Math.round(f.msgsPerSec),
    fsyncs_per_s: Math.round(fsyncs / f.seconds),
    fsync_mean_batch: fsyncs > 0 ? Math.round(msgs / fsyncs) : null,
  })
}

if (!skip.has('latency')) {
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  for (const durability of values['latency-modes'].split(',') as ('async' | 'fsync' | 'memory')[]) {
    // The bare hop chain (bare-hop-chain.ts) runs beside the async and memory modes, alternating
    // with the engine run by run so both see the same machine; fsync latency is the disk's.
    const withChain = durability !== 'fsync'
    const engineRuns: { p50: number; p99: number; p999: number }[] = []
    const chainRuns: HopChainResult[] = []
    for (let run = 0; run < LATENCY_RUNS; run++) {
      const chainFirst = withChain && run % 2 === 1
      if (chainFirst) chainRuns.push(await chainRun(run))
      log(`latency, ${durability} mode: 1 publisher paced at ${RATE} msg/s (run ${run + 1}/${LATENCY_RUNS})`)
      const r = await runScenario({ durability, mode: 'paced', publishers: 1, latency: true, measureAlloc: false }, SECONDS)
      ok &&= r.orderErrors === 0
      console.log(latencyLine(`latency ${durability}${LATENCY_RUNS > 1 ? ` run ${run + 1}` : ''}`, r))
      const h = r.hist!
      engineRuns.push({ p50: q(h, 50), p99: q(h, 99), p999: q(h, 99.9) })
      if (withChain && !chainFirst) chainRuns.push(await chainRun(run))
    }
    const e = { p50: med(engineRuns.map((x) => x.p50)), p99: med(engineRuns.map((x) => x.p99)), p999: med(engineRuns.map((x) => x.p999)) }
    json[`${durability}_p50_us`] = e.p50
    json[`${durability}_p99_us`] = e.p99
    json[`${durability}_p999_us`] = e.p999
    if (!withChain) continue
    const c = { p50: med(chainRuns.map((x) => x.p50)), p99: med(chainRuns.map((x) => x.p99)), p999: med(chainRuns.map((x) => x.p999)) }
    ok &&= chainRuns.every((x) => x.inOrder)
    console.log(
      `latency ${durability} vs bare hop chain at ${RATE.toLocaleString('en-US')} msg/s, medians of ${LATENCY_RUNS} run(s): engine p50 ${e.p50} µs, p99 ${e.p99} µs, p99.9 ${e.p999} µs; ` +
        `chain p50 ${c.p50} µs, p99 ${c.p99} µs, p99.9 ${c.p999} µs; engine / chain p99 ${(e.p99 / Math.max(1, c.p99)).toFixed(2)}x (goal <= 2)`,
    )
    json[`bare_chain_p50_us`] = c.p50
    json[`bare_chain_p99_us`] = c.p99
    json[`bare_chain_p999_us`] = c.p999
    json[`${durability}_chain_p99_ratio`] = Number((e.p99 / Math.max(1, c.p99)).toFixed(2))
  }
}

/** One run of the bare hop chain: the engine's latency threads and hand-offs with no work between them. */
async function chainRun(run: number): Promise<HopChainResult> {
  log(`latency, bare hop chain: 1 publisher paced at ${RATE} msg/s (run ${run + 1}/${LATENCY_RUNS})`)
  const r = await runHopChain({
    rate: RATE, seconds: SECONDS, warmupSeconds: WARMUP_S, payloadBytes: PAYLOAD, groupSets: [[1], [2, 3], [4, 1, 2], [3, 4]], idleSpins: defaultIdleSpins(),
    progress: (n, s) => log(`  bare chain: ${fmtM(n)} delivered, ${s.toFixed(1)} s`),
  })
  console.log(`latency bare hop chain${LATENCY_RUNS > 1 ? ` run ${run + 1}` : ''}: offered ${RATE.toLocaleString('en-US')} msg/s, ${r.samples} samples: p50 ${r.p50} µs, p99 ${r.p99} µs, p99.9 ${r.p999} µs, max ${r.max} µs (in order: ${r.inOrder})`)
  return r
}

if (!skip.has('recovery')) {
  const gib = values.quick ? 0.25 : 1
  log(`recovery: ${gib} GiB journal, kill -9, open (journal-recovery.js in a child process)`)
  const rec = await runRecovery(gib)
  if (rec === null) {
    ok = false
    console.log('recovery: FAILED (journal-recovery.js did not report)')
  } else {
    console.log(`recovery after kill -9 (${gib} GiB journal, warm page cache): open ${String(rec.recovery_ms)} ms = ${String(rec.recovery_ms_per_gib)} ms/GiB; replay ${String(rec.replay_mb_per_s)} MB/s`)
    json.recovery_ms_per_gib = rec.recovery_ms_per_gib as number
  }
  log(`recovery: ${gib} GiB journal written by the engine, kill -9, Engine.open (engine-recovery.js in a child process)`)
  const eng = await runRecovery(gib, './engine-recovery.js')
  if (eng === null || eng.ok !== true) {
    ok = false
    console.log('engine recovery: FAILED (engine-recovery.js did not report, or lost acknowledged messages)')
  } else {
    console.log(`Engine.open after kill -9 (${gib} GiB journal, warm page cache; journal recovery + state rebuild + worker start): ${String(eng.engine_open_ms)} ms = ${String(eng.engine_open_ms_per_gib)} ms/GiB (target < 1000 ms/GiB)`)
    json.engine_open_ms_per_gib = eng.engine_open_ms_per_gib as number
  }
}

console.log(`checks: ${ok ? 'ok' : 'FAILED'}`)
if (values.json) {
  json.ok = ok
  console.log(JSON.stringify(json))
}
if (!ok) process.exitCode = 1
