// How fast does the journal take sequenced batches to stable storage, with group commit?
//
//   [batch source: one reused 64 KiB batch of 655 x 100 B messages]
//        │ append() x K                      (copy into the 1 MiB write buffer + CRC32C)
//        ▼
//   Journal ──sync()── writeSync + fdatasync   (one fsync per K batches = group commit)
//        │
//        ▼  segment files, 256 MiB, retention keeps <= 1 GiB
//
// For each K (batches per sync) it reports append throughput (MB/s, batches/s, msgs/s),
// fsyncs/s, and the latency of sync() (write of the buffered batches + fdatasync) and of
// fdatasync alone (mean, p50, p99, max). Next to it, the same writes done with bare
// fs.writeSync + fdatasync on one file, so the journal's own cost shows. Each K: warm-up,
// then several runs; the median run is printed. Self-check: a reopened journal holds
// exactly the gsns appended.
//
//   node dist/bench/journal-append.js [--seconds S] [--runs R] [--sync-every 1,4,16,64]
//        [--batch-bytes 65536] [--msg-bytes 100] [--dir /path] [--json]
//
// --json prints a last line {"journal_append": [...per K...]}. Progress goes to stderr.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { type FileIo, Journal, nodeFileIo, openReader } from '../engine/journal/index.js'
import { machineBanner } from './lib/machine.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    'sync-every': { type: 'string', default: '1,4,16,64' },
    'batch-bytes': { type: 'string', default: '65536' },
    'msg-bytes': { type: 'string', default: '100' },
    dir: { type: 'string', default: os.tmpdir() },
    json: { type: 'boolean', default: false },
  },
})
const seconds = Number(values.seconds)
const runs = Number(values.runs)
const syncEvery = values['sync-every'].split(',').map(Number)
const batchBytes = Number(values['batch-bytes']) & ~7
const msgBytes = Number(values['msg-bytes'])
const msgsPerBatch = Math.max(1, Math.floor(batchBytes / msgBytes))
const RETAIN_BYTES = 1024 * 1024 * 1024
const MAX_SAMPLES = 1 << 20

interface RunResult {
  mbPerS: number
  batchesPerS: number
  msgsPerS: number
  fsyncsPerS: number
  syncMeanUs: number
  syncP50Us: number
  syncP99Us: number
  syncMaxUs: number
  fdatasyncMeanUs: number
  fdatasyncP99Us: number
  ok: boolean
}

/** Latency samples in µs, preallocated so the measured loop does not allocate. */
class Samples {
  readonly values = new Float64Array(MAX_SAMPLES)
  n = 0
  add(us: number): void {
    if (this.n < MAX_SAMPLES) this.values[this.n++] = us
  }
  stats(): { mean: number; p50: number; p99: number; max: number } {
    const s = this.values.slice(0, this.n).sort()
    let sum = 0
    for (const v of s) sum += v
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
    return { mean: this.n > 0 ? sum / this.n : 0, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0 }
  }
}

function makeBatch(): Uint8Array {
  const b = new Uint8Array(batchBytes)
  let x = 0x12345678
  for (let i = 0; i < b.length; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    b[i] = x & 255
  }
  return b
}

