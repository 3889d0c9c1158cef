// Sequencer state after a restart: from a snapshot plus a short journal scan, from an
// older snapshot when the newest is damaged, and from a full scan when none is usable.
// In every case numbering goes on densely and recent resends get their original gsn.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../../../../engine/index.js'
import { readSnapshot, writeSnapshot } from '../../../../engine/stages/sequencer/state-snapshot.js'
import { GseqTable } from '../../../../engine/stages/sequencer/gseq-table.js'
import { Dedupe } from '../../../../engine/stages/sequencer/dedupe.js'

const PUB = 777n

async function fill(dir: string, n: number): Promise<{ counts: Map<string, number>; gsnOf: Map<number, bigint> }> {
  const e = await Engine.open({ dataDir: dir, snapshotEveryMessages: 700, dedupeWindow: 400 })
  const counts = new Map<string, number>()
  const gsnOf = new Map<number, bigint>()
  const ps: Promise<void>[] = []
  for (let i = 1; i <= n; i++) {
    const groups = i % 3 === 0 ? ['a', 'b'] : i % 3 === 1 ? ['a'] : ['c']
    for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1)
    ps.push(e.publish(groups, `m${i}`, { publisher: PUB, pseq: BigInt(i) }).then((r) => void gsnOf.set(i, r.gsn)))
    if (i % 100 === 0) await Promise.all(ps) // several commits, so several snapshots
  }
  await Promise.all(ps)
  await e.close()
  return { counts, gsnOf }
}

async function checkContinues(dir: string, n: number, counts: Map<string, number>, gsnOf: Map<number, bigint>): Promise<NonNullable<Engine['recoveryScan']>> {
  const e = await Engine.open({ dataDir: dir, snapshotEveryMessages: 700, dedupeWindow: 400 })
  try {
    const scan = e.recoveryScan!
    // A recent resend is answered with its original gsn, not sequenced again.
    const again = await e.publish(['a'], `m${n}`, { publisher: PUB, pseq: BigInt(n) })
    assert.equal(again.gsn, gsnOf.get(n))
    const next = await e.publish(['a', 'b', 'c'], 'next', { publisher: PUB, pseq: BigInt(n + 1) })
    assert.equal(next.gsn, BigInt(n + 1))
    assert.deepEqual(next.gseqs, ['a', 'b', 'c'].map((g) => BigInt((counts.get(g) ?? 0) + 1)))
    return scan
  } finally {
    await e.close()
  }
}

test('restart from a snapshot scans only the tail and continues gseqs and dedupe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-snap-'))
  try {
    const n = 3000
    const { counts, gsnOf } = await fill(dir, n)
    const scan = await checkContinues(dir, n, counts, gsnOf)
    assert.equal(scan.snapshotGsn, n, 'the snapshot written at close is used')
    assert.ok((scan.messages as number) <= 400, `scan limited to the dedupe window: scanned=${scan.messages}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a damaged newest snapshot is skipped for the older one; with none usable the scan is full', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-snap-'))
  try {
    const n = 2000
    const { counts, gsnOf } = await fill(dir, n)
    const stateDir = join(dir, 'state')
    const snaps = readdirSync(stateDir).filter((f) => f.endsWith('.snap')).sort()
    assert.ok(snaps.length >= 2, `two snapshots kept: ${snaps.join(',')}`)
    const newest = join(stateDir, snaps[snaps.length - 1]!)
    const bytes = readFileSync(newest)
    bytes[30] = bytes[30]! ^ 0xff
    writeFileSync(newest, bytes)
    const scan1 = await checkContinues(dir, n, counts, gsnOf)
    assert.ok((scan1.snapshotGsn as number) > 0 && (scan1.snapshotGsn as number) < n, `older snapshot used: ${scan1.snapshotGsn}`)
    counts.set('a', counts.get('a')! + 1)
    counts.set('b', counts.get('b')! + 1)
    counts.set('c', counts.get('c')! + 1)
    gsnOf.set(n + 1, BigInt(n + 1))
    rmSync(stateDir, { recursive: true, force: true })
    const scan2 = await checkContinues(dir, n + 1, counts, gsnOf)
    assert.equal(scan2.snapshotGsn, 0)
    assert.equal(scan2.messages, n + 1, 'full scan without snapshots')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('readSnapshot ignores snapshots beyond the journal end and round-trips the state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-snap-'))
  try {
    const g = new GseqTable()
    g.observe(3, 17)
    g.observe(9, 2)
    const d = new Dedupe(10)
    d.record(d.state(42), 5, 100)
    writeSnapshot(dir, 100, g, d)
    g.observe(3, 30)
    writeSnapshot(dir, 200, g, d)
    assert.equal(readSnapshot(dir, 150)!.gsn, 100, 'the one past maxGsn is skipped')
    const s = readSnapshot(dir, 500)!
    assert.equal(s.gsn, 200)
    assert.equal(s.gseqs[3], 30)
    assert.equal(s.gseqs[9], 2)
    assert.deepEqual([...s.publishers], [42, 5])
    assert.equal(readSnapshot(dir, 50), null)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
