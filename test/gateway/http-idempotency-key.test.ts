// Idempotency-Key on POST /publish: a retried key gets the original gsn, also
// when retries race and after a kill -9 and restart; each keyed message is
// stored once; the same key from another identity is another message; a key
// reused for another payload is refused (IDEMPOTENCY_KEY_REUSED). A key whose
// message a crash took before it was sequenced is published on retry. Real
// server process, real HTTP requests.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { tokenIdentity } from '../../gateway/auth/identity.js'
import { mintToken } from '../../gateway/auth/token.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { IdempotencyKeys, KeyEntry } from '../../gateway/state/idempotency-keys.js'
import { PublisherBindings } from '../../gateway/state/publisher-bindings.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'idempotency-secret'
const claims = { publish: ['k.>'], subscribe: ['k.>'] }
const alice = mintToken(SECRET, { sub: 'alice', ...claims })
const bob = mintToken(SECRET, { sub: 'bob', ...claims })
let server: ServerProcess

before(async () => {
  server = await startServerProcess({ secret: SECRET })
})
after(async () => {
  await server.stop()
})

interface Answer {
  status: number
  gsn?: number
  publisher?: number
  pseq?: number
  error?: { code: number; message: string }
}

async function post(token: string, key: string, body: string, path = '/publish/k.a'): Promise<Answer> {
  const r = await fetch(`${server.httpUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'content-type': 'text/plain' }, body })
  return { status: r.status, ...((await r.json()) as object) }
}

/** How many stored messages carry each payload (read back from gsn 1 up to an end mark published now). */
async function storedPayloads(): Promise<Map<string, number>> {
  const end = await fetch(`${server.httpUrl}/publish/k.a`, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: 'end' })
  assert.equal(end.status, 200)
  const { client } = await RawClient.hello(server.wsUrl, alice)
  client.sendFrame({ type: 'ResolveGroups', names: ['k.a'], create: false })
  const id = (await client.next('Groups')).ids[0]!
  client.sendFrame({ type: 'Subscribe', id: 1, groups: [id], fromGsn: 1n, tentative: false })
  const counts = new Map<string, number>()
  while (!counts.has('end')) {
    for (const m of (await client.next('Deliver', () => true, 10_000)).messages) {
      const p = new TextDecoder().decode(m.payload)
      counts.set(p, (counts.get(p) ?? 0) + 1)
    }
  }
  client.close()
  return counts
}

const first = new Map<string, Answer>()

test('a retried key is answered with the original gsn, publisher and pseq; racing retries too', async () => {
  const a = await post(alice, 'order-1', 'one')
  assert.equal(a.status, 200, JSON.stringify(a))
  const again = await post(alice, 'order-1', 'one')
  assert.deepEqual(again, a)
  const race = await Promise.all(Array.from({ length: 6 }, () => post(alice, 'order-2', 'two')))
  for (const r of race) assert.deepEqual(r, race[0], JSON.stringify(race))
  assert.equal(race[0]!.status, 200)
  assert.notEqual(race[0]!.gsn, a.gsn)
  first.set('order-1', a)
  first.set('order-2', race[0]!)
})

test('the same key from another identity is another message; JSON requests take keys too', async () => {
  const b = await post(bob, 'order-1', 'one')
  assert.equal(b.status, 200)
  assert.notEqual(b.gsn, first.get('order-1')!.gsn)
  assert.notEqual(b.publisher, first.get('order-1')!.publisher)
  const j = await fetch(`${server.httpUrl}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bob}`, 'idempotency-key': 'json-1', 'content-type': 'application/json' },
    body: JSON.stringify({ groups: ['k.a'], payload: 'json one' }),
  })
  const jj = (await j.json()) as Answer
  const j2 = await fetch(`${server.httpUrl}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bob}`, 'idempotency-key': 'json-1', 'content-type': 'application/json' },
    body: JSON.stringify({ groups: ['k.a'], payload: 'json one' }),
  })
  assert.equal(((await j2.json()) as Answer).gsn, jj.gsn)
})

test('a key reused for another payload or other groups is refused; malformed keys too', async () => {
  const other = await post(alice, 'order-1', 'not one')
  assert.equal(other.status, 422)
  assert.equal(other.error?.code, ErrorCode.IDEMPOTENCY_KEY_REUSED)
  const groups = await post(alice, 'order-1', 'one', '/publish/k.a,k.b')
  assert.equal(groups.error?.code, ErrorCode.IDEMPOTENCY_KEY_REUSED)
  for (const bad of ['x'.repeat(256), 'with space', 'tab\there']) {
    const r = await post(alice, bad, 'one')
    assert.equal(r.status, 400, bad)
    assert.equal(r.error?.code, ErrorCode.BAD_REQUEST)
  }
  const both = await fetch(`${server.httpUrl}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice}`, 'idempotency-key': 'k9', 'content-type': 'application/json' },
    body: JSON.stringify({ groups: ['k.a'], payload: 'x', publisher: 5, pseq: 1 }),
  })
  assert.equal(both.status, 400)
})

test('after kill -9 and a restart a retried key still gets its original gsn', async () => {
  await server.kill9()
  await server.start()
  assert.deepEqual(await post(alice, 'order-1', 'one'), first.get('order-1'))
  assert.deepEqual(await post(alice, 'order-2', 'two'), first.get('order-2'))
  const fresh = await post(alice, 'order-3', 'three')
  assert.equal(fresh.status, 200)
  assert.ok(fresh.gsn! > first.get('order-2')!.gsn!)
})

test('a key whose message a crash took is published by its retry, once', async () => {
  // What a crash between writing a key and sequencing its message leaves: the key
  // recorded for pseqs of alice's key publisher that were never sequenced.
  const last = await post(alice, 'order-4', 'four')
  await server.sigterm()
  const bindings = PublisherBindings.open(server.dataDir)
  const keys = IdempotencyKeys.open(server.dataDir, 100_000, (p) => bindings.ownerOf(p))
  const identity = tokenIdentity('alice', '')
  for (const [key, body, ahead] of [['lost-1', 'lost one', 1], ['lost-2', 'lost two', 2]] as const) {
    const entry = new KeyEntry(IdempotencyKeys.keyDigest(identity, key), identity, last.publisher!, last.pseq! + ahead, IdempotencyKeys.contentDigest(['k.a'], new TextEncoder().encode(body)))
    await new Promise<void>((resolve, reject) => keys.add(entry, (err) => (err === null ? resolve() : reject(err))))
  }
  keys.close()
  bindings.close()
  await server.start()
  // The second is retried first: its pseq is beyond a hole, so the key moves to a pseq of its own.
  const two = await post(alice, 'lost-2', 'lost two')
  const one = await post(alice, 'lost-1', 'lost one')
  assert.equal(two.status, 200, JSON.stringify(two))
  assert.equal(one.status, 200, JSON.stringify(one))
  assert.deepEqual(await post(alice, 'lost-2', 'lost two'), two)
  assert.deepEqual(await post(alice, 'lost-1', 'lost one'), one)
  const stored = await storedPayloads()
  // 'one' twice: alice's and bob's.
  assert.deepEqual(Object.fromEntries(stored), { one: 2, two: 1, 'json one': 1, three: 1, four: 1, 'lost one': 1, 'lost two': 1, end: 1 })
})
