// Three cluster nodes (engines with durability `replicated`, one process) on a real 3-server
// JetStream cluster: one takes the lead; a publish is acknowledged only once JetStream has the
// entry; followers apply the log into journals byte-identical to the leader's, refuse publishes
// with NOT_LEADER naming the leader, know the leader's groups; after the leader leaves, another
// takes over, answers a resend with its original gsn (the dedupe table is replicated state),
// and goes on with dense gsns and gseqs.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { ClusterNode } from '../../../../engine/cluster/node/cluster-node.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from '../helpers.js'
import { firstJournalDifference, journalRecords, tempDataDir, waitFor } from './node-helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('3 nodes: replicated acks, identical journals, NOT_LEADER on followers, takeover keeps gsns, gseqs and dedupe', async () => {
  const cluster = uniqueClusterName('repl')
  const dirs = ['a', 'b', 'c'].map((n) => tempDataDir(n))
  const nodes: ClusterNode[] = []
  try {
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      nodes.push(await ClusterNode.start({
        natsUrls: nats.urls, cluster, node: name, url: `ws://127.0.0.1:1/${name}`, dataDir: dirs[i]!,
        failoverTimeoutMs: 800, staggerMs: 300,
      }))
    }
    await waitFor('a leader', () => nodes.filter((n) => n.role === 'leader').length === 1)
    const leader = nodes.find((n) => n.role === 'leader')!
    const followers = nodes.filter((n) => n !== leader)
    await waitFor('followers see the leader', () => followers.every((f) => f.leaderUrl === leader.leaderUrl))

    // Publishes on the leader: acknowledged with dense gsns once committed.
    const publisher = 77n
    const acks = await Promise.all(Array.from({ length: 3000 }, (_, i) => leader.engine.publish(i % 3 === 0 ? ['g1', 'g2'] : ['g1'], `m${i}`, { publisher, pseq: BigInt(i + 1) })))
    const gsns = acks.map((a) => Number(a.gsn)).sort((x, y) => x - y)
    assert.deepEqual(gsns, Array.from({ length: 3000 }, (_, i) => i + 1))
    assert.ok(leader.status().committedGsn >= 3000)

    // Followers: same journal bytes, the leader's groups, NOT_LEADER for publishes and new groups.
    await waitFor('followers applied everything', () => followers.every((f) => f.status().committedGsn >= 3000))
    const lead = journalRecords(dirs[nodes.indexOf(leader)]!, 3000)
    for (const f of followers) {
      const mine = journalRecords(dirs[nodes.indexOf(f)]!, 3000)
      assert.equal(mine.reduce((s, r) => s + r.count, 0), 3000)
      assert.equal(firstJournalDifference(lead, mine), -1)
      assert.equal(mine.length, lead.length)
      assert.deepEqual(f.engine.groups(), leader.engine.groups())
      await assert.rejects(f.engine.publish(['g1'], 'no'), (e: Error & { code?: string }) => e.code === 'NOT_LEADER')
      await assert.rejects(f.engine.publish(['fresh'], 'no'), (e: Error & { code?: string }) => e.code === 'NOT_LEADER' && e.message.includes(leader.leaderUrl))
    }

    // The leader leaves; another takes over and answers a resend with the original gsn.
    const oldEpoch = leader.epoch
    await leader.close()
    await waitFor('a new leader', () => followers.some((n) => n.role === 'leader'), 15_000)
    const next = followers.find((n) => n.role === 'leader')!
    assert.ok(next.epoch > oldEpoch)
    const again = await next.engine.publish(['g1'], 'm2999', { publisher, pseq: 3000n })
    assert.equal(Number(again.gsn), Number(acks[2999]!.gsn))
    const fresh = await next.engine.publish(['g1', 'g2'], 'after', { publisher, pseq: 3001n })
    assert.equal(Number(fresh.gsn), 3001)
    // g1 had 3000 messages, g2 had 1000: the gseqs go on densely.
    assert.deepEqual(fresh.gseqs.map(Number), [3001, 1001])
    const other = followers.find((n) => n !== next)!
    await waitFor('the other follower applied the new leader\'s batch', () => other.status().committedGsn >= 3001)
    assert.equal(firstJournalDifference(journalRecords(dirs[nodes.indexOf(next)]!), journalRecords(dirs[nodes.indexOf(other)]!)), -1)
  } finally {
    for (const n of nodes) await n.close().catch(() => {})
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  }
})
