// kill -9 of a nats-server under load. First the one leading the log stream's Raft group, while a leader
// appends (32 in flight) and a follower tails: appends resume once JetStream has elected a new stream leader,
// and nothing acknowledged is lost or stored twice (resends carry the same Msg-Id). Then the server hosting
// the tail's consumer: the tail goes on from where it was, no gap, no duplicate.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { APPEND_FULL, type ClusterLog, LogInterpreter, LogTail, Verdict, readToEnd, tryTakeOver } from '../../../engine/cluster/index.js'
import {
  type LocalNatsCluster,
  RecordingAppender,
  makeRecord,
  openTestLog,
  sameBytes,
  sleep,
  startTestNats,
  uniqueClusterName,
  within,
} from './helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

function serverIndexByName(name: string): number {
  const i = nats.servers().findIndex((s) => s.name === name)
  assert.ok(i >= 0, `no server named ${name}`)
  return i
}

/** A follower: tails from seq 1, applies every entry, keeps the bytes of valid batches by first gsn. */
async function follow(log: ClusterLog): Promise<{ tail: LogTail; interp: LogInterpreter; batches: Map<number, Uint8Array>; errors: Error[] }> {
  const interp = new LogInterpreter()
  const batches = new Map<number, Uint8Array>()
  const errors: Error[] = []
  const tail = await LogTail.start(log, {
    fromSeq: 1,
    onEntry: (e) => {
      const v = interp.apply(e.seq, e.kind, e.epoch, e.data)
      if (v === Verdict.batch) batches.set(interp.batchFirstGsn, e.data.slice())
    },
    onError: (e) => errors.push(e),
  })
  return { tail, interp, batches, errors }
}

/** Appends make(i) for i = records.length, … until `until()`, pushing each record once it is appended. */
async function appendWhile(a: RecordingAppender, records: Uint8Array[], make: (i: number) => Uint8Array, until: () => boolean): Promise<void> {
  let pending: Uint8Array | undefined
  while (!until() && a.error() === undefined) {
    pending ??= make(records.length)
    const t = a.appender.appendBatch(pending)
    if (t === APPEND_FULL) await a.appender.whenWritable()
    else if (t < 0) break
    else {
      records.push(pending)
      pending = undefined
    }
  }
}

test('kill -9 of the stream leader while appending: appends resume, nothing acknowledged lost or duplicated', async () => {
  const name = uniqueClusterName('kill')
  const logA = await openTestLog(nats, name)
  const logB = await openTestLog(nats, name)
  let killed = -1
  let follower: Awaited<ReturnType<typeof follow>> | undefined
  try {
    assert.equal((await tryTakeOver(logA, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    follower = await follow(logB)
    const a = new RecordingAppender(logA, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 32, resendAfterMs: 1000, giveUpAfterMs: 60_000 })
    const records: Uint8Array[] = []
    const next = (i: number): Uint8Array => makeRecord(1 + i * 4, 4, 1000)
    await within(60_000, 'first 300 entries', () => appendWhile(a, records, next, () => a.committed.length >= 300))

    const leader = await logA.streamLeader()
    killed = serverIndexByName(leader)
    const killedAt = performance.now()
    const committedAtKill = a.committed.length
    await nats.kill(killed, 'SIGKILL')
    let resumedAt = 0
    await within(90_000, 'appends after the kill', async () => {
      await appendWhile(a, records, next, () => {
        if (resumedAt === 0 && a.committed.length > committedAtKill + 32) resumedAt = performance.now()
        return a.committed.length >= committedAtKill + 1000
      })
      await a.drained()
    })
    assert.equal(a.error(), undefined, `pipeline stopped: ${String(a.error())}`)
    const newLeader = await logA.streamLeader()
    process.stdout.write(
      `# stream leader ${leader} killed; new leader ${newLeader}; appends resumed ${Math.round(resumedAt - killedAt)} ms after the kill\n`,
    )
    assert.notEqual(newLeader, leader)
    await nats.restart(killed)
    killed = -1

    const committed = a.committed
    assert.equal(committed.length, records.length, 'every appended entry was committed')
    for (let i = 0; i < committed.length; i++) {
      assert.equal(committed[i]!.ticket, i)
      assert.equal(committed[i]!.seq, i + 2, 'entry i stored exactly once, at its place')
    }
    assert.equal(await logA.lastSeq(), records.length + 1, 'no entry stored twice')

    // The follower (its tail crossed the kill) has every committed batch once, byte for byte.
    const f = follower
    await within(30_000, 'follower catches up', async () => {
      while (f.interp.lastSeq < records.length + 1 && f.errors.length === 0) await sleep(50)
    })
    assert.deepEqual(f.errors, [])
    assert.equal(f.batches.size, records.length)
    for (let i = 0; i < records.length; i++) {
      assert.ok(sameBytes(f.batches.get(1 + i * 4)!, records[i]!), `batch ${i} differs`)
    }
  } finally {
    await follower?.tail.stop()
    if (killed >= 0) await nats.restart(killed).catch(() => undefined)
    await logA.close()
    await logB.close()
  }
})

test("kill -9 of the server hosting a tail's consumer: the tail goes on with no gap and no duplicate", async () => {
  const name = uniqueClusterName('tailkill')
  const logA = await openTestLog(nats, name)
  const logB = await openTestLog(nats, name)
  let killed = -1
  let follower: Awaited<ReturnType<typeof follow>> | undefined
  try {
    assert.equal((await tryTakeOver(logA, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    follower = await follow(logB)
    const f = follower
    const a = new RecordingAppender(logA, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 16, resendAfterMs: 1000, giveUpAfterMs: 60_000 })
    const records: Uint8Array[] = []
    const next = (i: number): Uint8Array => makeRecord(1 + i * 2, 2, 200)
    await within(60_000, 'first 200 entries', () => appendWhile(a, records, next, () => a.committed.length >= 200))
    // The ordered consumer is the stream's only consumer here; it has one replica, on this server. The client
    // library alone does not recover from losing it (it keeps asking the dead consumer for its state).
    const consumers = await logB.jsm.consumers.list(logB.names.logStream).next()
    assert.equal(consumers.length, 1)
    const host = consumers[0]!.cluster?.leader ?? ''
    killed = serverIndexByName(host)
    await nats.kill(killed, 'SIGKILL')
    await within(90_000, 'appends after the kill', async () => {
      await appendWhile(a, records, next, () => a.committed.length >= 800)
      await a.drained()
    })
    assert.equal(a.error(), undefined, `pipeline stopped: ${String(a.error())}`)
    const end = await logA.lastSeq()
    await within(60_000, 'tail reaches the end', async () => {
      while (f.interp.lastSeq < end && f.errors.length === 0) await sleep(50)
    })
    assert.deepEqual(f.errors, [], 'the interpreter saw no gap, repeat or reordering')
    assert.equal(f.interp.lastSeq, end)
    assert.equal(f.batches.size, records.length)
    assert.equal(f.interp.lastGsn, records.length * 2)
    assert.ok(f.tail.restarts >= 1, 'the tail recreated its consumer')
    process.stdout.write(`# the tail's consumer was recreated ${f.tail.restarts} time(s)\n`)
    const check = new LogInterpreter()
    await readToEnd(logB, check)
    assert.equal(check.lastGsn, records.length * 2)
  } finally {
    await follower?.tail.stop()
    if (killed >= 0) await nats.restart(killed).catch(() => undefined)
    await logA.close()
    await logB.close()
  }
})
