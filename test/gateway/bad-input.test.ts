// G7 against a server process: random bytes, truncated and corrupted frames,
// wrong union types, frames before Hello, oversized payloads and frames, too
// many groups, unknown and forbidden groups, bad tokens, text frames and HTTP
// garbage each get an Error (with the documented code) or a close with a code;
// the server stays up, and a well-behaved client publishing and subscribing
// meanwhile gets every one of its messages.
import assert from 'node:assert/strict'
import { connect as tcpConnect } from 'node:net'
import { after, before, test } from 'node:test'
import { encodeFrame, encodeHello, encodePublish } from '../../codec/index.js'
import { mintToken } from '../../gateway/auth/token.js'
import { connect, type Client } from '../../gateway/client/index.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'g7-secret'
const token = mintToken(SECRET, { publish: ['ok.>'], subscribe: ['ok.>'] })
let server: ServerProcess
let bystander: Client
let bystanderSub: Client
const bystanderGot: string[] = []
const bystanderSent: string[] = []

before(async () => {
  server = await startServerProcess({ secret: SECRET })
  bystander = await connect(server.wsUrl, { token })
  bystanderSub = await connect(server.wsUrl, { token })
  await bystanderSub.subscribe(['ok.calm'], { fromGsn: 0n }, (b) => {
    while (b.next()) bystanderGot.push(new TextDecoder().decode(b.payload()))
  })
})

after(async () => {
  await bystander?.close()
  await bystanderSub?.close()
  await server?.stop()
})

/** The bystander publishes a few messages between attacks. */
async function calm(): Promise<void> {
  const ps: Promise<unknown>[] = []
  for (let i = 0; i < 20; i++) {
    const text = `calm ${bystanderSent.length}`
    bystanderSent.push(text)
    ps.push(bystander.publish(['ok.calm'], text))
  }
  await Promise.all(ps)
}

async function helloed(): Promise<{ c: RawClient; publisher: bigint; ids: Record<string, number> }> {
  const { client: c, publisher } = await RawClient.hello(server.wsUrl, token)
  c.sendFrame({ type: 'ResolveGroups', names: ['ok.a', 'ok.b'], create: true })
  const g = await c.next('Groups')
  return { c, publisher, ids: { 'ok.a': g.ids[0]!, 'ok.b': g.ids[1]! } }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s
  }
}

test('random bytes, truncated and corrupted frames: an Error or a close with a code, every time', async () => {
  const seed = 7_001
  const rnd = lcg(seed)
  const valid = encodePublish([{ publisher: 1n, pseq: 1n, groups: [1_000_001, 1_000_002], payload: new Uint8Array(40) }])
  for (let round = 0; round < 30; round++) {
    const { c, publisher, ids } = await helloed()
    let bytes: Uint8Array
    const kind = round % 3
    if (kind === 0) {
      bytes = new Uint8Array(1 + (rnd() % 300))
      for (let i = 0; i < bytes.length; i++) bytes[i] = rnd() & 0xff
    } else if (kind === 1) {
      bytes = valid.slice(0, 1 + (rnd() % (valid.length - 1)))
    } else {
      // To ok.a: a corruption that leaves a valid frame publishes there, not to the bystander's group.
      bytes = encodePublish([{ publisher, pseq: 1n, groups: [ids['ok.a']!], payload: new Uint8Array(40) }])
      for (let k = 0; k < 3; k++) bytes[rnd() % bytes.length]! ^= 1 + (rnd() % 255)
    }
    c.send(bytes)
    // Either the server refused it (Error, maybe a close), or the corruption happened to leave a valid frame that was answered.
    const deadline = Date.now() + 3000
    while (Date.now() < deadline && c.frames.length === 0 && c.closed === null) await new Promise((r) => setTimeout(r, 5))
    const answered = c.frames.find((f) => f.type === 'Error' || f.type === 'PublishAck')
    assert.ok(answered !== undefined || c.closed !== null, `seed=${seed} round=${round}: no answer to ${kind === 0 ? 'random bytes' : kind === 1 ? 'a truncated frame' : 'a corrupted frame'}`)
    if (answered?.type === 'Error' && answered.code === ErrorCode.BAD_FRAME) {
      const closed = await c.waitClosed()
      assert.equal(closed.code, 4000 + ErrorCode.BAD_FRAME, `seed=${seed} round=${round}`)
    }
    c.terminate()
  }
  await calm()
})

test('wrong union types: unknown body type closes with BAD_FRAME; a server-only body gets UNEXPECTED_FRAME', async () => {
  const { c } = await helloed()
  const bad = encodeFrame({ type: 'Heartbeat', durableGsn: 0n })
  // Frame.body_type is the byte the Frame vtable points at; rewrite it to 99.
  const view = new DataView(bad.buffer, bad.byteOffset)
  const root = view.getUint32(0, true)
  const vt = root - view.getInt32(root, true)
  const typeOff = view.getUint16(vt + 4, true)
  bad[root + typeOff] = 99
  c.send(bad)
  const e = await c.next('Error')
  assert.equal(e.code, ErrorCode.BAD_FRAME)
  assert.match(e.message, /body/)
  assert.equal((await c.waitClosed()).code, 4001)
  const { c: c2 } = await helloed()
  c2.sendFrame({ type: 'Welcome', publisher: 1n, maxPayload: 1, maxGroups: 1, durableGsn: 0n })
  assert.equal((await c2.next('Error')).code, ErrorCode.UNEXPECTED_FRAME)
  c2.sendFrame({ type: 'Heartbeat', durableGsn: 0n })
  await c2.next('Heartbeat')
  c2.close()
  await calm()
})

