// ResolveGroups{create: true} creates a group only when the token may publish
// to that exact name. A subscribe-only token, or a name the token may resolve
// through its subscribe patterns only, gets UNKNOWN_GROUP for a name that does
// not exist (and the name stays unknown); names that exist are answered with
// their ids whatever create says. Real server process, real tokens.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../gateway/auth/token.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'resolve-create-secret'
let server: ServerProcess
const clients: RawClient[] = []

before(async () => {
  server = await startServerProcess({ secret: SECRET, durability: 'memory' })
})
after(async () => {
  for (const c of clients) c.terminate()
  await server.stop()
})

async function hello(claims: { sub: string; publish?: string[]; subscribe?: string[] }): Promise<RawClient> {
  const { client } = await RawClient.hello(server.wsUrl, mintToken(SECRET, claims))
  clients.push(client)
  return client
}

/** Resolves one name; returns its id (0 = unknown) or the Error frame's code. */
async function resolveOne(c: RawClient, name: string, create: boolean): Promise<{ id?: number; error?: number; message?: string }> {
  c.sendFrame({ type: 'ResolveGroups', names: [name], create })
  const f = await c.nextOf(['Groups', 'Error'])
  if (f.type === 'Groups') return { id: f.ids[0]! }
  return { error: f.code, message: f.message }
}

test('a subscribe-only token cannot create groups', async () => {
  const sub = await hello({ sub: 'reader', subscribe: ['>'] })
  const r = await resolveOne(sub, 'made.by.reader', true)
  assert.equal(r.error, ErrorCode.UNKNOWN_GROUP, JSON.stringify(r))
  const admin = await hello({ sub: 'admin', publish: ['>'], subscribe: ['>'] })
  assert.deepEqual(await resolveOne(admin, 'made.by.reader', false), { id: 0 }, 'the group was not created')
})

test("an orders.* token creates orders.eu but not orders.eu.x or 'orders.'", async () => {
  const c = await hello({ sub: 'orders', publish: ['orders.*'], subscribe: ['>'] })
  const eu = await resolveOne(c, 'orders.eu', true)
  assert.ok(eu.id !== undefined && eu.id > 0, JSON.stringify(eu))
  for (const name of ['orders.eu.x', 'orders.', 'orders']) {
    const r = await resolveOne(c, name, true)
    assert.ok(r.error !== undefined, `${name} was created: ${JSON.stringify(r)}`)
  }
  const admin = await hello({ sub: 'admin2', publish: ['>'], subscribe: ['>'] })
  for (const name of ['orders.eu.x', 'orders']) assert.deepEqual(await resolveOne(admin, name, false), { id: 0 }, `${name} stays unknown`)
})

test('existing groups resolve for a subscribe-only token, with create true or false', async () => {
  const admin = await hello({ sub: 'admin3', publish: ['>'], subscribe: ['>'] })
  const made = await resolveOne(admin, 'news.today', true)
  assert.ok(made.id !== undefined && made.id > 0)
  const reader = await hello({ sub: 'reader2', subscribe: ['news.>'] })
  assert.deepEqual(await resolveOne(reader, 'news.today', true), { id: made.id })
  assert.deepEqual(await resolveOne(reader, 'news.today', false), { id: made.id })
})
