// A Publish frame whose messages take more room than the engine's ingress
// takes at once gets FRAME_TOO_LARGE with the sizes, over WebSocket and HTTP
// (not an INTERNAL error). An engine with a small ingress ring makes that
// reachable with legal frames; real engine, real gateway, real WebSocket and
// HTTP clients.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { encodePublish } from '../../codec/index.js'
import { Engine } from '../../engine/engine.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { GatewayServer } from '../../gateway/server.js'
import { RawClient } from './helpers/raw-client.js'

let engine: Engine
let server: GatewayServer
const dir = mkdtempSync(join(tmpdir(), 'ordo-ingress-'))

before(async () => {
  engine = await Engine.open({ dataDir: dir, durability: 'async', ingressRingBytes: 64 * 1024, maxPayload: 16 * 1024 })
  server = await GatewayServer.start(engine, { port: 0 })
})
after(async () => {
  await server.close({ closeEngine: () => engine.close() })
  rmSync(dir, { recursive: true, force: true })
})

test('over WebSocket: FRAME_TOO_LARGE naming the stored size and the limit', async () => {
  const { client, publisher } = await RawClient.hello(server.url)
  client.sendFrame({ type: 'ResolveGroups', names: ['big.a'], create: true })
  const id = (await client.next('Groups')).ids[0]!
  const frame = encodePublish(Array.from({ length: 10 }, (_, i) => ({ publisher, pseq: BigInt(i + 1), groups: [id], payload: new Uint8Array(8000) })))
  client.send(frame)
  const err = await client.next('Error')
  assert.equal(err.code, ErrorCode.FRAME_TOO_LARGE, err.message)
  assert.match(err.message, /frame too large for the engine: .*bytes=\d+ stored, max=\d+/)
  await client.waitClosed()
  // The server goes on: a frame that fits is taken.
  const { client: c2, publisher: p2 } = await RawClient.hello(server.url)
  c2.send(encodePublish([{ publisher: p2, pseq: 1n, groups: [id], payload: new Uint8Array(8000) }]))
  const ack = await c2.next('PublishAck')
  assert.equal(ack.gsns.length, 1)
  c2.close()
})

test('over HTTP (binary frame): 413 FRAME_TOO_LARGE', async () => {
  const [id] = engine.resolveGroupIds(['big.b'], true)
  const frame = encodePublish(Array.from({ length: 10 }, (_, i) => ({ publisher: 4242n, pseq: BigInt(i + 1), groups: [id!], payload: new Uint8Array(8000) })))
  const r = await fetch(`http://127.0.0.1:${server.port}/publish`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: frame as unknown as BodyInit })
  const j = (await r.json()) as { error?: { code: number; message: string } }
  assert.equal(r.status, 413, JSON.stringify(j))
  assert.equal(j.error?.code, ErrorCode.FRAME_TOO_LARGE)
})