function journalRun(k: number, batch: Uint8Array, secs: number): RunResult {
  const dir = fs.mkdtempSync(path.join(values.dir, 'ordo-bench-append-'))
  const fdatasync = new Samples()
  const timedIo: FileIo = {
    ...nodeFileIo,
    fdatasyncSync: (fd) => {
      const t = performance.now()
      nodeFileIo.fdatasyncSync(fd)
      fdatasync.add((performance.now() - t) * 1000)
    },
  }
  const sync = new Samples()
  try {
    const j = Journal.open({ dir, io: timedIo, retention: { maxBytes: RETAIN_BYTES } })
    let batches = 0
    let syncs = 0
    let sinceRetention = 0
    const t0 = performance.now()
    const end = t0 + secs * 1000
    while (performance.now() < end) {
      for (let i = 0; i < k; i++) {
        j.append(batch, 0, batch.length, j.nextGsn, msgsPerBatch)
      }
      const ts = performance.now()
      j.sync()
      sync.add((performance.now() - ts) * 1000)
      batches += k
      syncs++
      sinceRetention += k * batch.length
      if (sinceRetention >= 256 * 1024 * 1024) {
        j.applyRetention(Date.now(), Number.POSITIVE_INFINITY)
        sinceRetention = 0
      }
    }
    const elapsed = (performance.now() - t0) / 1000
    const expectedNext = j.nextGsn
    j.close()
    const j2 = Journal.open({ dir })
    let ok = j2.nextGsn === expectedNext
    j2.close()
    // The last few records read back with the bytes appended.
    const r = openReader(dir, Math.max(1, expectedNext - 4 * msgsPerBatch))
    let seen = 0
    for (let v = r.next(); v !== null; v = r.next()) {
      seen++
      ok &&= v.length === batch.length && Buffer.compare(Buffer.from(v.bytes.buffer, v.bytes.byteOffset + v.offset, v.length), batch) === 0
    }
    r.close()
    ok &&= seen >= 1
    const s = sync.stats()
    const f = fdatasync.stats()
    return {
      mbPerS: (batches * batch.length) / elapsed / 1e6,
      batchesPerS: batches / elapsed,
      msgsPerS: (batches * msgsPerBatch) / elapsed,
      fsyncsPerS: syncs / elapsed,
      syncMeanUs: s.mean,
      syncP50Us: s.p50,
      syncP99Us: s.p99,
      syncMaxUs: s.max,
      fdatasyncMeanUs: f.mean,
      fdatasyncP99Us: f.p99,
      ok,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The same bytes with bare writeSync + fdatasync on one file (truncated at 1 GiB). */
function bareRun(k: number, batch: Uint8Array, secs: number): { mbPerS: number; fsyncsPerS: number } {
  const dir = fs.mkdtempSync(path.join(values.dir, 'ordo-bench-bare-'))
  try {
    const fd = fs.openSync(path.join(dir, 'bare.log'), 'w')
    let pos = 0
    let batches = 0
    let syncs = 0
    const t0 = performance.now()
    const end = t0 + secs * 1000
    while (performance.now() < end) {
      for (let i = 0; i < k; i++) {
        fs.writeSync(fd, batch, 0, batch.length, pos)
        pos += batch.length
      }
      fs.fdatasyncSync(fd)
      batches += k
      syncs++
      if (pos >= RETAIN_BYTES) {
        fs.ftruncateSync(fd, 0)
        pos = 0
      }
    }
    const elapsed = (performance.now() - t0) / 1000
    fs.closeSync(fd)
    return { mbPerS: (batches * batch.length) / elapsed / 1e6, fsyncsPerS: syncs / elapsed }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!

console.log(machineBanner())
console.log(
  `journal append: batches of ${batchBytes} B (${msgsPerBatch} x ${msgBytes} B messages), sync every K batches, ` +
    `${runs} runs x ${seconds} s per K after a 0.5 s warm-up, dir ${values.dir}`,
)
const batch = makeBatch()
const summary: Array<Record<string, number | boolean>> = []
let allOk = true
for (const k of syncEvery) {
  process.stderr.write(`K=${k}: warm-up\n`)
  journalRun(k, batch, 0.5)
  const rs: RunResult[] = []
  const bare: Array<{ mbPerS: number; fsyncsPerS: number }> = []
  for (let r = 0; r < runs; r++) {
    process.stderr.write(`K=${k}: run ${r + 1}/${runs}\n`)
    rs.push(journalRun(k, batch, seconds))
    bare.push(bareRun(k, batch, seconds))
  }
  const m = median(rs, (x) => x.mbPerS)
  const b = median(bare, (x) => x.mbPerS)
  const ok = rs.every((x) => x.ok)
  allOk &&= ok
  console.log(
    `K=${String(k).padStart(3)}: ${m.mbPerS.toFixed(0)} MB/s, ${m.batchesPerS.toFixed(0)} batches/s, ` +
      `${(m.msgsPerS / 1e6).toFixed(2)} M msg/s, ${m.fsyncsPerS.toFixed(0)} fsync/s | sync() mean ${m.syncMeanUs.toFixed(0)} µs, ` +
      `p50 ${m.syncP50Us.toFixed(0)}, p99 ${m.syncP99Us.toFixed(0)}, max ${m.syncMaxUs.toFixed(0)} | fdatasync mean ` +
      `${m.fdatasyncMeanUs.toFixed(0)} µs, p99 ${m.fdatasyncP99Us.toFixed(0)} | bare fs ${b.mbPerS.toFixed(0)} MB/s, ` +
      `${b.fsyncsPerS.toFixed(0)} fsync/s | runs ${rs.map((x) => x.mbPerS.toFixed(0)).join('/')} MB/s | check ${ok ? 'ok' : 'FAILED'}`,
  )
  summary.push({
    sync_every: k,
    mb_per_s: Math.round(m.mbPerS),
    batches_per_s: Math.round(m.batchesPerS),
    msgs_per_s: Math.round(m.msgsPerS),
    fsyncs_per_s: Math.round(m.fsyncsPerS),
    sync_mean_us: Math.round(m.syncMeanUs),
    sync_p99_us: Math.round(m.syncP99Us),
    fdatasync_mean_us: Math.round(m.fdatasyncMeanUs),
    fdatasync_p99_us: Math.round(m.fdatasyncP99Us),
    bare_mb_per_s: Math.round(b.mbPerS),
    bare_fsyncs_per_s: Math.round(b.fsyncsPerS),
    ok,
  })
}
console.log('(an idle 2-core VM of the same kind: append 64 KiB + fsync per write 2.7 k fsync/s; 1 MiB writes with final fsync 1.9 GB/s)')
if (values.json) console.log(JSON.stringify({ journal_append: summary }))
if (!allOk) process.exitCode = 1
