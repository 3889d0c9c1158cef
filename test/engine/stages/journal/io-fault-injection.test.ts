// Injected I/O errors under the running engine (EngineOptions.fileIo: the journal's two
// threads use test/engine/stages/journal/fault-io.ts), for each durability mode: ENOSPC
// and EIO on the journal's writes, and on its fdatasyncs (the journal-sync thread's and
// the journal's own at a roll). While the fault lasts every publish is answered with
// DISK_FULL (ENOSPC) or JOURNAL_IO (EIO), the status says so and retries fail; once the
// fault is gone the engine resumes by itself. After a restart every acknowledged message
// is there with its bytes and no gsn is given twice.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EngineEvent } from '../../../../engine/engine-state.js'
import {
  Engine, SMALL_ENGINE, assertNothingAckedLost, maxGsn, newOutcome, publishOnceAccepted, publishUntilRefused, publishWindow, readBack,
} from './disk-full-helpers.js'
import { FAULT_FSYNC, FAULT_WRITE, arm, disarm, faultControl, hits } from './fault-io.js'
import { until } from '../../pipeline/helpers.js'

const CASES = [
  { op: FAULT_WRITE, opName: 'write', errno: 'ENOSPC', code: 'DISK_FULL' },
  { op: FAULT_WRITE, opName: 'write', errno: 'EIO', code: 'JOURNAL_IO' },
  { op: FAULT_FSYNC, opName: 'fdatasync', errno: 'EIO', code: 'JOURNAL_IO' },
  { op: FAULT_FSYNC, opName: 'fdatasync', errno: 'ENOSPC', code: 'DISK_FULL' },
] as const

for (const durability of ['fsync', 'async'] as const) {
  for (const c of CASES) {
    test(`${durability}: ${c.errno} on ${c.opName}: ${c.code} for every publish, resumes by itself, nothing acknowledged lost, no gsn twice`, { timeout: 120_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ordo-io-fault-'))
      const control = faultControl()
      const options = { dataDir, durability, ...SMALL_ENGINE, segmentBytes: 64 * 1024 }
      try {
        const out = newOutcome()
        let engine = await Engine.open({ ...options, fileIo: { module: new URL('./fault-io.js', import.meta.url), data: control } })
        const events: EngineEvent[] = []
        engine.onStatusChange((e) => events.push(e))
        try {
          for (let w = 0; w < 8; w++) await publishWindow(engine, 'f', 64, 'before', out)
          assert.equal(out.refused.length + out.unanswered, 0, 'no fault armed yet')
          arm(control, c.op, c.errno)
          await publishUntilRefused(engine, 'f', 'during', out, 400)
          assert.ok(hits(control) > 0, 'the fault was never hit')
          assert.ok(out.refused.length > 0, 'no publish was refused')
          assert.equal(out.unanswered, 0, 'every publish in flight must be answered')
          assert.deepEqual([...new Set(out.refused.map((e) => (e as { code?: string }).code))], [c.code])
          const st = engine.status
          assert.equal(st.state, 'journal-failed')
          assert.equal(st.fault?.code, c.code)
          assert.equal(engine.metricsSnapshot().state, 'journal-failed')
          // Retries fail while the fault lasts, and say so.
          await until(() => engine.status.journalRetryFailures >= 1, 10_000, () => `retry failures=${engine.status.journalRetryFailures}`)
          assert.ok(events.some((e) => e.event === 'journal_retry_failed'))
          assert.ok(engine.metricsSnapshot().journalRetryFailures >= 1)
          const later = newOutcome()
          await publishWindow(engine, 'f', 8, 'later', later, 5_000)
          assert.equal(later.refused.length, 8, 'publishes made during the fault are refused')
          disarm(control)
          const first = await publishOnceAccepted(engine, 'f', 'first-after', 20_000)
          out.acked.set(String(first.gsn), 'first-after')
          assert.equal(engine.status.state, 'running')
          assert.ok(events.some((e) => e.event === 'journal_resumed'))
          for (let w = 0; w < 4; w++) await publishWindow(engine, 'f', 64, 'after', out)
          assert.equal(out.unanswered, 0)
        } finally {
          disarm(control)
          await engine.close()
        }
        engine = await Engine.open(options)
        try {
          const seen = await readBack(engine, 'f', out.acked.size)
          assertNothingAckedLost(out.acked, seen, 'after the restart')
          const next = await engine.publish(['f'], 'after-restart')
          assert.ok(next.gsn > maxGsn(out.acked), `gsn ${next.gsn} given again: the highest acknowledged is ${maxGsn(out.acked)}`)
        } finally {
          await engine.close()
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
    })
  }
}
