// inspectJournal reports every segment (records, bytes, gsn range, index state), a torn tail
// of the newest segment (not corruption), and works while a writer appends.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { inspectJournal } from '../../../engine/journal/index.js'
import { appendRandom, cleanup, openJournal, pickSeed, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

test('a clean journal: totals match what was appended, every index ok and closed ones sealed', () => {
  const seed = pickSeed()
  const dir = tempDir('inspect')
  try {
    const j = openJournal(dir)
    const batches = appendRandom(j, rng(seed), 300, { maxLength: 2000 })
    j.close()
    const rep = inspectJournal(dir)
    const last = batches[batches.length - 1]!
    assert.equal(rep.ok, true)
    assert.equal(rep.records, batches.length, seedNote(seed))
    assert.equal(rep.firstGsn, 1)
    assert.equal(rep.lastGsn, last.firstGsn + last.count - 1)
    assert.equal(rep.crcFailures, 0)
    assert.deepEqual(rep.gaps, [])
    assert.deepEqual(rep.strayFiles, [])
    const segs = segmentFiles(dir)
    assert.deepEqual(rep.segments.map((s) => s.file), segs)
    assert.equal(rep.bytes, segs.reduce((n, s) => n + fs.statSync(path.join(dir, s)).size, 0))
    for (let i = 0; i < rep.segments.length; i++) {
      const s = rep.segments[i]!
      assert.equal(s.header, 'ok')
      assert.equal(s.index.state, 'ok', s.file)
      assert.equal(s.index.mismatches, 0)
      assert.equal(s.index.sealed, i < rep.segments.length - 1, `${s.file} sealed iff closed`)
      if (i > 0) assert.equal(s.firstGsn, rep.segments[i - 1]!.lastGsn + 1)
    }
  } finally {
    cleanup(dir)
  }
})

test('a torn tail in the newest segment is reported, and is not corruption', () => {
  const dir = tempDir('inspect-torn')
  try {
    const j = openJournal(dir)
    appendRandom(j, rng(1), 50, { maxLength: 1000 })
    j.close()
    const newest = path.join(dir, segmentFiles(dir).pop()!)
    const size = fs.statSync(newest).size
    fs.truncateSync(newest, size - 5)
    const rep = inspectJournal(dir)
    const s = rep.segments[rep.segments.length - 1]!
    assert.ok(s.tornTail !== null)
    assert.equal(s.tornTail.offset + s.tornTail.bytes, size - 5)
    assert.equal(rep.ok, true)
  } finally {
    cleanup(dir)
  }
})

test('inspect while a writer appends sees what was written so far', () => {
  const dir = tempDir('inspect-live')
  try {
    const j = openJournal(dir)
    const rand = rng(2)
    let total = 0
    for (let round = 0; round < 5; round++) {
      total += appendRandom(j, rand, 40, { maxLength: 1500 }).length
      j.write()
      const rep = inspectJournal(dir)
      assert.equal(rep.ok, true)
      assert.equal(rep.records, total)
      assert.equal(rep.lastGsn, j.writtenGsn)
    }
    j.close()
  } finally {
    cleanup(dir)
  }
})
