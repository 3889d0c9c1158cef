// openReader(dir, g) starts at the record CONTAINING g, for every g, whatever segment and
// index entry it falls in; beyond the end it returns nothing yet (not an error) and picks
// up the record once it is appended.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openReader } from '../../../engine/journal/index.js'
import { appendRandom, cleanup, makeBatch, openJournal, pickSeed, rng, seedNote, tempDir } from './helpers.js'

test('every gsn finds the record containing it', () => {
  const seed = pickSeed()
  const dir = tempDir('lookup')
  try {
    const rand = rng(seed)
    // Index every 1 KiB or 4 records: many entries, so lookups exercise the binary search.
    const j = openJournal(dir, { indexEveryBytes: 1024, indexEveryRecords: 4 })
    const batches = appendRandom(j, rand, 300, { maxLength: 1500, maxCount: 9 })
    j.close()
    const last = batches[batches.length - 1]!
    const end = last.firstGsn + last.count
    let b = 0
    for (let g = 1; g < end; g++) {
      while (batches[b]!.firstGsn + batches[b]!.count <= g) b++
      const r = openReader(dir, g)
      const v = r.next()
      assert.ok(v !== null, `gsn ${g}: nothing; ${seedNote(seed)}`)
      assert.equal(v.firstGsn, batches[b]!.firstGsn, `gsn ${g}; ${seedNote(seed)}`)
      assert.equal(v.count, batches[b]!.count)
      assert.ok(v.firstGsn <= g && g < v.firstGsn + v.count)
      assert.deepEqual(v.bytes.subarray(v.offset, v.offset + v.length), batches[b]!.bytes)
      r.close()
    }
  } finally {
    cleanup(dir)
  }
})

test('fromGsn beyond the end: null now, the record once it exists', () => {
  const dir = tempDir('beyond')
  try {
    const j = openJournal(dir)
    const a = makeBatch(1, 10, 64)
    j.append(a.bytes, 0, 64, 1, 10)
    j.sync()
    const r = openReader(dir, 25)
    assert.equal(r.next(), null)
    assert.equal(r.next(), null)
    const b = makeBatch(11, 10, 64)
    j.append(b.bytes, 0, 64, 11, 10)
    j.sync()
    assert.equal(r.next(), null, 'record 11..20 does not contain 25')
    const c = makeBatch(21, 10, 128)
    j.append(c.bytes, 0, 128, 21, 10)
    j.sync()
    const v = r.next()
    assert.ok(v !== null)
    assert.equal(v.firstGsn, 21)
    assert.deepEqual(v.bytes.subarray(v.offset, v.offset + v.length), c.bytes)
    assert.equal(r.next(), null)
    r.close()
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('an empty journal directory: reader waits for the first segment', () => {
  const dir = tempDir('emptydir')
  try {
    const r = openReader(dir, 1)
    assert.equal(r.next(), null)
    const j = openJournal(dir)
    const a = makeBatch(1, 2, 16)
    j.append(a.bytes, 0, 16, 1, 2)
    j.write()
    const v = r.next()
    assert.ok(v !== null)
    assert.equal(v.firstGsn, 1)
    r.close()
    j.close()
  } finally {
    cleanup(dir)
  }
})
