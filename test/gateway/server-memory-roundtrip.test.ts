// The server end to end over a real socket, with the in-memory engine: Hello and
// Welcome, group resolution, publish acknowledged with gsns, a subscriber that
// replays from gsn 1 then goes live and gets every message once in gsn order.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { encodePublish } from '../../codec/index.js'
import { GatewayServer } from '../../gateway/server.js'
import { MemoryEngine } from './helpers/memory-engine.js'
import { RawClient } from './helpers/raw-client.js'

let server: GatewayServer
let url: string

before(async () => {
  server = await GatewayServer.start(new MemoryEngine(), { port: 0 })
  url = server.url
})

after(() => server.closeNow())

test('publish is acknowledged; a subscriber from gsn 1 gets replay then live, once each, in order', async () => {
  const { client: pub, publisher } = await RawClient.hello(url)
  assert.ok(publisher > 0n)
  pub.sendFrame({ type: 'ResolveGroups', names: ['a', 'b'], create: true })
  const groups = await pub.next('Groups')
  assert.deepEqual(groups.names, ['a', 'b'])
  const [a, b] = groups.ids as [number, number]
  assert.ok(a > 0 && b > 0 && a !== b)
  const enc = new TextEncoder()
  pub.send(encodePublish([1n, 2n, 3n].map((pseq) => ({ publisher, pseq, groups: pseq === 2n ? [b] : [a, b], payload: enc.encode(`m${pseq}`) }))))
  const ack = await pub.next('PublishAck')
  assert.deepEqual(ack.pseqs, [1n, 2n, 3n])
  assert.deepEqual(ack.gsns, [1n, 2n, 3n])

  const { client: sub } = await RawClient.hello(url)
  sub.sendFrame({ type: 'Subscribe', id: 7, groups: [a], fromGsn: 1n, tentative: false })
  const subscribed = await sub.next('Subscribed')
  assert.equal(subscribed.id, 7)
  const d1 = await sub.next('Deliver')
  assert.equal(d1.subscription, 7)
  assert.deepEqual(d1.messages.map((m) => m.gsn), [1n, 3n])
  assert.deepEqual(d1.messages.map((m) => new TextDecoder().decode(m.payload)), ['m1', 'm3'])
  assert.deepEqual(d1.messages[1]!.gseqs, [2n, 3n])

  pub.send(encodePublish([{ publisher, pseq: 4n, groups: [a], payload: enc.encode('m4') }]))
  const d2 = await sub.next('Deliver')
  assert.deepEqual(d2.messages.map((m) => m.gsn), [4n])
  assert.ok(d2.durableGsn >= 4n)
  pub.close()
  sub.close()
})

test('a resend of an acknowledged pseq is answered with its original gsn', async () => {
  const { client, publisher } = await RawClient.hello(url)
  client.sendFrame({ type: 'ResolveGroups', names: ['dup'], create: true })
  const [g] = (await client.next('Groups')).ids as [number]
  const frame = encodePublish([{ publisher, pseq: 1n, groups: [g], payload: new Uint8Array([1]) }])
  client.send(frame)
  const first = await client.next('PublishAck')
  client.send(frame)
  const again = await client.next('PublishAck')
  assert.deepEqual(again.gsns, first.gsns)
  client.close()
})

test('GET /health answers 200 with the watermarks, /metrics is Prometheus text, unknown paths 404', async () => {
  const base = `http://127.0.0.1:${server.port}`
  const h = await fetch(`${base}/health`)
  assert.equal(h.status, 200)
  const body = (await h.json()) as { status: string; durableGsn: number }
  assert.equal(body.status, 'ok')
  assert.equal(typeof body.durableGsn, 'number')
  const m = await fetch(`${base}/metrics`)
  assert.equal(m.status, 200)
  assert.match(await m.text(), /^ordo_connections \d+$/m)
  const n = await fetch(`${base}/nope`)
  assert.equal(n.status, 404)
  assert.equal(((await n.json()) as { error: { name: string } }).error.name, 'BAD_REQUEST')
})
