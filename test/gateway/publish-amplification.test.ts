// One frame cannot make the server store many times its size (G7). A Publish
// whose messages all point at one payload vector is refused whole with
// BAD_FRAME (taking it would store 1 800 messages, megabytes of journal),
// and the journal does not grow. Real server process, real WebSocket client.
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import * as flatbuffers from 'flatbuffers'
import * as g from '../../codec/ordo_generated.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({})
})
after(async () => {
  await server.stop()
})

function journalBytes(): number {
  const dir = join(server.dataDir, 'journal')
  let n = 0
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size
  return n
}

/** count messages of publisher/pseq 1.. to group id, all naming one shared payload vector. */
function aliasedPublish(publisher: bigint, group: number, count: number, payloadBytes: number): Uint8Array {
  const b = new flatbuffers.Builder(1024)
  b.forceDefaults(true)
  const payload = b.createByteVector(new Uint8Array(payloadBytes).fill(0x78))
  const offsets: number[] = []
  for (let i = 0; i < count; i++) {
    const gseqs = g.Message.createGseqsVector(b, [0n])
    const groups = g.Message.createGroupsVector(b, [group])
    offsets.push(g.Message.createMessage(b, 0n, publisher, BigInt(i + 1), groups, gseqs, 0n, payload))
  }
  const body = g.Publish.createPublish(b, g.Publish.createMessagesVector(b, offsets))
  g.Frame.finishFrameBuffer(b, g.Frame.createFrame(b, g.Body.Publish, body))
  return b.asUint8Array().slice()
}

test('a frame whose messages share one payload is refused with BAD_FRAME and stores nothing', async () => {
  const { client, publisher } = await RawClient.hello(server.wsUrl)
  client.sendFrame({ type: 'ResolveGroups', names: ['amp.a'], create: true })
  const groups = await client.next('Groups')
  const before = journalBytes()
  const frame = aliasedPublish(publisher, groups.ids[0]!, 1800, 4096)
  assert.ok(frame.length < 150_000)
  client.send(frame)
  const err = await client.next('Error')
  assert.equal(err.code, ErrorCode.BAD_FRAME, err.message)
  assert.match(err.message, /ALIASED_MESSAGES/)
  const closed = await client.waitClosed()
  assert.equal(closed.code, 4000 + ErrorCode.BAD_FRAME)
  // Nothing was sequenced: a fresh publisher's first message gets gsn 1.
  const { client: c2, publisher: p2 } = await RawClient.hello(server.wsUrl)
  c2.sendFrame({ type: 'Publish', messages: [{ gsn: 0n, publisher: p2, pseq: 1n, groups: [groups.ids[0]!], gseqs: [0n], time: 0n, payload: new Uint8Array([1]) }] })
  const ack = await c2.next('PublishAck')
  assert.deepEqual(ack.gsns, [1n])
  assert.ok(journalBytes() - before < 64 * 1024, `journal grew by ${journalBytes() - before} bytes`)
  c2.close()
})

test('the same frame over HTTP is refused with BAD_FRAME', async () => {
  const frame = aliasedPublish(123456n, 1, 1800, 4096)
  const r = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: frame as unknown as BodyInit })
  assert.equal(r.status, 400)
  const j = (await r.json()) as { error: { code: number; message: string } }
  assert.equal(j.error.code, ErrorCode.BAD_FRAME)
  assert.match(j.error.message, /ALIASED_MESSAGES/)
})
