// G5 through the gateway: kill -9 the server while three publishers and three
// subscribers are busy, restart it on the same data directory and port. The
// clients reconnect by themselves, publishers resend what was not
// acknowledged, subscribers resume; at the end every acknowledged message is
// there exactly once, with the gsn it was acknowledged with, and every stream
// still satisfies G1-G4.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPublishersAndSubscribers } from './helpers/e2e.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
})

test('kill -9 under load, restart on the same directory: clients resume, every acknowledged message once with its gsn', async (t) => {
  let kills = 0
  const r = await runPublishersAndSubscribers({
    url: server.wsUrl,
    prefix: 'crash.',
    count: 6000,
    paceEvery: 5,
    timeoutMs: 180_000,
    during: async () => {
      for (const wait of [400, 600]) {
        await new Promise((res) => setTimeout(res, wait))
        await server.kill9()
        kills++
        await new Promise((res) => setTimeout(res, 150))
        await server.start()
      }
    },
  })
  t.diagnostic(`kills=${kills}, publisher connections=${r.pubs.map((p) => p.connections).join(',')}, subscriber connections=${r.subs.map((s) => s.connections).join(',')}`)
  assert.equal(kills, 2)
  assert.deepEqual(r.violations, [])
  for (const p of r.pubs) {
    assert.equal(p.failed.length, 0, `publisher ${p.tag}: ${JSON.stringify(p.failed.slice(0, 3))}`)
    assert.equal(p.acks.length, 6000)
  }
  assert.ok(r.pubs.some((p) => p.connections > 1), 'publishers were cut off by the kill')
  const h = await fetch(`${server.httpUrl}/health`)
  assert.equal(h.status, 200)
})
