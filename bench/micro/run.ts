// `npm run bench`: microbenchmarks of the hot path, one table.
//
//   ring       SPSC claim + write 100 B + commit / read + release, one thread
//   codec      verify + iterate a 1-message Publish frame, FrameWriter encode, stamp
//   sequencer  one message through the Sequencer core (dedupe, gsn, gseqs, stamp, copy)
//   journal    Journal.append of one batch record to a real file (no fsync per op)
//   fanout     Dispatcher pass: match against 100 subscriptions, build Deliver frames
//   embedded   Dispatcher pass to Engine.subscribe handlers (Number forms vs bigint accessors)
//   client     the client library publishing path: send()/publish() encode + queue + ack, no socket
//
// Each row: ops/s from the mean and from the median timed call (tinybench), ns/op (median),
// p99 ns/op, bytes allocated per op (young generation, and heapUsed, around chunks of calls
// after a forced GC, collections inside the chunks added back and counted: see measure.ts)
// and the count of those collections. Needs node --expose-gc.
//
//   node --expose-gc dist/bench/micro/run.js [--quick] [--json] [--only ring,codec,...] [--dir <tmp parent>]
//
//   --quick  short runs (~5 s in all; figures are noisier)
//   --json   last stdout line is one JSON object with every figure
//   --only   run only these areas
//   --dir    where the journal bench makes its temp dir (default: the OS temp dir)
// Progress goes to stderr. Exit code 1 if a bench's self-check fails.

import os from 'node:os'
import { parseArgs } from 'node:util'
import { machineBanner } from '../lib/machine.js'
import { measure, type MeasureOptions, type MicroArea, type MicroResult } from './measure.js'
import { ringArea } from './ring.js'
import { codecArea } from './codec.js'
import { sequencerArea } from './sequencer.js'
import { journalArea } from './journal.js'
import { fanoutArea } from './fanout.js'
import { embeddedSubscribeArea } from './embedded-subscribe.js'
import { clientArea } from './client.js'

const AREAS: Record<string, (dir: string) => MicroArea | Promise<MicroArea>> = {
  ring: () => ringArea(),
  codec: () => codecArea(),
  sequencer: () => sequencerArea(),
  journal: (dir) => journalArea(dir),
  fanout: () => fanoutArea(),
  embedded: () => embeddedSubscribeArea(),
  client: () => clientArea(),
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    only: { type: 'string', default: Object.keys(AREAS).join(',') },
    dir: { type: 'string', default: os.tmpdir() },
  },
})
const only = values.only.split(',').filter((s) => s !== '')
for (const a of only) {
  if (!(a in AREAS)) {
    console.error(`unknown area in --only: ${a} (known: ${Object.keys(AREAS).join(', ')})`)
    process.exit(2)
  }
}
if ((globalThis as { gc?: unknown }).gc === undefined) {
  console.error('bench/micro needs a forced GC to measure allocation: run it as node --expose-gc dist/bench/micro/run.js (npm run bench does)')
  process.exit(2)
}

const opts: MeasureOptions = values.quick
  ? { timeMs: 100, warmupMs: 30, allocOps: 200_000, chunks: 7, allocWarmupMs: 100 }
  : { timeMs: 1000, warmupMs: 200, allocOps: 1_000_000, chunks: 11, allocWarmupMs: 300 }

const banner = machineBanner()
console.log(banner)
console.log(`microbenchmarks${values.quick ? ' (--quick)' : ''}: tinybench ${opts.timeMs} ms per case; allocation over ~${opts.allocOps.toLocaleString('en-US')} ops in ${opts.chunks} chunks per case`)

const results: MicroResult[] = []
let ok = true
for (const name of only) {
  const area = await AREAS[name]!(values.dir)
  try {
    for (const c of area.cases) {
      process.stderr.write(`${c.area}: ${c.name}...\n`)
      results.push(await measure(c, opts))
    }
    area.check()
  } catch (err) {
    ok = false
    console.log(`${name}: FAILED: ${(err as Error).message}`)
  } finally {
    area.close()
  }
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US')
const fmtNs = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1))
const head = ['area', 'case', 'ops/s mean', 'ops/s median', 'ns/op', 'p99 ns/op', 'B/op', 'heap B/op', 'GCs', 'op']
const rows: string[][] = []
for (const r of results) {
  rows.push([r.area, r.name, fmtInt(r.opsPerSecMean), fmtInt(r.opsPerSecMedian), fmtNs(r.nsPerOp), fmtNs(r.p99NsPerOp), r.bytesPerOp.toFixed(2), r.heapBytesPerOp.toFixed(2), String(r.gcs), r.unit])
  if (r.perItem > 0) {
    const k = r.perItem
    rows.push(['', '  per message', fmtInt(r.opsPerSecMean * k), fmtInt(r.opsPerSecMedian * k), fmtNs(r.nsPerOp / k), fmtNs(r.p99NsPerOp / k), (r.bytesPerOp / k).toFixed(3), (r.heapBytesPerOp / k).toFixed(3), '', 'message'])
  }
}
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
const line = (cells: string[]): string => cells.map((c, i) => (i <= 1 || i === 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
console.log('')
console.log(line(head))
console.log(line(widths.map((w) => '-'.repeat(w))))
for (const row of rows) console.log(line(row))
console.log('')
console.log('ns/op: median call / ops per call; p99: 99th percentile call / ops per call (a slow call spread over its ops).')
console.log('B/op: young-generation bytes allocated (median chunk, after a forced GC, plus what collections inside took away); heap B/op: the same from')
console.log('heapUsed, which also counts JIT code and metadata; GCs: collections inside the chunks (0 when nothing is allocated per op).')
console.log('sequencer: subtract the "harness only" row for the sequencer alone. journal: no fsync per op; write() to the OS when the 1 MiB buffer fills.')
console.log(`checks: ${ok ? 'ok' : 'FAILED'}`)

if (values.json) {
  console.log(
    JSON.stringify({
      micro: results.map((r) => ({
        area: r.area,
        name: r.name,
        unit: r.unit,
        ops_per_s_mean: Math.round(r.opsPerSecMean),
        ops_per_s_median: Math.round(r.opsPerSecMedian),
        ns_per_op: Number(r.nsPerOp.toFixed(2)),
        p99_ns_per_op: Number(r.p99NsPerOp.toFixed(2)),
        rme_percent: Number(r.rmePercent.toFixed(2)),
        samples: r.samples,
        bytes_per_op: Number(r.bytesPerOp.toFixed(3)),
        mean_bytes_per_op: Number(r.meanBytesPerOp.toFixed(3)),
        heap_bytes_per_op: Number(r.heapBytesPerOp.toFixed(3)),
        alloc_ops: r.allocOps,
        gcs: r.gcs,
        messages_per_op: r.perItem || undefined,
      })),
      ok,
      machine: banner,
      node: process.version,
    }),
  )
}
if (!ok) process.exitCode = 1
