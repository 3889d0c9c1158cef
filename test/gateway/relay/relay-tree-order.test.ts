// A relay tree of depth 3 (root ◀─ A ◀─ B ◀─ C, and A2 beside A): subscribers at
// every level get the same messages in the same order, with the same gsns and
// gseqs, as subscribers of the root (G1-G3 through relays), and a publisher
// whose frames pass three relays is acknowledged with the gsns its messages have
// everywhere (publisher id and pseqs intact: G4 holds at the root).
//
//   root ◀── A ◀── B ◀── C        subscribers on root, A, B, C; publishers on root and C
//        ◀── A2
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'
import { runTree } from './helpers/tree-run.js'

let root: ServerProcess
const relays: RelayProcess[] = []

before(async () => {
  root = await startServerProcess({ durability: 'async' })
  const a = await startRelayProcess({ upstream: [root.wsUrl] })
  relays.push(a)
  const b = await startRelayProcess({ upstream: [a.wsUrl] })
  relays.push(b)
  relays.push(await startRelayProcess({ upstream: [b.wsUrl] }))
})

after(async () => {
  for (const r of relays.reverse()) await r.stop()
  await root?.stop()
})

test('depth 3: subscribers at every level receive what root subscribers receive, in the same order', async (t) => {
  const [a, b, c] = relays as [RelayProcess, RelayProcess, RelayProcess]
  const levels = [root.wsUrl, a.wsUrl, b.wsUrl, c.wsUrl]
  const subscribers = levels.flatMap((url) => [
    { urls: [url], groups: ['t.g1', 't.g3'] },
    { urls: [url], groups: ['t.g2'] },
  ])
  const r = await runTree({
    subscribers,
    publishers: [
      { urls: [root.wsUrl], tag: 'p', sets: [['t.g1'], ['t.g2', 't.g3'], ['t.g1', 't.g2']] },
      { urls: [c.wsUrl], tag: 'q', sets: [['t.g3'], ['t.g1', 't.g2', 't.g3'], ['t.g2']] },
    ],
    count: 1500,
    paceEvery: 50,
    timeoutMs: 120_000,
  })
  t.diagnostic(`records per subscriber: ${r.subs.map((s) => s.records.length).join(',')}`)
  assert.deepEqual(r.violations, [])
  for (const p of r.pubs) {
    assert.equal(p.failed.length, 0, `publisher ${p.tag}: ${JSON.stringify(p.failed.slice(0, 3))}`)
    assert.equal(p.acks.length, 1500)
  }
  // Same groups, same stream: byte for byte what the root's subscriber recorded.
  for (let level = 1; level < levels.length; level++) {
    for (let k = 0; k < 2; k++) {
      const direct = r.subs[k]!.records
      const relayed = r.subs[2 * level + k]!.records
      assert.ok(direct.length > 1000, `root subscriber ${k} got ${direct.length} records`)
      assert.deepEqual(relayed, direct, `level ${level}, subscriber ${k}: differs from the root's`)
    }
  }
})
