// Subscribe's fromGsn must be a bigint in 0..2^64-1: anything else is refused at once with
// BAD_ARGUMENT naming the value (it once accepted -5n and silently meant "from now").

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Engine } from '../../../engine/index.js'

test('bad fromGsn values are refused with BAD_ARGUMENT', async () => {
  const engine = await Engine.open({ durability: 'memory' })
  try {
    const bad: unknown[] = [-5n, -1n, 2n ** 64n, 1.5, 3, '7', null]
    for (const fromGsn of bad) {
      assert.throws(
        () => engine.subscribe(['a'], { fromGsn: fromGsn as bigint }, () => {}),
        (e: unknown) => {
          const x = e as { code?: string; message?: string }
          return x.code === 'BAD_ARGUMENT' && /fromGsn must be a bigint in 0\.\.2\^64-1: fromGsn=/.test(x.message ?? '')
        },
        `fromGsn=${String(fromGsn)}`,
      )
    }
    // Valid edges are taken.
    engine.subscribe(['a'], { fromGsn: 0n }, () => {}).close()
    engine.subscribe(['a'], { fromGsn: 2n ** 64n - 1n }, () => {}).close()
    assert.equal((await engine.publish(['a'], 'x')).gsn, 1n)
  } finally {
    await engine.close()
  }
})
