// `ordo durable list|inspect|delete` against a running server: lists the token's durable
// subscriptions with their acknowledged gsn, inspects one as JSON, deletes it, and says
// what went wrong (unknown name: exit 1 naming it; missing action: usage, exit 2).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RawClient } from '../../gateway/helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from '../../gateway/helpers/server-process.js'
import { ordo } from '../../gateway/helpers/cli.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
})

test('ordo durable list, inspect and delete', { timeout: 60_000 }, async () => {
  const { client: c } = await RawClient.hello(server.wsUrl)
  c.sendFrame({ type: 'ResolveGroups', names: ['cli.a'], create: true })
  const g = (await c.next('Groups')).ids[0]!
  c.sendFrame({ type: 'Subscribe', id: 1, groups: [g], fromGsn: 0n, tentative: false, name: 'reports', ackPolicy: 1 })
  await c.next('Subscribed')
  const env = { ...process.env, ORDO_URL: server.wsUrl }

  const list = await ordo(['durable', 'list'], { env })
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stdout, /^reports\tgroups=cli\.a\tacked=0\texplicit\tattached/m)
  assert.match(list.stdout, /^1 durable subscription; stable gsn 0$/m)

  const one = await ordo(['durable', 'inspect', 'reports'], { env })
  assert.equal(one.code, 0, one.stderr)
  const doc = JSON.parse(one.stdout)
  assert.equal(doc.name, 'reports')
  assert.deepEqual(doc.groups, ['cli.a'])

  const missing = await ordo(['durable', 'inspect', 'nope'], { env })
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /no durable subscription of this identity: name=nope/)

  const del = await ordo(['durable', 'delete', 'reports'], { env })
  assert.equal(del.code, 0, del.stderr)
  assert.match(del.stdout, /deleted durable subscription reports/)
  const e = await c.next('Error')
  assert.match(e.message, /durable subscription deleted: name=reports/, 'the attached consumer is told')
  assert.match((await ordo(['durable', 'list'], { env })).stdout, /^0 durable subscriptions/m)

  const usage = await ordo(['durable'], { env })
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /missing action: list, inspect NAME or delete NAME/)
  c.close()
})
