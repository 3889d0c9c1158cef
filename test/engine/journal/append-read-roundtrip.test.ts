// Appends random batches across many segment rollovers and reads every byte back, before
// and after a reopen; also records larger than the write buffer (written directly) and
// lengths that are not multiples of 8 (padded on disk, returned exactly).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { appendRandom, cleanup, firstDifference, openJournal, pickSeed, readAll, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

test('round trip across rollovers, before and after reopen', () => {
  const seed = pickSeed()
  const dir = tempDir('roundtrip')
  try {
    const rand = rng(seed)
    const j = openJournal(dir)
    const batches = appendRandom(j, rand, 600, { maxLength: 3000, syncEvery: 7 })
    j.sync()
    assert.equal(j.syncedGsn, j.nextGsn - 1, seedNote(seed))
    assert.ok(segmentFiles(dir).length >= 10, `expected rollovers, got ${segmentFiles(dir).length} segments; ${seedNote(seed)}`)
    assert.equal(firstDifference(batches, readAll(dir)), -1, `live read differs; ${seedNote(seed)}`)
    const last = j.nextGsn - 1
    j.close()
    const j2 = openJournal(dir)
    assert.equal(j2.nextGsn, last + 1)
    assert.equal(j2.recovery.reason, 'clean')
    assert.equal(j2.recovery.truncatedBytes, 0)
    assert.equal(j2.recovery.rebuiltIndexes, 0)
    assert.equal(j2.recovery.lastGsn, last)
    const more = appendRandom(j2, rand, 50, { maxLength: 3000 })
    j2.close()
    assert.equal(firstDifference([...batches, ...more], readAll(dir)), -1, `after reopen; ${seedNote(seed)}`)
  } finally {
    cleanup(dir)
  }
})

test('records larger than the write buffer and unaligned lengths', () => {
  const seed = pickSeed()
  const dir = tempDir('bigrec')
  try {
    const rand = rng(seed)
    // Buffer 4 KiB (its minimum): many records go the direct path; segments 32 KiB so a
    // record can be bigger than a segment (it then gets a segment of its own).
    const j = openJournal(dir, { writeBufferBytes: 4096, segmentBytes: 32 * 1024 })
    const batches = appendRandom(j, rand, 120, { maxLength: 40_000, anyLength: true, syncEvery: 5 })
    j.close()
    assert.equal(firstDifference(batches, readAll(dir)), -1, seedNote(seed))
  } finally {
    cleanup(dir)
  }
})

test('a batch taken from the middle of a larger buffer is stored exactly', () => {
  const dir = tempDir('slice')
  try {
    const j = openJournal(dir)
    const big = new Uint8Array(5000)
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 255
    j.append(big, 13, 1000, 1, 3) // offset not aligned, native-CRC path
    j.append(big, 4001, 100, 4, 1) // small path (JS copy and CRC)
    j.append(big, 0, 0, 5, 2) // empty batch
    j.close()
    const got = readAll(dir)
    assert.deepEqual(
      got.map((r) => [r.firstGsn, r.count, r.bytes.length]),
      [
        [1, 3, 1000],
        [4, 1, 100],
        [5, 2, 0],
      ],
    )
    assert.deepEqual(got[0]!.bytes, big.slice(13, 1013))
    assert.deepEqual(got[1]!.bytes, big.slice(4001, 4101))
  } finally {
    cleanup(dir)
  }
})
