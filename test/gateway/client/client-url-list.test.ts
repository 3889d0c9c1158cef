// connect() with several URLs, against two real gateway servers: a URL with no
// server behind it is skipped, and when the server in use goes away the client
// moves on to the next URL by itself and keeps publishing. (A follower's Welcome
// and NOT_LEADER are decided by the same Endpoints object, endpoints.test.ts;
// servers that send them come with clusters.)
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { memoryServer, token, until } from '../helpers/client-fixture.js'
import { freePort } from '../helpers/server-process.js'

let a: GatewayServer
let b: GatewayServer

before(async () => {
  a = await memoryServer()
  b = await memoryServer()
})

after(() => {
  a.closeNow()
  b.closeNow()
})

test('a dead URL first: the client connects to the next one', async () => {
  const dead = `ws://127.0.0.1:${await freePort()}/`
  const c = await connect([dead, b.url], { token: token(), backoff: { initialMs: 10, maxMs: 50 } })
  assert.equal(c.url, b.url)
  assert.equal(c.role, 'standalone')
  await c.publish(['urls.a'], 'x')
  await c.close()
})

test('the server in use goes away: the client moves to the next URL and keeps publishing', async () => {
  const states: string[] = []
  const c = await connect([a.url, b.url], { token: token(), backoff: { initialMs: 10, maxMs: 50 }, onState: (s) => states.push(s) })
  assert.equal(c.url, a.url)
  await c.publish(['urls.b'], 'on a')
  a.closeNow()
  const r = await c.publish(['urls.b'], 'on b')
  assert.equal(typeof r.gsn, 'bigint')
  assert.equal(c.url, b.url)
  await until(() => states.includes('disconnected'))
  assert.ok(c.connections >= 2)
  await c.close()
})
