// Readers run while the writer appends: interleaved on one thread (deterministic), and on
// worker threads polling as fast as they can, with a limit (the durable watermark) and
// without one (whatever is on disk and CRC-valid). Forbidden outcomes: a gap, a duplicate,
// different bytes, a record beyond the limit, a corrupt-record error from a record that is
// merely still being written.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { openReader } from '../../../engine/journal/index.js'
import { appendRandom, cleanup, makeBatch, openJournal, pickSeed, rng, seedNote, tempDir } from './helpers.js'

test('interleaved reader sees each write as it lands, across rollovers', () => {
  const seed = pickSeed()
  const dir = tempDir('interleave')
  try {
    const rand = rng(seed)
    const j = openJournal(dir, { segmentBytes: 16 * 1024 })
    appendRandom(j, rand, 3, { maxLength: 500 })
    j.write()
    const r = openReader(dir, 1)
    let expected = 1
    for (let round = 0; round < 200; round++) {
      appendRandom(j, rand, 1 + Math.floor(rand() * 4), { maxLength: 2500 })
      // Before write(): buffered records are invisible, so the reader stops at writtenGsn.
      for (let v = r.next(); v !== null; v = r.next()) {
        assert.equal(v.firstGsn, expected, seedNote(seed))
        assert.deepEqual(v.bytes.subarray(v.offset, v.offset + v.length), makeBatch(v.firstGsn, v.count, v.length).bytes)
        expected += v.count
      }
      assert.equal(expected - 1, j.writtenGsn, `round ${round}; ${seedNote(seed)}`)
      if (rand() < 0.5) j.write()
      else j.sync()
    }
    r.close()
    j.close()
  } finally {
    cleanup(dir)
  }
})

test('reader with a limit never returns a record past it', () => {
  const dir = tempDir('limit')
  try {
    const j = openJournal(dir)
    for (let g = 1; g <= 50; g += 5) {
      const b = makeBatch(g, 5, 40)
      j.append(b.bytes, 0, 40, g, 5)
    }
    j.write()
    const r = openReader(dir, 1, { limitGsn: 20 })
    const seen: number[] = []
    for (let v = r.next(); v !== null; v = r.next()) seen.push(v.firstGsn)
    assert.deepEqual(seen, [1, 6, 11, 16])
    r.setLimit(33)
    for (let v = r.next(); v !== null; v = r.next()) seen.push(v.firstGsn)
    assert.deepEqual(seen, [1, 6, 11, 16, 21, 26, 31], 'the record containing the limit is returned')
    r.close()
    j.close()
  } finally {
    cleanup(dir)
  }
})

interface TailResult {
  records: number
  lastGsn: number
  error: string
  beyondLimit: number
}

function runTailers(dir: string, shared: SharedArrayBuffer): Promise<TailResult[]> {
  const url = new URL('./tail-reader.child.js', import.meta.url)
  return Promise.all(
    [true, false].map(
      (useLimit) =>
        new Promise<TailResult>((resolve, reject) => {
          const w = new Worker(url, { workerData: { dir, shared, useLimit } })
          w.once('message', resolve)
          w.once('error', reject)
        }),
    ),
  )
}

test('worker readers tail a live writer (with and without a limit)', async () => {
  const seed = pickSeed()
  const dir = tempDir('tail')
  try {
    const rand = rng(seed)
    const shared = new SharedArrayBuffer(16)
    const marks = new Float64Array(shared)
    const j = openJournal(dir, { segmentBytes: 48 * 1024, writeBufferBytes: 8192 })
    const done = runTailers(dir, shared)
    // ~6 MB over ~2000 batches, in bursts, so the readers catch up and wait many times.
    for (let round = 0; round < 400; round++) {
      appendRandom(j, rand, 1 + Math.floor(rand() * 8), { maxLength: 6000 })
      if (round % 3 === 0) j.write()
      else j.sync()
      marks[0] = j.syncedGsn
      if (round % 50 === 0) await new Promise((res) => setTimeout(res, 1))
    }
    j.sync()
    marks[0] = j.syncedGsn
    marks[1] = j.syncedGsn
    const results = await done
    for (const r of results) {
      assert.equal(r.error, '', seedNote(seed))
      assert.equal(r.lastGsn, j.syncedGsn, seedNote(seed))
      assert.equal(r.beyondLimit, 0)
      assert.ok(r.records >= 1000, `read ${r.records} records`)
    }
    j.close()
  } finally {
    cleanup(dir)
  }
})
