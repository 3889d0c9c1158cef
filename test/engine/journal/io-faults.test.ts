// I/O failures through the injectable FileIo: ENOSPC on write (also after a short write)
// and EIO on fsync, at random moments, rolls included. The failing call throws a named
// error (JOURNAL_IO with the errno), syncedGsn does not move, every later call throws
// JOURNAL_FAILED, nothing is cut: a reopen serves every synced record and nothing but
// records that were appended, in order. With the fault gone, retry() makes the journal
// usable again in place and nothing appended is lost.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { JournalFailedError, JournalIoError } from '../../../engine/journal/index.js'
import { type Batch, FaultyIo, type FaultOp, cleanup, firstDifference, makeBatch, openJournal, pickSeed, readAll, rng, seedNote, tempDir } from './helpers.js'

const FAULTS: Array<{ op: FaultOp; code: string; partial: boolean }> = [
  { op: 'write', code: 'ENOSPC', partial: false },
  { op: 'write', code: 'ENOSPC', partial: true },
  { op: 'fdatasync', code: 'EIO', partial: false },
]

for (const fault of FAULTS) {
  test(`${fault.code} on ${fault.op}${fault.partial ? ' after a short write' : ''}: named error, nothing more durable, nothing cut, reopen serves the synced records`, () => {
    const seed = pickSeed()
    const rand = rng(seed)
    for (let round = 0; round < 12; round++) {
      const dir = tempDir('fault')
      const where = `round=${round}; ${seedNote(seed)}`
      try {
        const io = new FaultyIo()
        // Small segments and buffer: failures land in rolls, buffer flushes and syncs.
        const j = openJournal(dir, { io, segmentBytes: 24 * 1024, writeBufferBytes: 8192 })
        const batches: Batch[] = []
        const armAfter = Math.floor(rand() * 120)
        let failure: unknown = null
        let syncedBefore = 0
        for (let i = 0; i < 400 && failure === null; i++) {
          if (i === armAfter) {
            io.armed = { op: fault.op, code: fault.code, failAfterBytes: fault.partial ? 1 + Math.floor(rand() * 3000) : 0 }
          }
          syncedBefore = j.syncedGsn
          const length = Math.floor(rand() * 3000) & ~7
          const b = makeBatch(j.nextGsn, 1 + Math.floor(rand() * 10), length)
          try {
            j.append(b.bytes, 0, length, b.firstGsn, b.count)
            batches.push(b)
            if (rand() < 0.3) j.sync()
          } catch (err) {
            failure = err
          }
        }
        assert.ok(failure !== null, `no failure happened; ${where}`)
        assert.ok(failure instanceof JournalIoError, `${String(failure)}; ${where}`)
        assert.equal(failure.code, 'JOURNAL_IO')
        assert.equal(failure.errno, fault.code)
        assert.match(failure.message, new RegExp(`errno=${fault.code}`))
        // The failing call may have made earlier records durable before it failed (a segment
        // roll syncs the old segment first): syncedGsn may move within the call, never back.
        assert.ok(j.syncedGsn >= syncedBefore, `syncedGsn went back: ${j.syncedGsn} < ${syncedBefore}; ${where}`)
        const syncedAtFailure = j.syncedGsn
        assert.ok(syncedAtFailure <= (batches.length === 0 ? 0 : batches[batches.length - 1]!.firstGsn + batches[batches.length - 1]!.count - 1) || syncedAtFailure === syncedBefore, `syncedGsn past what was appended; ${where}`)
        assert.ok(j.failedWith === failure)
        io.armed = null
        // Later calls refuse, even with the fault gone.
        assert.throws(() => j.append(new Uint8Array(8), 0, 8, j.nextGsn, 1), (e: unknown) => e instanceof JournalFailedError && e.code === 'JOURNAL_FAILED')
        assert.throws(() => j.sync(), JournalFailedError)
        assert.throws(() => j.write(), JournalFailedError)
        j.close()
        const j2 = openJournal(dir)
        assert.ok(j2.nextGsn >= syncedAtFailure + 1, `synced records lost: nextGsn=${j2.nextGsn}, synced=${syncedAtFailure}; ${JSON.stringify(j2.recovery)}; ${where}`)
        j2.close()
        // What reads back is a prefix of what was appended (written records kept, a torn
        // tail cut by recovery), and it covers everything synced.
        const back = readAll(dir)
        assert.equal(firstDifference(batches.slice(0, back.length), back), -1, where)
      } finally {
        cleanup(dir)
      }
    }
  })
}

for (const fault of FAULTS) {
  test(`${fault.code} on ${fault.op}${fault.partial ? ' after a short write' : ''}: retry() after the fault is gone resumes in place, nothing appended is lost`, () => {
    const seed = pickSeed()
    const rand = rng(seed)
    for (let round = 0; round < 12; round++) {
      const dir = tempDir('retry')
      const where = `round=${round}; ${seedNote(seed)}`
      try {
        const io = new FaultyIo()
        const j = openJournal(dir, { io, segmentBytes: 24 * 1024, writeBufferBytes: 8192 })
        const batches: Batch[] = []
        const armAfter = Math.floor(rand() * 120)
        let faults = 0
        for (let i = 0; i < 300; i++) {
          if (i === armAfter) io.armed = { op: fault.op, code: fault.code, failAfterBytes: fault.partial ? 1 + Math.floor(rand() * 3000) : 0 }
          const length = Math.floor(rand() * 3000) & ~7
          const b = makeBatch(j.nextGsn, 1 + Math.floor(rand() * 10), length)
          try {
            j.append(b.bytes, 0, length, b.firstGsn, b.count)
            batches.push(b)
            if (rand() < 0.3) j.sync()
          } catch (err) {
            assert.ok(err instanceof JournalIoError, `${String(err)}; ${where}`)
            faults++
            assert.ok(j.retryable, where)
            // Still failing: retry() throws and the journal stays faulted.
            assert.throws(() => j.retry(), JournalIoError)
            assert.ok(j.retryable, where)
            io.armed = null
            j.retry()
            assert.equal(j.failedWith, null, where)
            assert.equal(j.syncedGsn, j.nextGsn - 1, `a successful retry syncs everything appended; ${where}`)
            // The batch whose append failed was not taken: append it again.
            // (When the failure came from the sync() after it, it was taken and is in batches.)
            if (j.nextGsn === b.firstGsn) {
              j.append(b.bytes, 0, length, b.firstGsn, b.count)
              batches.push(b)
            }
          }
        }
        assert.equal(faults, 1, `expected one fault; ${where}`)
        j.close()
        const back = readAll(dir)
        assert.equal(back.length, batches.length, where)
        assert.equal(firstDifference(batches, back), -1, where)
      } finally {
        cleanup(dir)
      }
    }
  })
}
