// The JSON admin API against a real server: who may read what (monitor claim;
// /api/groups for any token, filtered to the groups it may see), the documents'
// figures, filters, and pagination that neither repeats nor skips.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { after, before, test } from 'node:test'
import { connect, type Client } from '../../../gateway/client/index.js'
import { mintToken } from '../../../gateway/auth/token.js'
import type { ConnectionDoc, GroupDoc, PageDoc, StatsDoc, SubscriberDoc } from '../../../gateway/admin/admin-types.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'

const SECRET = 'admin-api-secret'
const monitor = mintToken(SECRET, { sub: 'ops', monitor: true })
const ordersOnly = mintToken(SECRET, { sub: 'orders-reader', subscribe: ['orders.*'] })
let server: ServerProcess
const clients: Client[] = []

async function get<T>(path: string, token?: string, scheme = 'Bearer'): Promise<{ status: number; body: T }> {
  const r = await fetch(`${server.httpUrl}${path}`, { headers: token === undefined ? {} : { authorization: `${scheme} ${token}` } })
  return { status: r.status, body: (await r.json()) as T }
}

before(async () => {
  server = await startServerProcess({ secret: SECRET })
  const pub = await connect(server.wsUrl, { token: mintToken(SECRET, { sub: 'writer', publish: ['>'] }) })
  clients.push(pub)
  for (const g of ['orders.eu', 'orders.us', 'secret.payroll']) await pub.publish([g], `first ${g}`)
  await pub.publish(['orders.eu', 'secret.payroll'], 'both')
  let received = 0
  for (const [sub, groups] of [['alice', ['orders.eu']], ['bob', ['orders.us']], ['bob', ['orders.eu', 'orders.us']], ['carol', ['secret.payroll']]] as const) {
    const c = await connect(server.wsUrl, { token: mintToken(SECRET, { sub, subscribe: ['>'] }) })
    clients.push(c)
    await c.subscribe([...groups], { fromGsn: 1n }, (b) => {
      while (b.next()) received++
    })
  }
  // 2 + 1 + 3 + 2 messages replayed to the four subscriptions.
  const deadline = Date.now() + 10_000
  while (received < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  assert.equal(received, 8)
})

after(async () => {
  for (const c of clients) await c.close()
  await server?.stop()
})

test('who may read: no token 401, a token without the monitor right 403, a monitor token 200', async () => {
  for (const path of ['/api/stats', '/api/subscribers', '/api/connections']) {
    const none = await get<{ error: { code: number; message: string } }>(path)
    assert.equal(none.status, 401, path)
    assert.match(none.body.error.message, /Bearer/)
    const plain = await get<{ error: { message: string } }>(path, ordersOnly)
    assert.equal(plain.status, 403, path)
    assert.match(plain.body.error.message, /monitor/)
    assert.equal((await get(path, monitor)).status, 200, path)
  }
  const forged = await get(`/api/groups`, mintToken('not-the-secret', { sub: 'x', monitor: true }))
  assert.equal(forged.status, 401)
  // The scheme name in any case, as for POST /publish; another scheme is no token.
  assert.equal((await get('/api/stats', monitor, 'bearer')).status, 200)
  assert.equal((await get('/api/stats', monitor, 'Basic')).status, 401)
  // A signed token whose monitor claim is not a boolean is refused, not taken as a right.
  const header = monitor.split('.')[0]!
  const claims = Buffer.from(JSON.stringify({ sub: 'x', publish: [], subscribe: [], monitor: 'yes', iat: Math.floor(Date.now() / 1000) })).toString('base64url')
  const signed = `${header}.${claims}.${createHmac('sha256', SECRET).update(`${header}.${claims}`).digest('base64url')}`
  const stringy = await get<{ error: { message: string } }>('/api/stats', signed)
  assert.equal(stringy.status, 401)
  assert.match(stringy.body.error.message, /monitor must be true or false/)
})

test('/api/stats: watermarks, counters, latency histograms, errors by code, no cluster on a single node', async () => {
  const { body: s } = await get<StatsDoc>('/api/stats', monitor)
  assert.equal(s.server.auth, 'token')
  // The transport that runs, as /health says (uws, or ws on the fallback), and what it is.
  const health = (await (await fetch(`${server.httpUrl}/health`)).json()) as { transport: string }
  assert.equal(s.server.transport, health.transport)
  assert.match(s.server.transportImplementation, s.server.transport === 'uws' ? /^uWebSockets\.js \d/ : /^ws \d+\.\d+\.\d+ on node:http$/)
  assert.equal(s.server.durability, 'fsync')
  assert.equal(s.watermarks.sequencedGsn, 4)
  assert.equal(s.watermarks.durableGsn, 4)
  assert.equal(s.watermarks.distance, 0)
  assert.equal(s.counters.messagesIn, 4)
  assert.equal(s.counters.messagesOut, 8, 'deliveries counted')
  assert.equal(s.gauges.subscriptions, 4)
  assert.equal(s.gauges.groups, 3)
  assert.ok(s.latency.publishAck.count >= 4)
  assert.equal(s.latency.publishAck.buckets.at(-1)!.le, null, '+Inf bucket as null')
  assert.ok(s.latency.fsync.count > 0)
  assert.ok(s.errors.some((e) => e.name === 'BAD_TOKEN'))
  assert.ok(s.journal !== null && s.journal.segments === 1)
  assert.ok(s.runtime.rssBytes > 0)
  assert.equal('cluster' in s, false)
})

test('/api/groups: a monitor token sees all; another token only its groups (by pattern), filters by ids and names', async () => {
  const all = await get<PageDoc<GroupDoc>>('/api/groups', monitor)
  assert.deepEqual(all.body.items.map((g) => g.name), ['orders.eu', 'orders.us', 'secret.payroll'])
  const eu = all.body.items[0]!
  assert.equal(eu.messages, 2)
  assert.equal(eu.lastGseq, 2)
  assert.equal(eu.subscriptions, 2)
  const mine = await get<PageDoc<GroupDoc>>('/api/groups', ordersOnly)
  assert.deepEqual(mine.body.items.map((g) => g.name), ['orders.eu', 'orders.us'], 'secret.payroll stays hidden')
  assert.equal(mine.body.total, 2, 'the total counts only what the token may see')
  const secretId = all.body.items[2]!.id
  const byId = await get<PageDoc<GroupDoc>>(`/api/groups?ids=${eu.id},${secretId}`, ordersOnly)
  assert.deepEqual(byId.body.items.map((g) => g.name), ['orders.eu'], 'an id it may not see is not named')
  // Asking for a hidden group by id, name or prefix answers exactly like asking for one that does not exist.
  for (const q of [`ids=${secretId}`, 'names=secret.payroll', 'prefix=secret.']) {
    const hidden = await get<PageDoc<GroupDoc>>(`/api/groups?${q}`, ordersOnly)
    const missing = await get<PageDoc<GroupDoc>>(`/api/groups?${q.replace(String(secretId), '999999').replace('secret', 'nosuch')}`, ordersOnly)
    assert.deepEqual(hidden, missing, q)
    assert.deepEqual(hidden.body, { items: [], nextCursor: null, total: 0 }, q)
  }
  const byName = await get<PageDoc<GroupDoc>>('/api/groups?names=orders.us,nope', monitor)
  assert.deepEqual(byName.body.items.map((g) => g.name), ['orders.us'])
  const prefix = await get<PageDoc<GroupDoc>>('/api/groups?prefix=secret.', monitor)
  assert.equal(prefix.body.total, 1)
})

test('/api/subscribers and /api/connections: filters and cursor pages', async () => {
  const subs = await get<PageDoc<SubscriberDoc>>('/api/subscribers', monitor)
  assert.equal(subs.body.total, 4)
  const s0 = subs.body.items[0]!
  assert.deepEqual([s0.subject, s0.groups, s0.tentative, s0.paused], ['alice', ['orders.eu'], false, false])
  assert.equal(typeof s0.lag, 'number')
  const bob = await get<PageDoc<SubscriberDoc>>('/api/subscribers?subject=bob', monitor)
  assert.equal(bob.body.total, 2)
  const onEu = await get<PageDoc<SubscriberDoc>>('/api/subscribers?group=orders.eu', monitor)
  assert.deepEqual(onEu.body.items.map((s) => s.subject), ['alice', 'bob'])
  const slow = await get<PageDoc<SubscriberDoc>>('/api/subscribers?slow=true', monitor)
  assert.equal(slow.body.total, 0)
  const byLag = await get<PageDoc<SubscriberDoc>>('/api/subscribers?sort=lag&limit=2', monitor)
  assert.equal(byLag.body.items.length, 2)

  // Pages of one: every subscriber exactly once, then nextCursor null.
  const seen: string[] = []
  let cursor: string | null = ''
  for (let i = 0; i < 10 && cursor !== null; i++) {
    const page: { body: PageDoc<SubscriberDoc> } = await get<PageDoc<SubscriberDoc>>(`/api/subscribers?limit=1&cursor=${encodeURIComponent(cursor)}`, monitor)
    for (const s of page.body.items) seen.push(`${s.connection}/${s.subscription}`)
    cursor = page.body.nextCursor
  }
  assert.equal(cursor, null)
  assert.deepEqual(seen, subs.body.items.map((s) => `${s.connection}/${s.subscription}`))

  const conns = await get<PageDoc<ConnectionDoc>>('/api/connections', monitor)
  assert.equal(conns.body.total, 5)
  const writer = conns.body.items.find((c) => c.subject === 'writer')!
  assert.equal(writer.messagesIn, 4)
  assert.equal(writer.messagesAcked, 4)
  assert.ok(writer.publisher > 0)
  const carol = await get<PageDoc<ConnectionDoc>>('/api/connections?group=secret.payroll', monitor)
  assert.deepEqual(carol.body.items.map((c) => c.subject), ['carol'])
  const page1 = await get<PageDoc<ConnectionDoc>>('/api/connections?limit=3', monitor)
  const page2 = await get<PageDoc<ConnectionDoc>>(`/api/connections?limit=3&cursor=${page1.body.nextCursor}`, monitor)
  assert.deepEqual([...page1.body.items, ...page2.body.items].map((c) => c.id), conns.body.items.map((c) => c.id))
  assert.equal(page2.body.nextCursor, null)
})

test('bad queries are refused with 400 and say what is allowed', async () => {
  const r = await get<{ error: { name: string; message: string } }>('/api/connections?limit=0', monitor)
  assert.equal(r.status, 400)
  assert.match(r.body.error.message, /limit out of range: limit=0, allowed=1\.\.1000/)
  const s = await get<{ error: { message: string } }>('/api/subscribers?slow=maybe', monitor)
  assert.equal(s.status, 400)
  assert.match(s.body.error.message, /true or false/)
})

test('open mode: the admin API answers without a token', async () => {
  const open = await startServerProcess({})
  try {
    const r = await fetch(`${open.httpUrl}/api/stats`)
    assert.equal(r.status, 200)
    assert.equal(((await r.json()) as StatsDoc).server.auth, 'open')
  } finally {
    await open.stop()
  }
})
