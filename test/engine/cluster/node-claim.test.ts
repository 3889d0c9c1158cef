// Two ordo nodes claiming the same node name: the second is refused with an error naming the first; the same
// node restarting (same nodeId from its data directory) takes its name back at once; a released name is free;
// an instance whose name was taken over is told; a claim left unrefreshed past its TTL frees the name.
// Last, with real kills: while the claims stream has no leader (a cluster starting cold, a lost quorum), a claim
// waits for one, and says what to check when none comes within its deadline.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ClusterError, ClusterErrorCode, DuplicateNodeError, NodeClaim, liveClaims, openLog } from '../../../engine/cluster/index.js'
import { type LocalNatsCluster, openTestLog, sleep, startTestNats, uniqueClusterName, within } from './helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('a second node with the same name is refused; a restart of the same node is not', async () => {
  const cluster = uniqueClusterName('claim')
  const log1 = await openTestLog(nats, cluster)
  const log2 = await openTestLog(nats, cluster)
  try {
    const first = await NodeClaim.claim(log1, { node: 'alpha', nodeId: 'disk-1', url: 'ws://10.0.0.1:7070' })
    const err = await NodeClaim.claim(log2, { node: 'alpha', nodeId: 'disk-2', url: 'ws://10.0.0.2:7070' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(err instanceof DuplicateNodeError, `expected DuplicateNodeError, got ${String(err)}`)
    assert.equal(err.code, ClusterErrorCode.duplicateNode)
    assert.match(err.message, /node name alpha is held by another running ordo node: url=ws:\/\/10\.0\.0\.1:7070/)
    assert.match(err.message, /give this one another node name/)

    // Another name is fine.
    const beta = await NodeClaim.claim(log2, { node: 'beta', nodeId: 'disk-2' })
    assert.deepEqual((await liveClaims(log1)).map((c) => c.node), ['alpha', 'beta'])

    // The same node (same data directory) restarting after a crash: takes the name over without waiting.
    const restarted = await NodeClaim.claim(log2, { node: 'alpha', nodeId: 'disk-1', url: 'ws://10.0.0.1:7070' })
    assert.notEqual(restarted.value.instance, first.value.instance)
    // The old instance (if it were still alive) finds out at its next refresh.
    await within(10_000, 'old instance notices', async () => {
      while (first.lost === undefined) await sleep(100)
    })
    assert.equal(first.lost?.code, ClusterErrorCode.nodeClaimLost)

    // Released: anyone may take it.
    await restarted.release()
    const third = await NodeClaim.claim(log1, { node: 'alpha', nodeId: 'disk-3' })
    await third.release()
    await beta.release()
  } finally {
    await log1.close()
    await log2.close()
  }
})

test('a claim not refreshed for its TTL expires and the name is free again', async () => {
  const cluster = uniqueClusterName('ttl')
  // A short TTL for this cluster's claims stream (set when the stream is created).
  const log1 = await openTestLog(nats, cluster, { claimTtlMs: 2000 })
  const log2 = await openTestLog(nats, cluster, { claimTtlMs: 2000 })
  try {
    const lostEvents: string[] = []
    const owner = await NodeClaim.claim(log1, { node: 'gamma', nodeId: 'disk-1', onLost: (e) => lostEvents.push(e.code) })
    assert.equal(owner.ttlMs, 2000)
    // Still held while refreshed.
    await sleep(2500)
    await assert.rejects(NodeClaim.claim(log2, { node: 'gamma', nodeId: 'disk-2' }), DuplicateNodeError)
    // The owner goes silent (its connection closes, as if frozen or partitioned): the claim expires.
    await log1.close()
    await within(10_000, 'claim expires', async () => {
      for (;;) {
        const ok = await NodeClaim.claim(log2, { node: 'gamma', nodeId: 'disk-2' }).then(
          (c) => c,
          () => undefined,
        )
        if (ok !== undefined) return
        await sleep(250)
      }
    })
    assert.deepEqual(lostEvents, [], 'a closed log does not report the claim lost (it was given up with the connection)')
  } finally {
    await log1.close()
    await log2.close()
  }
})

test('the claims stream has no leader (two of three servers killed): a claim waits until they are back', async () => {
  const cluster = uniqueClusterName('noleader')
  const log = await openLog({ urls: [nats.urls[0]!], cluster, connectTimeoutMs: 2000 })
  try {
    const warm = await NodeClaim.claim(log, { node: 'warm', nodeId: 'disk-w' }) // the streams exist and have a leader
    await warm.release()
    await nats.kill(1)
    await nats.kill(2)
    const started = Date.now()
    const pending = NodeClaim.claim(log, { node: 'delta', nodeId: 'disk-d', deadlineMs: 60_000 }).then(
      (c) => ({ c, at: Date.now() }),
      (e: unknown) => ({ e, at: Date.now() }),
    )
    await sleep(2000)
    // One server back makes a majority again: the claim can go through from then on, not before.
    const restarting = Date.now()
    await nats.restart(1)
    await nats.restart(2)
    const r = await pending
    assert.ok('c' in r, `the claim failed instead of waiting: ${'e' in r ? String(r.e) : ''}`)
    assert.ok(r.at >= restarting, `claimed ${r.at - started} ms after the kill, before a server was restarted (${restarting - started} ms)`)
    assert.equal(r.c.value.node, 'delta')
    await r.c.release()
  } finally {
    await log.close()
    await nats.waitReady()
  }
})

test('no leader within the claim deadline: an error that says what to check', async () => {
  const cluster = uniqueClusterName('deadline')
  const log = await openLog({ urls: [nats.urls[0]!], cluster, connectTimeoutMs: 2000 })
  try {
    const warm = await NodeClaim.claim(log, { node: 'warm', nodeId: 'disk-w' })
    await warm.release()
    await nats.kill(1)
    await nats.kill(2)
    const err = await NodeClaim.claim(log, { node: 'epsilon', nodeId: 'disk-e', deadlineMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.ok(err instanceof ClusterError, `expected a ClusterError, got ${String(err)}`)
    assert.match(err.message, /on node name epsilon within 3000 ms/)
    assert.match(err.message, /majority of the nats-servers are up/)
  } finally {
    await log.close()
    await nats.restart(1).catch(() => {})
    await nats.restart(2).catch(() => {})
  }
})
