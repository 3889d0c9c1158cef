// How many records per second can bare shared-memory rings move from P producer threads
// to one consumer thread? The ceiling ordo's engine is measured against (see
// bare-ring-lib.ts for the topology).
//
//   node dist/bench/bare-ring-throughput.js [--json] [--seconds N] [--runs R]
//        [--producers P] [--record-bytes B] [--batch K] [--ring-bytes C]
//
// Defaults: 1 producer, 100-byte records, batches of 256, 1 MiB rings, 5 runs of 2 s
// (each after 0.5 s warm-up). Prints the machine, every run, median / min / max; exits 1
// if any run failed its self-check. With --json the last line is
// {"bare_ring_msgs_per_s": <median>, ...}.

import { parseArgs } from 'node:util'
import { runBareRing, type BareRingResult } from './bare-ring-lib.js'
import { machineBanner, warnIfFewCores } from './lib/machine.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    producers: { type: 'string', default: '1' },
    'record-bytes': { type: 'string', default: '100' },
    batch: { type: 'string', default: '256' },
    'ring-bytes': { type: 'string', default: String(1 << 20) },
  },
})
const seconds = Number(values.seconds)
const runs = Number(values.runs)
const producers = Number(values.producers)
const recordBytes = Number(values['record-bytes'])
const batch = Number(values.batch)
const ringBytes = Number(values['ring-bytes'])

console.log(machineBanner())
console.log(
  `bare ring: ${producers} producer(s) -> 1 consumer, ${recordBytes} B records, batch ${batch}, ring ${ringBytes} B, ${runs} runs x ${seconds} s`,
)
warnIfFewCores(producers + 1)

const results: BareRingResult[] = []
let failed = false
for (let i = 0; i < runs; i++) {
  const r = await runBareRing({ producers, recordBytes, seconds, batch, ringBytes })
  results.push(r)
  const mbps = (r.msgsPerSec * recordBytes) / 1e6
  console.log(
    `run ${i + 1}: ${(r.msgsPerSec / 1e6).toFixed(2)} M msg/s (${mbps.toFixed(0)} MB/s payload), ${r.messages} msgs in ${r.seconds.toFixed(2)} s, ` +
      `consumer parks ${r.consumerParks}, check ${r.verified ? 'ok' : `FAILED: ${r.problem}`}`,
  )
  if (!r.verified) failed = true
}
const sorted = results.map((r) => r.msgsPerSec).sort((a, b) => a - b)
const median = sorted[Math.floor(sorted.length / 2)]!
console.log(
  `median ${(median / 1e6).toFixed(2)} M msg/s, min ${(sorted[0]! / 1e6).toFixed(2)}, max ${(sorted[sorted.length - 1]! / 1e6).toFixed(2)}` +
    ` (an idle 2-core VM of the same kind: ~8.6 M msg/s for 1 SPSC ring, 100 B, batch 256)`,
)
if (values.json) {
  console.log(
    JSON.stringify({
      bare_ring_msgs_per_s: Math.round(median),
      min: Math.round(sorted[0]!),
      max: Math.round(sorted[sorted.length - 1]!),
      runs,
      seconds,
      producers,
      record_bytes: recordBytes,
      batch,
      verified: !failed,
    }),
  )
}
process.exitCode = failed ? 1 : 0
