// I/O failures through the injectable FileIo: ENOSPC on write (also after a short write)
// and EIO on fsync, at random moments, rolls included. The failing call throws a named
// error (JOURNAL_IO with the errno), syncedGsn does not move, every later call throws
// JOURNAL_FAILED, and a reopen serves exactly the records that were synced before.

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
  test(`${fault.code} on ${fault.op}${fault.partial ? ' after a short write' : ''}: named error, nothing more durable, reopen serves the synced records`, () => {
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
        const synced = batches.filter((b) => b.firstGsn + b.count - 1 <= syncedAtFailure)
        const j2 = openJournal(dir)
        assert.equal(j2.nextGsn, syncedAtFailure + 1, `${JSON.stringify(j2.recovery)}; ${where}`)
        j2.close()
        assert.equal(firstDifference(synced, readAll(dir)), -1, where)
      } finally {
        cleanup(dir)
      }
    }
  })
}
