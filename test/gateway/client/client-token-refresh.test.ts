// Tokens that expire: with getToken the client asks for a fresh token before
// every connection, so a reconnect after the first token expired goes on; with a
// fixed token that reconnect is refused with BAD_TOKEN, which ends the client
// (closed() resolves with that error); a fresh token of another identity (another
// subject, or no subject and another signature) cannot take the publisher id
// over: PUBLISHER_TAKEN ends the client. Real tokens with a 1 s lifetime.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, ErrorCode, OrdoError } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { memoryServer, sleep, token, until } from '../helpers/client-fixture.js'

let server: GatewayServer

before(async () => {
  server = await memoryServer()
})

after(() => server.closeNow())

test('getToken is called on every (re)connect: an expired first token is no obstacle', async () => {
  let calls = 0
  const c = await connect(server.url, {
    getToken: () => {
      calls++
      // One subject: every fresh token is the same identity, which owns the client's publisher id.
      return Promise.resolve(token({ ttlMs: 1000, sub: 'refreshing-svc' }))
    },
  })
  assert.equal(calls, 1)
  assert.equal(typeof (await c.publish(['tok.a'], 'one')).gsn, 'bigint')
  await sleep(2100) // the first token's exp (whole seconds) has passed
  c.disconnect()
  await until(() => c.connections === 2, 10_000, 'a reconnect with a fresh token')
  assert.ok(calls >= 2)
  await c.publish(['tok.a'], 'two')
  await c.close()
  assert.equal(await c.closed(), undefined)
})

test('a fixed token that expired: the reconnect is refused with BAD_TOKEN and closed() says so', async () => {
  const errors: OrdoError[] = []
  const c = await connect(server.url, { token: token({ ttlMs: 1000 }), onError: (e) => errors.push(e) })
  await c.publish(['tok.b'], 'one')
  await sleep(2100)
  c.disconnect()
  const reason = await c.closed()
  assert.ok(reason instanceof OrdoError)
  assert.equal(reason.wireCode, ErrorCode.BAD_TOKEN)
  await assert.rejects(c.publish(['tok.b'], 'two'), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.BAD_TOKEN)
  assert.ok(errors.some((e) => e.wireCode === ErrorCode.BAD_TOKEN))
  await c.close()
})

test('getToken that throws is retried with backoff, not fatal', async () => {
  let calls = 0
  const errors: string[] = []
  const c = await connect(server.url, {
    backoff: { initialMs: 10, maxMs: 50 },
    onError: (e) => errors.push(e.message),
    getToken: () => {
      calls++
      if (calls === 2) throw new Error('token service unavailable')
      return token()
    },
  })
  c.disconnect()
  await until(() => c.connections === 2, 10_000, 'a reconnect after the failed getToken')
  assert.ok(calls >= 3)
  assert.ok(errors.some((m) => m.includes('token service unavailable')), errors.join('; '))
  await c.close()
})

test('a fresh token of another identity cannot take the publisher id over: PUBLISHER_TAKEN ends the client', async () => {
  let calls = 0
  const c = await connect(server.url, { getToken: () => token({ sub: `svc-${++calls}` }) })
  await c.publish(['tok.c'], 'one') // the publisher id is now bound to the first token's identity
  c.disconnect()
  const reason = await c.closed()
  assert.ok(reason instanceof OrdoError)
  assert.equal(reason.code, 'PUBLISHER_TAKEN')
  await c.close()
})
