// Empty newest segment files (the writer died while rolling): header only -> reused;
// 0 bytes or a partial header -> header rewritten and reused. Either way the next append
// lands in that file and nothing is lost or duplicated.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { JournalSegmentGapError } from '../../../engine/journal/index.js'
import { SEGMENT_HEADER_BYTES, encodeSegmentHeader, segmentFileName } from '../../../engine/journal/internal.js'
import { appendRandom, cleanup, firstDifference, makeBatch, openJournal, pickSeed, readAll, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

function headerBytes(firstGsn: number): Uint8Array {
  const b = new Uint8Array(SEGMENT_HEADER_BYTES)
  encodeSegmentHeader(b, new DataView(b.buffer), firstGsn)
  return b
}

const CASES = [
  { name: 'header only', content: (g: number) => headerBytes(g), action: 'reused' },
  { name: '0 bytes', content: () => new Uint8Array(0), action: 'header-rewritten' },
  { name: 'partial header', content: (g: number) => headerBytes(g).subarray(0, 11), action: 'header-rewritten' },
] as const

for (const c of CASES) {
  test(`empty newest segment (${c.name}) is ${c.action}`, () => {
    const seed = pickSeed()
    const dir = tempDir('emptyseg')
    try {
      const rand = rng(seed)
      const j = openJournal(dir)
      const batches = appendRandom(j, rand, 100, { maxLength: 1500 })
      const next = j.nextGsn
      j.close()
      const name = segmentFileName(next)
      fs.writeFileSync(path.join(dir, name), c.content(next))
      const j2 = openJournal(dir)
      assert.deepEqual(j2.recovery.emptySegments, [{ segment: name, action: c.action }], seedNote(seed))
      assert.equal(j2.nextGsn, next)
      assert.equal(fs.statSync(path.join(dir, name)).size, SEGMENT_HEADER_BYTES)
      const b = makeBatch(next, 4, 200)
      j2.append(b.bytes, 0, 200, next, 4)
      j2.close()
      assert.equal(segmentFiles(dir).pop(), name, 'the append went into the reused file')
      assert.equal(firstDifference([...batches, b], readAll(dir)), -1, seedNote(seed))
    } finally {
      cleanup(dir)
    }
  })
}

test('a lone 0-byte first segment is rewritten and the journal starts at its gsn', () => {
  const dir = tempDir('emptyfirst')
  try {
    fs.writeFileSync(path.join(dir, segmentFileName(1)), new Uint8Array(0))
    const j = openJournal(dir)
    assert.equal(j.nextGsn, 1)
    assert.equal(j.recovery.emptySegments[0]!.action, 'header-rewritten')
    j.append(new Uint8Array(8), 0, 8, 1, 1)
    j.close()
    assert.equal(readAll(dir).length, 1)
  } finally {
    cleanup(dir)
  }
})

test('an empty segment that does not continue the previous one is a gap, not reused', () => {
  const dir = tempDir('emptygap')
  try {
    const j = openJournal(dir)
    j.append(new Uint8Array(16), 0, 16, 1, 5)
    j.close()
    fs.writeFileSync(path.join(dir, segmentFileName(9)), headerBytes(9))
    assert.throws(() => openJournal(dir), JournalSegmentGapError)
  } finally {
    cleanup(dir)
  }
})
