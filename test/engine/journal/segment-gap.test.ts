// Segments must continue each other's gsns: a missing middle segment is a hard error with a
// message naming both sides; a damaged header is a format error; unrelated files are
// ignored by the writer and listed by inspect.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { JournalFormatError, JournalSegmentGapError, inspectJournal } from '../../../engine/journal/index.js'
import { segmentFileName } from '../../../engine/journal/internal.js'
import { appendRandom, cleanup, openJournal, pickSeed, rng, seedNote, segmentFiles, tempDir } from './helpers.js'

function build(dir: string, seed: number): number {
  const j = openJournal(dir)
  appendRandom(j, rng(seed), 300, { maxLength: 2000 })
  const next = j.nextGsn
  j.close()
  return next
}

test('a segment deleted by hand: JOURNAL_SEGMENT_GAP naming both neighbours', () => {
  const seed = pickSeed()
  const dir = tempDir('gap')
  try {
    build(dir, seed)
    const segs = segmentFiles(dir)
    assert.ok(segs.length >= 4, seedNote(seed))
    fs.unlinkSync(path.join(dir, segs[2]!))
    fs.unlinkSync(path.join(dir, segs[2]!.replace('.seg', '.idx')))
    assert.throws(
      () => openJournal(dir),
      (err: unknown) =>
        err instanceof JournalSegmentGapError &&
        err.code === 'JOURNAL_SEGMENT_GAP' &&
        err.message.includes(`segment=${segs[1]}`) &&
        err.message.includes(`nextSegment=${segs[3]}`) &&
        err.message.includes(`endGsn=${Number(segs[2]!.slice(0, 20))}`),
    )
    const rep = inspectJournal(dir)
    assert.equal(rep.ok, false)
    assert.equal(rep.gaps.length, 1)
    assert.equal(rep.gaps[0]!.afterSegment, segs[1])
    assert.equal(rep.gaps[0]!.nextSegment, segs[3])
  } finally {
    cleanup(dir)
  }
})

test('a damaged segment header: JOURNAL_FORMAT naming the file', () => {
  const seed = pickSeed()
  const dir = tempDir('badhdr')
  try {
    build(dir, seed)
    const segs = segmentFiles(dir)
    const victim = path.join(dir, segs[1]!)
    const b = fs.readFileSync(victim)
    b[0] ^= 0xff
    fs.writeFileSync(victim, b)
    assert.throws(
      () => openJournal(dir),
      (err: unknown) => err instanceof JournalFormatError && err.code === 'JOURNAL_FORMAT' && err.message.includes(segs[1]!),
    )
    const rep = inspectJournal(dir)
    assert.equal(rep.segments[1]!.header, 'bad segment magic')
    assert.equal(rep.ok, false)
  } finally {
    cleanup(dir)
  }
})

test('a file with a segment name but foreign content as newest segment: JOURNAL_FORMAT', () => {
  const dir = tempDir('foreign')
  try {
    // Named as the continuation, so only its content is wrong.
    const next = build(dir, 7)
    fs.writeFileSync(path.join(dir, segmentFileName(next)), Buffer.alloc(100, 1))
    assert.throws(() => openJournal(dir), (e: unknown) => e instanceof JournalFormatError && e.message.includes(segmentFileName(next)))
  } finally {
    cleanup(dir)
  }
})

test('unrelated files are ignored by the writer and listed by inspect', () => {
  const dir = tempDir('stray')
  try {
    build(dir, 11)
    fs.writeFileSync(path.join(dir, 'README'), 'hello')
    fs.writeFileSync(path.join(dir, '123.seg'), 'short name: not a segment')
    const j = openJournal(dir)
    assert.equal(j.recovery.reason, 'clean')
    j.close()
    assert.deepEqual(inspectJournal(dir).strayFiles, ['123.seg', 'README'])
  } finally {
    cleanup(dir)
  }
})
