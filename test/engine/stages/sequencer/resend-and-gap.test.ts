// Dedupe by (publisher, pseq): a resend is answered with the original gsn and is not
// sequenced twice, a pseq gap is refused with PSEQ_GAP, and both survive close + reopen
// (the sequencer rebuilds its dedupe state from the journal).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Engine, PublishRefusedError } from '../../../../engine/index.js'
import { cleanup, collect, gsns, tempDir, until, type Seen } from '../../pipeline/helpers.js'

const PUB = 777_001n

async function allMessages(engine: Engine, expect: number): Promise<Seen[]> {
  const seen: Seen[] = []
  const sub = engine.subscribe(['d'], { fromGsn: 1n }, collect(seen))
  await sub.live
  await until(() => seen.length >= expect, 10_000, () => `seen=${seen.length}, expected=${expect}`)
  await new Promise((r) => setTimeout(r, 50)) // a duplicate, if any, would arrive now
  sub.close()
  return seen
}

test('resends answer with the original gsn, are not sequenced twice, gaps are refused; across reopen', async () => {
  const dir = tempDir('dedupe')
  try {
    let engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
    const r1 = await engine.publish(['d'], 'one', { publisher: PUB, pseq: 1n })
    const r2 = await engine.publish(['d'], 'two', { publisher: PUB, pseq: 2n })
    assert.equal(r1.gsn, 1n)
    assert.equal(r2.gsn, 2n)
    assert.deepEqual(r1.gseqs, [1n])
    assert.deepEqual(r2.gseqs, [2n])

    // Resends (even with different bytes) answer with the original gsn.
    const d1 = await engine.publish(['d'], 'one', { publisher: PUB, pseq: 1n })
    const d2 = await engine.publish(['d'], 'two-changed', { publisher: PUB, pseq: 2n })
    assert.equal(d1.gsn, 1n)
    assert.equal(d2.gsn, 2n)

    const r3 = await engine.publish(['d'], 'three', { publisher: PUB, pseq: 3n })
    assert.equal(r3.gsn, 3n, 'the resends must not have taken gsns')
    assert.deepEqual(r3.gseqs, [3n], 'the resends must not have taken gseqs')

    // A gap: pseq 5 while 4 is next.
    await assert.rejects(engine.publish(['d'], 'five', { publisher: PUB, pseq: 5n }), (err: unknown) => {
      assert.ok(err instanceof PublishRefusedError, `expected PublishRefusedError, got ${String(err)}`)
      assert.equal(err.code, 'PSEQ_GAP')
      return true
    })
    const r4 = await engine.publish(['d'], 'four', { publisher: PUB, pseq: 4n })
    assert.equal(r4.gsn, 4n, 'the refused gap message must not have taken a gsn')

    const before = await allMessages(engine, 4)
    assert.deepEqual(gsns(before), [1, 2, 3, 4])
    assert.deepEqual(before.map((m) => m.pseq), [1, 2, 3, 4])
    assert.deepEqual(before.map((m) => m.payload.toString()), ['one', 'two', 'three', 'four'])
    assert.ok(before.every((m) => m.publisher === Number(PUB)))
    await engine.close()

    engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
    const a1 = await engine.publish(['d'], 'one', { publisher: PUB, pseq: 1n })
    const a4 = await engine.publish(['d'], 'four', { publisher: PUB, pseq: 4n })
    assert.equal(a1.gsn, 1n, 'resend after reopen must return the original gsn')
    assert.equal(a4.gsn, 4n, 'resend after reopen must return the original gsn')
    await assert.rejects(engine.publish(['d'], 'seven', { publisher: PUB, pseq: 7n }), (err: unknown) => {
      assert.ok(err instanceof PublishRefusedError)
      assert.equal(err.code, 'PSEQ_GAP')
      return true
    })
    const r5 = await engine.publish(['d'], 'five', { publisher: PUB, pseq: 5n })
    assert.equal(r5.gsn, 5n)
    assert.deepEqual(r5.gseqs, [5n])
    const after = await allMessages(engine, 5)
    assert.deepEqual(gsns(after), [1, 2, 3, 4, 5])
    assert.deepEqual(after.map((m) => m.payload.toString()), ['one', 'two', 'three', 'four', 'five'])
    await engine.close()
  } finally {
    cleanup(dir)
  }
})

// A client that retries before its first attempt is acknowledged sends the same
// (publisher, pseq) twice while the first is in flight: both calls must be answered.
test('a resend while the original is still in flight: both publishes resolve with the same gsn', async () => {
  const dir = tempDir('dedupe-inflight')
  try {
    const engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
    try {
      const answer = (p: Promise<{ gsn: bigint }>): Promise<string> => Promise.race([
        p.then((r) => `gsn=${r.gsn}`, (err: Error) => `rejected: ${err.message}`),
        new Promise<string>((r) => setTimeout(() => r('no answer after 3 s'), 3000)),
      ])
      const first = engine.publish(['d'], 'one', { publisher: PUB, pseq: 1n })
      const resend = engine.publish(['d'], 'one', { publisher: PUB, pseq: 1n })
      const [a, b] = await Promise.all([answer(first), answer(resend)])
      assert.equal(b, 'gsn=1', 'the resend')
      assert.equal(a, 'gsn=1', 'the original publish')
      const seen = await allMessages(engine, 1)
      assert.deepEqual(gsns(seen), [1], 'sequenced once')
    } finally {
      await engine.close()
    }
  } finally {
    cleanup(dir)
  }
})
