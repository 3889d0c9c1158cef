// Journal.truncateAfter: a journal cut back to a gsn keeps exactly the records up to it
// (bytes unchanged), opens with that gsn as its last, takes appends from gsn + 1 on, and
// refuses a gsn inside a record without touching anything.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Journal, JournalArgumentError } from '../../../engine/journal/index.js'
import { appendRandom, cleanup, firstDifference, makeBatch, openJournal, pickSeed, readAll, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

test('truncateAfter at a record boundary in an older segment: later segments removed, records up to it kept byte for byte', () => {
  const seed = pickSeed()
  const dir = tempDir('truncate')
  try {
    const j = openJournal(dir)
    const batches = appendRandom(j, rng(seed), 300, { maxLength: 2000 })
    const end = j.nextGsn - 1
    j.close()
    const segsBefore = segmentFiles(dir).length
    assert.ok(segsBefore >= 4, seedNote(seed))
    // A boundary in the first third: the last gsn of batch k.
    const k = 80
    const cut = batches[k]!.firstGsn + batches[k]!.count - 1
    const r = Journal.truncateAfter(dir, cut)
    assert.equal(r.lastGsn, cut, seedNote(seed))
    assert.equal(r.removedGsns, end - cut, seedNote(seed))
    assert.ok(r.removedSegments >= 1, seedNote(seed))
    assert.ok(segmentFiles(dir).length < segsBefore)
    assert.equal(firstDifference(batches.slice(0, k + 1), readAll(dir)), -1, seedNote(seed))
    const again = openJournal(dir)
    try {
      assert.equal(again.nextGsn, cut + 1)
      const b = makeBatch(cut + 1, 3, 64)
      again.append(b.bytes, 0, 64, cut + 1, 3)
      again.sync()
    } finally {
      again.close()
    }
    const all = readAll(dir)
    assert.equal(all.length, k + 2)
    assert.equal(all[k + 1]!.firstGsn, cut + 1)
  } finally {
    cleanup(dir)
  }
})

test('truncateAfter inside a record is refused and changes nothing; 0 empties the journal; past the end cuts nothing', () => {
  const seed = pickSeed()
  const dir = tempDir('truncate-refuse')
  try {
    const j = openJournal(dir)
    const batches = appendRandom(j, rng(seed), 60, { maxLength: 1500, maxCount: 10 })
    const end = j.nextGsn - 1
    j.close()
    const inside = batches.find((b) => b.count >= 2)!
    const before = readAll(dir)
    assert.throws(() => Journal.truncateAfter(dir, inside.firstGsn), (e: unknown) => e instanceof JournalArgumentError && /inside a record/.test((e as Error).message))
    assert.equal(firstDifference(batches, readAll(dir)), -1, seedNote(seed))
    assert.equal(readAll(dir).length, before.length)
    const none = Journal.truncateAfter(dir, end + 100)
    assert.equal(none.lastGsn, end)
    assert.equal(none.removedGsns, 0)
    assert.equal(none.cutBytes, 0)
    const all = Journal.truncateAfter(dir, 0)
    assert.equal(all.lastGsn, 0)
    assert.equal(all.removedGsns, end)
    assert.equal(segmentFiles(dir).length, 0)
    const fresh = openJournal(dir)
    try {
      assert.equal(fresh.nextGsn, 1)
    } finally {
      fresh.close()
    }
  } finally {
    cleanup(dir)
  }
})
