// Regression: the sync worker starts alongside the sequencer and may come up after the
// first publishes were already written. It once took the written watermark it found at
// start-up as already synced, so that write was never fsynced, the durable watermark
// never moved and the publish hung (seen about once in 30-100 reopen-and-publish rounds under
// load). Now nothing counts as synced until the sync worker has synced it. Each round
// reopens a journal with data and publishes at once; every publish must be acknowledged.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../../../../engine/index.js'

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not acknowledged within ${ms} ms`)), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

test('a publish right after reopening is acknowledged (fsync), round after round', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-sync-race-'))
  try {
    let e = await Engine.open({ dataDir: dir })
    await e.publish(['r'], 'seed')
    await e.close()
    for (let round = 1; round <= 40; round++) {
      e = await Engine.open({ dataDir: dir })
      try {
        const r = await within(e.publish(['r'], `round ${round}`), 10_000, `round ${round}`)
        assert.equal(r.gsn, BigInt(round + 1))
      } finally {
        await e.close()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
