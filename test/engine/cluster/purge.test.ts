// Purging below a gsn removes the batches and heartbeats stored before the batch holding that gsn, keeps every
// EPOCH entry, and does not disturb the leader's fence (the stream's last sequence does not move). A reader
// resuming from a saved position above the purge point reads on; one starting below it is told it cannot.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ClusterError,
  GsnSeqIndex,
  LogInterpreter,
  Verdict,
  purgeLogBelowGsn,
  readToEnd,
  takeOverFrom,
  tryTakeOver,
} from '../../../engine/cluster/index.js'
import { type LocalNatsCluster, RecordingAppender, makeRecord, openTestLog, startTestNats, uniqueClusterName, within } from './helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('purge below a gsn keeps EPOCH entries and the fence; readers above the purge point read on', async () => {
  const name = uniqueClusterName('purge')
  const log = await openTestLog(nats, name)
  try {
    assert.equal((await tryTakeOver(log, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    const a = new RecordingAppender(log, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 8 })
    await within(30_000, 'epoch 1 batches', () => a.appendAll(Array.from({ length: 100 }, (_, i) => makeRecord(1 + i * 2, 2, 50))))
    a.appender.stop()
    const reader = new LogInterpreter()
    await readToEnd(log, reader)
    assert.equal((await takeOverFrom(log, reader, 'b', '')).outcome, 'won')
    const b = new RecordingAppender(log, { epoch: 2, afterSeq: reader.lastSeq + 1, lastGsn: reader.lastGsn, window: 8 })
    await within(30_000, 'epoch 2 batches', () => b.appendAll(Array.from({ length: 50 }, (_, i) => makeRecord(201 + i * 2, 2, 50))))
    assert.equal(b.error(), undefined)

    // A follower's index of valid batches: gsn → seq.
    const index = new GsnSeqIndex()
    const follower = new LogInterpreter()
    await readToEnd(log, follower, (e, v) => {
      if (v === Verdict.batch) index.add(follower.batchFirstGsn, e.seq)
    })
    const lastSeqBefore = await log.lastSeq()
    const holding = index.seqHolding(151) // gsns 151-152 are batch 75 of epoch 1, at seq 77
    assert.equal(holding, 77)
    const purged = await purgeLogBelowGsn(log, index, 151)
    assert.equal(purged, 75, 'the 75 batches before seq 77 (the EPOCH at seq 1 stays)')
    assert.equal(await log.lastSeq(), lastSeqBefore, 'the last sequence, hence the fence, is unchanged')
    const epoch1 = await log.jsm.streams.getMessage(log.names.logStream, { seq: 1 })
    assert.equal(epoch1?.header.get('Ordo-Kind'), 'epoch')
    const lastEpoch = await log.jsm.streams.getMessage(log.names.logStream, { last_by_subj: log.names.epochSubject })
    assert.equal(lastEpoch?.header.get('Ordo-Epoch'), '2')

    // The leader appends on after the purge.
    await within(30_000, 'append after purge', () => b.appendAll([makeRecord(301, 1, 10)]))
    assert.equal(b.error(), undefined)
    assert.equal(b.committed.at(-1)!.seq, lastSeqBefore + 1)

    // A node resuming from a saved position at seq 76 (gsn 150 applied, epoch 1) reads on, across EPOCH 2.
    const resumed = new LogInterpreter({ epoch: 1, nextGsn: 151, lastSeq: 76 })
    await readToEnd(log, resumed)
    assert.equal(resumed.lastGsn, 301)
    assert.equal(resumed.epoch, 2)
    // A node starting from nothing cannot: the log no longer holds its beginning.
    await assert.rejects(readToEnd(log, new LogInterpreter()), (e: unknown) => e instanceof ClusterError && /purged below this reader/.test(e.message))
    b.appender.stop()
  } finally {
    await log.close()
  }
})
