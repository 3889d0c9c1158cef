// Two candidates on different nats-servers race for the same epoch, fenced on the same entry, many times:
// exactly one wins each round, and the loser is told so (never "duplicate" of the winner's entry, which a
// shared Msg-Id would produce). A candidate that has not read the whole log cannot win.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { LogInterpreter, Verdict, readToEnd, takeOverFrom, tryTakeOver } from '../../../engine/cluster/index.js'
import { type LocalNatsCluster, openTestLog, startTestNats, uniqueClusterName } from './helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('two concurrent candidates for the same epoch: exactly one wins, 25 rounds', async () => {
  const name = uniqueClusterName('race')
  const logA = await openTestLog(nats, name, { urls: [nats.urls[0]!] })
  const logB = await openTestLog(nats, name, { urls: [nats.urls[2]!] })
  try {
    const ia = new LogInterpreter()
    const ib = new LogInterpreter()
    const winners: string[] = []
    for (let round = 1; round <= 25; round++) {
      await readToEnd(logA, ia)
      await readToEnd(logB, ib)
      assert.equal(ia.lastSeq, ib.lastSeq)
      assert.equal(ia.epoch, round - 1)
      const [ra, rb] = await Promise.all([takeOverFrom(logA, ia, 'a', 'ws://a'), takeOverFrom(logB, ib, 'b', 'ws://b')])
      const outcomes = [ra.outcome, rb.outcome].sort()
      assert.deepEqual(outcomes, ['lost', 'won'], `round ${round}: a=${JSON.stringify(ra)} b=${JSON.stringify(rb)}`)
      winners.push(ra.outcome === 'won' ? 'a' : 'b')
    }
    // The log: exactly one EPOCH per round, epochs 1..25, each naming that round's winner.
    const fresh = new LogInterpreter()
    const leaders: string[] = []
    await readToEnd(logA, fresh, (_e, v) => {
      assert.equal(v, Verdict.epoch)
      leaders.push(fresh.leader!.node)
    })
    assert.equal(fresh.lastSeq, 25)
    assert.equal(fresh.epoch, 25)
    assert.deepEqual(leaders, winners)
  } finally {
    await logA.close()
    await logB.close()
  }
})

test('a candidate fenced on an entry that is no longer the last one loses', async () => {
  const name = uniqueClusterName('behind')
  const log = await openTestLog(nats, name)
  try {
    assert.equal((await tryTakeOver(log, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    assert.equal((await tryTakeOver(log, { epoch: 2, node: 'a', url: '', committedGsn: 0, fenceSeq: 1 })).outcome, 'won')
    // Fenced on seq 1 (it read only the first EPOCH): refused, seq 2 is there.
    const r = await tryTakeOver(log, { epoch: 2, node: 'c', url: '', committedGsn: 0, fenceSeq: 1 })
    assert.equal(r.outcome, 'lost')
    assert.equal(r.outcome === 'lost' && r.actualLastSeq, 2)
    // Fenced beyond the end: refused too.
    assert.equal((await tryTakeOver(log, { epoch: 3, node: 'c', url: '', committedGsn: 0, fenceSeq: 5 })).outcome, 'lost')
    assert.equal(await log.lastSeq(), 2)
  } finally {
    await log.close()
  }
})
