// A client learns nothing about groups its token may not see (G7). Ids of
// groups the token may neither publish nor subscribe to are answered exactly
// like ids that were never assigned (UNKNOWN_GROUP), over WebSocket and HTTP,
// and no error about an id names a group. Real server process, real tokens.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { encodePublish } from '../../codec/index.js'
import { mintToken } from '../../gateway/auth/token.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'visibility-secret'
let server: ServerProcess
let publicId = 0
let payrollId = 0
const NEVER = 4_000_000
const clients: RawClient[] = []

before(async () => {
  server = await startServerProcess({ secret: SECRET, durability: 'memory' })
  const { client } = await RawClient.hello(server.wsUrl, mintToken(SECRET, { sub: 'admin', publish: ['>'], subscribe: ['>'] }))
  clients.push(client)
  client.sendFrame({ type: 'ResolveGroups', names: ['public', 'secret.payroll'], create: true })
  const ids = (await client.next('Groups')).ids
  publicId = ids[0]!
  payrollId = ids[1]!
})
after(async () => {
  for (const c of clients) c.terminate()
  await server.stop()
})

async function hello(claims: { sub: string; publish?: string[]; subscribe?: string[] }) {
  const r = await RawClient.hello(server.wsUrl, mintToken(SECRET, claims))
  clients.push(r.client)
  return r
}

/** The text with the one id replaced, to compare answers about two ids. */
const shape = (text: string, id: number) => text.split(String(id)).join('<id>')

test('subscribing to a hidden id is answered like subscribing to an id that does not exist', async () => {
  const { client } = await hello({ sub: 'pub-reader', subscribe: ['public'] })
  client.sendFrame({ type: 'Subscribe', id: 7, groups: [payrollId], fromGsn: 0n, tentative: false })
  const hidden = await client.next('Error')
  client.sendFrame({ type: 'Subscribe', id: 7, groups: [NEVER], fromGsn: 0n, tentative: false })
  const missing = await client.next('Error')
  assert.equal(hidden.code, ErrorCode.UNKNOWN_GROUP, hidden.message)
  assert.equal(missing.code, hidden.code)
  assert.equal(shape(hidden.message, payrollId), shape(missing.message, NEVER))
  assert.equal(hidden.ref, missing.ref)
  assert.doesNotMatch(hidden.message, /payroll|secret/)
})

test('publishing to a hidden id is answered like publishing to an id that does not exist', async () => {
  const { client, publisher } = await hello({ sub: 'pub-writer', publish: ['public'], subscribe: ['public'] })
  const answers = []
  for (const [pseq, id] of [[1n, payrollId], [1n, NEVER]] as const) {
    client.send(encodePublish([{ publisher, pseq, groups: [publicId, id], payload: new Uint8Array([1]) }]))
    answers.push(await client.next('Error'))
  }
  const [hidden, missing] = answers as [Extract<(typeof answers)[0], object>, Extract<(typeof answers)[0], object>]
  assert.equal(hidden.code, ErrorCode.UNKNOWN_GROUP, hidden.message)
  assert.equal(missing.code, hidden.code)
  assert.equal(shape(hidden.message, payrollId), shape(missing.message, NEVER))
  assert.doesNotMatch(hidden.message, /payroll|secret/)
})

test('over HTTP, a binary frame naming a hidden id gets the answer of an id that does not exist', async () => {
  const token = mintToken(SECRET, { sub: 'http-writer', publish: ['public'] })
  const post = async (id: number) => {
    const frame = encodePublish([{ publisher: 99_001n, pseq: 1n, groups: [id], payload: new Uint8Array([1]) }])
    const r = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` }, body: frame as unknown as BodyInit })
    return { status: r.status, json: (await r.json()) as { error: { code: number; message: string } } }
  }
  const hidden = await post(payrollId)
  const missing = await post(NEVER)
  assert.equal(hidden.json.error.code, ErrorCode.UNKNOWN_GROUP)
  assert.equal(hidden.status, missing.status)
  assert.equal(shape(hidden.json.error.message, payrollId), shape(missing.json.error.message, NEVER))
})

test('a group the token may subscribe to but not publish to: FORBIDDEN_GROUP by id, without its name', async () => {
  const { client, publisher } = await hello({ sub: 'payroll-reader', subscribe: ['secret.>'] })
  client.send(encodePublish([{ publisher, pseq: 1n, groups: [payrollId], payload: new Uint8Array([1]) }]))
  const err = await client.next('Error')
  assert.equal(err.code, ErrorCode.FORBIDDEN_GROUP, err.message)
  assert.match(err.message, new RegExp(`group_id=${payrollId}`))
  assert.doesNotMatch(err.message, /payroll/)
})
