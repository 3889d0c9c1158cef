// What does the ring's protocol cost per record, with no second thread? Producer and
// consumer in one thread, so this measures instructions, not cache-line transfers
// (bare-ring-throughput measures those).
//
//   node dist/bench/ring-microbench.js [--json] [--time MS]
//
// Each tinybench iteration moves `records` records; ns/record = iteration time / records.
// The handler touches the first word of each record so the reads are not dead code, and
// each task checks at the end that every record arrived (exit 1 otherwise).

import { parseArgs } from 'node:util'
import { Bench } from 'tinybench'
import { SpscRing } from '../engine/ring/spsc-ring.js'
import { EMPTY } from '../codec/results.js'
import { machineBanner } from './lib/machine.js'

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, time: { type: 'string', default: '1000' } },
})

const RECORD = 100
let sum = 0
let delivered = 0
function onRecord(_bytes: Uint8Array, offset: number): void {
  sum += ring.u32[offset >>> 2]!
  delivered++
}

const ring = SpscRing.create(1 << 20)
const u32 = ring.u32
let produced = 0

interface Case {
  name: string
  records: number
  fn: () => void
}

const cases: Case[] = [
  {
    name: 'claim + commit + poll, one record per commit',
    records: 1000,
    fn: () => {
      for (let i = 0; i < 1000; i++) {
        const at = ring.tryClaim(RECORD, 1)
        u32[at >>> 2] = i
        ring.commit()
        ring.poll(onRecord)
        produced++
      }
    },
  },
  {
    name: 'claim x256, one commit, one poll of 256',
    records: 256 * 4,
    fn: () => {
      for (let b = 0; b < 4; b++) {
        for (let i = 0; i < 256; i++) {
          const at = ring.tryClaim(RECORD, 1)
          u32[at >>> 2] = i
        }
        ring.commit()
        produced += 256
        ring.poll(onRecord)
      }
    },
  },
  {
    name: 'tryClaimMax(100..4096) + shrinkLast(100) + commit + poll',
    records: 1000,
    fn: () => {
      for (let i = 0; i < 1000; i++) {
        const at = ring.tryClaimMax(RECORD, 4096, 1)
        u32[at >>> 2] = i
        ring.shrinkLast(RECORD)
        ring.commit()
        ring.poll(onRecord)
        produced++
      }
    },
  },
  {
    name: 'claim x256 + commit, then peek/advance each, one release',
    records: 256 * 4,
    fn: () => {
      const c = ring.consumer
      for (let b = 0; b < 4; b++) {
        for (let i = 0; i < 256; i++) {
          const at = ring.tryClaim(RECORD, 1)
          u32[at >>> 2] = i
        }
        ring.commit()
        produced += 256
        for (let at = c.peek(); at !== EMPTY; at = c.peek()) {
          sum += u32[at >>> 2]!
          delivered++
          c.advance()
        }
        c.releaseAll()
      }
    },
  },
]

console.log(machineBanner())
const bench = new Bench({ time: Number(values.time) })
for (const c of cases) bench.add(c.name, c.fn)
await bench.run()

const rows: Array<{ task: string; nsPerRecord: number; recordsPerSec: number; rme: number }> = []
for (const task of bench.tasks) {
  const c = cases.find((x) => x.name === task.name)!
  const r = task.result
  if (r.state !== 'completed') throw new Error(`task ${task.name} did not complete: state=${r.state}`)
  const nsPerRecord = (r.latency.p50 * 1e6) / c.records
  rows.push({
    task: task.name,
    nsPerRecord: Number(nsPerRecord.toFixed(1)),
    recordsPerSec: Math.round(1e9 / nsPerRecord),
    rme: Number(((r.latency.moe / r.latency.mean) * 100).toFixed(2)),
  })
}
console.table(rows.map((r) => ({ task: r.task, 'ns/record (p50)': r.nsPerRecord, 'records/s': r.recordsPerSec.toLocaleString('en'), '±%': r.rme })))
const ok = delivered === produced && sum > 0
console.log(`self-check: produced=${produced}, delivered=${delivered}: ${ok ? 'ok' : 'FAILED'}`)
if (values.json) {
  console.log(JSON.stringify({ ring_microbench: rows.map((r) => ({ task: r.task, ns_per_record: r.nsPerRecord })) }))
}
process.exitCode = ok ? 0 : 1
