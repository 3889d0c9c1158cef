// The Authorization scheme name is case-insensitive (RFC 9110 section 11.1):
// `bearer`, `Bearer` and `BEARER` all carry the token; other schemes and a
// missing token are refused with BAD_TOKEN (401). Real server, real requests.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../gateway/auth/token.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { startServerProcess, type ServerProcess } from './helpers/server-process.js'

const SECRET = 'bearer-scheme-secret'
const token = mintToken(SECRET, { sub: 'http-user', publish: ['h.>'] })
let server: ServerProcess

before(async () => {
  server = await startServerProcess({ secret: SECRET })
})
after(async () => {
  await server.stop()
})

async function publishWith(authorization: string) {
  const r = await fetch(`${server.httpUrl}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ groups: ['h.a'], payload: 'x' }),
  })
  return { status: r.status, json: (await r.json()) as { gsn?: number; error?: { code: number } } }
}

test('bearer, Bearer and BEARER are the same scheme', async () => {
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    const r = await publishWith(`${scheme} ${token}`)
    assert.equal(r.status, 200, `${scheme}: ${JSON.stringify(r.json)}`)
    assert.ok(typeof r.json.gsn === 'number' && r.json.gsn > 0)
  }
})

test('another scheme or no token is refused with BAD_TOKEN', async () => {
  for (const value of [`Basic ${token}`, 'Bearer', 'bearer ', token]) {
    const r = await publishWith(value)
    assert.equal(r.status, 401, JSON.stringify(value))
    assert.equal(r.json.error?.code, ErrorCode.BAD_TOKEN)
  }
})
