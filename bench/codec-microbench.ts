// Codec microbenchmark: per-message cost of the codec operations on the hot path.
//
//   client ──encode──▶ Publish frame ──verify+iterate──▶ gateway ──writeMessage──▶ ingress ring
//                                                                                   │
//   subscriber ◀── Deliver frame ◀──copy blob (addBlob)── sequenced ring ◀──stamp──┘
//
// 100-byte payloads, 1-3 groups per message, 100 messages per frame; one timed
// iteration handles one frame (100 messages), figures are per message. Encode
// is measured for FrameWriter and for the flatbuffers Builder in the same run.
// Allocation per message is measured in a child process started with
// --expose-gc and a 64 MiB young generation: heapUsed before/after chunks of
// 100 000 messages, with a forced GC before each chunk and a count of the
// scavenges that happened inside the chunks (0 when nothing is allocated).
//
// Usage: node dist/bench/codec-microbench.js [--json] [--quick]
//   --json   last stdout line is one JSON object with the figures
//   --quick  shorter runs (for smoke tests; figures are noisier)
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Bench } from 'tinybench'
import { machineBanner } from './lib/machine.js'
import { measureAllocation, type AllocationReport } from './codec-alloc.js'
import {
  checkWorkload,
  copyBlobs,
  encodeBuilder,
  encodeFast,
  makeWorkload,
  MESSAGES_PER_FRAME,
  PAYLOAD_BYTES,
  stampAll,
  verifyAndIterate,
  type Workload,
} from './codec-workload.js'
import { writeMessage } from '../codec/index.js'

const TARGETS = { verify: 10e6, stamp: 30e6, encode: 4e6, encodeVsBuilder: 5 }

interface Row {
  key: string
  name: string
  msgsPerSec: number
  nsPerMsg: number
  rmePercent: number
  samples: number
}

const args = process.argv.slice(2)
const json = args.includes('--json')
const quick = args.includes('--quick')

if (args.includes('--alloc-child')) {
  const report = await measureAllocation(quick ? 2_000_000 : 20_000_000)
  process.stdout.write(JSON.stringify(report) + '\n')
} else {
  await main()
}

async function main(): Promise<void> {
  const banner = machineBanner()
  console.log(banner)
  console.log(`codec microbench: payload ${PAYLOAD_BYTES} B, 1-3 groups, ${MESSAGES_PER_FRAME} messages per frame${quick ? ' (quick)' : ''}`)
  const w = makeWorkload()
  checkWorkload(w)

  const rows = runTimed(w)
  printTable(rows)

  process.stderr.write('measuring allocation per message (child process with --expose-gc)...\n')
  const alloc = runAllocationChild()
  console.log('\nallocation per message (heapUsed delta over chunks of 100k messages after a forced GC; median and mean chunk; scavenges inside chunks):')
  for (const [op, r] of Object.entries(alloc.ops)) {
    console.log(
      `  ${op.padEnd(16)} ${r.bytesPerMessage.toFixed(3).padStart(8)} B/msg (mean ${r.meanBytesPerMessage.toFixed(3)})   scavenges=${r.scavenges}   messages=${r.messages.toLocaleString('en-US')}`,
    )
  }

  const by = (key: string): number => rows.find((r) => r.key === key)!.msgsPerSec
  const ratio = by('encode') / by('builder')
  const allocMax = Math.max(...Object.values(alloc.ops).map((r) => r.bytesPerMessage))
  console.log('\ntargets:')
  check('verify+iterate', by('verify'), TARGETS.verify)
  check('stamp', by('stamp'), TARGETS.stamp)
  check('encode', by('encode'), TARGETS.encode)
  console.log(`  encode / Builder  ${ratio.toFixed(1)}x (target >= ${TARGETS.encodeVsBuilder}x) ${ratio >= TARGETS.encodeVsBuilder ? 'ok' : 'SHORT'}`)
  console.log(`  allocation        ${allocMax.toFixed(3)} B/msg max (target 0) ${allocMax < 0.5 ? 'ok' : 'SHORT'}`)

  if (json) {
    const out = {
      verify_msgs_per_s: Math.round(by('verify')),
      stamp_msgs_per_s: Math.round(by('stamp')),
      encode_msgs_per_s: Math.round(by('encode')),
      builder_msgs_per_s: Math.round(by('builder')),
      alloc_bytes_per_msg: Number(allocMax.toFixed(3)),
      encode_vs_builder: Number(ratio.toFixed(2)),
      verify_builder_frame_msgs_per_s: Math.round(by('verifyBuilder')),
      copy_blob_msgs_per_s: Math.round(by('copy')),
      write_message_sab_msgs_per_s: Math.round(by('writeSab')),
      alloc: alloc.ops,
      machine: banner,
      node: process.version,
    }
    console.log(JSON.stringify(out))
  }
}