test('a frame before Hello: HELLO_REQUIRED and close 4002', async () => {
  const c = await RawClient.open(server.wsUrl)
  c.sendFrame({ type: 'Subscribe', id: 1, groups: [1], fromGsn: 0n, tentative: false })
  assert.equal((await c.next('Error')).code, ErrorCode.HELLO_REQUIRED)
  assert.equal((await c.waitClosed()).code, 4002)
})

test('bad tokens: BAD_TOKEN and close 1008', async () => {
  for (const bad of ['', 'x.y.z', mintToken('other-secret', { publish: ['>'] }), token.slice(0, -3) + 'AAA']) {
    const c = await RawClient.open(server.wsUrl)
    c.send(encodeHello({ token: bad, publisher: 0n }))
    assert.equal((await c.next('Error')).code, ErrorCode.BAD_TOKEN)
    assert.equal((await c.waitClosed()).code, 1008)
  }
})

test('a text frame: TEXT_FRAME and close 1003', async () => {
  const { c } = await helloed()
  c.send('{"hello": "json"}')
  assert.equal((await c.next('Error')).code, ErrorCode.TEXT_FRAME)
  assert.equal((await c.waitClosed()).code, 1003)
})

test('oversized payload, too many groups, unknown and forbidden groups: an Error naming the pseq; the connection stays usable', async () => {
  const { c, publisher, ids } = await helloed()
  const big = new Uint8Array(1024 * 1024 + 1)
  c.send(encodePublish([{ publisher, pseq: 1n, groups: [ids['ok.a']!], payload: big }]))
  let e = await c.next('Error')
  assert.equal(e.code, ErrorCode.PAYLOAD_TOO_LARGE)
  assert.equal(e.ref, 1n)
  c.send(encodePublish([{ publisher, pseq: 1n, groups: Array.from({ length: 17 }, (_, i) => i + 1), payload: new Uint8Array(1) }]))
  e = await c.next('Error')
  assert.equal(e.code, ErrorCode.TOO_MANY_GROUPS)
  c.send(encodePublish([{ publisher, pseq: 1n, groups: [987_654], payload: new Uint8Array(1) }]))
  e = await c.next('Error')
  assert.equal(e.code, ErrorCode.UNKNOWN_GROUP)
  assert.equal(e.ref, 1n)
  // A group the token may not publish to (created by the resolve below would be refused: create it via another name).
  c.sendFrame({ type: 'ResolveGroups', names: ['secret.g'], create: true })
  e = await c.next('Error')
  assert.equal(e.code, ErrorCode.FORBIDDEN_GROUP)
  c.sendFrame({ type: 'Subscribe', id: 5, groups: [987_654], fromGsn: 0n, tentative: false })
  e = await c.next('Error')
  assert.equal(e.code, ErrorCode.UNKNOWN_GROUP)
  assert.equal(e.ref, 5n)
  // After the refusals pseq 1 is still free: the same connection publishes normally.
  c.send(encodePublish([{ publisher, pseq: 1n, groups: [ids['ok.b']!], payload: new Uint8Array(3) }]))
  const ack = await c.next('PublishAck')
  assert.deepEqual(ack.pseqs, [1n])
  assert.equal(c.closed, null)
  c.close()
  await calm()
})

test('a frame above the frame limit: FRAME_TOO_LARGE and close 1009', async () => {
  const { c, publisher, ids } = await helloed()
  const msgs = Array.from({ length: 9 }, (_, i) => ({ publisher, pseq: BigInt(i + 1), groups: [ids['ok.a']!], payload: new Uint8Array(1024 * 1024 - 64) }))
  c.send(encodePublish(msgs))
  const e = await c.next('Error', () => true, 10_000)
  assert.equal(e.code, ErrorCode.FRAME_TOO_LARGE)
  assert.equal((await c.waitClosed()).code, 1009)
})

test('HTTP garbage and bad POST /publish bodies: 4xx or a closed socket; the server stays up', async () => {
  for (const garbage of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', '\x00\x01\x02\x03'.repeat(100), 'POST /publish HTTP/1.1\r\nContent-Length: 5\r\n\r\n{"gr']) {
    await new Promise<void>((resolve) => {
      const s = tcpConnect(server.port, '127.0.0.1', () => s.write(garbage))
      s.on('data', () => {})
      s.on('error', () => resolve())
      s.on('close', () => resolve())
      setTimeout(() => s.destroy(), 500)
    })
  }
  const bad = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"groups": "nope"' })
  assert.equal(bad.status, 400)
  const unauth = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"groups":["ok.a"],"payload":"x"}' })
  assert.equal(unauth.status, 401)
  assert.equal(((await unauth.json()) as { error: { code: number } }).error.code, ErrorCode.BAD_TOKEN)
  const good = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"groups":["ok.calm"],"payload":"http"}' })
  assert.equal(good.status, 200)
  assert.ok(((await good.json()) as { gsn: number }).gsn > 0)
  bystanderSent.push('http') // the bystander's subscriber sees the HTTP message too
  await calm()
})

test('the bystander was not disturbed: every message it published arrived once, in order', async () => {
  const end = Date.now() + 10_000
  while (bystanderGot.length < bystanderSent.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
  assert.deepEqual(bystanderGot, bystanderSent)
  const h = await fetch(`${server.httpUrl}/health`)
  assert.equal(h.status, 200)
  const m = await (await fetch(`${server.httpUrl}/metrics`)).text()
  assert.match(m, /ordo_errors_total\{code="1",name="BAD_FRAME"\} [1-9]/)
  assert.match(m, /ordo_errors_total\{code="3",name="BAD_TOKEN"\} [1-9]/)
})
