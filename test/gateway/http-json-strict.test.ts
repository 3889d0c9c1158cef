// POST /publish with a JSON body is read strictly: a payload given as
// {"base64": …} that is not base64 is refused (never read as an empty
// payload), and only the media type application/json is JSON (parameters such
// as charset allowed): application/jsonx and friends are refused with 415.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ErrorCode } from '../../codec/error-codes.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'memory' })
})
after(async () => {
  await server.stop()
})

async function post(body: string, contentType: string) {
  const r = await fetch(`${server.httpUrl}/publish`, { method: 'POST', headers: { 'content-type': contentType }, body })
  return { status: r.status, json: (await r.json()) as { gsn?: number; error?: { code: number; message: string } } }
}

test('invalid base64 payloads are refused with BAD_REQUEST', async () => {
  for (const b64 of ['!!!!', 'abcde', 'ab=c', 'YWJj!', 'YW Jj', 'YWJj===', 'YR==', 'YWJ=', '*']) {
    const r = await post(JSON.stringify({ groups: ['j.a'], payload: { base64: b64 } }), 'application/json')
    assert.equal(r.status, 400, `${JSON.stringify(b64)}: ${JSON.stringify(r.json)}`)
    assert.equal(r.json.error?.code, ErrorCode.BAD_REQUEST)
    assert.match(r.json.error!.message, /base64/)
  }
  for (const b64 of ['', 'YWJj', 'YWI=', 'YQ==', 'YWI', '-_-_']) {
    const r = await post(JSON.stringify({ groups: ['j.a'], payload: { base64: b64 } }), 'application/json')
    assert.equal(r.status, 200, `${JSON.stringify(b64)}: ${JSON.stringify(r.json)}`)
  }
})

test('only application/json (with parameters) is JSON', async () => {
  const body = JSON.stringify({ groups: ['j.a'], payload: 'x' })
  for (const ct of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/json ; charset="utf-8"']) {
    const r = await post(body, ct)
    assert.equal(r.status, 200, `${ct}: ${JSON.stringify(r.json)}`)
  }
  for (const ct of ['application/jsonx', 'application/json-seq', 'application/jsonp; charset=utf-8', 'text/json2']) {
    const r = await post(body, ct)
    assert.equal(r.status, 415, `${ct}: ${JSON.stringify(r.json)}`)
    assert.equal(r.json.error?.code, ErrorCode.BAD_REQUEST)
  }
})
