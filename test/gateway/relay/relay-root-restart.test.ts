// kill -9 of the root under a relay tree, restart on the same directory and
// port: the relays reconnect and re-subscribe from the next gsn they expect,
// a publisher through a relay has its unacknowledged messages resent by the
// relay under its publisher id, and every subscriber, at the root and behind
// the relays, ends with the same complete stream (G1-G5 through relays).
//
//   root ◀── A ◀── B      subscribers: root, A, B; publishers: root, B
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'
import { runTree } from './helpers/tree-run.js'

let root: ServerProcess
let a: RelayProcess
let b: RelayProcess

before(async () => {
  root = await startServerProcess({ durability: 'fsync' })
  a = await startRelayProcess({ upstream: [root.wsUrl] })
  b = await startRelayProcess({ upstream: [a.wsUrl] })
})

after(async () => {
  await b?.stop()
  await a?.stop()
  await root?.stop()
})

test('kill -9 of the root: relays re-subscribe after its restart, every stream complete, nothing twice', async (t) => {
  let kills = 0
  const r = await runTree({
    subscribers: [
      { urls: [root.wsUrl], groups: ['r.g1', 'r.g3'] },
      { urls: [a.wsUrl], groups: ['r.g1', 'r.g3'] },
      { urls: [b.wsUrl], groups: ['r.g1', 'r.g3'] },
      { urls: [b.wsUrl], groups: ['r.g2'] },
      { urls: [root.wsUrl], groups: ['r.g2'] },
    ],
    publishers: [
      { urls: [root.wsUrl], tag: 'p', sets: [['r.g1'], ['r.g2', 'r.g3'], ['r.g1', 'r.g2']] },
      { urls: [b.wsUrl], tag: 'q', sets: [['r.g3'], ['r.g1', 'r.g2', 'r.g3'], ['r.g2']] },
    ],
    count: 4000,
    paceEvery: 10,
    timeoutMs: 180_000,
    during: async (run) => {
      await run.acked(1000) // mid-stream, whatever the machine's speed
      await root.kill9()
      kills++
      await new Promise((res) => setTimeout(res, 300))
      await root.start()
    },
  })
  t.diagnostic(`records: ${r.subs.map((s) => s.records.length).join(',')}; subscriber connections: ${r.subs.map((s) => s.connections).join(',')}`)
  assert.equal(kills, 1)
  assert.deepEqual(r.violations, [])
  for (const p of r.pubs) {
    assert.equal(p.failed.length, 0, `publisher ${p.tag}: ${JSON.stringify(p.failed.slice(0, 3))}`)
    assert.equal(p.acks.length, 4000)
  }
  assert.deepEqual(r.subs[1]!.records, r.subs[0]!.records)
  assert.deepEqual(r.subs[2]!.records, r.subs[0]!.records)
  assert.deepEqual(r.subs[3]!.records, r.subs[4]!.records)
})
