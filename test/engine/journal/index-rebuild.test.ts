// The index is a cache: a missing, damaged or stale .idx is never trusted over the segment.
// Readers fall back to scanning; the writer rebuilds it on open; results are the same.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { inspectJournal, openReader } from '../../../engine/journal/index.js'
import { type Batch, appendRandom, cleanup, firstDifference, openJournal, pickSeed, readAll, rng, seedNote, tempDir } from './helpers.js'

/** For a sample of gsns, the first record a fresh reader returns: [gsn, firstGsn] pairs. */
function lookups(dir: string, batches: Batch[], step: number): Array<[number, number]> {
  const last = batches[batches.length - 1]!
  const out: Array<[number, number]> = []
  for (let g = 1; g < last.firstGsn + last.count; g += step) {
    const r = openReader(dir, g)
    const v = r.next()
    out.push([g, v === null ? -1 : v.firstGsn])
    r.close()
  }
  return out
}

type Damage = { name: string; apply: (file: string, rand: () => number) => void }

const DAMAGES: Damage[] = [
  { name: 'missing', apply: (f) => fs.unlinkSync(f) },
  { name: 'empty file', apply: (f) => fs.writeFileSync(f, Buffer.alloc(0)) },
  { name: 'random bytes', apply: (f, rand) => fs.writeFileSync(f, Buffer.from(Array.from({ length: 500 }, () => Math.floor(rand() * 256)))) },
  {
    name: 'one flipped byte in an entry',
    apply: (f) => {
      const b = fs.readFileSync(f)
      b[32 + 24 + 3] ^= 1
      fs.writeFileSync(f, b)
    },
  },
  { name: 'torn last entry', apply: (f) => fs.truncateSync(f, fs.statSync(f).size - 7) },
  {
    name: 'entries of another segment (stale, valid checksums)',
    apply: (f) => {
      // Same header (so it is "ours") but entries copied from the next segment's index:
      // checksums pass, offsets and gsns do not match this segment's records.
      const dir = path.dirname(f)
      const names = fs.readdirSync(dir).filter((n) => n.endsWith('.idx')).sort()
      const other = fs.readFileSync(path.join(dir, names[names.indexOf(path.basename(f)) + 1]!))
      const mine = fs.readFileSync(f)
      fs.writeFileSync(f, Buffer.concat([mine.subarray(0, 32), other.subarray(32)]))
    },
  },
]

for (const damage of DAMAGES) {
  test(`index ${damage.name}: same lookups, rebuilt on open`, () => {
    const seed = pickSeed()
    const dir = tempDir('idx')
    try {
      const rand = rng(seed)
      const j = openJournal(dir, { indexEveryBytes: 2048 })
      const batches = appendRandom(j, rand, 400, { maxLength: 2000 })
      j.close()
      const before = lookups(dir, batches, 7)
      const idxNames = fs.readdirSync(dir).filter((n) => n.endsWith('.idx')).sort()
      assert.ok(idxNames.length >= 4)
      // Damage the index of a closed segment and of the newest one.
      const victims = [idxNames[1]!, idxNames[idxNames.length - 1]!]
      for (const v of victims) {
        if (damage.name.startsWith('entries of another') && v === idxNames[idxNames.length - 1]) continue
        damage.apply(path.join(dir, v), rand)
      }
      assert.deepEqual(lookups(dir, batches, 7), before, `readers with damaged index; ${seedNote(seed)}`)
      const rep = inspectJournal(dir)
      assert.notEqual(rep.segments[1]!.index.state, 'ok', 'inspect notices the damaged index')
      assert.equal(rep.ok, true, 'index damage is not journal corruption')

      const j2 = openJournal(dir, { indexEveryBytes: 2048 })
      assert.ok(j2.recovery.rebuiltIndexes >= 1, JSON.stringify(j2.recovery))
      assert.equal(j2.recovery.reason, 'clean')
      assert.equal(j2.nextGsn, batches[batches.length - 1]!.firstGsn + batches[batches.length - 1]!.count)
      j2.close()
      const after = inspectJournal(dir)
      for (const s of after.segments) assert.equal(s.index.state, 'ok', `${s.file} after rebuild`)
      assert.deepEqual(lookups(dir, batches, 7), before)
      assert.equal(firstDifference(batches, readAll(dir)), -1)
    } finally {
      cleanup(dir)
    }
  })
}

test('recovery scans only from the last index entry, not the whole segment', () => {
  const seed = pickSeed()
  const dir = tempDir('idx-scan')
  try {
    const rand = rng(seed)
    const j = openJournal(dir, { segmentBytes: 4 << 20, indexEveryBytes: 16 * 1024, writeBufferBytes: 1 << 20 })
    appendRandom(j, rand, 3000, { maxLength: 2000 })
    const bytes = j.totalBytes
    j.abandon() // as after kill -9, minus the page-cache loss: nothing of the buffer written
    const j2 = openJournal(dir, { segmentBytes: 4 << 20, indexEveryBytes: 16 * 1024 })
    assert.ok(bytes > 2_000_000)
    // One index stretch plus at most one record beyond it.
    assert.ok(j2.recovery.scannedBytes <= 16 * 1024 + 2048 + 24, `scanned ${j2.recovery.scannedBytes}; ${seedNote(seed)}`)
    j2.close()
  } finally {
    cleanup(dir)
  }
})
