// Graceful shutdown: SIGTERM while a client publishes. The server answers the
// publishes it already took, tells every client GOING_AWAY (ref = durable gsn)
// and closes with 1001, exits 0; a new server binds the same port at once;
// the client reconnects, resends the rest, and every message is there once.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { connect, type Client } from '../../gateway/client/index.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

let server: ServerProcess | null = null
const clients: Client[] = []
after(async () => {
  for (const c of clients) await c.close()
  await server?.stop()
})

test('SIGTERM: in-flight publishes answered, GOING_AWAY + 1001, exit 0, same port at once, nothing lost or doubled', async () => {
  server = await startServerProcess({ durability: 'fsync' })
  const watcher = (await RawClient.hello(server.wsUrl)).client
  const pub = await connect(server.wsUrl)
  clients.push(pub)
  const n = 5000
  const acks = Array.from({ length: n }, (_, i) => pub.publish(['shutdown.g'], `m${i}`))
  // Let some publishes reach the server (and some be durable) before the signal.
  while (pub.unacknowledged > n - 100) await new Promise((r) => setTimeout(r, 1))
  const code = await server.sigterm()
  assert.equal(code, 0, server.output.slice(-10).join('\n'))
  const bye = await watcher.next('Error')
  assert.equal(bye.code, ErrorCode.GOING_AWAY)
  assert.ok(bye.ref >= 0n)
  assert.equal((await watcher.waitClosed()).code, 1001)
  assert.ok(server.output.some((l) => /stopped; durable_gsn=\d+/.test(l)), 'the server reported its final durable gsn')
  await server.start()
  const results = await Promise.all(acks)
  const gsns = results.map((r) => Number(r.gsn))
  assert.equal(new Set(gsns).size, n, 'every message has its own gsn')
  const sub = await connect(server.wsUrl)
  clients.push(sub)
  const seen: string[] = []
  await sub.subscribe(['shutdown.g'], { fromGsn: 1n }, (b) => {
    while (b.next()) seen.push(new TextDecoder().decode(b.payload()))
  })
  const end = Date.now() + 20_000
  while (seen.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
  await new Promise((r) => setTimeout(r, 100))
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => `m${i}`))
})
