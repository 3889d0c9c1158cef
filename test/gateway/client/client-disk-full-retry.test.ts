// The client library when the server's journal cannot write: a publish refused with
// DISK_FULL is not rejected and not renumbered; the client keeps it in flight, reports the
// condition once through onError, and sends it again with the same pseq until the server
// takes it, then it resolves (with the gsn the server gives).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, ErrorCode, type OrdoError } from '../../../gateway/client/index.js'
import { GatewayServer } from '../../../gateway/server.js'
import { MemoryEngine } from '../helpers/memory-engine.js'

test('DISK_FULL: publishes stay in flight, are resent with their pseqs and resolve once the server writes again', async () => {
  const engine = new MemoryEngine()
  const server = await GatewayServer.start(engine, { port: 0 })
  const errors: OrdoError[] = []
  const client = await connect(server.url, { onError: (e) => errors.push(e) })
  try {
    const first = await client.publish(['d'], 'before')
    assert.equal(first.gsn, 1n)
    engine.journalFails()
    let settled = 0
    const pending = [client.publish(['d'], 'one'), client.publish(['d'], 'two'), client.publish(['d'], 'three')]
    for (const p of pending) p.then(() => settled++, () => settled++)
    await new Promise((r) => setTimeout(r, 1200)) // at least one resend while still failing
    assert.equal(settled, 0, 'publishes refused with DISK_FULL must stay in flight')
    assert.equal(errors.filter((e) => e.wireCode === ErrorCode.DISK_FULL).length, 1, errors.map((e) => e.message).join(' | '))
    assert.equal(errors[0]!.code, 'DISK_FULL')
    assert.equal(errors[0]!.retryable, true)
    engine.journalWorks()
    const results = await Promise.all(pending)
    assert.deepEqual(results.map((r) => r.gsn), [2n, 3n, 4n])
    assert.deepEqual(results.map((r) => r.pseq), [2n, 3n, 4n], 'resent with the same pseqs, not renumbered')
  } finally {
    await client.close()
    server.closeNow()
  }
})
