// The client library against the server with the in-memory engine: publishes
// resolve with dense gsns in call order, a subscription gets every message once
// in gsn order, it resumes after the socket drops without gap or repeat, and a
// message refused for a forbidden group fails alone while later messages are
// renumbered and acknowledged.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../../gateway/auth/token.js'
import { connect, OrdoError, ErrorCode, type DeliverBatch } from '../../../gateway/client/index.js'
import { GatewayServer } from '../../../gateway/server.js'
import { MemoryEngine } from '../helpers/memory-engine.js'

const SECRET = 'test-secret'
let server: GatewayServer
let url: string

before(async () => {
  server = await GatewayServer.start(new MemoryEngine(), { port: 0, secret: SECRET })
  url = server.url
})

after(() => server.closeNow())

function collect(into: { gsn: number; text: string }[]) {
  const dec = new TextDecoder()
  return (b: DeliverBatch) => {
    while (b.next()) into.push({ gsn: b.gsnNumber, text: dec.decode(b.payload()) })
  }
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('publishes resolve in order with dense gsns; the subscriber sees each once, in order, across a reconnect', async () => {
  const token = mintToken(SECRET, { publish: ['>'], subscribe: ['>'] })
  const pub = await connect(url, { token })
  const sub = await connect(url, { token })
  const got: { gsn: number; text: string }[] = []
  const s = await sub.subscribe(['orders'], { fromGsn: 0n }, collect(got))
  const first = await Promise.all(Array.from({ length: 500 }, (_, i) => pub.publish(['orders'], `m${i}`)))
  const gsns = first.map((r) => Number(r.gsn))
  for (let i = 1; i < gsns.length; i++) assert.equal(gsns[i], gsns[i - 1]! + 1)
  await until(() => got.length === 500)
  sub.disconnect()
  const second = await Promise.all(Array.from({ length: 500 }, (_, i) => pub.publish(['orders'], `n${i}`)))
  await until(() => got.length === 1000)
  assert.equal(sub.connections >= 2, true, 'the subscriber reconnected')
  assert.deepEqual(got.map((g) => g.gsn), [...gsns, ...second.map((r) => Number(r.gsn))])
  assert.equal(got[0]!.text, 'm0')
  assert.equal(got[999]!.text, 'n499')
  assert.equal(s.nextGsn, BigInt(got[999]!.gsn + 1))
  await pub.close()
  await sub.close()
})

test('a publisher that reconnects mid-stream gets every message acknowledged once, none duplicated', async () => {
  const token = mintToken(SECRET, { publish: ['>'], subscribe: ['>'] })
  const pub = await connect(url, { token })
  const sub = await connect(url, { token })
  const got: { gsn: number; text: string }[] = []
  await sub.subscribe(['resend'], { fromGsn: 0n }, collect(got))
  const ps = Array.from({ length: 2000 }, (_, i) => pub.publish(['resend'], `r${i}`))
  setTimeout(() => pub.disconnect(), 1)
  const results = await Promise.all(ps)
  await until(() => got.length >= 2000)
  await new Promise((r) => setTimeout(r, 50))
  assert.equal(got.length, 2000)
  assert.deepEqual(got.map((g) => g.text), Array.from({ length: 2000 }, (_, i) => `r${i}`))
  assert.deepEqual(results.map((r) => Number(r.gsn)), got.map((g) => g.gsn))
  await pub.close()
  await sub.close()
})

test('a message to a forbidden group fails alone; the messages after it are renumbered and delivered', async () => {
  const token = mintToken(SECRET, { publish: ['ok.*'], subscribe: ['ok.*', 'no'] })
  const pub = await connect(url, { token })
  const sub = await connect(url, { token })
  const got: { gsn: number; text: string }[] = []
  await sub.subscribe(['ok.a'], { fromGsn: 0n }, collect(got))
  // 'no' exists (made by a token that may publish to it); this token may resolve
  // it (subscribe grant) but not publish to it, nor would it be allowed to create it.
  const admin = await connect(url, { token: mintToken(SECRET, { publish: ['no'] }) })
  await admin.resolveGroups(['no'])
  await admin.close()
  await pub.resolveGroups(['no'])
  const ps = [pub.publish(['ok.a'], 'before'), pub.publish(['no'], 'forbidden'), pub.publish(['ok.a'], 'after1'), pub.publish(['ok.a'], 'after2')]
  const settled = await Promise.allSettled(ps)
  assert.equal(settled[0]!.status, 'fulfilled')
  assert.equal(settled[1]!.status, 'rejected')
  const err = (settled[1] as PromiseRejectedResult).reason
  assert.ok(err instanceof OrdoError)
  assert.equal(err.wireCode, ErrorCode.FORBIDDEN_GROUP)
  assert.equal(err.code, 'FORBIDDEN_GROUP')
  assert.equal(err.codeName, 'FORBIDDEN_GROUP')
  assert.equal(settled[2]!.status, 'fulfilled')
  assert.equal(settled[3]!.status, 'fulfilled')
  await until(() => got.length === 3)
  assert.deepEqual(got.map((g) => g.text), ['before', 'after1', 'after2'])
  // And the stream goes on.
  await pub.publish(['ok.a'], 'later')
  await until(() => got.length === 4)
  await pub.close()
  await sub.close()
})

test('a bad token fails connect with BAD_TOKEN; local checks refuse bad payloads and names', async () => {
  await assert.rejects(connect(url, { token: 'nope' }), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.BAD_TOKEN && e.code === 'BAD_TOKEN')
  const c = await connect(url, { token: mintToken(SECRET, { publish: ['>'] }) })
  await assert.rejects(c.publish(['bad name'], 'x'), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.BAD_GROUP_NAME && e.code === 'BAD_GROUP_NAME')
  await assert.rejects(c.publish([], 'x'), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.EMPTY_GROUPS && e.code === 'EMPTY_GROUPS')
  await assert.rejects(c.publish(['a'], new Uint8Array(c.maxPayload + 1)), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.PAYLOAD_TOO_LARGE && e.code === 'PAYLOAD_TOO_LARGE')
  await assert.rejects(c.subscribe(['a'], {}, () => {}), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.FORBIDDEN_GROUP && e.code === 'FORBIDDEN_GROUP')
  await c.close()
  await assert.rejects(c.publish(['a'], 'x'), (e: unknown) => e instanceof OrdoError && e.codeName === 'CLOSED')
})
