// Withdrawn through a relay: a relay's tentative interest is shown messages the cluster's leader never
// commits (its nats-server frozen with SIGSTOP); the relay's upstream link moves to a follower, which
// holds the resumed subscription until another node took over, then answers Withdrawn. The relay drops
// the withdrawn gsns from its cache and tells its tentative client, which then gets what holds those
// gsns now; a client resuming at the relay afterwards gets the corrected history from the cache.
// The leader's nats-server is chosen away from the log stream's leader (serversAwayFromStreamLeader).

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { ClusterNode } from '../../../../engine/cluster/node/cluster-node.js'
import { GatewayServer } from '../../../../gateway/server.js'
import { mintToken } from '../../../../gateway/auth/token.js'
import { connect, type Client } from '../../../../gateway/client/index.js'
import { startRelay, type RelayServer } from '../../../../gateway/relay/index.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from '../helpers.js'
import { serversAwayFromStreamLeader, tempDataDir, waitFor } from './node-helpers.js'

const SECRET = 'withdrawn-relay-secret'
let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

interface Seen {
  gsn: number
  text: string
}
test('through a relay: the relay passes the correction on to its tentative client and drops the withdrawn gsns from its cache', async () => {
  const cluster = uniqueClusterName('withdrawn-relay')
  const names = ['a', 'b', 'c']
  const dirs = names.map((n) => tempDataDir(`wdr-${n}`))
  const nodes: ClusterNode[] = []
  const servers: GatewayServer[] = []
  const clients: Client[] = []
  let relay: RelayServer | null = null
  let frozen = false
  let on: [number, number, number] = [0, 1, 2]
  try {
    on = await serversAwayFromStreamLeader(nats, cluster)
    for (const [i, name] of names.entries()) {
      nodes.push(await ClusterNode.start({ natsUrls: [nats.urls[on[i]!]!], cluster, node: name, url: `ws://127.0.0.1:1/${name}`, dataDir: dirs[i]!, failoverTimeoutMs: 800, staggerMs: 300 }))
      if (i === 0) await waitFor('a leads', () => nodes[0]!.role === 'leader')
    }
    const a = nodes[0]!
    for (const n of nodes) servers.push(await GatewayServer.start(n.engine.port, { port: 0, secret: SECRET }))
    const token = mintToken(SECRET, { publish: ['>'], subscribe: ['>'] })
    relay = await startRelay({ upstream: [servers[0]!.url, servers[1]!.url], token, gateway: { port: 0, secret: SECRET } })

    const seen: Seen[] = []
    const withdrawn: Array<[bigint, bigint]> = []
    const sub = await connect(relay.gateway.url, { token, onError: () => {} })
    clients.push(sub)
    await sub.subscribe(['w'], { fromGsn: 1n, tentative: true, onWithdrawn: (from, to) => withdrawn.push([from, to]) }, (batch) => {
      while (batch.next()) seen.push({ gsn: Number(batch.gsn), text: batch.text() })
    })
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.engine.publish(['w'], `old-${i}`)))
    await waitFor('the relay\'s client has the 50', () => seen.length === 50)

    await nats.kill(on[0], 'SIGSTOP')
    frozen = true
    for (let i = 0; i < 20; i++) void a.engine.publish(['w'], `tail-${i}`).catch(() => {})
    await waitFor('the relay\'s client was shown 70', () => seen.length === 70, 10_000)
    servers[0]!.closeNow() // the relay's upstream goes away: its link moves to b, a follower

    await waitFor('another node takes over', () => nodes.some((n) => n !== a && n.role === 'leader'), 60_000)
    const leader = nodes.find((n) => n !== a && n.role === 'leader')!
    await Promise.all(Array.from({ length: 5 }, (_, i) => leader.engine.publish(['w'], `new-${i}`)))
    await waitFor('the correction and the new messages through the relay', () => seen.length === 75, 30_000)
    assert.deepEqual(withdrawn, [[51n, 70n]])
    assert.deepEqual(seen.slice(70).map((m) => [m.gsn, m.text]), Array.from({ length: 5 }, (_, i) => [51 + i, `new-${i}`]))

    // A second client resuming at the relay from gsn 40 gets the corrected history from its cache.
    const late: Seen[] = []
    const again = await connect(relay.gateway.url, { token, onError: () => {} })
    clients.push(again)
    await again.subscribe(['w'], { fromGsn: 40n, tentative: true }, (batch) => {
      while (batch.next()) late.push({ gsn: Number(batch.gsn), text: batch.text() })
    })
    await waitFor('the late client has 40..55', () => late.length === 16)
    assert.deepEqual(late.map((m) => m.text), [...Array.from({ length: 11 }, (_, i) => `old-${39 + i}`), ...Array.from({ length: 5 }, (_, i) => `new-${i}`)])
    await nats.kill(on[0], 'SIGCONT')
    frozen = false
  } finally {
    if (frozen) await nats.kill(on[0], 'SIGCONT').catch(() => {})
    for (const c of clients) await c.close().catch(() => {})
    await relay?.close().catch(() => {})
    for (const s of servers) s.closeNow()
    for (const n of nodes) await n.close().catch(() => {})
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  }
})
