// Tentative delivery: subscriptions that asked for it see messages as soon as they
// are sequenced (Deliver.durable_gsn below their gsns), still exactly once and in gsn
// order; ordinary subscriptions never see a message above the durable watermark (G5).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine, type DeliverBatch } from '../../../../engine/index.js'

function collector(): { gsns: number[]; early: number; handler: (b: DeliverBatch) => void } {
  const c = {
    gsns: [] as number[],
    early: 0,
    handler: (b: DeliverBatch) => {
      while (b.next()) {
        c.gsns.push(b.gsnNumber)
        if (b.durableGsn < b.gsn) c.early++
      }
    },
  }
  return c
}

test('tentative subscriptions get messages before they are durable; ordinary ones never do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-tent-'))
  const e = await Engine.open({ dataDir: dir, durability: 'fsync' })
  try {
    await e.publish(['t'], 'warm-up')
    const tent = collector()
    const durable = collector()
    const s1 = e.subscribe(['t'], { tentative: true }, tent.handler)
    const s2 = e.subscribe(['t'], {}, durable.handler)
    await Promise.all([s1.live, s2.live])
    const n = 20000
    const payload = new Uint8Array(100)
    for (let k = 0; k < 20; k++) {
      const ps: Promise<unknown>[] = []
      for (let i = 0; i < n / 20; i++) ps.push(e.publish(['t'], payload))
      await Promise.all(ps)
    }
    // From gsn 1, tentative: replays durable-only, then joins the tentative stream.
    const late = collector()
    const s3 = e.subscribe(['t'], { fromGsn: 1n, tentative: true }, late.handler)
    await s3.live
    await e.publish(['t'], 'last')
    await new Promise((r) => setTimeout(r, 200))
    const expect = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)
    assert.deepEqual(tent.gsns, expect(2, n + 2), 'tentative stream: every gsn once, in order')
    assert.deepEqual(durable.gsns, expect(2, n + 2), 'durable stream: every gsn once, in order')
    assert.deepEqual(late.gsns, expect(1, n + 2), 'late tentative stream: replay then live, no gap, no duplicate')
    assert.equal(durable.early, 0, 'an ordinary subscription never sees a message above the durable watermark')
    assert.ok(tent.early > 0, `tentative frames arrived before fsync: early=${tent.early} of ${tent.gsns.length}`)
  } finally {
    await e.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
