// One type for gsns in the embedding API: every public shape that carries a gsn, gseq,
// pseq or publisher id gives a bigint (publish results, DeliverBatch accessors, the
// engine's watermarks, subscription positions, errors' ref).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Engine } from '../../../engine/index.js'

test('gsns, gseqs, pseqs and publisher ids are bigints in every public shape', async () => {
  const engine = await Engine.open({ durability: 'memory' })
  try {
    const seen: Record<string, string> = {}
    const sub = engine.subscribe(['a', 'b'], {}, (batch) => {
      seen.durableGsn = typeof batch.durableGsn
      while (batch.next()) {
        seen.gsn = typeof batch.gsn
        seen.pseq = typeof batch.pseq
        seen.publisher = typeof batch.publisher
        seen.gseq = typeof batch.gseq(0)
      }
    })
    await sub.live
    const r = await engine.publish(['a', 'b'], 'x')
    assert.equal(typeof r.gsn, 'bigint')
    assert.equal(typeof r.gseqs[0], 'bigint')
    for (let i = 0; i < 100 && seen.gsn === undefined; i++) await new Promise((res) => setTimeout(res, 10))
    assert.deepEqual(seen, { durableGsn: 'bigint', gsn: 'bigint', pseq: 'bigint', publisher: 'bigint', gseq: 'bigint' })
    assert.equal(typeof engine.durableGsn, 'bigint')
    assert.equal(typeof engine.sequencedGsn, 'bigint')
    assert.equal(engine.durableGsn, 1n)
    assert.equal(typeof sub.nextGsn, 'bigint')
    sub.close()
  } finally {
    await engine.close()
  }
})
