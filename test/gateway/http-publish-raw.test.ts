// POST /publish/<group>[,<group>...] as people use it: the raw body, whatever
// its content type, is the payload of one message (curl -d 'hello', a binary
// file with --data-binary, text/plain, JSON text), answered with its gsn once
// durable. Subscribers get exactly those bytes in those groups. Bad paths get
// the usual codes. Real server process; real curl and fetch requests.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import type { WireMessage } from '../../codec/index.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { RawClient } from './helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const run = promisify(execFile)
let server: ServerProcess
const tmp = mkdtempSync(join(tmpdir(), 'ordo-raw-'))

before(async () => {
  server = await startServerProcess({ extraArgs: ['--max-payload', '4096'] })
})
after(async () => {
  await server.stop()
  rmSync(tmp, { recursive: true, force: true })
})

async function curl(...args: string[]): Promise<{ status: number; json: { gsn?: number; publisher?: number; pseq?: number; error?: { code: number; message: string } } }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args])
  const nl = stdout.lastIndexOf('\n')
  return { status: Number(stdout.slice(nl + 1)), json: JSON.parse(stdout.slice(0, nl)) }
}

async function readBack(groups: string[], count: number): Promise<{ messages: WireMessage[]; ids: number[] }> {
  const { client } = await RawClient.hello(server.wsUrl)
  client.sendFrame({ type: 'ResolveGroups', names: groups, create: false })
  const ids = (await client.next('Groups')).ids
  client.sendFrame({ type: 'Subscribe', id: 1, groups: ids, fromGsn: 1n, tentative: false })
  const messages: WireMessage[] = []
  while (messages.length < count) messages.push(...(await client.next('Deliver', () => true, 10_000)).messages)
  client.close()
  return { messages, ids }
}

test("curl -d 'hello' publishes the text; --data-binary publishes a file byte for byte", async () => {
  const a = await curl('-d', 'hello', `${server.httpUrl}/publish/raw.a`)
  assert.equal(a.status, 200, JSON.stringify(a.json))
  assert.ok(a.json.gsn! > 0 && a.json.publisher! > 0 && a.json.pseq! > 0)
  const file = join(tmp, 'blob.bin')
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i)
  writeFileSync(file, bytes)
  const b = await curl('--data-binary', `@${file}`, '-H', 'content-type: application/octet-stream', `${server.httpUrl}/publish/raw.a`)
  assert.equal(b.status, 200, JSON.stringify(b.json))
  assert.equal(b.json.gsn, a.json.gsn! + 1)
  const { messages } = await readBack(['raw.a'], 2)
  assert.equal(new TextDecoder().decode(messages[0]!.payload), 'hello')
  assert.deepEqual(messages[1]!.payload, bytes)
  assert.deepEqual(messages.map((m) => BigInt(m.gsn)), [BigInt(a.json.gsn!), BigInt(b.json.gsn!)])
})

test('any content type is the payload: text/plain with a charset, JSON text, none at all; several groups', async () => {
  const bodies: [string | undefined, string][] = [
    ['text/plain; charset=utf-8', 'héllo wörld'],
    ['application/json', '{"groups":["not","these"],"payload":"x"}'],
    [undefined, ''],
    ['application/x-www-form-urlencoded', 'a=1&b=2'],
  ]
  const gsns: number[] = []
  for (const [ct, body] of bodies) {
    const r = await fetch(`${server.httpUrl}/publish/raw.b,raw.c`, { method: 'POST', headers: ct === undefined ? {} : { 'content-type': ct }, body })
    const j = (await r.json()) as { gsn: number }
    assert.equal(r.status, 200, `${ct}: ${JSON.stringify(j)}`)
    gsns.push(j.gsn)
  }
  const { messages, ids } = await readBack(['raw.b', 'raw.c'], bodies.length)
  assert.deepEqual(messages.map((m) => Number(m.gsn)), gsns)
  assert.deepEqual(messages.map((m) => new TextDecoder().decode(m.payload)), bodies.map(([, b]) => b))
  for (const m of messages) assert.deepEqual(m.groups, ids)
})

test('bad paths and bodies get their codes', async () => {
  const post = async (path: string, body = 'x') => {
    const r = await fetch(`${server.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })
    return { status: r.status, code: ((await r.json()) as { error?: { code: number } }).error?.code }
  }
  assert.deepEqual(await post('/publish/'), { status: 400, code: ErrorCode.EMPTY_GROUPS })
  assert.deepEqual(await post('/publish/raw.a,raw.a'), { status: 400, code: ErrorCode.EMPTY_GROUPS })
  assert.deepEqual(await post('/publish/raw.a,'), { status: 400, code: ErrorCode.BAD_GROUP_NAME })
  assert.deepEqual(await post('/publish/raw%20a'), { status: 400, code: ErrorCode.BAD_GROUP_NAME })
  assert.deepEqual(await post('/publish/%E0%A4%A'), { status: 400, code: ErrorCode.BAD_REQUEST })
  assert.deepEqual(await post(`/publish/${Array.from({ length: 17 }, (_, i) => `g${i}`).join(',')}`), { status: 400, code: ErrorCode.TOO_MANY_GROUPS })
  assert.deepEqual(await post('/publish/raw.a', 'y'.repeat(4097)), { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE })
  assert.equal((await post('/publish/raw.a', 'y'.repeat(4096))).status, 200)
  // POST /publish itself takes JSON or a frame: text/plain is pointed at /publish/<group>.
  const r = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })
  assert.equal(r.status, 415)
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /POST \/publish\/<group>/)
})
