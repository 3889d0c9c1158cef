// Durable subscription names are per identity (token subject): another identity using
// the same name gets a subscription of its own, and can neither see, inspect, acknowledge
// nor delete the first one through the protocol or the admin API.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../../gateway/auth/token.js'
import { RawClient } from '../helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { api, publishN } from './helpers.js'

const SECRET = 'durable-isolation-secret-0123456789'
let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync', secret: SECRET })
})

after(async () => {
  await server?.stop()
})

const token = (sub: string, monitor = false): string => mintToken(SECRET, { sub, publish: ['iso.*'], subscribe: ['iso.*'], monitor })

test('another identity cannot see, acknowledge or delete a durable subscription', { timeout: 60_000 }, async () => {
  const alice = token('alice')
  const mallory = token('mallory')
  const { client: a } = await RawClient.hello(server.wsUrl, alice)
  a.sendFrame({ type: 'ResolveGroups', names: ['iso.a'], create: true })
  const group = (await a.next('Groups')).ids[0]!
  a.sendFrame({ type: 'Subscribe', id: 1, groups: [group], fromGsn: 0n, tentative: false, name: 'orders', ackPolicy: 1, ackWaitMs: 60_000 })
  await a.next('Subscribed')
  await publishN(server.wsUrl, 'iso.a', 20, alice)
  let seen = 0
  while (seen < 20) seen += (await a.next('Deliver')).messages.length
  a.sendFrame({ type: 'Ack', subscription: 1, gsn: 10n })

  // Mallory's "orders" is a subscription of her own: it does not inherit Alice's position
  // and is not busy while Alice's consumer is attached.
  const { client: m } = await RawClient.hello(server.wsUrl, mallory)
  m.sendFrame({ type: 'Subscribe', id: 1, groups: [group], fromGsn: 0n, tentative: false, name: 'orders', ackPolicy: 1, ackWaitMs: 60_000 })
  const ms = await m.next('Subscribed')
  assert.equal(ms.ackedGsn, 20n, 'a new durable subscription of her own, from now')
  m.sendFrame({ type: 'Ack', subscription: 1, gsn: 20n })

  const base = server.httpUrl
  const aliceView = await api(base, 'GET', '/api/durables/orders', alice)
  assert.equal(aliceView.status, 200)
  assert.equal(aliceView.body.ackedGsn, 10, 'Mallory\'s ack did not touch Alice\'s subscription')
  const list = await api(base, 'GET', '/api/durables', mallory)
  assert.deepEqual(list.body.items.map((d: { name: string; ackedGsn: number }) => [d.name, d.ackedGsn]), [['orders', 20]], 'Mallory lists only her own')
  assert.equal((await api(base, 'GET', '/api/durables?all=true', mallory)).status, 403)
  assert.equal((await api(base, 'GET', '/api/durables/other', mallory)).status, 404)
  // Deleting "orders" as Mallory deletes hers, never Alice's.
  assert.equal((await api(base, 'DELETE', '/api/durables/orders', mallory)).status, 200)
  assert.equal((await api(base, 'GET', '/api/durables/orders', alice)).body.ackedGsn, 10)
  assert.equal((await api(base, 'DELETE', '/api/durables/orders', mallory)).status, 404)
  // A monitor sees every identity's.
  const all = await api(base, 'GET', '/api/durables?all=true', token('ops', true))
  assert.equal(all.status, 200)
  assert.equal(all.body.items.length, 1)
  assert.equal((await api(base, 'GET', '/api/durables?subject=alice', token('ops', true))).body.items[0].ackedGsn, 10)
  a.close()
  m.close()
})
