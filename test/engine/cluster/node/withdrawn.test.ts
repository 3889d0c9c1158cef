// A tentative subscriber is shown messages the leader never commits (its nats-server is frozen with
// SIGSTOP), then loses that leader's gateway and reconnects to a follower before any takeover. The
// follower holds the resumed subscription until it can tell; once another node takes over (its EPOCH
// names the committed gsn it started from), the subscriber is told exactly which gsns were withdrawn,
// and then gets the messages that hold those gsns now. A non-tentative subscriber never sees the
// withdrawn messages. Three in-process nodes, each on its own nats-server of a real 3-server cluster.
// withdrawn-relay.test.ts does the same through a relay.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mintToken } from '../../../../gateway/auth/token.js'
import { connect, type Client } from '../../../../gateway/client/index.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from '../helpers.js'
import { waitFor } from './node-helpers.js'
import { record, startFreezableCluster, type Seen } from './freezable-cluster.js'

const SECRET = 'withdrawn-secret'
let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('a failover withdrew what a tentative subscriber saw: it is told which gsns, then gets what holds them now', async (t) => {
  const c3 = await startFreezableCluster(nats, uniqueClusterName('withdrawn'), SECRET)
  const clients: Client[] = []
  try {
    const [a, b] = c3.nodes
    const servers = c3.servers
    const token = mintToken(SECRET, { publish: ['>'], subscribe: ['>'] })

    const tentative: Seen[] = []
    const withdrawn: Array<[bigint, bigint]> = []
    const sub = await connect([servers[0]!.url, servers[1]!.url], { token, backoff: { initialMs: 10, maxMs: 50 }, onError: () => {} })
    clients.push(sub)
    await sub.subscribe(['w'], { fromGsn: 1n, tentative: true, onWithdrawn: (from, to) => withdrawn.push([from, to]) }, record(tentative))
    const committed: Seen[] = []
    const steady = await connect(servers[1]!.url, { token, onError: () => {} })
    clients.push(steady)
    await steady.subscribe(['w'], { fromGsn: 1n }, record(committed))

    // 50 committed messages.
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.engine.publish(['w'], `old-${i}`)))
    await waitFor('both subscribers have the 50', () => tentative.length === 50 && committed.length === 50)

    // The leader's nats-server freezes: 20 more are sequenced and shown tentatively, never committed.
    await c3.freeze()
    for (let i = 0; i < 20; i++) void a.engine.publish(['w'], `tail-${i}`).catch(() => {})
    await waitFor('the tentative subscriber was shown 70', () => tentative.length === 70, 10_000)
    assert.deepEqual(tentative.slice(50).map((m) => m.gsn), Array.from({ length: 20 }, (_, i) => 51 + i))
    // Its gateway goes away at once (before any takeover): the subscriber resumes on b, a follower.
    servers[0]!.closeNow()

    await waitFor('another node takes over', () => c3.nodes.some((n) => n !== a && n.role === 'leader'), 60_000)
    const leader = c3.nodes.find((n) => n !== a && n.role === 'leader')!
    await Promise.all(Array.from({ length: 5 }, (_, i) => leader.engine.publish(['w'], `new-${i}`)))
    await waitFor('the correction and the new messages', () => tentative.length === 75, 30_000)
    // Where the new epoch started: 50 when the frozen leader's tail never committed (the case this test is
    // for); 70 if the old leader's client got its tail through another server before the takeover (valid:
    // then nothing was withdrawn). The log decides; the subscribers must agree with it.
    const start = leader.engine.port.withdrawnAbove?.(1) ?? -1
    t.diagnostic(`the new epoch started after gsn ${start}`)
    if (start !== 50) {
      assert.equal(start, 70, 'the takeover starts after what was committed')
      assert.deepEqual(withdrawn, [], 'nothing withdrawn when the tail was committed')
      assert.deepEqual(tentative.slice(70).map((m) => m.gsn), [71, 72, 73, 74, 75])
      return
    }

    assert.deepEqual(withdrawn, [[51n, 70n]], 'told exactly which gsns were withdrawn')
    assert.deepEqual(tentative.slice(70).map((m) => [m.gsn, m.text]), Array.from({ length: 5 }, (_, i) => [51 + i, `new-${i}`]))
    await waitFor('the steady subscriber has 55', () => committed.length === 55)
    assert.deepEqual(committed.map((m) => m.text), [...Array.from({ length: 50 }, (_, i) => `old-${i}`), ...Array.from({ length: 5 }, (_, i) => `new-${i}`)])
    assert.equal(sub.url, servers[1]!.url)
    assert.ok(b.role === 'leader' || b.role === 'follower')

    // The old leader, once its server resumes, finds itself deposed (its appends are refused by the fence).
    await c3.thaw()
    await waitFor('the old leader is deposed', () => a.role === 'deposed', 60_000)
  } finally {
    for (const c of clients) await c.close().catch(() => {})
    await c3.close()
  }
})
