// A really full disk under the running engine: a 4 MiB tmpfs, most of it taken by a
// filler file, publish until the journal cannot write. What must hold:
//   - nothing acknowledged is lost: after a restart every acknowledged gsn reads back
//     with its payload (a write error once cut the active segment back to the last fsync
//     the journal made itself, which in the engine was the one at open or roll);
//   - no gsn is given twice: the first publish after the restart gets a gsn above every
//     acknowledged one;
//   - every publish in flight is answered, with DISK_FULL, and so are later ones;
//   - the engine says so: status (journal-failed, the errno, what to do), metrics (state,
//     fault count) and its listeners (journal_failed, later journal_resumed);
//   - what is durable can still be read (a subscription from gsn 1 gets all of it, nothing more);
//   - deleting the filler lets publishing resume without a restart.
// Mounting needs root (CI runs the tests as root); without root a test states why.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canMountTmpfs, withTmpfs } from '../../../helpers/tmpfs.js'
import type { EngineEvent } from '../../../../engine/engine-state.js'
import { until } from '../../pipeline/helpers.js'
import {
  Engine, SMALL_ENGINE, assertNothingAckedLost, maxGsn, newOutcome, publishOnceAccepted, publishUntilRefused, publishWindow, readBack,
} from './disk-full-helpers.js'

const MiB = 1024 * 1024
const mount = canMountTmpfs()

function codesOf(errors: unknown[]): string[] {
  return [...new Set(errors.map((e) => String((e as { code?: unknown }).code)))].sort()
}

async function closeWithin(engine: Engine, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const r = await Promise.race([
    engine.close().then(() => null, (err: unknown) => err ?? new Error('close rejected')),
    new Promise<unknown>((res) => (timer = setTimeout(() => res(new Error(`close did not finish within ${ms} ms`)), ms))),
  ])
  clearTimeout(timer)
  return r
}

