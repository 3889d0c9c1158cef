// A pipeline of thousands of fenced appends (32 in flight) is committed in order, each entry stored exactly
// once, and the tail reads back exactly those bytes. When another node takes over in the middle of a pipeline,
// the pipeline stops with AppendFencedError, what it reported committed is a prefix, and by the log's rule
// every reader counts exactly that prefix — entries of the old pipeline stored after the new EPOCH are stale.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { AppendFencedError, LogInterpreter, Verdict, readToEnd, takeOverFrom, tryTakeOver } from '../../../engine/cluster/index.js'
import { type LocalNatsCluster, RecordingAppender, makeRecord, openTestLog, sameBytes, sleep, startTestNats, uniqueClusterName, within } from './helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('3000 pipelined appends: committed in order, each stored once, read back byte for byte', async () => {
  const name = uniqueClusterName('pipe')
  const log = await openTestLog(nats, name)
  try {
    assert.equal((await tryTakeOver(log, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    const N = 3000
    const records = Array.from({ length: N }, (_, i) => makeRecord(1 + i * 3, 3, 64 + (i % 200)))
    const a = new RecordingAppender(log, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 32 })
    const t0 = performance.now()
    await within(120_000, `${N} appends`, () => a.appendAll(records))
    const ms = performance.now() - t0
    assert.equal(a.error(), undefined)
    assert.equal(a.committed.length, N)
    for (let i = 0; i < N; i++) {
      assert.equal(a.committed[i]!.ticket, i)
      assert.equal(a.committed[i]!.seq, i + 2)
      assert.equal(a.committed[i]!.lastGsn, (i + 1) * 3)
    }
    assert.equal(await log.lastSeq(), N + 1, 'nothing stored twice')

    const interp = new LogInterpreter()
    let i = -1
    await readToEnd(log, interp, (e, v) => {
      if (i === -1) assert.equal(v, Verdict.epoch)
      else {
        assert.equal(v, Verdict.batch)
        assert.ok(sameBytes(e.data, records[i]!), `entry ${e.seq} differs from record ${i}`)
      }
      i++
    })
    assert.equal(i, N)
    assert.equal(interp.lastGsn, N * 3)
    process.stdout.write(`# ${N} appends (R3, sync_interval always, window 32): ${Math.round(N / (ms / 1000))} entries/s on a shared machine\n`)
  } finally {
    await log.close()
  }
})

test('a takeover in the middle of a pipeline: it stops fenced, and the log counts exactly what it committed', async () => {
  const name = uniqueClusterName('cut')
  const logA = await openTestLog(nats, name, { urls: [nats.urls[0]!] })
  const logB = await openTestLog(nats, name, { urls: [nats.urls[1]!] })
  try {
    assert.equal((await tryTakeOver(logA, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    // A appends in bursts of a full window (32 in flight), each burst after the previous one is committed
    // plus a short pause, until it is stopped (bounded: 200 000 entries). A candidate can only win in a pause
    // (while A appends, the log's end moves past its fence); A's next burst then meets the new EPOCH.
    const MAX = 200_000
    const a = new RecordingAppender(logA, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 32 })
    const b = new LogInterpreter()
    let takeover: Promise<string> | undefined
    let sent = 0
    await within(120_000, 'pipeline until fenced', async () => {
      while (a.error() === undefined && sent < MAX) {
        for (let k = 0; k < 32; k++) {
          const t = a.appender.appendBatch(makeRecord(1 + sent * 2, 2, 80))
          if (t < 0) break
          sent++
        }
        await a.drained()
        if (sent >= 500 && takeover === undefined) {
          takeover = (async () => {
            for (let i = 0; i < 200; i++) {
              await readToEnd(logB, b)
              if ((await takeOverFrom(logB, b, 'b', '')).outcome === 'won') return 'won'
            }
            return 'gave up'
          })()
        }
        await sleep(20)
      }
    })
    assert.equal(await takeover, 'won')
    assert.ok(a.error() instanceof AppendFencedError, `pipeline stopped with ${String(a.error())}`)
    assert.ok(sent < MAX, 'the pipeline stopped before the end')
    const committed = a.committed.length
    assert.equal(a.firstLostTicket, committed, 'everything after the committed prefix is lost')
    for (let i = 0; i < committed; i++) assert.equal(a.committed[i]!.ticket, i)

    // Every reader: EPOCH 1, exactly A's committed batches, EPOCH 2; anything of A after that is stale.
    const fresh = new LogInterpreter()
    let batches = 0
    let stale = 0
    let epochs = 0
    await readToEnd(logA, fresh, (_e, v) => {
      if (v === Verdict.batch) {
        assert.equal(epochs, 1, 'no batch of epoch 1 counts after EPOCH 2')
        batches++
      } else if (v === Verdict.epoch) epochs++
      else if (v === Verdict.stale) stale++
    })
    assert.equal(epochs, 2)
    assert.equal(batches, committed)
    assert.equal(fresh.lastGsn, a.appender.committedGsn)
    assert.equal(fresh.lastGsn, b.lastGsn)
    process.stdout.write(`# takeover after ${committed} committed entries; ${stale} entries of the old pipeline stored after the new EPOCH (stale)\n`)
  } finally {
    await logA.close()
    await logB.close()
  }
})
