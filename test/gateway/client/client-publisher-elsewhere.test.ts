// A publisher id the server assigned belongs to that server. When the client
// moves to another server (a standby, or a node whose bindings differ) and the
// id is already someone else's there, the client asks that server for a new id
// and goes on publishing; the move is reported, not fatal. An id the user chose
// stays fatal to take (another identity owns it), and so does an assigned id on
// the server that assigned it (client-token-refresh.test.ts).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, OrdoError, type Client } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { memoryServer, token, until } from '../helpers/client-fixture.js'

let a: GatewayServer
let b: GatewayServer
const clients: Client[] = []

before(async () => {
  a = await memoryServer()
  b = await memoryServer()
})

after(async () => {
  for (const c of clients) await c.close()
  a.closeNow()
  b.closeNow()
})

test('the next server gave the assigned publisher id to another identity: the client takes a new id there and keeps publishing', async () => {
  const errors: OrdoError[] = []
  const c = await connect([a.url, b.url], { token: token({ sub: 'mover' }), backoff: { initialMs: 10, maxMs: 50 }, onError: (e) => errors.push(e) })
  clients.push(c)
  const first = c.publisher
  await c.publish(['elsewhere.a'], 'on a')
  // Another identity holds the same id on b.
  const other = await connect(b.url, { token: token({ sub: 'owner-on-b' }), publisher: first })
  clients.push(other)
  await other.publish(['elsewhere.b'], 'owner')
  a.closeNow()
  const pending = [c.publish(['elsewhere.a'], 'one'), c.publish(['elsewhere.a'], 'two'), c.publish(['elsewhere.a'], 'three')]
  const acks = await Promise.all(pending)
  assert.equal(c.url, b.url)
  assert.notEqual(c.publisher, first, 'a new publisher id on b')
  assert.ok(acks[0]!.gsn < acks[1]!.gsn && acks[1]!.gsn < acks[2]!.gsn, 'the resent messages keep their order')
  const taken = errors.find((e) => e.code === 'PUBLISHER_TAKEN')
  assert.ok(taken !== undefined, `the move is reported: ${errors.map((e) => e.message).join('; ')}`)
  assert.match(taken.message, /new publisher id/)
  // The owner on b is untouched and keeps its id.
  assert.equal(other.publisher, first)
  await other.publish(['elsewhere.b'], 'owner again')
  await until(() => c.connections >= 2)
  await c.close()
  await other.close()
})

test('a publisher id the user chose is not replaced: PUBLISHER_TAKEN on the next server ends the client', async () => {
  const a2 = await memoryServer()
  try {
    const c = await connect([a2.url, b.url], { token: token({ sub: 'chooser' }), publisher: 777_001, backoff: { initialMs: 10, maxMs: 50 }, onError: () => {} })
    clients.push(c)
    await c.publish(['elsewhere.c'], 'on a2')
    const other = await connect(b.url, { token: token({ sub: 'owner-of-777001' }), publisher: 777_001 })
    clients.push(other)
    a2.closeNow()
    const p = c.publish(['elsewhere.c'], 'refused')
    await assert.rejects(p, (e: unknown) => e instanceof OrdoError && e.code === 'PUBLISHER_TAKEN')
    const reason = await c.closed()
    assert.ok(reason instanceof OrdoError && reason.code === 'PUBLISHER_TAKEN')
    await c.close()
    await other.close()
  } finally {
    a2.closeNow()
  }
})
