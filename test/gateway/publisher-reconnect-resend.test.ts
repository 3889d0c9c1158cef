// The owner of a publisher id keeps it across reconnects and server restarts:
// with a token (identity = subject), the client library publishes a stream,
// the server is killed (-9) and restarted mid-way, the client reconnects under
// its assigned id and resends what was not acknowledged. Every publish
// resolves, and the journal holds each pseq of the publisher exactly once.
// Real server process; the client library in this process.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, type Client, type ClientPublishResult } from '../../gateway/client/index.js'
import { mintToken } from '../../gateway/auth/token.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'reconnect-secret'
const token = mintToken(SECRET, { sub: 'svc', publish: ['r.>'], subscribe: ['r.>'] })
let server: ServerProcess
const clients: Client[] = []

before(async () => {
  server = await startServerProcess({ secret: SECRET })
})
after(async () => {
  for (const c of clients) await c.close()
  await server.stop()
})

test('a publisher resends its unacknowledged messages under its id after a kill -9 and restart', async () => {
  const errors: string[] = []
  const client = await connect(server.wsUrl, { token, backoff: { initialMs: 20, maxMs: 200 }, onError: (e) => errors.push(e.codeName) })
  clients.push(client)
  const TOTAL = 3000
  const results: Promise<ClientPublishResult>[] = []
  let acked = 0
  let restarted: Promise<void> | null = null
  for (let i = 1; i <= TOTAL; i++) {
    const p = client.publish(['r.stream'], `m${i}`)
    void p.then(() => acked++, () => {})
    results.push(p)
    if (i % 100 === 0) await new Promise((r) => setTimeout(r, 5))
    if (restarted === null && acked >= 1000) restarted = server.kill9().then(() => server.start())
  }
  assert.ok(restarted !== null, 'the server was restarted mid-stream')
  await restarted
  const done = await Promise.all(results)
  assert.equal(client.connections >= 2, true, 'the client reconnected')
  assert.ok(!errors.includes('PUBLISHER_TAKEN'), errors.join(','))
  const gsns = new Set(done.map((r) => r.gsn))
  assert.equal(gsns.size, TOTAL, 'every message has a gsn of its own')

  // Read the stream back: each pseq of the publisher exactly once.
  const reader = await connect(server.wsUrl, { token })
  clients.push(reader)
  const seen = new Map<number, number>()
  const publisher = Number(client.publisher)
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`read ${seen.size} of ${TOTAL}`)), 30_000)
    void reader.subscribe(['r.stream'], { fromGsn: 1n }, (b) => {
      while (b.next()) {
        if (b.publisherNumber !== publisher) continue
        seen.set(b.pseqNumber, (seen.get(b.pseqNumber) ?? 0) + 1)
      }
      if (seen.size >= TOTAL) {
        clearTimeout(t)
        resolve()
      }
    })
  })
  assert.equal(seen.size, TOTAL)
  for (const [pseq, n] of seen) assert.equal(n, 1, `pseq ${pseq} stored ${n} times`)
})
