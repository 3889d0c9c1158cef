// G1-G4 end to end: a server process, three publisher processes and three
// subscriber processes with overlapping group sets. Every delivered stream is
// in gsn order, dense in gseq per group, the same gsn means the same message at
// every subscriber, each publisher's messages keep their order, and every
// acknowledged message arrives exactly once at every subscriber it concerns.
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

test('three publishers, three subscribers, overlapping groups: G1-G4 on every stream', async () => {
  const r = await runPublishersAndSubscribers({ url: server.wsUrl, prefix: 'order.', count: 3000 })
  assert.deepEqual(r.violations, [])
  for (const p of r.pubs) {
    assert.equal(p.failed.length, 0, `publisher ${p.tag}: ${JSON.stringify(p.failed.slice(0, 3))}`)
    assert.equal(p.acks.length, 3000)
  }
  const total = r.subs.reduce((n, s) => n + s.records.length, 0)
  assert.ok(total > 9000, `deliveries: ${total}`)
})
