// Where a subscription starts: gsn 1, the middle, beyond the end (waits for messages to
// exist), from now; and from a gsn retention removed (RETAINED_AWAY), in fsync mode and
// in memory mode (no journal to replay from).
//
// Retention in a running engine is applied by the journal appender on its own schedule
// (engine/stages/journal/journal-appender.ts, RETENTION_EVERY_MS), which a quick test
// should not wait on: the removal is done here with the journal API (Journal.open +
// applyRetention) before Engine.open.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { join } from 'node:path'
import { Engine, SubscriptionError } from '../../../../engine/index.js'
import { Journal } from '../../../../engine/journal/index.js'
import { cleanup, collect, gsns, tempDir, until, type Seen } from '../../pipeline/helpers.js'

function range(a: number, b: number): number[] {
  const out: number[] = []
  for (let i = a; i <= b; i++) out.push(i)
  return out
}

async function publishN(engine: Engine, n: number, size = 16): Promise<void> {
  const ps: Promise<unknown>[] = []
  for (let i = 0; i < n; i++) ps.push(engine.publish(['s'], Buffer.alloc(size, i & 0xff)))
  await Promise.all(ps)
}

test('subscribe from gsn 1, the middle, beyond the end and from now', async () => {
  const dir = tempDir('subscribe')
  try {
    const engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
    await publishN(engine, 100)
    const fromOne: Seen[] = []
    const fromMid: Seen[] = []
    const beyond: Seen[] = []
    const now: Seen[] = []
    const s1 = engine.subscribe(['s'], { fromGsn: 1n }, collect(fromOne))
    const s2 = engine.subscribe(['s'], { fromGsn: 50n }, collect(fromMid))
    const s3 = engine.subscribe(['s'], { fromGsn: 150n }, collect(beyond))
    const s4 = engine.subscribe(['s'], {}, collect(now))
    await Promise.all([s1.live, s2.live, s4.live])
    await until(() => fromOne.length >= 100 && fromMid.length >= 51, 10_000, () => `fromOne=${fromOne.length}, fromMid=${fromMid.length}`)
    assert.deepEqual(gsns(fromOne), range(1, 100))
    assert.deepEqual(gsns(fromMid), range(50, 100))
    assert.equal(beyond.length, 0, 'nothing exists at gsn >= 150 yet')
    assert.equal(now.length, 0, 'a subscription from now must not replay')

    await publishN(engine, 100) // gsns 101..200
    await until(() => fromOne.length >= 200 && fromMid.length >= 151 && beyond.length >= 51 && now.length >= 100, 10_000,
      () => `fromOne=${fromOne.length}, fromMid=${fromMid.length}, beyond=${beyond.length}, now=${now.length}`)
    await new Promise((r) => setTimeout(r, 50))
    assert.deepEqual(gsns(fromOne), range(1, 200))
    assert.deepEqual(gsns(fromMid), range(50, 200))
    assert.deepEqual(gsns(beyond), range(150, 200))
    assert.deepEqual(gsns(now), range(101, 200))
    assert.deepEqual(fromOne.map((m) => m.gseqs[0]), range(1, 200), 'single group: gseq == gsn')
    for (const s of [s1, s2, s3, s4]) s.close()
    await engine.close()
  } finally {
    cleanup(dir)
  }
})

test('a subscription from a gsn retention removed gets RETAINED_AWAY; from the oldest kept gsn it replays', async () => {
  const dir = tempDir('retained')
  const segmentBytes = 64 * 1024
  try {
    let engine = await Engine.open({ dataDir: dir, durability: 'fsync', segmentBytes })
    for (let k = 0; k < 8; k++) await publishN(engine, 100, 1000) // ~800 KB: a dozen segments
    const last = Number(engine.durableGsn)
    assert.equal(last, 800)
    await engine.close()

    const journal = Journal.open({ dir: join(dir, 'journal'), segmentBytes, retention: { maxBytes: 256 * 1024 } })
    const report = journal.applyRetention(Date.now(), journal.nextGsn)
    journal.close()
    assert.ok(report.deletedSegments > 0, `retention deleted nothing: ${JSON.stringify(report)}`)
    const firstKept = report.firstGsn
    assert.ok(firstKept > 1 && firstKept <= last, `firstGsn=${firstKept}`)

    engine = await Engine.open({ dataDir: dir, durability: 'fsync', segmentBytes })
    const errors: SubscriptionError[] = []
    const gone: Seen[] = []
    const sub = engine.subscribe(['s'], { fromGsn: 1n, onError: (e) => errors.push(e) }, collect(gone))
    await assert.rejects(sub.live, (err: unknown) => {
      assert.ok(err instanceof SubscriptionError, `expected SubscriptionError, got ${String(err)}`)
      assert.equal(err.code, 'RETAINED_AWAY')
      return true
    })
    assert.equal(errors.length, 1)
    assert.equal(errors[0]!.code, 'RETAINED_AWAY')
    assert.equal(gone.length, 0, 'nothing may be delivered from a removed range')

    const kept: Seen[] = []
    const ok = engine.subscribe(['s'], { fromGsn: BigInt(firstKept) }, collect(kept))
    await ok.live
    await until(() => kept.length >= last - firstKept + 1, 10_000, () => `kept=${kept.length}`)
    assert.deepEqual(gsns(kept), range(firstKept, last))
    ok.close()
    await engine.close()
  } finally {
    cleanup(dir)
  }
})

test('memory mode: fromGsn in the past gets RETAINED_AWAY', async () => {
  const engine = await Engine.open({ durability: 'memory' })
  try {
    await publishN(engine, 20)
    const errors: SubscriptionError[] = []
    const seen: Seen[] = []
    const sub = engine.subscribe(['s'], { fromGsn: 1n, onError: (e) => errors.push(e) }, collect(seen))
    await assert.rejects(sub.live, (err: unknown) => {
      assert.ok(err instanceof SubscriptionError, `expected SubscriptionError, got ${String(err)}`)
      assert.equal(err.code, 'RETAINED_AWAY')
      return true
    })
    assert.equal(errors.length, 1)
    assert.equal(seen.length, 0)
  } finally {
    await engine.close()
  }
})