if (!mount.ok) {
  test('disk-full tests on a real tmpfs need root to mount it', () => {
    process.stdout.write(`# not run: ${mount.reason}\n`)
    assert.notEqual(process.getuid?.(), 0, mount.reason)
  })
} else {
  for (const durability of ['fsync', 'async'] as const) {
    test(`${durability}: a full disk loses nothing acknowledged, answers every publish with DISK_FULL, resumes when space is freed, reuses no gsn`, { timeout: 180_000 }, async () => {
      await withTmpfs('4m', async (mnt) => {
        const dataDir = join(mnt, 'data')
        const filler = join(mnt, 'filler')
        writeFileSync(filler, Buffer.alloc(Math.floor(2.75 * MiB)))
        const out = newOutcome()
        let engine = await Engine.open({ dataDir, durability, ...SMALL_ENGINE })
        const events: EngineEvent[] = []
        engine.onStatusChange((e) => events.push(e))
        let closeError: unknown = null
        try {
          await publishUntilRefused(engine, 'disk', 'fill', out)
          assert.ok(out.refused.length > 0, `the disk never filled: acked=${out.acked.size}`)
          assert.ok(out.acked.size > 300, `only ${out.acked.size} messages acknowledged before the disk filled`)
          assert.equal(out.unanswered, 0, 'every publish in flight when the disk filled must be answered')
          assert.deepEqual(codesOf(out.refused), ['DISK_FULL'])

          // The engine says why, and what to do.
          const st = engine.status
          assert.equal(st.state, 'journal-failed')
          assert.equal(st.accepting, false)
          assert.equal(st.fault?.code, 'DISK_FULL')
          assert.equal(st.fault?.errno, 'ENOSPC')
          assert.match(st.fault?.action ?? '', /free space on the file system of .*journal/)
          const m = engine.metricsSnapshot()
          assert.equal(m.state, 'journal-failed')
          assert.ok(m.journalFaults >= 1, `journalFaults=${m.journalFaults}`)
          assert.equal(events[0]?.event, 'journal_failed')
          assert.equal(events[0]?.fields.errno, 'ENOSPC')

          // Reads of what is durable go on: from gsn 1 up to the durable watermark, nothing beyond.
          const durable = engine.durableGsn
          const seen = await readBack(engine, 'disk', Number(durable))
          assert.equal(BigInt(seen.size), durable, `a subscription from gsn 1 got ${seen.size} messages while ${durable} are durable`)
          for (const g of seen.keys()) assert.ok(BigInt(g) <= durable, `gsn ${g} delivered above durable ${durable}`)

          // Later publishes are refused at once, with the same code.
          const later = newOutcome()
          await publishWindow(engine, 'disk', 16, 'later', later, 5_000)
          assert.equal(later.unanswered, 0, 'publishes made while the disk is full must be answered')
          assert.equal(later.refused.length, 16)
          assert.deepEqual(codesOf(later.refused), ['DISK_FULL'])

          // While the disk stays full, retries fail (and say so); the engine stays refusing.
          await until(() => engine.status.journalRetryFailures >= 1, 15_000, () => 'no retry failed')
          assert.equal(engine.status.state, 'journal-failed')
          assert.ok(events.some((e) => e.event === 'journal_retry_failed' && e.fields.errno === 'ENOSPC'))

          // Space comes back: the engine retries by itself and takes publishes again.
          rmSync(filler)
          const first = await publishOnceAccepted(engine, 'disk', 'first-after-free', 30_000)
          out.acked.set(String(first.gsn), 'first-after-free')
          assert.equal(engine.status.state, 'running')
          assert.equal(engine.status.fault, null)
          assert.ok(events.some((e) => e.event === 'journal_resumed'), events.map((e) => e.event).join(','))
          assert.equal(engine.metricsSnapshot().state, 'running')
          const resumed = newOutcome()
          await publishWindow(engine, 'disk', 64, 'resumed', resumed)
          assert.equal(resumed.refused.length + resumed.unanswered, 0, `after space was freed: ${codesOf(resumed.refused).join(',')}, unanswered=${resumed.unanswered}`)
          for (const [g, p] of resumed.acked) out.acked.set(g, p)
        } finally {
          closeError = await closeWithin(engine, 30_000)
        }
        assert.equal(closeError, null, `close: ${String(closeError)}`)

        engine = await Engine.open({ dataDir, durability, ...SMALL_ENGINE })
        try {
          const seen = await readBack(engine, 'disk', out.acked.size)
          assertNothingAckedLost(out.acked, seen, 'after the restart')
          const next = await engine.publish(['disk'], 'after-restart')
          assert.ok(next.gsn > maxGsn(out.acked), `gsn ${next.gsn} given again: the highest acknowledged is ${maxGsn(out.acked)}`)
        } finally {
          await engine.close()
        }
      })
    })
  }

  test('fsync: restart after 1 000 messages, fill the disk, restart: nothing acknowledged is lost, no gsn is given twice', { timeout: 180_000 }, async () => {
    await withTmpfs('4m', async (mnt) => {
      const dataDir = join(mnt, 'data')
      const filler = join(mnt, 'filler')
      writeFileSync(filler, Buffer.alloc(Math.floor(2.75 * MiB)))
      const out = newOutcome()
      let engine = await Engine.open({ dataDir, ...SMALL_ENGINE })
      try {
        for (let w = 0; w < 16; w++) await publishWindow(engine, 'disk', 64, 'before', out)
        assert.equal(out.refused.length + out.unanswered, 0, 'the disk filled before the restart: make the filler smaller')
      } finally {
        await engine.close()
      }
      const beforeRestart = out.acked.size
      engine = await Engine.open({ dataDir, ...SMALL_ENGINE })
      let closeError: unknown = null
      try {
        await publishUntilRefused(engine, 'disk', 'after', out)
      } finally {
        closeError = await closeWithin(engine, 30_000)
      }
      assert.ok(out.refused.length > 0, `the disk never filled: acked=${out.acked.size}`)
      assert.ok(out.acked.size > beforeRestart + 100, `only ${out.acked.size - beforeRestart} acknowledged after the restart`)

      rmSync(filler)
      engine = await Engine.open({ dataDir, ...SMALL_ENGINE })
      try {
        const seen = await readBack(engine, 'disk', out.acked.size)
        assertNothingAckedLost(out.acked, seen, `after the second restart (${beforeRestart} acknowledged before the first)`)
        const next = await engine.publish(['disk'], 'after-second-restart')
        assert.ok(next.gsn > maxGsn(out.acked), `gsn ${next.gsn} given again: the highest acknowledged is ${maxGsn(out.acked)}`)
      } finally {
        await engine.close()
      }
      assert.equal(out.unanswered, 0, 'every publish in flight when the disk filled must be answered')
      assert.deepEqual(codesOf(out.refused), ['DISK_FULL'])
      assert.equal(closeError, null, `close while the disk was full: ${String(closeError)}`)
    })
  })
}
