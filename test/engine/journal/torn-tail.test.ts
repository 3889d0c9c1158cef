// Torn tail: the newest segment is cut at every offset inside its last record (header,
// batch bytes and padding alike); reopening must cut exactly that record, report what it
// cut, keep everything before it, and accept appends from the cut gsn on.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { openReader } from '../../../engine/journal/index.js'
import { appendRandom, cleanup, firstDifference, makeBatch, openJournal, pickSeed, readAll, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

function lastRecordOffset(dir: string, lastFirstGsn: number): number {
  const r = openReader(dir, lastFirstGsn)
  const v = r.next()
  assert.ok(v !== null && v.firstGsn === lastFirstGsn)
  const off = v.fileOffset
  r.close()
  return off
}

for (const indexEveryRecords of [1, 1000]) {
  test(`cut at every offset inside the last record (index every ${indexEveryRecords} records)`, () => {
    const seed = pickSeed()
    const dir = tempDir('torn')
    try {
      const rand = rng(seed)
      const j = openJournal(dir, { indexEveryRecords })
      const batches = appendRandom(j, rand, 40, { maxLength: 600 })
      const last = makeBatch(j.nextGsn, 3, 100) // 100 bytes: the record is 128 bytes with 4 bytes of pad
      j.append(last.bytes, 0, 100, last.firstGsn, 3)
      j.close()
      const seg = segmentFiles(dir).pop()!
      const segFile = path.join(dir, seg)
      const idxFile = segFile.replace(/\.seg$/, '.idx')
      const pristineSeg = fs.readFileSync(segFile)
      const pristineIdx = fs.readFileSync(idxFile)
      const recOff = lastRecordOffset(dir, last.firstGsn)
      assert.equal(recOff + 128, pristineSeg.length)
      for (let cut = recOff + 1; cut < pristineSeg.length; cut++) {
        fs.writeFileSync(segFile, pristineSeg.subarray(0, cut))
        fs.writeFileSync(idxFile, pristineIdx)
        const j2 = openJournal(dir, { indexEveryRecords })
        const rep = j2.recovery
        const where = `cut=${cut}; ${seedNote(seed)}`
        assert.equal(rep.reason, 'torn', where)
        assert.equal(rep.truncatedBytes, cut - recOff, where)
        assert.deepEqual(rep.truncatedAt, { segment: seg, offset: recOff }, where)
        assert.equal(rep.truncatedFromGsn, last.firstGsn, where)
        assert.equal(rep.lastGsn, last.firstGsn - 1, where)
        assert.equal(j2.nextGsn, last.firstGsn, where)
        assert.equal(fs.statSync(segFile).size, recOff, where)
        j2.close()
        if (cut === recOff + 1 || cut === pristineSeg.length - 1) {
          assert.equal(firstDifference(batches, readAll(dir)), -1, where)
        }
      }
      // After the last cut the journal takes the same gsns again.
      const j3 = openJournal(dir, { indexEveryRecords })
      j3.append(last.bytes, 0, 100, last.firstGsn, 3)
      j3.close()
      assert.equal(firstDifference([...batches, last], readAll(dir)), -1, seedNote(seed))
    } finally {
      cleanup(dir)
    }
  })
}

test('cut anywhere in the newest segment keeps exactly the complete records before it', () => {
  const seed = pickSeed()
  const dir = tempDir('torn-rand')
  try {
    const rand = rng(seed)
    const j = openJournal(dir, { segmentBytes: 1 << 20 })
    const batches = appendRandom(j, rand, 200, { maxLength: 1000 })
    j.close()
    const seg = segmentFiles(dir).pop()!
    const segFile = path.join(dir, seg)
    const idxFile = segFile.replace(/\.seg$/, '.idx')
    const pristineSeg = fs.readFileSync(segFile)
    const pristineIdx = fs.readFileSync(idxFile)
    // Record boundaries from the reader.
    const ends: Array<{ end: number; lastGsn: number }> = []
    const r = openReader(dir, 1)
    for (let v = r.next(); v !== null; v = r.next()) {
      ends.push({ end: v.fileOffset + ((24 + v.length + 7) & ~7), lastGsn: v.firstGsn + v.count - 1 })
    }
    r.close()
    for (let k = 0; k < 40; k++) {
      const cut = 32 + Math.floor(rand() * (pristineSeg.length - 32))
      fs.writeFileSync(segFile, pristineSeg.subarray(0, cut))
      fs.writeFileSync(idxFile, pristineIdx)
      let keep = 0
      let keptEnd = 32
      for (const e of ends) {
        if (e.end <= cut) {
          keep++
          keptEnd = e.end
        }
      }
      const j2 = openJournal(dir, { segmentBytes: 1 << 20 })
      const where = `cut=${cut}; ${seedNote(seed)}`
      assert.equal(j2.recovery.lastGsn, keep === 0 ? 0 : ends[keep - 1]!.lastGsn, where)
      assert.equal(j2.recovery.truncatedBytes, cut - keptEnd, where)
      assert.equal(fs.statSync(segFile).size, keptEnd, where)
      j2.close()
      assert.equal(firstDifference(batches.slice(0, keep), readAll(dir)), -1, where)
    }
  } finally {
    cleanup(dir)
  }
})
