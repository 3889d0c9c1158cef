// Resume: subscribers and publishers drop their connections at random moments
// (seeded) while messages flow; the client library reconnects, resends
// unacknowledged messages (deduplicated by the server) and resumes every
// subscription from its last gsn + 1. Every stream ends complete, with no gap
// and no repeat (G1-G4).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPublishersAndSubscribers } from './helpers/e2e.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess()
})

after(async () => {
  await server?.stop()
})

test('subscribers and publishers cut off at random moments end with complete streams', async () => {
  const r = await runPublishersAndSubscribers({ url: server.wsUrl, prefix: 'resume.', count: 4000, subscriberChaosMs: 150, publisherChaosMs: 200, paceEvery: 50 })
  assert.deepEqual(r.violations, [])
  for (const p of r.pubs) assert.equal(p.failed.length, 0, `publisher ${p.tag}: ${JSON.stringify(p.failed.slice(0, 3))}`)
  const reconnects = r.subs.reduce((n, s) => n + s.connections - 1, 0) + r.pubs.reduce((n, p) => n + p.connections - 1, 0)
  assert.ok(reconnects >= 3, `the chaos must have cut connections: reconnects=${reconnects}`)
})
