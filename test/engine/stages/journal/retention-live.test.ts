// Retention inside a running engine: old segments go (by size) while it runs, a
// subscription from a removed gsn is refused with RETAINED_AWAY naming the oldest
// gsn, and a subscription from that oldest gsn replays everything from there.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine, SubscriptionError } from '../../../../engine/index.js'

test('size retention removes old segments while the engine runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-ret-'))
  const e = await Engine.open({ dataDir: dir, segmentBytes: 64 * 1024, retention: { maxBytes: 256 * 1024 } })
  try {
    const payload = new Uint8Array(1000)
    for (let k = 0; k < 10; k++) {
      const ps: Promise<unknown>[] = []
      for (let i = 0; i < 100; i++) ps.push(e.publish(['r'], payload))
      await Promise.all(ps)
    }
    // Retention runs every ~2 s: wait until gsn 1 is gone (bounded).
    let err: SubscriptionError | null = null
    for (let attempt = 0; attempt < 20 && err === null; attempt++) {
      await new Promise((r) => setTimeout(r, 500))
      const sub = e.subscribe(['r'], { fromGsn: 1n, onError: () => {} }, () => {})
      try {
        await sub.live
        sub.close()
      } catch (x) {
        err = x as SubscriptionError
      }
    }
    assert.ok(err !== null, 'gsn 1 was removed within 10 s')
    assert.equal(err.code, 'RETAINED_AWAY')
    const oldest = err.ref
    assert.ok(oldest > 1n && oldest <= 1000n, `oldest kept gsn=${oldest}`)
    let count = 0
    let first = 0
    const sub = e.subscribe(['r'], { fromGsn: oldest }, (b) => {
      while (b.next()) {
        if (first === 0) first = b.gsnNumber
        count++
      }
    })
    await sub.live
    assert.equal(BigInt(first), oldest)
    assert.equal(count, 1000 - Number(oldest) + 1)
  } finally {
    await e.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