function check(name: string, value: number, target: number): void {
  const ok = value >= target
  console.log(`  ${name.padEnd(17)} ${(value / 1e6).toFixed(1)} M msg/s (target >= ${target / 1e6} M) ${ok ? 'ok' : 'SHORT'}`)
}

function runTimed(w: Workload): Row[] {
  // Counters live in a Float64Array: a double kept in a closure variable would
  // be boxed on every store, and that allocation would be the harness's, not the codec's.
  const st = new Float64Array(4) // 0: sink, 1: pseq, 2: gsn, 3: ring position
  st[1] = 1
  st[2] = 1
  const tasks: { key: string; name: string; fn: () => void }[] = [
    {
      key: 'encode',
      name: 'encode Publish: FrameWriter',
      fn: () => {
        st[0] += encodeFast(w, st[1]!)
        st[1] += MESSAGES_PER_FRAME
      },
    },
    { key: 'builder', name: 'encode Publish: flatbuffers Builder', fn: () => void (st[0] += encodeBuilder(w).length) },
    { key: 'verify', name: 'verify+iterate: FrameWriter frame', fn: () => void (st[0] += verifyAndIterate(w, w.fastFrame)) },
    { key: 'verifyBuilder', name: 'verify+iterate: Builder frame', fn: () => void (st[0] += verifyAndIterate(w, w.builderFrame)) },
    { key: 'stamp', name: 'stamp gsn+gseqs+time (SAB)', fn: () => void (st[2] = stampAll(w, st[2]!)) },
    { key: 'copy', name: 'copy blob: ring -> Deliver', fn: () => void (st[0] += copyBlobs(w)) },
    {
      key: 'writeSab',
      name: 'writeMessage into SAB ring',
      fn: () => {
        let pos = 0
        const pseq = st[1]!
        for (let i = 0; i < MESSAGES_PER_FRAME; i++) pos += writeMessage(w.ring, pos, w.publisher, pseq + i, w.groupViews[i]!, w.groupCounts[i]!, w.payload, 0, PAYLOAD_BYTES)
        st[3] = pos
      },
    },
  ]
  const rows: Row[] = []
  for (const t of tasks) {
    process.stderr.write(`running ${t.name}...\n`)
    const bench = new Bench({ time: quick ? 200 : 1500, warmupTime: quick ? 50 : 300, throws: true })
    bench.add(t.name, t.fn)
    const [task] = bench.runSync()
    const r = task!.result
    if (r.state !== 'completed') throw new Error(`task ${t.name} did not complete: ${r.state}`)
    const nsPerMsg = (r.latency.p50 * 1e6) / MESSAGES_PER_FRAME
    rows.push({ key: t.key, name: t.name, msgsPerSec: 1e9 / nsPerMsg, nsPerMsg, rmePercent: r.latency.rme, samples: r.latency.samplesCount })
  }
  // The writeMessage task overwrote the ring with unstamped blobs of other pseqs: harmless, it is not read again.
  if (st[0] === -1) console.log(st[0])
  return rows
}

function printTable(rows: Row[]): void {
  console.log('')
  console.log(`${'operation'.padEnd(38)} ${'msg/s'.padStart(14)} ${'ns/msg'.padStart(9)} ${'±%'.padStart(6)} ${'samples'.padStart(9)}`)
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(38)} ${Math.round(r.msgsPerSec).toLocaleString('en-US').padStart(14)} ${r.nsPerMsg.toFixed(1).padStart(9)} ${r.rmePercent.toFixed(1).padStart(6)} ${String(r.samples).padStart(9)}`,
    )
  }
  console.log('(median per frame of 100 messages, divided by 100)')
}

function runAllocationChild(): AllocationReport {
  const script = fileURLToPath(import.meta.url)
  const childArgs = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', script, '--alloc-child']
  if (quick) childArgs.push('--quick')
  const r = spawnSync(process.execPath, childArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 })
  if (r.status !== 0) throw new Error(`allocation child failed: status=${r.status}`)
  const lines = r.stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as AllocationReport
}
