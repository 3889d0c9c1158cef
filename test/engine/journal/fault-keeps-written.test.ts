// A write or fsync error never removes what was already handed to the OS. In the engine,
// records are made durable by another thread's fdatasync (and in async mode acknowledged
// once written), so the journal cannot know which written records were promised to
// someone: cutting the segment back to its own last fsync once deleted acknowledged
// messages. Here records are written (not synced by the journal itself), a later write
// or fsync fails, and a reopen must still hold every written record.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Batch, FaultyIo, cleanup, firstDifference, makeBatch, openJournal, readAll, tempDir } from './helpers.js'

for (const fault of [{ op: 'write', code: 'ENOSPC' }, { op: 'fdatasync', code: 'EIO' }] as const) {
  test(`${fault.code} on ${fault.op} after records were written: reopening serves every written record`, () => {
    const dir = tempDir('keeps-written')
    try {
      const io = new FaultyIo()
      const j = openJournal(dir, { io, segmentBytes: 1 << 20 })
      const written: Batch[] = []
      for (let i = 0; i < 20; i++) {
        const b = makeBatch(j.nextGsn, 3, 512)
        j.append(b.bytes, 0, b.bytes.length, b.firstGsn, b.count)
        j.write() // handed to the OS; durable only through someone else's fsync
        written.push(b)
      }
      io.armed = { op: fault.op, code: fault.code }
      const b = makeBatch(j.nextGsn, 3, 512)
      assert.throws(() => {
        j.append(b.bytes, 0, b.bytes.length, b.firstGsn, b.count)
        j.sync()
      }, (e: unknown) => (e as { code?: string }).code === 'JOURNAL_IO')
      io.armed = null
      j.close()
      const back = readAll(dir)
      const kept = back.filter((r) => r.firstGsn <= written[written.length - 1]!.firstGsn)
      assert.equal(firstDifference(written, kept), -1, `written records lost: ${kept.length} of ${written.length} read back`)
    } finally {
      cleanup(dir)
    }
  })
}

test('an fsync failure elsewhere: retry() checks and re-writes what no fsync covered, and reports records the device lost', async () => {
  const fs = await import('node:fs')
  const path = await import('node:path')
  const { JournalDataLostError } = await import('../../../engine/journal/index.js')
  for (const damage of ['before-confirmed', 'after-confirmed'] as const) {
    const dir = tempDir('lost')
    try {
      const io = new FaultyIo()
      const j = openJournal(dir, { io, segmentBytes: 1 << 20 })
      const offsets: number[] = []
      let size = 32 // segment header
      for (let i = 0; i < 20; i++) {
        const b = makeBatch(j.nextGsn, 2, 1000)
        j.append(b.bytes, 0, b.bytes.length, b.firstGsn, b.count)
        j.write()
        offsets.push(size)
        size += 24 + 1000 // record header + batch (1000 is 8-aligned)
      }
      j.confirmSynced(20) // another thread's fdatasync covered gsns 1..20 (records 0..9)
      assert.equal(j.syncedGsn, 20)
      j.syncFailedElsewhere('fsync', Object.assign(new Error('EIO: injected'), { code: 'EIO' }))
      assert.ok(j.retryable)
      // The device "lost" one record: zeros where it was.
      const at = damage === 'before-confirmed' ? offsets[3]! : offsets[14]!
      const fd = fs.openSync(path.join(dir, '00000000000000000001.seg'), 'r+')
      fs.writeSync(fd, new Uint8Array(24), 0, 24, at)
      fs.closeSync(fd)
      if (damage === 'before-confirmed') {
        j.retry() // only records 10..19 are read back and re-written
        assert.equal(j.failedWith, null)
        assert.equal(j.syncedGsn, 40)
      } else {
        assert.throws(() => j.retry(), (e: unknown) => e instanceof JournalDataLostError && e.code === 'JOURNAL_DATA_LOST' && /fromGsn=29, toGsn=40/.test(e.message))
        assert.equal(j.retryable, false, 'a loss is not retried')
      }
      j.close()
    } finally {
      cleanup(dir)
    }
  }
})
