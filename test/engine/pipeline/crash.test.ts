// Crash safety of acknowledged publishes: a child process publishes in a loop and prints
// every acknowledged `gsn pseq crc length set gseqs`; the parent SIGKILLs it at random
// moments, restarts it on the same directory, and at the end checks that every
// acknowledged message is in the journal with the same gsn, groups, gseqs and bytes, and
// that the gsns are dense. Forbidden: an acked message missing or changed; a gap.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { crc32c } from '@node-rs/crc32'
import { Engine } from '../../../engine/index.js'
import { cleanup, collect, pickSeed, rng, tempDir, until, type Seen } from './helpers.js'

const ROUNDS = 20
const SETS = [['a'], ['b'], ['a', 'b']]
const CHILD = fileURLToPath(new URL('./procs/crash-publisher.js', import.meta.url))

interface Acked { gsn: number; pseq: number; crc: number; len: number; set: number; gseqs: number[]; round: number }

function runRound(dir: string, seed: number, loadMs: number, round: number, acked: Map<number, Acked>): Promise<{ ready: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let buf = ''
    let err = ''
    let ready = -1
    let lines = 0
    let killed = false
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`round ${round}: child never got ready; stderr=${err}`))
    }, 10_000)
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        const f = line.split(' ')
        if (f[0] === 'ready') {
          ready = Number(f[1])
          clearTimeout(giveUp)
          setTimeout(() => {
            killed = true
            child.kill('SIGKILL')
          }, loadMs)
          continue
        }
        const [gsn, pseq, crc, len, set, ...gseqs] = f.map(Number) as [number, number, number, number, number, ...number[]]
        const prev = acked.get(gsn)
        if (prev !== undefined) {
          reject(new Error(`round ${round}: gsn ${gsn} acknowledged twice (first in round ${prev.round})`))
          return
        }
        acked.set(gsn, { gsn, pseq, crc, len, set, gseqs, round })
        lines++
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(giveUp)
      if (!killed) reject(new Error(`round ${round}: child exited by itself: code=${code}, signal=${signal}, stderr=${err}`))
      else resolve({ ready, lines })
    })
  })
}

test('acknowledged publishes survive SIGKILL at random moments', { timeout: 90_000 }, async () => {
  const seed = pickSeed()
  const rand = rng(seed)
  const dir = tempDir('crash')
  const acked = new Map<number, Acked>()
  try {
    let prevReady = 0
    let total = 0
    for (let r = 0; r < ROUNDS; r++) {
      const loadMs = 100 + Math.floor(rand() * 200)
      const res = await runRound(dir, (seed + r * 7919) >>> 0, loadMs, r, acked)
      // Every restart resumes after at least everything acked before.
      assert.ok(res.ready > prevReady, `round ${r}: reopened at gsn ${res.ready}, previous ready ${prevReady}, seed=${seed}`)
      for (const a of acked.values()) if (a.round < r) assert.ok(a.gsn < res.ready, `round ${r}: acked gsn ${a.gsn} not recovered (next=${res.ready}), seed=${seed}`)
      prevReady = res.ready
      total += res.lines
    }
    assert.ok(total > ROUNDS, `too few acknowledged messages to mean anything: ${total}`)

    const engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
    try {
      const last = Number(engine.durableGsn)
      // A loop, not Math.max(...keys): a quiet machine acknowledges more messages than a spread fits on the stack.
      let maxAcked = 0
      for (const g of acked.keys()) if (g > maxAcked) maxAcked = g
      assert.ok(last >= maxAcked, `journal ends at ${last}, below acked gsn ${maxAcked}, seed=${seed}`)
      const seen: Seen[] = []
      const sub = engine.subscribe(['a', 'b'], { fromGsn: 1n }, collect(seen))
      await sub.live
      await until(() => seen.length >= last, 20_000, () => `seen=${seen.length}/${last}`)
      sub.close()
      assert.equal(seen.length, last)
      const [A, B] = engine.resolveGroupIds(['a', 'b'], false) as [number, number]
      const ids = [[A], [B], [A, B]]
      for (let i = 0; i < seen.length; i++) assert.equal(seen[i]!.gsn, i + 1, `gsn gap at index ${i}, seed=${seed}`)
      // Per-group gseqs dense across all the crashes.
      const gseq = new Map<number, number>()
      for (const m of seen) {
        for (let k = 0; k < m.groups.length; k++) {
          const want = (gseq.get(m.groups[k]!) ?? 0) + 1
          assert.equal(m.gseqs[k], want, `group ${m.groups[k]} gseq not dense at gsn ${m.gsn}, seed=${seed}`)
          gseq.set(m.groups[k]!, want)
        }
      }
      for (const a of acked.values()) {
        const m = seen[a.gsn - 1]!
        const where = `acked gsn ${a.gsn} (round ${a.round}, pseq ${a.pseq}), seed=${seed}`
        assert.equal(m.pseq, a.pseq, `${where}: pseq`)
        assert.deepEqual(m.groups, ids[a.set], `${where}: groups (${SETS[a.set]})`)
        assert.deepEqual(m.gseqs, a.gseqs, `${where}: gseqs`)
        assert.equal(m.payload.length, a.len, `${where}: payload length`)
        assert.equal(crc32c(m.payload), a.crc, `${where}: payload bytes`)
      }
      console.log(`crash: seed=${seed} rounds=${ROUNDS} acked=${acked.size} journal=${last}`)
    } finally {
      await engine.close()
    }
  } finally {
    cleanup(dir)
  }
})
