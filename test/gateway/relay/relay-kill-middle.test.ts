// kill -9 of a middle relay under load. Its clients resume elsewhere with no
// gap and no duplicate: subscribers and a publisher that know two relays move
// to the other one, a subscriber that knows only the killed relay resumes after
// its restart (empty cache: older gsns are fetched upstream), and the relay
// below it moves its one upstream connection over and re-subscribes from where
// it was.
//
//   root ◀── A  ◀── B          (B's upstream: A, then A2)
//        ◀── A2
//   subscribers: root; [A, A2] x2; [A] only; B.   publishers: root; [A, A2]
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'
import { runTree } from './helpers/tree-run.js'

let root: ServerProcess
let a: RelayProcess
let a2: RelayProcess
let b: RelayProcess

before(async () => {
  root = await startServerProcess({ durability: 'fsync' })
  a = await startRelayProcess({ upstream: [root.wsUrl] })
  a2 = await startRelayProcess({ upstream: [root.wsUrl] })
  b = await startRelayProcess({ upstream: [a.wsUrl, a2.wsUrl] })
})

after(async () => {
  for (const r of [b, a2, a]) await r?.stop()
  await root?.stop()
})

test('kill -9 of a middle relay: its clients resume through another relay or after its restart, no gap, no duplicate', async (t) => {
  let killed = false
  const r = await runTree({
    subscribers: [
      { urls: [root.wsUrl], groups: ['k.g1', 'k.g3'] },
      { urls: [root.wsUrl], groups: ['k.g2'] },
      { urls: [a.wsUrl, a2.wsUrl], groups: ['k.g1', 'k.g3'] },
      { urls: [a.wsUrl, a2.wsUrl], groups: ['k.g2'] },
      { urls: [a.wsUrl], groups: ['k.g1', 'k.g3'] },
      { urls: [b.wsUrl], groups: ['k.g1', 'k.g3'] },
    ],
    publishers: [
      { urls: [root.wsUrl], tag: 'p', sets: [['k.g1'], ['k.g2', 'k.g3'], ['k.g1', 'k.g2']] },
      { urls: [a.wsUrl, a2.wsUrl], tag: 'q', sets: [['k.g3'], ['k.g1', 'k.g2', 'k.g3'], ['k.g2']] },
    ],
    count: 4000,
    paceEvery: 10,
    timeoutMs: 180_000,
    during: async (run) => {
      // Mid-stream, whatever the machine's speed: every publisher has 1 000 of its 4 000 acknowledged.
      await run.acked(1000)
      await a.kill9()
      killed = true
      await new Promise((res) => setTimeout(res, 1500))
      await a.start()
    },
  })
  t.diagnostic(`records: ${r.subs.map((s) => s.records.length).join(',')}; subscriber connections: ${r.subs.map((s) => s.connections).join(',')}; publisher connections: ${r.pubs.map((p) => p.connections).join(',')}`)
  assert.ok(killed)
  assert.deepEqual(r.violations, [])
  for (const p of r.pubs) {
    assert.equal(p.failed.length, 0, `publisher ${p.tag}: ${JSON.stringify(p.failed.slice(0, 3))}`)
    assert.equal(p.acks.length, 4000)
  }
  assert.ok(r.subs[2]!.connections > 1 && r.subs[4]!.connections > 1, 'the killed relay\'s subscribers reconnected')
  assert.ok(r.pubs[1]!.connections > 1, 'the publisher behind the killed relay reconnected')
  assert.deepEqual(r.subs[2]!.records, r.subs[0]!.records)
  assert.deepEqual(r.subs[3]!.records, r.subs[1]!.records)
  assert.deepEqual(r.subs[4]!.records, r.subs[0]!.records)
  assert.deepEqual(r.subs[5]!.records, r.subs[0]!.records)
})
