// Crash test: a child process appends and syncs, printing each synced gsn; we kill -9 it at
// random moments, 12 times on the same directory (each child recovers the previous one's
// tail). After every kill, every gsn printed as synced must be present with identical
// bytes, the journal must be gap-free from gsn 1, and nothing unverified may be served.
// kill -9 keeps the page cache, so this tests process crashes; power loss is outside a
// test's reach (the fsync/EIO paths are covered by io-faults and full-disk).

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { Journal, inspectJournal, openReader } from '../../../engine/journal/index.js'
import { cleanup, makeBatch, pickSeed, rng, seedNote, tempDir } from './helpers.js'

const KILLS = 12

/** Runs one child until it has printed a few synced gsns plus a random delay, then kill -9. */
function runAndKill(dir: string, childSeed: number, delayMs: number): Promise<{ maxSynced: number; lines: number; cut: number }> {
  return new Promise((resolve, reject) => {
    const script = new URL('./crash-writer.child.js', import.meta.url).pathname
    const child = spawn(process.execPath, [script, dir, String(childSeed)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let maxSynced = 0
    let lines = 0
    let cut = 0
    let pending = ''
    let timer: NodeJS.Timeout | null = null
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      pending += chunk
      let nl: number
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl)
        pending = pending.slice(nl + 1)
        if (line.startsWith('R ')) cut = Number(line.split(' ')[2])
        if (line.startsWith('S ')) {
          maxSynced = Math.max(maxSynced, Number(line.slice(2)))
          lines++
          if (timer === null) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
        }
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (timer !== null) clearTimeout(timer)
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: code=${code}, signal=${signal}`))
      else resolve({ maxSynced, lines, cut })
    })
  })
}

/** Reads the whole journal, checking continuity and content; returns the last gsn. */
function verifyAll(dir: string, note: string): number {
  const r = openReader(dir, 1)
  let expected = 1
  try {
    for (let v = r.next(); v !== null; v = r.next()) {
      assert.equal(v.firstGsn, expected, note)
      const want = makeBatch(v.firstGsn, v.count, v.length).bytes
      assert.ok(Buffer.from(want).equals(Buffer.from(v.bytes.buffer, v.bytes.byteOffset + v.offset, v.length)), `bytes of ${v.firstGsn}; ${note}`)
      expected = v.firstGsn + v.count
    }
  } finally {
    r.close()
  }
  return expected - 1
}

test(`kill -9 at random moments (${KILLS} times): every synced gsn survives with its bytes`, async (t) => {
  const seed = pickSeed()
  const rand = rng(seed)
  const dir = tempDir('kill9')
  try {
    let everSynced = 0
    let tornRecoveries = 0
    for (let k = 0; k < KILLS; k++) {
      const note = `kill ${k}; ${seedNote(seed)}`
      const { maxSynced, lines, cut } = await runAndKill(dir, Math.floor(rand() * 2 ** 31), Math.floor(rand() * 150))
      assert.ok(lines > 0, note)
      if (cut > 0) tornRecoveries++
      everSynced = Math.max(everSynced, maxSynced)
      // The child may have died with a torn tail: a reader (no recovery) must still serve
      // every synced gsn, and never an unverified record.
      const last = verifyAll(dir, note)
      assert.ok(last >= everSynced, `last=${last} < synced=${everSynced}; ${note}`)
    }
    t.diagnostic(`children that started by cutting a torn tail: ${tornRecoveries} of ${KILLS - 1}`)
    const j = Journal.open({ dir, segmentBytes: 1024 * 1024 })
    assert.ok(j.nextGsn - 1 >= everSynced)
    j.close()
    assert.ok(verifyAll(dir, 'final') >= everSynced)
    const rep = inspectJournal(dir)
    assert.equal(rep.ok, true, JSON.stringify(rep.segments.filter((s) => s.problems.length > 0)))
    assert.equal(rep.gaps.length, 0)
  } finally {
    cleanup(dir)
  }
})
