// kill -9 of a nats-server under load. First the one leading the log stream's Raft group, while a leader
// appends (32 in flight) and a follower tails: appends resume once JetStream has elected a new stream leader,
// and nothing acknowledged is lost or stored twice (resends carry the same Msg-Id). Then the server the
// tail's own connection is on: the tail goes on from where it was, no gap, no duplicate.

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

function serverIndexByUrl(hostPort: string): number {
  const i = nats.servers().findIndex((s) => s.url.endsWith(hostPort))
  assert.ok(i >= 0, `no server at ${hostPort}`)
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
  try {
    assert.equal((await tryTakeOver(logA, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    const follower = await follow(logB)
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
    await within(30_000, 'follower catches up', async () => {
      while (follower.interp.lastSeq < records.length + 1 && follower.errors.length === 0) await sleep(50)
    })
    assert.deepEqual(follower.errors, [])
    assert.equal(follower.batches.size, records.length)
    for (let i = 0; i < records.length; i++) {
      assert.ok(sameBytes(follower.batches.get(1 + i * 4)!, records[i]!), `batch ${i} differs`)
    }
    await follower.tail.stop()
  } finally {
    if (killed >= 0) await nats.restart(killed).catch(() => undefined)
    await logA.close()
    await logB.close()
  }
})

test("kill -9 of the server a tail is connected to: the tail goes on with no gap and no duplicate", async () => {
  const name = uniqueClusterName('tailkill')
  const logA = await openTestLog(nats, name)
  const logB = await openTestLog(nats, name)
  let killed = -1
  try {
    assert.equal((await tryTakeOver(logA, { epoch: 1, node: 'a', url: '', committedGsn: 0, fenceSeq: 0 })).outcome, 'won')
    const follower = await follow(logB)
    const a = new RecordingAppender(logA, { epoch: 1, afterSeq: 1, lastGsn: 0, window: 16, resendAfterMs: 1000, giveUpAfterMs: 60_000 })
    const records: Uint8Array[] = []
    const next = (i: number): Uint8Array => makeRecord(1 + i * 2, 2, 200)
    await within(60_000, 'first 200 entries', () => appendWhile(a, records, next, () => a.committed.length >= 200))
    killed = serverIndexByUrl(logB.nc.getServer())
    await nats.kill(killed, 'SIGKILL')
    await within(90_000, 'appends after the kill', async () => {
      await appendWhile(a, records, next, () => a.committed.length >= 800)
      await a.drained()
    })
    assert.equal(a.error(), undefined, `pipeline stopped: ${String(a.error())}`)
    const end = await logA.lastSeq()
    await within(60_000, 'tail reaches the end', async () => {
      while (follower.interp.lastSeq < end && follower.errors.length === 0) await sleep(50)
    })
    assert.deepEqual(follower.errors, [], 'the interpreter saw no gap, repeat or reordering')
    assert.equal(follower.interp.lastSeq, end)
    assert.equal(follower.batches.size, records.length)
    assert.equal(follower.interp.lastGsn, records.length * 2)
    assert.notEqual(logB.nc.getServer(), nats.servers()[killed]!.url.replace('nats://', ''), 'the tail moved to another server')
    await follower.tail.stop()
    const check = new LogInterpreter()
    await readToEnd(logB, check)
    assert.equal(check.lastGsn, records.length * 2)
  } finally {
    if (killed >= 0) await nats.restart(killed).catch(() => undefined)
    await logA.close()
    await logB.close()
  }
})
