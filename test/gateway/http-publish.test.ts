// POST /publish: a JSON message is answered with its gsn once durable; a retry
// with the same publisher and pseq gets the same gsn (deduplicated); a binary
// Publish frame works too; bad bodies, forbidden groups and oversized payloads
// get 4xx with the wire error code.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { encodePublish } from '../../codec/index.js'
import { mintToken } from '../../gateway/auth/token.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { GatewayServer } from '../../gateway/server.js'
import { MemoryEngine } from './helpers/memory-engine.js'

const SECRET = 'http-secret'
const token = mintToken(SECRET, { publish: ['web.>'], subscribe: ['web.>'] })
let server: GatewayServer
let engine: MemoryEngine
let base: string

before(async () => {
  engine = new MemoryEngine({ maxPayload: 1000 })
  server = await GatewayServer.start(engine, { port: 0, secret: SECRET })
  base = `http://127.0.0.1:${server.port}`
})

after(() => server.closeNow())

async function post(body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${base}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: (typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body)) as string,
  })
  return { status: r.status, json: (await r.json()) as Record<string, unknown> & { error?: { code: number; name: string } } }
}

test('a JSON publish answers its gsn; text and base64 payloads arrive as bytes', async () => {
  const a = await post({ groups: ['web.a'], payload: 'hello' })
  assert.equal(a.status, 200)
  const b = await post({ groups: ['web.a', 'web.b'], payload: { base64: Buffer.from([0, 1, 2, 255]).toString('base64') } })
  assert.equal(b.status, 200)
  assert.equal(b.json.gsn, (a.json.gsn as number) + 1)
  assert.equal(new TextDecoder().decode(engine.log[(a.json.gsn as number) - 1]!.subarray(100, 105)), 'hello')
})

test('a retry with the same publisher and pseq is answered with the original gsn', async () => {
  const first = await post({ groups: ['web.a'], payload: 'once', publisher: 777, pseq: 1 })
  const again = await post({ groups: ['web.a'], payload: 'once', publisher: 777, pseq: 1 })
  assert.equal(first.status, 200)
  assert.equal(again.json.gsn, first.json.gsn)
  const next = await post({ groups: ['web.a'], payload: 'twice', publisher: 777, pseq: 2 })
  assert.equal(next.json.gsn, (first.json.gsn as number) + 1)
  // Two identical requests at once: both answered, with one gsn.
  const [x, y] = await Promise.all([post({ groups: ['web.a'], payload: 'race', publisher: 778, pseq: 1 }), post({ groups: ['web.a'], payload: 'race', publisher: 778, pseq: 1 })])
  assert.equal(x.status, 200)
  assert.equal(y.status, 200)
  assert.equal(x.json.gsn, y.json.gsn)
})

test('a binary Publish frame is accepted and answered with its gsns', async () => {
  const [id] = engine.resolveGroupIds(['web.bin'], true)
  const frame = encodePublish([1n, 2n].map((pseq) => ({ publisher: 4242n, pseq, groups: [id!], payload: new Uint8Array([Number(pseq)]) })))
  const r = await post(frame, { 'content-type': 'application/octet-stream' })
  assert.equal(r.status, 200, JSON.stringify(r.json))
  assert.deepEqual(r.json.pseqs, [1, 2])
  const gsns = r.json.gsns as number[]
  assert.equal(gsns[1], gsns[0]! + 1)
})

test('refusals: bad JSON 400, forbidden 403, too large 413, no token 401, unknown path 404', async () => {
  const bad = await post('{"groups":')
  assert.equal(bad.status, 400)
  assert.equal(bad.json.error!.code, ErrorCode.BAD_REQUEST)
  const forbidden = await post({ groups: ['other'], payload: 'x' })
  assert.equal(forbidden.status, 403)
  assert.equal(forbidden.json.error!.code, ErrorCode.FORBIDDEN_GROUP)
  const big = await post({ groups: ['web.a'], payload: 'x'.repeat(1001) })
  assert.equal(big.status, 413)
  assert.equal(big.json.error!.code, ErrorCode.PAYLOAD_TOO_LARGE)
  const noGroups = await post({ groups: [], payload: 'x' })
  assert.equal(noGroups.json.error!.code, ErrorCode.EMPTY_GROUPS)
  const badName = await post({ groups: ['web a'], payload: 'x' })
  assert.equal(badName.json.error!.code, ErrorCode.BAD_GROUP_NAME)
  const noToken = await post({ groups: ['web.a'], payload: 'x' }, { authorization: '' })
  assert.equal(noToken.status, 401)
  const nowhere = await fetch(`${base}/nowhere`)
  assert.equal(nowhere.status, 404)
})
