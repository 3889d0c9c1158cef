// A retention cap is stronger than a durable subscription: over --retention-max-bytes the
// oldest segments go although a durable subscription has not acknowledged them, and its
// consumer is told so explicitly (RETAINED_AWAY naming the oldest gsn still kept), never
// shown a silent gap. Subscribing again from that gsn skips the gap knowingly.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ErrorCode } from '../../../codec/error-codes.js'
import { RawClient } from '../helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { api, publishN } from './helpers.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync', extraArgs: ['--segment-bytes', '64KiB', '--retention-bytes', '1', '--retention-max-bytes', '256KiB'] })
})

after(async () => {
  await server?.stop()
})

test('over a retention cap a lagging durable subscription gets RETAINED_AWAY naming the oldest gsn kept', { timeout: 120_000 }, async (t) => {
  const { client: c1 } = await RawClient.hello(server.wsUrl)
  c1.sendFrame({ type: 'ResolveGroups', names: ['cap.a'], create: true })
  const group = (await c1.next('Groups')).ids[0]!
  c1.sendFrame({ type: 'Subscribe', id: 1, groups: [group], fromGsn: 0n, tentative: false, name: 'lagging', ackPolicy: 1, ackWaitMs: 60_000 })
  await c1.next('Subscribed')
  c1.close()
  await c1.waitClosed()

  const gsns = (await publishN(server.wsUrl, 'cap.a', 1000, '', 1000)).map(Number)
  let oldest = 1
  const end = Date.now() + 20_000
  while (oldest <= 1 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250))
    oldest = (await api(server.httpUrl, 'GET', '/api/stats')).body.watermarks.oldestGsn
  }
  t.diagnostic(`oldest gsn kept after the cap: ${oldest}`)
  assert.ok(oldest > 1, 'the cap deleted segments the durable subscription still needed')

  const { client: c2 } = await RawClient.hello(server.wsUrl)
  c2.sendFrame({ type: 'Subscribe', id: 1, groups: [group], fromGsn: 0n, tentative: false, name: 'lagging', ackPolicy: 1, ackWaitMs: 60_000 })
  const s = await c2.next('Subscribed')
  assert.equal(s.ackedGsn ?? 0n, 0n)
  const e = await c2.next('Error', () => true, 15_000)
  assert.equal(e.code, ErrorCode.RETAINED_AWAY)
  assert.equal(Number(e.ref), oldest, 'names the oldest gsn still kept')
  assert.equal(c2.frames.filter((f) => f.type === 'Deliver').length, 0, 'nothing delivered across the gap')

  // Knowingly skip the gap: from the oldest kept gsn.
  c2.sendFrame({ type: 'Subscribe', id: 2, groups: [group], fromGsn: e.ref, tentative: false, name: 'lagging', ackPolicy: 1, ackWaitMs: 60_000 })
  const s2 = await c2.next('Subscribed', (f) => f.id === 2)
  assert.equal(s2.nextGsn, e.ref)
  const d = await c2.next('Deliver', () => true, 15_000)
  assert.equal(Number(d.messages[0]!.gsn), oldest)
  const info = (await api(server.httpUrl, 'GET', '/api/durables/lagging')).body
  assert.equal(info.ackedGsn, oldest - 1, 'starting past the acknowledged gsn acknowledges the skipped range')
  assert.ok(gsns.includes(oldest))
  c2.close()
})
