// ResolveGroups.ids: names looked up by id (a relay asks this for ids a client
// brought from another relay). Answered after the names asked by name; an id
// that is unknown, or names a group the token may not see, answers '' and 0, so
// a client learns nothing about groups it may not see (G7).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../gateway/auth/token.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'resolve-by-id'
let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'memory', secret: SECRET })
})

after(async () => {
  await server?.stop()
})

test('names by id: known and visible ones named, unknown and hidden ones answer empty', async () => {
  const all = await RawClient.hello(server.wsUrl, mintToken(SECRET, { publish: ['>'], subscribe: ['>'] }))
  all.client.sendFrame({ type: 'ResolveGroups', names: ['public.a', 'secret.b'], create: true })
  const created = await all.client.next('Groups')
  const [a, b] = created.ids as [number, number]
  assert.ok(a > 0 && b > 0)
  all.client.sendFrame({ type: 'ResolveGroups', names: ['public.a'], create: false, ids: [b, a, 999_999] })
  const g = await all.client.next('Groups')
  assert.deepEqual(g.names, ['public.a', 'secret.b', 'public.a', ''])
  assert.deepEqual(g.ids, [a, b, a, 0])

  const narrow = await RawClient.hello(server.wsUrl, mintToken(SECRET, { subscribe: ['public.*'] }))
  narrow.client.sendFrame({ type: 'ResolveGroups', names: [], create: false, ids: [a, b, 999_999] })
  const h = await narrow.client.next('Groups')
  assert.deepEqual(h.names, ['public.a', '', ''], 'a hidden group looks like an unknown one')
  assert.deepEqual(h.ids, [a, 0, 0])
  all.client.close()
  narrow.client.close()
})
