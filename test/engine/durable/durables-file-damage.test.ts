// The durable subscriptions file: a damaged one (a flipped byte, a truncation) stops the
// open with a message naming the file and what to do, and starts nothing (the data
// directory can be opened again once it is dealt with); a leftover temporary file from a
// save cut short is ignored.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Engine } from '../../../engine/index.js'

async function withDurable(dir: string): Promise<void> {
  const engine = await Engine.open({ dataDir: dir })
  await engine.publish(['a'], 'x')
  const sub = engine.subscribe(['a'], { durable: 'keep', fromGsn: 1n }, () => {})
  await sub.live
  await engine.close()
}

test('a damaged durables.state refuses the open; a leftover .tmp is ignored', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-durable-file-'))
  try {
    await withDurable(dir)
    const file = join(dir, 'durables.state')
    const good = readFileSync(file)
    writeFileSync(`${file}.tmp`, 'half a save')
    let e = await Engine.open({ dataDir: dir })
    assert.equal(e.inspectDurable('keep')?.name, 'keep', 'a leftover temporary file changes nothing')
    await e.close()

    const flipped = Buffer.from(good)
    flipped[flipped.length - 3] ^= 0x20
    writeFileSync(file, flipped)
    await assert.rejects(Engine.open({ dataDir: dir }), /durable subscriptions file is damaged: file=.*durables\.state, crc32c does not match; restore it from a backup or remove it/)
    truncateSync(file, 10)
    await assert.rejects(Engine.open({ dataDir: dir }), /durable subscriptions file is damaged: .*shorter than its header/)
    // Nothing was left running or locked: with the file restored the directory opens.
    writeFileSync(file, good)
    e = await Engine.open({ dataDir: dir })
    assert.equal(e.inspectDurable('keep')?.ackedGsn, 0)
    await e.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('stableGsn is the lowest acknowledged gsn over durable subscriptions and never moves back', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-durable-stable-'))
  const engine = await Engine.open({ dataDir: dir })
  try {
    for (let i = 0; i < 10; i++) await engine.publish(['s'], `m${i}`)
    const a = engine.subscribe(['s'], { durable: 'a', fromGsn: 1n }, () => {})
    const b = engine.subscribe(['s'], { durable: 'b', fromGsn: 1n }, () => {})
    await Promise.all([a.live, b.live])
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 250))
    // The watermark is republished every 100 ms: wait for it (bounded), then check it stays.
    const reaches = async (want: bigint): Promise<void> => {
      const end = Date.now() + 10_000
      while (engine.stableGsn < want && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
      await settle()
      assert.equal(engine.stableGsn, want)
    }
    assert.equal(a.ack(7n), 7n)
    assert.equal(b.ack(4n), 4n)
    await reaches(4n) // min(7, 4)
    b.ack(9n)
    await reaches(7n)
    // A new durable subscription from an older gsn holds retention, but the watermark does not move back.
    const c = engine.subscribe(['s'], { durable: 'c', fromGsn: 2n }, () => {})
    await c.live
    await settle()
    assert.equal(engine.stableGsn, 7n, 'monotonic')
    assert.equal(engine.metricsSnapshot().stableGsn, 7)
    engine.deleteDurable('c')
    a.ack(10n)
    b.ack(10n)
    await reaches(10n)
    a.close()
    b.close()
  } finally {
    await engine.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
