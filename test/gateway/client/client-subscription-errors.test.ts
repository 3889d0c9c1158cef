// Errors are routed by field: a refused Subscribe carries its subscription id in
// Error.subscription, so a subscription and a publish refused with the same code
// and the same numeric ref (subscription 1, pseq 1) each fail alone.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, ErrorCode, OrdoError } from '../../../gateway/client/index.js'
import type { GatewayServer } from '../../../gateway/server.js'
import { memoryServer, token } from '../helpers/client-fixture.js'

let server: GatewayServer

before(async () => {
  server = await memoryServer()
})

after(() => server.closeNow())

test('subscription 1 and pseq 1 refused with FORBIDDEN_GROUP at once: each fails alone, told apart by field', { timeout: 10_000 }, async () => {
  // sub.x is made by a token that may publish to it: creating a group needs that right, which c lacks.
  const maker = await connect(server.url, { token: token({ publish: ['sub.x'] }) })
  await maker.resolveGroups(['sub.x'])
  await maker.close()
  const c = await connect(server.url, { token: token({ publish: ['pub.*'], subscribe: ['sub.*'] }) })
  await c.resolveGroups(['pub.x', 'sub.x'])
  // The client's first subscription (id 1) to a group it may not read, and its first message (pseq 1) to a
  // group it may not write, in the same turn.
  const [s, p, ok] = await Promise.allSettled([c.subscribe(['pub.x'], {}, () => {}), c.publish(['sub.x'], 'no'), c.publish(['pub.x'], 'yes')])
  assert.equal(s.status, 'rejected')
  const se = (s as PromiseRejectedResult).reason as OrdoError
  assert.ok(se instanceof OrdoError)
  assert.equal(se.wireCode, ErrorCode.FORBIDDEN_GROUP)
  assert.equal(se.subscription, 1)
  assert.equal(se.ref, 1n)
  assert.equal(p.status, 'rejected')
  const pe = (p as PromiseRejectedResult).reason as OrdoError
  assert.equal(pe.wireCode, ErrorCode.FORBIDDEN_GROUP)
  assert.equal(pe.subscription, 0)
  assert.equal(pe.ref, 1n)
  assert.equal(ok.status, 'fulfilled', 'the message after the refused one was renumbered and taken')
  await c.close()
})
