// publishBatch: both forms resolve with one gsn per message (a BigUint64Array),
// in order, equal to what a subscriber sees; a batch holding a refused message
// rejects with that refusal once every message has settled, and the others are
// delivered. publishText / publishJson and the text()/json() readers.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, ErrorCode, OrdoError } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { collect, memoryServer, token, until, type Got } from '../helpers/client-fixture.js'

let server: GatewayServer

before(async () => {
  server = await memoryServer()
})

after(() => server.closeNow())

test('publishBatch(items) and publishBatch(groups, payloads) resolve with the gsns the subscriber sees', async () => {
  const pub = await connect(server.url, { token: token() })
  const sub = await connect(server.url, { token: token() })
  const got: Got[] = []
  await sub.subscribe(['batch.a', 'batch.b'], {}, collect(got))
  const one = await pub.publishBatch(Array.from({ length: 1500 }, (_, i) => ({ groups: [i % 2 === 0 ? 'batch.a' : 'batch.b'], payload: `i${i}` })))
  const two = await pub.publishBatch(['batch.a'], Array.from({ length: 700 }, (_, i) => new TextEncoder().encode(`p${i}`)))
  const empty = await pub.publishBatch([])
  assert.equal(one.count, 1500)
  assert.ok(one.gsns instanceof BigUint64Array)
  assert.equal(two.count, 700)
  assert.equal(empty.count, 0)
  await until(() => got.length === 2200)
  assert.deepEqual([...one.gsns, ...two.gsns], got.map((g) => g.gsn))
  assert.deepEqual(got.map((g) => g.text), [...Array.from({ length: 1500 }, (_, i) => `i${i}`), ...Array.from({ length: 700 }, (_, i) => `p${i}`)])
  await pub.close()
  await sub.close()
})

test('a batch with a forbidden message rejects with FORBIDDEN_GROUP; its other messages are delivered', async () => {
  const pub = await connect(server.url, { token: token({ publish: ['ok.*'], subscribe: ['ok.*', 'no'] }) })
  const sub = await connect(server.url, { token: token() })
  const got: Got[] = []
  await sub.subscribe(['ok.b'], {}, collect(got))
  // 'no' is made by a token that may publish to it: pub may see it (subscribe right) but not create it.
  await sub.resolveGroups(['no'])
  await pub.resolveGroups(['no'])
  const items = Array.from({ length: 50 }, (_, i) => ({ groups: [i === 20 ? 'no' : 'ok.b'], payload: `b${i}` }))
  await assert.rejects(pub.publishBatch(items), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.FORBIDDEN_GROUP)
  assert.equal(pub.unacknowledged, 0, 'every message of the batch settled before it rejected')
  await until(() => got.length === 49)
  assert.deepEqual(got.map((g) => g.text), items.map((it) => it.payload).filter((p) => p !== 'b20'))
  // A batch with a local problem is refused whole, nothing sent.
  await assert.rejects(pub.publishBatch([{ groups: ['ok.b'], payload: 'fine' }, { groups: [], payload: 'x' }]), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.EMPTY_GROUPS)
  await pub.flush()
  assert.equal(got.length, 49)
  await pub.close()
  await sub.close()
})

test('publishText / publishJson, read back with text() and json()', async () => {
  const pub = await connect(server.url, { token: token() })
  const sub = await connect(server.url, { token: token() })
  const seen: { text: string; json: unknown }[] = []
  await sub.subscribe(['json.a'], {}, (b) => {
    while (b.next()) seen.push({ text: b.text(), json: b.text().startsWith('{') ? b.json() : null })
  })
  const r1 = await pub.publishText(['json.a'], 'grüße ✓')
  const r2 = await pub.publishJson(['json.a'], { order: 7, items: ['a', 'b'], total: 9.5 })
  assert.equal(typeof r1.gsn, 'bigint')
  assert.equal(r2.gsn, r1.gsn + 1n)
  await until(() => seen.length === 2)
  assert.deepEqual(seen, [
    { text: 'grüße ✓', json: null },
    { text: '{"order":7,"items":["a","b"],"total":9.5}', json: { order: 7, items: ['a', 'b'], total: 9.5 } },
  ])
  await assert.rejects(pub.publishJson(['json.a'], undefined), (e: unknown) => e instanceof OrdoError && e.codeName === 'BAD_ARGUMENT')
  await assert.rejects(pub.publishText(['json.a'], 42 as unknown as string), (e: unknown) => e instanceof OrdoError && e.codeName === 'BAD_ARGUMENT')
  await pub.close()
  await sub.close()
})
