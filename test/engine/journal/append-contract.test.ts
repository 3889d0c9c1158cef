// append() enforces the gsn contract and its arguments with named errors, and a closed
// journal refuses work; watermarks move only through write() and sync().

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { JournalArgumentError, JournalClosedError, JournalGsnGapError } from '../../../engine/journal/index.js'
import { cleanup, openJournal, tempDir } from './helpers.js'

test('append with a gsn other than nextGsn: JOURNAL_GSN_GAP', () => {
  const dir = tempDir('gsngap')
  try {
    const j = openJournal(dir)
    const b = new Uint8Array(64)
    j.append(b, 0, 64, 1, 10)
    assert.throws(
      () => j.append(b, 0, 64, 12, 1),
      (e: unknown) => e instanceof JournalGsnGapError && e.code === 'JOURNAL_GSN_GAP' && e.expected === 11 && e.got === 12,
    )
    assert.throws(() => j.append(b, 0, 64, 10, 1), JournalGsnGapError)
    assert.equal(j.nextGsn, 11, 'a refused append changes nothing')
    j.append(b, 0, 64, 11, 1)
    assert.equal(j.nextGsn, 12)
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('bad count or range: JOURNAL_BAD_ARGUMENT', () => {
  const dir = tempDir('badarg')
  try {
    const j = openJournal(dir)
    const b = new Uint8Array(64)
    for (const [off, len, count] of [
      [0, 64, 0],
      [0, 64, 1.5],
      [0, 65, 1],
      [-1, 8, 1],
      [60, 8, 1],
    ] as const) {
      assert.throws(() => j.append(b, off, len, 1, count), (e: unknown) => e instanceof JournalArgumentError && e.code === 'JOURNAL_BAD_ARGUMENT')
    }
    assert.equal(j.nextGsn, 1)
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('watermarks: append buffers, write() hands to the OS, sync() makes durable', () => {
  const dir = tempDir('marks')
  try {
    const j = openJournal(dir)
    const b = new Uint8Array(64)
    j.append(b, 0, 64, 1, 3)
    assert.deepEqual([j.nextGsn, j.writtenGsn, j.syncedGsn], [4, 0, 0])
    j.write()
    assert.deepEqual([j.nextGsn, j.writtenGsn, j.syncedGsn], [4, 3, 0])
    j.append(b, 0, 64, 4, 2)
    j.sync()
    assert.deepEqual([j.nextGsn, j.writtenGsn, j.syncedGsn], [6, 5, 5])
    assert.equal(j.firstGsn, 1)
    j.close()
    assert.throws(() => j.append(b, 0, 64, 6, 1), JournalClosedError)
    j.close() // twice is fine
  } finally {
    cleanup(dir)
  }
})
