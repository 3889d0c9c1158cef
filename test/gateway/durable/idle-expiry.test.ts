// Abandoned durable subscriptions expire: one without a consumer for longer than
// --durable-idle-expiry is deleted (and stops holding stable_gsn and retention back),
// while one whose consumer stays attached is kept however long that takes.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RawClient } from '../helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { api, publishN } from './helpers.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync', extraArgs: ['--durable-idle-expiry', '1500ms'] })
})

after(async () => {
  await server?.stop()
})

test('a durable subscription without a consumer expires after the idle time; an attached one does not', { timeout: 60_000 }, async () => {
  const { client: c } = await RawClient.hello(server.wsUrl)
  c.sendFrame({ type: 'ResolveGroups', names: ['exp.a'], create: true })
  const group = (await c.next('Groups')).ids[0]!
  c.sendFrame({ type: 'Subscribe', id: 1, groups: [group], fromGsn: 0n, tentative: false, name: 'abandoned', ackPolicy: 1 })
  c.sendFrame({ type: 'Subscribe', id: 2, groups: [group], fromGsn: 0n, tentative: false, name: 'kept', ackPolicy: 2 })
  await c.next('Subscribed', (f) => f.id === 1)
  await c.next('Subscribed', (f) => f.id === 2)
  c.sendFrame({ type: 'Unsubscribe', id: 1 }) // its consumer leaves; 'kept' stays attached
  await publishN(server.wsUrl, 'exp.a', 10)
  const held = (await api(server.httpUrl, 'GET', '/health')).body
  assert.equal(held.stableGsn, 0, 'the abandoned one holds stable_gsn while it exists')
  const names = async (): Promise<string[]> => (await api(server.httpUrl, 'GET', '/api/durables')).body.items.map((d: { name: string }) => d.name)
  assert.deepEqual(await names(), ['abandoned', 'kept'])
  await new Promise((r) => setTimeout(r, 3000))
  assert.deepEqual(await names(), ['kept'], 'the abandoned one expired, the attached one did not')
  const h = (await api(server.httpUrl, 'GET', '/health')).body
  assert.equal(h.stableGsn, 10, 'stable_gsn is released (the on-delivery one acknowledged all 10)')
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text()
  assert.match(metrics, /^ordo_stable_gsn 10$/m)
  assert.match(metrics, /^ordo_durable_subscriptions 1$/m)
  c.close()
})
