// How long does opening a journal take after kill -9, and how fast does a replay read it?
//
//   child: Journal.append 64 KiB batches + sync every 16 ──▶ 1 GiB of segments
//      │  (READY once the journal holds --gib GiB; killed with SIGKILL a few ms later,
//      ▼   usually mid-append, leaving a torn or unsynced tail)
//   parent: Journal.open()  ── recovery: seals of closed segments + scan of the newest
//      │                       one from its last index entry, cut of the torn tail
//      ▼
//   parent: openReader(firstGsn) ── verified replay of every record (CRC32C each)
//
// Recovery time should not grow with the journal (it reads one index stretch, not the
// segments); the figure is printed per GiB anyway so runs of different sizes compare.
// Warm = page cache holds the files (the usual case after a process crash); cold (only
// with --cold) = after `echo 3 > /proc/sys/vm/drop_caches`, which needs root and empties
// the cache of the whole machine, so it is opt-in.
//
//   node dist/bench/journal-recovery.js [--gib 1] [--runs 3] [--dir /path] [--cold] [--keep] [--json]
//
// --json prints a last line {"recovery_ms_per_gib": <median warm>, ...}. Progress on stderr.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Journal, type RecoveryReport, openReader } from '../engine/journal/index.js'
import { machineBanner } from './lib/machine.js'

const { values } = parseArgs({
  options: {
    gib: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: os.tmpdir() },
    keep: { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
})
const GIB = 2 ** 30
const targetBytes = Math.round(Number(values.gib) * GIB)
const runs = Number(values.runs)

function buildAndKill(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL('./journal-recovery-writer.js', import.meta.url))
    const child = spawn(process.execPath, [script, dir, String(targetBytes)], { stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (s: string) => {
      if (s.includes('READY')) setTimeout(() => child.kill('SIGKILL'), 20 + Math.floor(Math.random() * 100))
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited: code=${code}`))))
  })
}

function dropCaches(): boolean {
  if (!values.cold) return false
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3')
    return true
  } catch {
    return false
  }
}

function timeOpen(dir: string): { ms: number; report: RecoveryReport; bytes: number; nextGsn: number; firstGsn: number } {
  const t0 = performance.now()
  const j = Journal.open({ dir })
  const ms = performance.now() - t0
  const out = { ms, report: j.recovery, bytes: j.totalBytes, nextGsn: j.nextGsn, firstGsn: j.firstGsn }
  j.close()
  return out
}

function replay(dir: string, firstGsn: number, nextGsn: number): { mbPerS: number; records: number; ok: boolean } {
  const t0 = performance.now()
  const r = openReader(dir, firstGsn)
  let bytes = 0
  let records = 0
  let last = firstGsn - 1
  for (let v = r.next(); v !== null; v = r.next()) {
    bytes += v.length
    records++
    last = v.firstGsn + v.count - 1
  }
  r.close()
  const s = (performance.now() - t0) / 1000
  return { mbPerS: bytes / s / 1e6, records, ok: last === nextGsn - 1 }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(machineBanner())
console.log(`journal recovery after kill -9: ${(targetBytes / GIB).toFixed(2)} GiB journal, ${runs} runs, dir ${values.dir}`)
const dir = fs.mkdtempSync(path.join(values.dir, 'ordo-bench-recovery-'))
const warm: number[] = []
const perGib: number[] = []
let ok = true
let lastOpen: ReturnType<typeof timeOpen> | null = null
try {
  for (let run = 0; run < runs; run++) {
    process.stderr.write(`run ${run + 1}/${runs}: writing until ${(targetBytes / 2 ** 20).toFixed(0)} MiB, then kill -9\n`)
    await buildAndKill(dir)
    const o = timeOpen(dir)
    lastOpen = o
    warm.push(o.ms)
    perGib.push(o.ms / (o.bytes / GIB))
    const r = o.report
    console.log(
      `run ${run + 1}: open ${o.ms.toFixed(1)} ms for ${(o.bytes / GIB).toFixed(2)} GiB in ${r.segments} segments ` +
        `(${(o.ms / (o.bytes / GIB)).toFixed(1)} ms/GiB; recovery itself ${r.ms.toFixed(1)} ms) | scanned ${(r.scannedBytes / 1024).toFixed(0)} KiB, ` +
        `cut ${r.truncatedBytes} B (${r.reason}${r.truncatedAt ? ` at ${r.truncatedAt.segment}:${r.truncatedAt.offset}` : ''}), ` +
        `rebuilt indexes ${r.rebuiltIndexes}`,
    )
  }
  const again: number[] = []
  for (let i = 0; i < 5; i++) again.push(timeOpen(dir).ms)
  console.log(`clean reopen (no crash): median ${median(again).toFixed(1)} ms of 5`)
  const o = lastOpen!
  process.stderr.write('replay: reading every record\n')
  const rw = replay(dir, o.firstGsn, o.nextGsn)
  ok &&= rw.ok
  console.log(`replay (warm cache): ${rw.mbPerS.toFixed(0)} MB/s, ${rw.records} records, check ${rw.ok ? 'ok' : 'FAILED'}`)
  let cold: number | null = null
  if (dropCaches()) {
    cold = timeOpen(dir).ms
    console.log(`cold open (page cache dropped): ${cold.toFixed(1)} ms`)
  } else {
    console.log(`cold open: not measured (${values.cold ? 'cannot write /proc/sys/vm/drop_caches' : 'pass --cold'})`)
  }
  let coldReplay: number | null = null
  if (dropCaches()) {
    const rc = replay(dir, o.firstGsn, o.nextGsn)
    ok &&= rc.ok
    coldReplay = rc.mbPerS
    console.log(`replay (cold cache): ${rc.mbPerS.toFixed(0)} MB/s, check ${rc.ok ? 'ok' : 'FAILED'}`)
  }
  console.log(`median open after kill -9: ${median(warm).toFixed(1)} ms, ${median(perGib).toFixed(1)} ms/GiB`)
  if (values.json) {
    console.log(
      JSON.stringify({
        recovery_ms_per_gib: Number(median(perGib).toFixed(2)),
        recovery_ms: Number(median(warm).toFixed(2)),
        clean_open_ms: Number(median(again).toFixed(2)),
        cold_open_ms: cold === null ? null : Number(cold.toFixed(2)),
        replay_mb_per_s: Math.round(rw.mbPerS),
        replay_cold_mb_per_s: coldReplay === null ? null : Math.round(coldReplay),
        ok,
      }),
    )
  }
} finally {
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true })
}
if (!ok) process.exitCode = 1
