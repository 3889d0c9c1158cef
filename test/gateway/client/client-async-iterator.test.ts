// for await (const m of client.subscribe(groups)): messages in gsn order, each
// once, as objects with bigint gsn/gseqs and text()/json(); a slow consumer
// makes the subscription pause at the server and resume later, so the buffer
// stays bounded and nothing is lost or repeated; break closes the subscription;
// a refused subscription throws from the loop with its subscription id.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, ErrorCode, OrdoError, type ClientMessage } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { memoryServer, sleep, token } from '../helpers/client-fixture.js'

let server: GatewayServer

before(async () => {
  server = await memoryServer()
})

after(() => server.closeNow())

test('messages arrive in order as objects; break ends the loop and closes the subscription', async () => {
  const pub = await connect(server.url, { token: token() })
  const sub = await connect(server.url, { token: token() })
  const stream = sub.subscribe(['it.a'])
  await stream.subscribed
  const published = await pub.publishBatch(['it.a'], Array.from({ length: 100 }, (_, i) => JSON.stringify({ i })))
  const got: ClientMessage[] = []
  for await (const m of stream) {
    got.push(m)
    if (got.length === 100) break
  }
  assert.deepEqual(got.map((m) => m.gsn), [...published.gsns])
  assert.deepEqual(got.map((m) => m.json<{ i: number }>().i), Array.from({ length: 100 }, (_, i) => i))
  assert.equal(got[0]!.text(), '{"i":0}')
  assert.deepEqual(got.map((m) => m.gseqs[0]), Array.from({ length: 100 }, (_, i) => BigInt(i + 1)))
  assert.equal(typeof got[0]!.publisher, 'bigint')
  assert.equal(got[99]!.pseq - got[0]!.pseq, 99n)
  // After break nothing more is taken (the subscription is closed at the server).
  await pub.publish(['it.a'], 'after')
  await sleep(100)
  assert.equal(stream.buffered, 0)
  await pub.close()
  await sub.close()
})

test('a slow consumer: the buffer stays bounded, every message arrives once and in order', async () => {
  const pub = await connect(server.url, { token: token() })
  const sub = await connect(server.url, { token: token() })
  const stream = sub.subscribe(['it.slow'], { maxBuffered: 64 })
  await stream.subscribed
  const total = 3000
  const sent = pub.publishBatch(['it.slow'], Array.from({ length: total }, (_, i) => `s${i}`))
  let n = 0
  let maxBuffered = 0
  for await (const m of stream) {
    assert.equal(m.text(), `s${n}`)
    n++
    maxBuffered = Math.max(maxBuffered, stream.buffered)
    if (n % 50 === 0) await sleep(2) // slower than the publisher
    if (n === total) break
  }
  await sent
  assert.equal(n, total)
  // 64 buffered at most, plus the Deliver frame that crossed the mark (the server sends up to 256 per frame here).
  assert.ok(maxBuffered <= 64 + 256, `buffered up to ${maxBuffered}`)
  assert.ok(maxBuffered >= 64, `the consumer was slow enough to fill the buffer (max ${maxBuffered})`)
  await pub.close()
  await sub.close()
})

test('a refused subscription throws from the loop with code and subscription id; close() ends loops normally', async () => {
  const c = await connect(server.url, { token: token({ subscribe: ['ok.*'] }) })
  await c.resolveGroups(['secret'])
  const refused = c.subscribe(['secret'])
  await assert.rejects(
    (async () => {
      for await (const _ of refused) assert.fail('no message expected')
    })(),
    (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.FORBIDDEN_GROUP && e.subscription > 0,
  )
  const open = c.subscribe(['ok.x'])
  await open.subscribed
  const loop = (async () => {
    let n = 0
    for await (const _ of open) n++
    return n
  })()
  await c.close()
  assert.equal(await loop, 0)
})
