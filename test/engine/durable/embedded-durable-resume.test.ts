// The embedding API's durable subscriptions: the acknowledged gsn survives close and
// reopen, a second subscribe with the name resumes right after it (nothing acknowledged
// comes again, nothing is lost), explicit acks are cumulative and never move back, an
// unacknowledged delivery comes again after ackWaitMs, and a second consumer of one name
// is refused with DURABLE_BUSY.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Engine } from '../../../engine/index.js'
import type { DeliverBatch } from '../../../codec/index.js'

function gsnsOf(batch: DeliverBatch): bigint[] {
  const out: bigint[] = []
  while (batch.next()) out.push(batch.gsn)
  return out
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

test('a durable subscription resumes after its acknowledged gsn across close and reopen', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-durable-'))
  try {
    let engine = await Engine.open({ dataDir: dir })
    for (let i = 0; i < 10; i++) await engine.publish(['orders'], `m${i}`)
    const got: bigint[] = []
    const sub = engine.subscribe(['orders'], { durable: 'billing', fromGsn: 1n }, (b) => got.push(...gsnsOf(b)))
    await until(() => got.length === 10, '10 deliveries')
    assert.equal(sub.ack(6n), 6n)
    assert.equal(sub.ack(3n), 6n, 'acks never move back')
    assert.equal(sub.ackedGsn, 6n)
    // Second consumer of the same name: refused while the first is attached.
    assert.throws(() => engine.subscribe(['orders'], { durable: 'billing' }, () => {}), (e: unknown) => (e as { code?: string }).code === 'DURABLE_BUSY')
    // Another name of another identity is independent; the same name with other groups is refused.
    sub.close()
    assert.throws(() => engine.subscribe(['orders', 'audit'], { durable: 'billing' }, () => {}), (e: unknown) => (e as { code?: string }).code === 'DURABLE_MISMATCH')
    assert.equal(engine.inspectDurable('billing')?.ackedGsn, 6)
    assert.equal(engine.inspectDurable('billing', 'someone-else'), null, 'names are per identity')
    await engine.close()

    engine = await Engine.open({ dataDir: dir })
    try {
      assert.equal(engine.inspectDurable('billing')?.ackedGsn, 6, 'the ack survived the restart')
      for (let i = 10; i < 12; i++) await engine.publish(['orders'], `m${i}`)
      const again: bigint[] = []
      const sub2 = engine.subscribe(['orders'], { durable: 'billing', ackPolicy: 'afterHandler' }, (b) => again.push(...gsnsOf(b)))
      await until(() => again.length === 6, 'the unacknowledged 7..12')
      assert.deepEqual(again, [7n, 8n, 9n, 10n, 11n, 12n])
      await until(() => sub2.ackedGsn === 12n, 'afterHandler acks')
      assert.ok(engine.stableGsn <= 12n)
      sub2.close()
    } finally {
      await engine.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('what is delivered and not acknowledged within ackWaitMs is delivered again', { timeout: 60_000 }, async () => {
  // A journal: redelivery replays from it (memory mode keeps no history to redeliver from).
  const dir = mkdtempSync(join(tmpdir(), 'ordo-durable-'))
  const engine = await Engine.open({ dataDir: dir })
  try {
    const got: bigint[] = []
    const sub = engine.subscribe(['a'], { durable: 'slow', ackWaitMs: 300 }, (b) => got.push(...gsnsOf(b)))
    await sub.live
    for (let i = 0; i < 3; i++) await engine.publish(['a'], `x${i}`)
    await until(() => got.length === 3, 'first delivery')
    sub.ack(1n)
    await until(() => got.length >= 5, 'redelivery of 2..3', 5000)
    assert.deepEqual(got.slice(0, 5), [1n, 2n, 3n, 2n, 3n])
    sub.ack(3n)
    const n = got.length
    await new Promise((r) => setTimeout(r, 700))
    assert.equal(got.length, n, 'nothing is redelivered once acknowledged')
    assert.equal(engine.inspectDurable('slow')?.redeliveries, 1)
    sub.close()
  } finally {
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
