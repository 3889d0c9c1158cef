// One flipped byte: a reader refuses the damaged record with JOURNAL_CORRUPT (naming
// segment, offset and gsn) and never hands out its bytes; inspect reports it with its
// offset; in the newest segment's tail, recovery cuts from the damaged record on.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { JournalCorruptError, inspectJournal, openReader } from '../../../engine/journal/index.js'
import { type Batch, appendRandom, cleanup, firstDifference, openJournal, pickSeed, readAll, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

interface Placed {
  batch: Batch
  segment: string
  offset: number
}

/** Where each batch landed (segment file, record offset), read back through a reader. */
function placeAll(dir: string, batches: Batch[]): Placed[] {
  const r = openReader(dir, 1)
  const out: Placed[] = []
  for (let v = r.next(); v !== null; v = r.next()) {
    out.push({ batch: batches[out.length]!, segment: String(v.segmentFirstGsn).padStart(20, '0') + '.seg', offset: v.fileOffset })
  }
  r.close()
  assert.equal(out.length, batches.length)
  return out
}

function flip(file: string, at: number): void {
  const fd = fs.openSync(file, 'r+')
  const b = Buffer.alloc(1)
  fs.readSync(fd, b, 0, 1, at)
  b[0] = b[0]! ^ 0x40
  fs.writeSync(fd, b, 0, 1, at)
  fs.closeSync(fd)
}

/** Reads from gsn 1 until it throws; returns the records it got and the error. */
function readUntilError(dir: string): { got: number; err: unknown } {
  const r = openReader(dir, 1)
  let got = 0
  try {
    for (let v = r.next(); v !== null; v = r.next()) got++
    return { got, err: null }
  } catch (err) {
    return { got, err }
  } finally {
    r.close()
  }
}

// Byte positions inside a record: header fields and the batch bytes.
const WHERE = [
  { name: 'length field', at: 1 },
  { name: 'crc field', at: 5 },
  { name: 'first gsn field', at: 9 },
  { name: 'count field', at: 16 },
  { name: 'magic', at: 21 },
  { name: 'batch bytes', at: 24 + 17 },
] as const

for (const where of WHERE) {
  test(`flipped byte in a closed segment (${where.name}): reader refuses, inspect reports, open still works`, () => {
    const seed = pickSeed()
    const dir = tempDir('flip')
    try {
      const rand = rng(seed)
      const j = openJournal(dir)
      const batches = appendRandom(j, rand, 300, { maxLength: 1200 })
      j.close()
      const placed = placeAll(dir, batches)
      const segs = segmentFiles(dir)
      assert.ok(segs.length >= 3)
      // A record in the middle of the second segment.
      const inSeg = placed.filter((p) => p.segment === segs[1])
      const victimIndex = placed.indexOf(inSeg[Math.floor(inSeg.length / 2)]!)
      const victim = placed[victimIndex]!
      if (where.at >= 24) assert.ok(victim.batch.bytes.length > 17, 'victim batch too short for this seed')
      flip(path.join(dir, victim.segment), victim.offset + where.at)

      const { got, err } = readUntilError(dir)
      assert.ok(err instanceof JournalCorruptError, `${String(err)}; ${seedNote(seed)}`)
      assert.equal(err.code, 'JOURNAL_CORRUPT')
      assert.equal(err.segment, victim.segment)
      assert.equal(err.offset, victim.offset)
      assert.equal(err.gsn, victim.batch.firstGsn)
      assert.match(err.message, /segment=\d{20}\.seg, offset=\d+, gsn=\d+/)
      assert.equal(got, victimIndex, 'records before the damage are served, the damaged one never')
      assert.equal(firstDifference(batches.slice(0, victimIndex), readAll(dir, 1, victim.batch.firstGsn - 1)), -1)

      // A reader starting after the damage may have to step over the damaged record on
      // its way from an index entry: it can when only batch bytes are damaged, and must
      // refuse when the header is (it cannot know where the next record starts). Either
      // way it never returns wrong bytes.
      const after = placed[victimIndex + 1]!
      const r = openReader(dir, after.batch.firstGsn)
      try {
        const v = r.next()
        assert.ok(v !== null && v.firstGsn === after.batch.firstGsn)
        assert.deepEqual(v.bytes.subarray(v.offset, v.offset + v.length), after.batch.bytes)
      } catch (e) {
        assert.ok(where.at < 24 && e instanceof JournalCorruptError, `${String(e)}; ${seedNote(seed)}`)
        assert.equal(e.offset, victim.offset)
      } finally {
        r.close()
      }

      const rep = inspectJournal(dir)
      assert.equal(rep.ok, false)
      const seg = rep.segments.find((s) => s.file === victim.segment)!
      assert.equal(seg.problems.length, 1, JSON.stringify(seg.problems))
      assert.equal(seg.problems[0]!.offset, victim.offset)
      assert.equal(seg.problems[0]!.gsn, victim.batch.firstGsn)
      // Inspect resynchronises: it still counts the other records of the segment.
      assert.equal(seg.records, inSeg.length - 1)
      assert.equal(rep.crcFailures, 1)

      // The writer does not rescan closed segments on open: it opens and appends.
      const j2 = openJournal(dir)
      assert.equal(j2.recovery.reason, 'clean')
      j2.close()
    } finally {
      cleanup(dir)
    }
  })
}

test('flipped byte in the tail record: recovery cuts it', () => {
  const seed = pickSeed()
  const dir = tempDir('flip-tail')
  try {
    const rand = rng(seed)
    const j = openJournal(dir)
    const batches = appendRandom(j, rand, 50, { maxLength: 800 })
    j.close()
    const placed = placeAll(dir, batches)
    const last = placed[placed.length - 1]!
    flip(path.join(dir, last.segment), last.offset + 24 + Math.floor(last.batch.bytes.length / 2))
    const j2 = openJournal(dir)
    assert.equal(j2.recovery.reason, 'crc-mismatch', seedNote(seed))
    assert.deepEqual(j2.recovery.truncatedAt, { segment: last.segment, offset: last.offset })
    assert.equal(j2.recovery.truncatedFromGsn, last.batch.firstGsn)
    assert.equal(j2.nextGsn, last.batch.firstGsn)
    j2.close()
    assert.equal(firstDifference(batches.slice(0, -1), readAll(dir)), -1, seedNote(seed))
    assert.equal(inspectJournal(dir).ok, true)
  } finally {
    cleanup(dir)
  }
})

test('flipped byte after the last index entry of the newest segment: recovery cuts from there', () => {
  const seed = pickSeed()
  const dir = tempDir('flip-newest')
  try {
    const rand = rng(seed)
    // One segment, index entries only every 64 KiB: the scan covers the last stretch.
    const j = openJournal(dir, { segmentBytes: 1 << 20, indexEveryBytes: 64 * 1024 })
    const batches = appendRandom(j, rand, 30, { maxLength: 800 })
    j.close()
    const placed = placeAll(dir, batches)
    const victim = placed[20]!
    flip(path.join(dir, victim.segment), victim.offset + 30)
    const j2 = openJournal(dir, { segmentBytes: 1 << 20, indexEveryBytes: 64 * 1024 })
    assert.equal(j2.recovery.truncatedFromGsn, victim.batch.firstGsn, seedNote(seed))
    assert.equal(j2.recovery.truncatedAt?.offset, victim.offset)
    j2.close()
    assert.equal(firstDifference(batches.slice(0, 20), readAll(dir)), -1)
  } finally {
    cleanup(dir)
  }
})
