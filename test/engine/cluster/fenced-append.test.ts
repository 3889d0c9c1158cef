// A leader's fenced appends are stored in order while it is the only writer; once another node takes over
// (EPOCH fenced on the log's end), the old leader's next append is refused by the fence, reported as
// AppendFencedError, and nothing of it is stored. An idle leader finds out from its own heartbeat.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  APPEND_STOPPED,
  AppendFencedError,
  type ClusterLog,
  LogInterpreter,
  Verdict,
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

test('fenced appends are committed in order; after a takeover the old leader is refused and stores nothing', async () => {
  const name = uniqueClusterName('fence')
  const logA = await openTestLog(nats, name)
  const logB = await openTestLog(nats, name)
  try {
    const won = await tryTakeOver(logA, { epoch: 1, node: 'a', url: 'ws://a', committedGsn: 0, fenceSeq: 0 })
    assert.equal(won.outcome, 'won')
    assert.equal(won.outcome === 'won' && won.seq, 1)

    const a = new RecordingAppender(logA, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 4 })
    const records = Array.from({ length: 10 }, (_, i) => makeRecord(1 + i * 5, 5, 100 + i))
    await within(20_000, 'ten appends', () => a.appendAll(records))
    assert.equal(a.stoppedWith, undefined)
    assert.deepEqual(a.committed.map((c) => c.seq), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    assert.deepEqual(a.committed.map((c) => c.ticket), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.equal(a.appender.committedGsn, 50)
    assert.equal(a.appender.committedSeq, 11)

    // B reads everything and takes epoch 2, fenced on seq 11.
    const b = new LogInterpreter()
    await readToEnd(logB, b)
    assert.equal(b.lastSeq, 11)
    assert.equal(b.lastGsn, 50)
    const takeover = await takeOverFrom(logB, b, 'b', 'ws://b')
    assert.equal(takeover.outcome, 'won')
    assert.equal(takeover.outcome === 'won' && takeover.seq, 12)

    // A does not know yet: its next append expects seq 11 and is refused.
    const before = await logA.lastSeq()
    assert.notEqual(a.appender.appendBatch(makeRecord(51, 5, 64)), APPEND_STOPPED)
    await within(10_000, 'refusal', async () => {
      while (a.stoppedWith === undefined) await a.changed()
    })
    assert.ok(a.error() instanceof AppendFencedError, `stopped with ${String(a.error())}`)
    assert.equal((a.error() as AppendFencedError).expectedLastSeq, 11)
    assert.equal((a.error() as AppendFencedError).actualLastSeq, 12)
    assert.equal(a.firstLostTicket, 10)
    assert.equal(a.committed.length, 10, 'nothing more committed')
    assert.equal(await logA.lastSeq(), before, 'the refused entry is not in the log')
    assert.equal(a.appender.appendBatch(makeRecord(51, 5, 64)), APPEND_STOPPED)

    // A second stale candidate (fenced on 11 again) loses.
    const late = await tryTakeOver(logA, { epoch: 2, node: 'a', url: 'ws://a', committedGsn: 50, fenceSeq: 11 })
    assert.equal(late.outcome, 'lost')
    assert.equal(late.outcome === 'lost' && late.actualLastSeq, 12)

    // Every reader agrees: EPOCH 1, ten batches, EPOCH 2.
    const fresh = new LogInterpreter()
    const verdicts: number[] = []
    await readToEnd(logA, fresh, (_e, v) => verdicts.push(v))
    assert.deepEqual(verdicts, [Verdict.epoch, ...Array(10).fill(Verdict.batch), Verdict.epoch])
    assert.equal(fresh.epoch, 2)
    assert.equal(fresh.leader?.node, 'b')
    assert.equal(fresh.nextGsn, 51)
  } finally {
    await logA.close()
    await logB.close()
  }
})

test('an idle leader learns it was deposed from its own refused heartbeat', async () => {
  const name = uniqueClusterName('idle')
  const logA = await openTestLog(nats, name)
  const logB = await openTestLog(nats, name)
  try {
    const won = await tryTakeOver(logA, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })
    assert.equal(won.outcome, 'won')
    const a = new RecordingAppender(logA, { epoch: 1, afterSeq: 1, lastGsn: 0, heartbeatMs: 100 })
    await within(10_000, 'three heartbeats', async () => {
      while (a.committed.length < 3) await a.changed()
    })
    assert.equal(a.stoppedWith, undefined)

    const b = new LogInterpreter()
    await readToEnd(logB, b)
    const t = await takeOverFrom(logB, b, 'b', '')
    // A may have appended another heartbeat between B's read and B's append: then B lost; read and retry.
    let outcome = t.outcome
    for (let i = 0; outcome === 'lost' && i < 20; i++) {
      await readToEnd(logB, b)
      outcome = (await takeOverFrom(logB, b, 'b', '')).outcome
    }
    assert.equal(outcome, 'won')
    await within(10_000, 'the heartbeat refused', async () => {
      while (a.stoppedWith === undefined) await a.changed()
    })
    assert.ok(a.error() instanceof AppendFencedError, `stopped with ${String(a.error())}`)
  } finally {
    await logA.close()
    await logB.close()
  }
})

test('closing a log and reopening it validates the existing stream and keeps its entries', async () => {
  const name = uniqueClusterName('reopen')
  let log: ClusterLog = await openTestLog(nats, name)
  const won = await tryTakeOver(log, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })
  assert.equal(won.outcome, 'won')
  await log.close()
  log = await openTestLog(nats, name)
  try {
    assert.equal(await log.lastSeq(), 1)
  } finally {
    await log.close()
  }
})
