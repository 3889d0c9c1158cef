// One consumer per durable name: a second Subscribe with the name, from another
// connection, gets DURABLE_BUSY while the first is attached and succeeds once it left;
// other groups under the same name, a tentative one or an unknown ack policy get
// DURABLE_MISMATCH. With explicit acks, what was delivered and not acknowledged within
// ack_wait_ms is delivered again from right after the acknowledged gsn.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ErrorCode } from '../../../codec/error-codes.js'
import { RawClient } from '../helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { publishN } from './helpers.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
})

async function groupIds(c: RawClient, names: string[]): Promise<number[]> {
  c.sendFrame({ type: 'ResolveGroups', names, create: true })
  return (await c.next('Groups')).ids
}

test('a second consumer of one name gets DURABLE_BUSY; mismatches get DURABLE_MISMATCH', { timeout: 60_000 }, async () => {
  const { client: a } = await RawClient.hello(server.wsUrl)
  const [g1, g2] = await groupIds(a, ['busy.a', 'busy.b'])
  a.sendFrame({ type: 'Subscribe', id: 1, groups: [g1!], fromGsn: 0n, tentative: false, name: 'one', ackPolicy: 1 })
  await a.next('Subscribed')
  const { client: b } = await RawClient.hello(server.wsUrl)
  b.sendFrame({ type: 'Subscribe', id: 7, groups: [g1!], fromGsn: 0n, tentative: false, name: 'one', ackPolicy: 1 })
  const busy = await b.next('Error')
  assert.equal(busy.code, ErrorCode.DURABLE_BUSY)
  assert.equal(busy.ref, 7n)
  b.sendFrame({ type: 'Subscribe', id: 8, groups: [g1!, g2!], fromGsn: 0n, tentative: false, name: 'one', ackPolicy: 1 })
  assert.equal((await b.next('Error')).code, ErrorCode.DURABLE_MISMATCH)
  b.sendFrame({ type: 'Subscribe', id: 9, groups: [g1!], fromGsn: 0n, tentative: true, name: 'two', ackPolicy: 1 })
  assert.equal((await b.next('Error')).code, ErrorCode.DURABLE_MISMATCH)
  b.sendFrame({ type: 'Subscribe', id: 10, groups: [g1!], fromGsn: 0n, tentative: false, name: 'two', ackPolicy: 9 })
  assert.equal((await b.next('Error')).code, ErrorCode.DURABLE_MISMATCH)
  b.sendFrame({ type: 'Subscribe', id: 11, groups: [g1!], fromGsn: 0n, tentative: false, name: 'bad name!', ackPolicy: 1 })
  assert.equal((await b.next('Error')).code, ErrorCode.DURABLE_MISMATCH)
  // Once the first consumer left, the second takes over.
  a.sendFrame({ type: 'Unsubscribe', id: 1 })
  await new Promise((r) => setTimeout(r, 100))
  b.sendFrame({ type: 'Subscribe', id: 12, groups: [g1!], fromGsn: 0n, tentative: false, name: 'one', ackPolicy: 1 })
  await b.next('Subscribed', (f) => f.id === 12)
  a.close()
  b.close()
})

test('explicit acks: what is not acknowledged within ack_wait_ms is delivered again', { timeout: 60_000 }, async () => {
  const { client: c } = await RawClient.hello(server.wsUrl)
  const [g] = await groupIds(c, ['redeliver.a'])
  c.sendFrame({ type: 'Subscribe', id: 1, groups: [g!], fromGsn: 0n, tentative: false, name: 'redo', ackPolicy: 1, ackWaitMs: 400 })
  await c.next('Subscribed')
  const gsns = await publishN(server.wsUrl, 'redeliver.a', 6)
  const first: bigint[] = []
  while (first.length < 6) first.push(...(await c.next('Deliver')).messages.map((m) => m.gsn))
  assert.deepEqual(first, gsns)
  c.sendFrame({ type: 'Ack', subscription: 1, gsn: gsns[2]! })
  const again: bigint[] = []
  while (again.length < 3) again.push(...(await c.next('Deliver', () => true, 5000)).messages.map((m) => m.gsn))
  assert.deepEqual(again, gsns.slice(3), 'redelivered from right after the acknowledged gsn')
  c.sendFrame({ type: 'Ack', subscription: 1, gsn: gsns[5]! })
  await new Promise((r) => setTimeout(r, 1000))
  assert.equal(c.frames.filter((f) => f.type === 'Deliver').length, 0, 'nothing comes again once acknowledged')
  c.close()
})
