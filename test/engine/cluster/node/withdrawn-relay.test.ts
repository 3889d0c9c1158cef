// Withdrawn through a relay: a relay's tentative interest is shown messages the cluster's leader never
// commits (its nats-server frozen with SIGSTOP); the relay's upstream link moves to a follower, which
// holds the resumed subscription until another node took over, then answers Withdrawn. The relay drops
// the withdrawn gsns from its cache and tells its tentative client, which then gets what holds those
// gsns now; a client resuming at the relay afterwards gets the corrected history from the cache.
// The leader's nats-server is chosen away from the log stream's leader (serversAwayFromStreamLeader).

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mintToken } from '../../../../gateway/auth/token.js'
import { connect, type Client } from '../../../../gateway/client/index.js'
import { startRelay, type RelayServer } from '../../../../gateway/relay/index.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from '../helpers.js'
import { waitFor } from './node-helpers.js'
import { record, startFreezableCluster, type Seen } from './freezable-cluster.js'

const SECRET = 'withdrawn-relay-secret'
let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})
test('through a relay: the relay passes the correction on to its tentative client and drops the withdrawn gsns from its cache', async (t) => {
  const c3 = await startFreezableCluster(nats, uniqueClusterName('withdrawn-relay'), SECRET)
  const clients: Client[] = []
  let relay: RelayServer | null = null
  try {
    const a = c3.nodes[0]
    const servers = c3.servers
    const token = mintToken(SECRET, { publish: ['>'], subscribe: ['>'] })
    relay = await startRelay({ upstream: [servers[0]!.url, servers[1]!.url], token, gateway: { port: 0, secret: SECRET } })

    const seen: Seen[] = []
    const withdrawn: Array<[bigint, bigint]> = []
    const sub = await connect(relay.gateway.url, { token, onError: () => {} })
    clients.push(sub)
    await sub.subscribe(['w'], { fromGsn: 1n, tentative: true, onWithdrawn: (from, to) => withdrawn.push([from, to]) }, record(seen))
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.engine.publish(['w'], `old-${i}`)))
    await waitFor('the relay\'s client has the 50', () => seen.length === 50)

    await c3.freeze()
    for (let i = 0; i < 20; i++) void a.engine.publish(['w'], `tail-${i}`).catch(() => {})
    await waitFor('the relay\'s client was shown 70', () => seen.length === 70, 10_000)
    servers[0]!.closeNow() // the relay's upstream goes away: its link moves to b, a follower

    await waitFor('another node takes over', () => c3.nodes.some((n) => n !== a && n.role === 'leader'), 60_000)
    const leader = c3.nodes.find((n) => n !== a && n.role === 'leader')!
    await Promise.all(Array.from({ length: 5 }, (_, i) => leader.engine.publish(['w'], `new-${i}`)))
    await waitFor('the correction and the new messages through the relay', () => seen.length === 75, 30_000)
    // Where the new epoch started: 50 when the frozen leader's tail never committed (the case this test is
    // for); 70 if the old leader's client got its tail through another server before the takeover (valid:
    // then nothing was withdrawn). The log decides; the subscriber must agree with it.
    const start = leader.engine.port.withdrawnAbove?.(1) ?? -1
    t.diagnostic(`the new epoch started after gsn ${start}`)
    if (start === 50) {
      assert.deepEqual(withdrawn, [[51n, 70n]])
      assert.deepEqual(seen.slice(70).map((m) => [m.gsn, m.text]), Array.from({ length: 5 }, (_, i) => [51 + i, `new-${i}`]))
    } else {
      assert.equal(start, 70, 'the takeover starts after what was committed')
      assert.deepEqual(withdrawn, [], 'nothing withdrawn when the tail was committed')
      assert.deepEqual(seen.slice(70).map((m) => [m.gsn, m.text]), Array.from({ length: 5 }, (_, i) => [71 + i, `new-${i}`]))
    }

    // A second client resuming at the relay from gsn 40 gets the corrected history from its cache.
    const late: Seen[] = []
    const again = await connect(relay.gateway.url, { token, onError: () => {} })
    clients.push(again)
    await again.subscribe(['w'], { fromGsn: 40n, tentative: true }, record(late))
    const tailKept = start === 50 ? [] : Array.from({ length: 20 }, (_, i) => `tail-${i}`)
    await waitFor('the late client has 40..the end', () => late.length === 16 + tailKept.length)
    assert.deepEqual(late.map((m) => m.text), [...Array.from({ length: 11 }, (_, i) => `old-${39 + i}`), ...tailKept, ...Array.from({ length: 5 }, (_, i) => `new-${i}`)])
  } finally {
    for (const c of clients) await c.close().catch(() => {})
    await relay?.close().catch(() => {})
    await c3.close()
  }
})
