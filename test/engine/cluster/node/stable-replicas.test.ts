// In a cluster, stable_gsn waits for the other live nodes: every node's claim carries the gsn it
// has applied, and a node's stable_gsn never passes the lowest of the others'. Real nats-servers,
// two nodes; a third participant holds a live claim that reports a low applied gsn (a replica
// that fell behind) and holds the leader's stable_gsn back until its claim is released.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { ClusterNode } from '../../../../engine/cluster/node/cluster-node.js'
import { NodeClaim, liveClaims, openLog } from '../../../../engine/cluster/index.js'
import { type LocalNatsCluster, sleep, startTestNats, uniqueClusterName } from '../helpers.js'
import { tempDataDir, waitFor } from './node-helpers.js'

let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('stable_gsn waits for the applied gsn of every live node, and moves on once a lagging one is gone', async () => {
  const cluster = uniqueClusterName('stable')
  const dirs = ['a', 'b'].map((n) => tempDataDir(`stable-${n}`))
  const nodes: ClusterNode[] = []
  const log = await openLog({ urls: nats.urls, cluster, connectTimeoutMs: 2000 })
  let lagging: NodeClaim | null = null
  try {
    for (const [i, name] of ['a', 'b'].entries()) {
      nodes.push(await ClusterNode.start({ natsUrls: nats.urls, cluster, node: name, url: `ws://127.0.0.1:1/${name}`, dataDir: dirs[i]!, failoverTimeoutMs: 800 }))
    }
    await waitFor('a leader', () => nodes.some((n) => n.role === 'leader'))
    const leader = nodes.find((n) => n.role === 'leader')!
    const follower = nodes.find((n) => n !== leader)!
    await Promise.all(Array.from({ length: 200 }, (_, i) => leader.engine.publish(['s'], `m${i}`)))
    // Both nodes applied 200; their claims say so, and the leader's stable_gsn reaches it.
    await waitFor('the follower applied everything', () => follower.status().committedGsn >= 200)
    await waitFor('stable_gsn reaches 200 on the leader', () => leader.engine.stableGsn >= 200n, 20_000)
    // Each claim carries its node's applied gsn as of its last refresh (every TTL/4): the leader's own claim
    // may still show less right after its stable_gsn moved (that waits only for the others' claims).
    let claims = await liveClaims(log)
    for (const deadline = Date.now() + 20_000; !claims.every((c) => (c.appliedGsn ?? 0) >= 200) && Date.now() < deadline; ) {
      await sleep(100)
      claims = await liveClaims(log)
    }
    assert.ok(claims.every((c) => (c.appliedGsn ?? 0) >= 200), JSON.stringify(claims))

    // A replica that applied only up to 200 holds stable_gsn while its claim is live.
    lagging = await NodeClaim.claim(log, { node: 'lagging', nodeId: 'disk-lag' })
    lagging.setApplied(200)
    await Promise.all(Array.from({ length: 300 }, (_, i) => leader.engine.publish(['s'], `n${i}`)))
    await waitFor('the follower applied 500', () => follower.status().committedGsn >= 500)
    await sleep(6000) // two claim refreshes and two peer reads
    assert.equal(leader.engine.stableGsn, 200n, 'held at the lagging replica\'s applied gsn')
    assert.equal(follower.engine.stableGsn <= 200n, true, 'the follower waits for it too')

    // Gone (its claim released): stable_gsn moves on to what both nodes applied.
    await lagging.release()
    lagging = null
    await waitFor('stable_gsn reaches 500 on the leader', () => leader.engine.stableGsn >= 500n, 20_000)
  } finally {
    await lagging?.release().catch(() => {})
    for (const n of nodes) await n.close().catch(() => {})
    await log.close()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  }
})
