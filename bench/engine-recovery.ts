// How long does Engine.open take on a data directory whose engine was killed with kill -9?
// Unlike journal-recovery.ts (the Journal alone), this is the whole restart a user waits
// for: journal recovery (seal closed segments, scan the newest from its last index entry,
// cut a torn tail), the sequencer's state rebuild (newest snapshot + scan of the journal
// after it: gseqs and the dedupe window), both worker threads started, ready to publish.
//
//   child (engine-recovery-writer.js): Engine async, publishes until the journal holds
//      │  --gib GiB, prints READY <acked gsn>, keeps publishing; SIGKILL a few ms later
//      ▼
//   parent: Engine.open() timed ── then checks gsn >= the acked gsn and publishes once
//
//   node dist/bench/engine-recovery.js [--gib 1] [--runs 3] [--dir /path] [--json]
//
// --json prints a last line {"engine_open_ms_per_gib": <median>, ...}. Progress on stderr.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Engine } from '../engine/index.js'
import { machineBanner } from './lib/machine.js'

const { values } = parseArgs({
  options: {
    gib: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: os.tmpdir() },
    json: { type: 'boolean', default: false },
  },
})
const GIB = 2 ** 30
const targetBytes = Math.round(Number(values.gib) * GIB)
const runs = Number(values.runs)

function fillAndKill(dataDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL('./engine-recovery-writer.js', import.meta.url))
    const child = spawn(process.execPath, [script, dataDir, String(targetBytes)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let acked = 0
    let out = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (s: string) => {
      out += s
      const m = /READY (\d+)/.exec(out)
      if (m !== null && acked === 0) {
        acked = Number(m[1])
        setTimeout(() => child.kill('SIGKILL'), 20 + Math.floor(Math.random() * 100))
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`engine writer exited: code=${code}`))))
  })
}

function dirBytes(dir: string): number {
  let total = 0
  for (const name of fs.readdirSync(dir)) total += fs.statSync(path.join(dir, name)).size
  return total
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(machineBanner())
console.log(`Engine.open after kill -9: ${(targetBytes / GIB).toFixed(2)} GiB journal written by the engine (async), ${runs} runs, dir ${values.dir}`)
const perGib: number[] = []
const openMs: number[] = []
let ok = true
for (let run = 0; run < runs; run++) {
  const dataDir = fs.mkdtempSync(path.join(values.dir, 'ordo-bench-engine-recovery-'))
  try {
    process.stderr.write(`run ${run + 1}/${runs}: publishing until the journal holds ${(targetBytes / 2 ** 20).toFixed(0)} MiB, then kill -9\n`)
    const acked = await fillAndKill(dataDir)
    const bytes = dirBytes(path.join(dataDir, 'journal'))
    const t0 = performance.now()
    const engine = await Engine.open({ dataDir })
    const ms = performance.now() - t0
    const seq = Number(engine.sequencedGsn)
    const scan = engine.recoveryScan as { messages?: number; ms?: number; snapshotGsn?: number } | null
    const rec = engine.recovery as { ms?: number; truncatedBytes?: number; reason?: string } | null
    // The restarted engine must hold every acknowledged message and take new ones.
    const { gsn } = await engine.publish(['rec-a'], 'after restart')
    const good = seq >= acked && Number(gsn) === seq + 1
    ok &&= good
    await engine.close()
    openMs.push(ms)
    perGib.push(ms / (bytes / GIB))
    console.log(
      `run ${run + 1}: Engine.open ${ms.toFixed(1)} ms for ${(bytes / GIB).toFixed(2)} GiB (${(ms / (bytes / GIB)).toFixed(1)} ms/GiB) | ` +
        `journal recovery ${rec?.ms?.toFixed(1) ?? '?'} ms, cut ${rec?.truncatedBytes ?? '?'} B (${rec?.reason ?? '?'}); ` +
        `state rebuild scanned ${scan?.messages ?? '?'} messages after snapshot gsn ${scan?.snapshotGsn ?? '?'} in ${scan?.ms?.toFixed(1) ?? '?'} ms | ` +
        `acked before kill ${acked}, recovered up to ${seq}: ${good ? 'ok' : 'LOST ACKNOWLEDGED MESSAGES'}`,
    )
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
console.log(`median Engine.open after kill -9: ${median(openMs).toFixed(1)} ms, ${median(perGib).toFixed(1)} ms/GiB (target < 1000 ms for 1 GiB)`)
if (values.json) {
  console.log(JSON.stringify({ engine_open_ms_per_gib: Number(median(perGib).toFixed(2)), engine_open_ms: Number(median(openMs).toFixed(2)), ok }))
}
if (!ok) process.exitCode = 1
