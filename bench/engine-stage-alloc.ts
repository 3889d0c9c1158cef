// How many bytes do the engine's worker threads allocate per message under load?
//
//   publisher thread 0 ─┐                       ┌─ sequencer worker (sequence + journal append/write)
//   publisher thread 1 ─┴─▶ ingress rings ──▶ ──┤      Engine.stageHeap(): HeapProbe rises
//                                               └─ journal-sync worker (fdatasync)
//                          main thread: dispatcher ─▶ 1 subscriber of every group (counts, checks order)
//
// Each stage samples its isolate's used heap every 250 ms (engine/stages/heap-probe.ts): a rise is
// what it allocated and still holds, a fall means a collection ran, and that interval is
// not counted (so a stage that allocates shows collections as well as bytes). Over a window
// after a warm-up: bytes / messages sequenced, per stage, for each durability mode.
// (Used heap includes JIT code: the first seconds after start carry compilation.)
//
//   node dist/bench/engine-stage-alloc.js [--seconds 3] [--warmup 1.5] [--modes memory,async,fsync] [--dir D] [--json]

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Engine, type DeliverBatch } from '../engine/index.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'
import { startPublisherThread } from './engine-publisher-start.js'
import { CONTROL_BYTES, CTL_MEASURE, CTL_START, CTL_STOP } from './engine-bench-control.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1.5' },
    modes: { type: 'string', default: 'memory,async,fsync' },
    dir: { type: 'string', default: os.tmpdir() },
    json: { type: 'boolean', default: false },
  },
})
const modes = values.modes.split(',') as ('memory' | 'async' | 'fsync')[]
for (const m of modes) if (!['memory', 'async', 'fsync'].includes(m)) throw new Error(`unknown mode in --modes: ${m} (memory, async, fsync)`)
const log = (s: string): void => void process.stderr.write(`${s}\n`)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

let delivered = 0
let lastGsn = 0
let orderErrors = 0
function onDeliver(batch: DeliverBatch): void {
  while (batch.next()) {
    const g = batch.gsnNumber
    if (lastGsn !== 0 && g !== lastGsn + 1) orderErrors++
    lastGsn = g
    delivered++
  }
}

interface StageFigure {
  bytesPerMsg: number
  bytes: number
  collections: number
}
interface ModeResult {
  mode: string
  messages: number
  seconds: number
  sequencer: StageFigure
  journal: StageFigure
  orderErrors: number
}

async function run(mode: 'memory' | 'async' | 'fsync'): Promise<ModeResult> {
  const dataDir = fs.mkdtempSync(path.join(values.dir, `ordo-stage-alloc-${mode}-`))
  const engine = await Engine.open({ dataDir, durability: mode })
  try {
    const names = ['alloc-a', 'alloc-b', 'alloc-c', 'alloc-d']
    const ids = engine.resolveGroupIds(names, true)
    const groupSets = [[ids[0]!], [ids[1]!, ids[2]!], [ids[3]!, ids[0]!, ids[1]!], [ids[2]!, ids[3]!]]
    delivered = 0
    lastGsn = 0
    orderErrors = 0
    const sub = engine.subscribe(names, {}, onDeliver)
    const control = new SharedArrayBuffer(CONTROL_BYTES)
    const ctl = new Int32Array(control)
    const pubs = Array.from({ length: 2 }, () =>
      startPublisherThread({ port: engine.createPublisherPort(), control, mode: mode === 'memory' ? 'flood' : 'acked', groupSets, payloadBytes: 100, batch: 256, window: 32768, rate: 0 }),
    )
    await Promise.all(pubs.map((p) => p.ready))
    Atomics.store(ctl, CTL_START, 1)
    Atomics.notify(ctl, CTL_START)
    await sleep(Number(values.warmup) * 1000)
    const h0 = engine.stageHeap()
    const m0 = engine.metricsSnapshot().messagesSequenced
    const t0 = performance.now()
    await sleep(Number(values.seconds) * 1000)
    const h1 = engine.stageHeap()
    const m1 = engine.metricsSnapshot().messagesSequenced
    const seconds = (performance.now() - t0) / 1000
    Atomics.store(ctl, CTL_MEASURE, 2)
    Atomics.store(ctl, CTL_STOP, 1)
    await Promise.all(pubs.map((p) => p.result))
    sub.close()
    const messages = m1 - m0
    const fig = (a: { allocatedBytes: number; collections: number }, b: { allocatedBytes: number; collections: number }): StageFigure => ({
      bytes: b.allocatedBytes - a.allocatedBytes,
      bytesPerMsg: messages > 0 ? (b.allocatedBytes - a.allocatedBytes) / messages : 0,
      collections: b.collections - a.collections,
    })
    return { mode, messages, seconds, sequencer: fig(h0.sequencer, h1.sequencer), journal: fig(h0.journal, h1.journal), orderErrors }
  } finally {
    await engine.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

console.log(machineBanner())
console.log(`engine stage allocation: 2 publisher threads (memory: flood; async/fsync: acked, 32768 in flight), 100 B payloads, ${values.warmup} s warm-up, ${values.seconds} s window`)
warnIfFewCores(5)
const results: ModeResult[] = []
for (const mode of modes) {
  log(`${mode}: running`)
  const r = await run(mode)
  results.push(r)
  const line = (name: string, f: StageFigure): string =>
    `${name} ${f.bytesPerMsg.toFixed(3)} B/msg (${(f.bytes / 1024).toFixed(1)} KiB in rises, ${f.collections} collections)`
  console.log(
    `${mode}: ${(r.messages / r.seconds / 1e6).toFixed(2)} M msg/s sequenced (${r.messages} in ${r.seconds.toFixed(2)} s, order errors ${r.orderErrors}); ` +
      `${line('sequencer thread', r.sequencer)}; ${line('journal (sync) thread', r.journal)}`,
  )
}
const ok = results.every((r) => r.orderErrors === 0 && r.messages > 0)
console.log(`checks: ${ok ? 'ok' : 'FAILED'}`)
if (values.json) {
  console.log(
    JSON.stringify({
      stage_alloc: results.map((r) => ({
        mode: r.mode,
        messages: r.messages,
        sequencer_bytes_per_msg: Number(r.sequencer.bytesPerMsg.toFixed(3)),
        sequencer_collections: r.sequencer.collections,
        journal_bytes_per_msg: Number(r.journal.bytesPerMsg.toFixed(3)),
        journal_collections: r.journal.collections,
      })),
      ok,
    }),
  )
}
if (!ok) process.exitCode = 1
