// A publisher id belongs to one identity (G4). Another token holder cannot
// take it over by naming it in Hello or in POST /publish: it gets
// PUBLISHER_TAKEN (which does not say who owns the id), the owner stays
// connected, and the owner's resends are still answered with its own gsns.
// Ids the server assigns are bound at once; bindings survive a kill -9 and a
// restart, as the dedupe state they protect does. Real server process.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { encodePublish } from '../../codec/index.js'
import { mintToken } from '../../gateway/auth/token.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'takeover-secret'
let server: ServerProcess
const clients: RawClient[] = []
const claims = { publish: ['t.>'], subscribe: ['t.>'] }
const alice = () => mintToken(SECRET, { sub: 'alice', ...claims })
const mallory = () => mintToken(SECRET, { sub: 'mallory', ...claims })

before(async () => {
  server = await startServerProcess({ secret: SECRET })
})
after(async () => {
  for (const c of clients) c.terminate()
  await server.stop()
})

async function open(token: string): Promise<RawClient> {
  const c = await RawClient.open(server.wsUrl)
  clients.push(c)
  return c
}

/** Hello with `publisher`; the Welcome's id, or the Error frame. */
async function hello(token: string, publisher: bigint) {
  const c = await open(token)
  c.sendFrame({ type: 'Hello', token, publisher })
  const f = await c.nextOf(['Welcome', 'Error'])
  return { c, f }
}

async function groupId(c: RawClient, name: string): Promise<number> {
  c.sendFrame({ type: 'ResolveGroups', names: [name], create: true })
  return (await c.next('Groups')).ids[0]!
}

async function publish(c: RawClient, publisher: bigint, group: number, pseqs: bigint[], text: string): Promise<bigint[]> {
  c.send(encodePublish(pseqs.map((pseq) => ({ publisher, pseq, groups: [group], payload: new TextEncoder().encode(`${text}${pseq}`) }))))
  const gsns: bigint[] = []
  while (gsns.length < pseqs.length) gsns.push(...(await c.next('PublishAck')).gsns)
  return gsns
}

async function httpPublish(token: string, body: unknown) {
  const r = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
  return { status: r.status, json: (await r.json()) as { gsn?: number; error?: { code: number; message: string } } }
}

let assigned = 0n
let aliceGsns: bigint[] = []

test('an assigned id is bound at once: another identity cannot claim it, the owner goes on', async () => {
  const a = await hello(alice(), 0n)
  assert.equal(a.f.type, 'Welcome')
  assigned = (a.f as { publisher: bigint }).publisher
  // Before the owner has published anything.
  const m = await hello(mallory(), assigned)
  assert.equal(m.f.type, 'Error')
  const err = m.f as { code: number; message: string }
  assert.equal(err.code, ErrorCode.PUBLISHER_TAKEN, err.message)
  assert.doesNotMatch(err.message, /alice/)
  assert.equal((await m.c.waitClosed()).code, 4000 + ErrorCode.PUBLISHER_TAKEN)
  const g = await groupId(a.c, 't.a')
  aliceGsns = await publish(a.c, assigned, g, [1n, 2n, 3n], 'alice')
  assert.equal(a.c.closed, null, 'the owner was not disconnected')
})

test('an id named first by its owner cannot be named by another identity, over WebSocket or HTTP', async () => {
  const a = await hello(alice(), 777n)
  assert.equal(a.f.type, 'Welcome')
  const g = await groupId(a.c, 't.a')
  const gsns = await publish(a.c, 777n, g, [1n], 'mine')
  const m = await hello(mallory(), 777n)
  assert.equal((m.f as { code: number }).code, ErrorCode.PUBLISHER_TAKEN)
  const h = await httpPublish(mallory(), { groups: ['t.a'], payload: 'stolen', publisher: 777, pseq: 1 })
  assert.equal(h.status, 403)
  assert.equal(h.json.error?.code, ErrorCode.PUBLISHER_TAKEN)
  const h2 = await httpPublish(mallory(), { groups: ['t.a'], payload: 'stolen', publisher: Number(assigned), pseq: 4 })
  assert.equal(h2.json.error?.code, ErrorCode.PUBLISHER_TAKEN)
  // The owner, with a token minted later (same subject), gets its own gsn for a
  // resend (once its WebSocket, which holds the id, is gone).
  a.c.close()
  await a.c.waitClosed()
  // The client sees its close before the server has seen the socket go (the ws transport
  // reports it a little later): while the server still counts the connection, the id is
  // held (409 BAD_PUBLISHER); once it is gone, the resend is answered. Bounded: 5 s.
  let own = await httpPublish(alice(), { groups: ['t.a'], payload: 'mine1', publisher: 777, pseq: 1 })
  for (let i = 0; i < 100 && own.status === 409 && own.json.error?.code === ErrorCode.BAD_PUBLISHER; i++) {
    await new Promise((r) => setTimeout(r, 50))
    own = await httpPublish(alice(), { groups: ['t.a'], payload: 'mine1', publisher: 777, pseq: 1 })
  }
  assert.equal(own.status, 200, JSON.stringify(own.json))
  assert.equal(BigInt(own.json.gsn!), gsns[0])
})

test('after kill -9 and a restart the bindings hold, and the owner resumes its id', async () => {
  for (const c of clients.splice(0)) c.terminate()
  await server.kill9()
  await server.start()
  const m = await hello(mallory(), assigned)
  assert.equal((m.f as { code: number }).code, ErrorCode.PUBLISHER_TAKEN)
  const h = await httpPublish(mallory(), { groups: ['t.a'], payload: 'stolen', publisher: Number(assigned), pseq: 2 })
  assert.equal(h.json.error?.code, ErrorCode.PUBLISHER_TAKEN)
  const a = await hello(alice(), assigned)
  assert.equal(a.f.type, 'Welcome')
  const g = await groupId(a.c, 't.a')
  // Resends are answered with the original gsns; the next pseq goes on.
  assert.deepEqual(await publish(a.c, assigned, g, [1n, 2n, 3n], 'alice'), aliceGsns)
  const [next] = await publish(a.c, assigned, g, [4n], 'alice')
  assert.ok(next! > aliceGsns[2]!)
})

test('a token without a subject is an identity of its own', async () => {
  const t1 = mintToken(SECRET, { ...claims, now: Date.now() - 5000 })
  const t2 = mintToken(SECRET, { ...claims, now: Date.now() })
  const a = await hello(t1, 0n)
  const id = (a.f as { publisher: bigint }).publisher
  const b = await hello(t2, id)
  assert.equal((b.f as { code: number }).code, ErrorCode.PUBLISHER_TAKEN)
  const again = await hello(t1, id)
  assert.equal(again.f.type, 'Welcome', 'the same token may come back with its id')
})
