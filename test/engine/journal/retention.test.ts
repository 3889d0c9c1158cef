// Retention deletes whole old segments by size and by age, oldest first, never the active
// segment, never one holding a gsn >= floorGsn; readers asking for removed gsns get
// GSN_RETAINED_AWAY naming the oldest available gsn; a reader inside a deleted segment
// finishes it.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { JournalRetainedError, openReader } from '../../../engine/journal/index.js'
import { type Batch, appendRandom, cleanup, firstDifference, openJournal, pickSeed, readAll, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

function segFirst(name: string): number {
  return Number(name.slice(0, 20))
}

function build(dir: string, seed: number, retention: { maxBytes?: number; maxAgeMs?: number }) {
  const j = openJournal(dir, { retention })
  const batches = appendRandom(j, rng(seed), 400, { maxLength: 2000 })
  j.sync()
  return { j, batches }
}

test('by size: oldest segments go until the journal fits; the active one stays', () => {
  const seed = pickSeed()
  const dir = tempDir('ret-size')
  try {
    const { j, batches } = build(dir, seed, { maxBytes: 200 * 1024 })
    const before = segmentFiles(dir)
    assert.ok(before.length >= 6, seedNote(seed))
    const total = j.totalBytes
    const rep = j.applyRetention(Date.now(), Number.POSITIVE_INFINITY)
    const after = segmentFiles(dir)
    assert.equal(rep.deletedSegments, before.length - after.length)
    assert.ok(rep.deletedSegments > 0)
    assert.deepEqual(after, before.slice(rep.deletedSegments), 'a prefix went')
    assert.ok(rep.retainedBytes <= 200 * 1024, `retained ${rep.retainedBytes}`)
    assert.equal(rep.retainedBytes + rep.deletedBytes, total)
    // Dropping one more segment would not have been needed: the one before was over.
    assert.equal(rep.stoppedBy, 'policy')
    assert.equal(rep.firstGsn, segFirst(after[0]!))
    assert.equal(j.firstGsn, rep.firstGsn)
    assert.equal(fs.existsSync(path.join(dir, before[0]!.replace('.seg', '.idx'))), false, 'its index went too')
    // Readers: before the oldest -> named error; from the oldest -> the rest, intact.
    assert.throws(
      () => openReader(dir, rep.firstGsn - 1),
      (e: unknown) => e instanceof JournalRetainedError && e.code === 'GSN_RETAINED_AWAY' && e.oldestGsn === rep.firstGsn && e.message.includes(`oldestAvailable=${rep.firstGsn}`),
    )
    const kept = batches.filter((b) => b.firstGsn >= rep.firstGsn)
    assert.equal(firstDifference(kept, readAll(dir, rep.firstGsn)), -1)
    j.close()
    // Reopen: recovery starts at the new first segment.
    const j2 = openJournal(dir)
    assert.equal(j2.firstGsn, rep.firstGsn)
    assert.equal(j2.recovery.reason, 'clean')
    j2.close()
  } finally {
    cleanup(dir)
  }
})

test('maxBytes 0: every closed segment goes, the active one stays', () => {
  const dir = tempDir('ret-zero')
  try {
    const { j } = build(dir, 5, { maxBytes: 0 })
    const last = segmentFiles(dir).pop()!
    const rep = j.applyRetention(Date.now(), Number.POSITIVE_INFINITY)
    assert.deepEqual(segmentFiles(dir), [last])
    assert.equal(rep.stoppedBy, 'active')
    assert.equal(j.firstGsn, segFirst(last))
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('floor: never a segment holding a gsn >= floorGsn', () => {
  const seed = pickSeed()
  const dir = tempDir('ret-floor')
  try {
    const { j } = build(dir, seed, { maxBytes: 0 })
    const segs = segmentFiles(dir)
    // Floor inside the third segment: the first two may go, the third must stay.
    const floor = segFirst(segs[2]!) + 1
    const rep = j.applyRetention(Date.now(), floor)
    assert.equal(rep.stoppedBy, 'floor')
    assert.deepEqual(segmentFiles(dir), segs.slice(2), seedNote(seed))
    // Floor exactly at a segment's first gsn: everything before it may go, it stays.
    const rep2 = j.applyRetention(Date.now(), segFirst(segs[4]!))
    assert.equal(rep2.deletedSegments, 2)
    assert.deepEqual(segmentFiles(dir), segs.slice(4))
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('by age: segments whose last write is older than maxAgeMs, as a prefix only', () => {
  const seed = pickSeed()
  const dir = tempDir('ret-age')
  try {
    const { j } = build(dir, seed, {})
    j.close()
    const segs = segmentFiles(dir)
    const old = (Date.now() - 3_600_000) / 1000
    // Segments 0, 1, 2 and 4 are old; 3 is fresh: only 0..2 may go (no holes).
    for (const i of [0, 1, 2, 4]) fs.utimesSync(path.join(dir, segs[i]!), old, old)
    const j2 = openJournal(dir, { retention: { maxAgeMs: 60_000 } })
    const rep = j2.applyRetention(Date.now(), Number.POSITIVE_INFINITY)
    assert.equal(rep.deletedSegments, 3, seedNote(seed))
    assert.equal(rep.stoppedBy, 'policy')
    assert.deepEqual(segmentFiles(dir), segs.slice(3))
    // Far in the future everything closed is old, but the active segment stays.
    const rep2 = j2.applyRetention(Date.now() + 7_200_000, Number.POSITIVE_INFINITY)
    assert.deepEqual(segmentFiles(dir), segs.slice(-1))
    assert.equal(rep2.deletedSegments, segs.length - 4)
    j2.close()
  } finally {
    cleanup(dir)
  }
})

test('a reader inside a deleted segment finishes it; one that needs a deleted next segment gets GSN_RETAINED_AWAY', () => {
  const seed = pickSeed()
  const dir = tempDir('ret-reader')
  try {
    const { j, batches } = build(dir, seed, { maxBytes: 0 })
    const segs = segmentFiles(dir)
    const r = openReader(dir, 1) // positioned in segment 0
    const first = r.next()
    assert.ok(first !== null && first.firstGsn === 1)
    const slow = openReader(dir, 1)
    assert.ok(slow.next() !== null)
    // Delete segments 0 and 1 while both readers sit in segment 0.
    j.applyRetention(Date.now(), segFirst(segs[2]!))
    assert.deepEqual(segmentFiles(dir), segs.slice(2))
    // r reads the rest of segment 0 from its open descriptor, then needs segment 1: gone.
    const got: Batch[] = []
    let err: unknown = null
    try {
      for (let v = r.next(); v !== null; v = r.next()) got.push(batches[got.length + 1]!)
    } catch (e) {
      err = e
    }
    assert.ok(err instanceof JournalRetainedError, String(err))
    assert.equal(err.oldestGsn, segFirst(segs[2]!))
    assert.equal(err.requestedGsn, segFirst(segs[1]!))
    assert.equal(got.length + 1, batches.filter((b) => b.firstGsn < segFirst(segs[1]!)).length, seedNote(seed))
    r.close()
    slow.close()
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('an orphan index left by an interrupted retention run is removed on open', () => {
  const dir = tempDir('ret-orphan')
  try {
    const { j } = build(dir, 3, {})
    j.close()
    const segs = segmentFiles(dir)
    fs.unlinkSync(path.join(dir, segs[0]!)) // as if the run died between the two unlinks
    const j2 = openJournal(dir)
    assert.equal(j2.recovery.orphanIndexesRemoved, 1)
    assert.equal(fs.existsSync(path.join(dir, segs[0]!.replace('.seg', '.idx'))), false)
    assert.equal(j2.firstGsn, segFirst(segs[1]!))
    j2.close()
  } finally {
    cleanup(dir)
  }
})
