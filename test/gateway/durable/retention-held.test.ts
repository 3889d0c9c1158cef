// Retention and durable subscriptions, on a real server with small segments and a size
// limit far below what is written: a durable subscription that has not acknowledged
// holds every segment from its acknowledged gsn on (stable_gsn stays there), and once it
// acknowledges, retention deletes them and stable_gsn moves up.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RawClient } from '../helpers/raw-client.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { api, publishN } from './helpers.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync', extraArgs: ['--segment-bytes', '64KiB', '--retention-bytes', '1'] })
})

after(async () => {
  await server?.stop()
})

async function stats(): Promise<{ oldest: number; segments: number; stable: number; durable: number }> {
  const s = (await api(server.httpUrl, 'GET', '/api/stats')).body
  const h = (await api(server.httpUrl, 'GET', '/health')).body
  return { oldest: s.watermarks.oldestGsn, segments: s.journal.segments, stable: h.stableGsn, durable: h.durableGsn }
}

async function subscribeDurable(c: RawClient, group: number, name: string): Promise<{ nextGsn: bigint; ackedGsn: bigint }> {
  c.sendFrame({ type: 'Subscribe', id: 1, groups: [group], fromGsn: 0n, tentative: false, name, ackPolicy: 1, ackWaitMs: 60_000 })
  const s = await c.next('Subscribed')
  return { nextGsn: s.nextGsn, ackedGsn: s.ackedGsn ?? 0n }
}

test('a slow durable subscription holds retention; its ack releases it', { timeout: 120_000 }, async (t) => {
  // The durable subscription exists before anything is published, then its consumer leaves.
  const { client: c1 } = await RawClient.hello(server.wsUrl)
  c1.sendFrame({ type: 'ResolveGroups', names: ['ret.a'], create: true })
  const group = (await c1.next('Groups')).ids[0]!
  const first = await subscribeDurable(c1, group, 'slow')
  assert.equal(first.ackedGsn, 0n)
  c1.close()
  await c1.waitClosed()

  // ~1 KB messages: about 15 segments of 64 KiB.
  const gsns = (await publishN(server.wsUrl, 'ret.a', 1000, '', 1000)).map(Number)
  const last = gsns[gsns.length - 1]!
  // Retention runs every 2 s: give it three rounds; it must keep everything from gsn 1.
  await new Promise((r) => setTimeout(r, 6500))
  const held = await stats()
  t.diagnostic(`held: ${JSON.stringify(held)}`)
  assert.equal(held.oldest, 1, 'nothing the durable subscription needs was deleted')
  assert.ok(held.segments > 3, `several segments kept: ${held.segments}`)
  assert.equal(held.stable, 0, 'stable_gsn stays at the unacknowledged durable')

  // The consumer comes back, takes everything and acknowledges it.
  const { client: c2 } = await RawClient.hello(server.wsUrl)
  const again = await subscribeDurable(c2, group, 'slow')
  assert.equal(again.nextGsn, 1n)
  let got = 0
  while (got < gsns.length) {
    const d = await c2.next('Deliver', () => true, 30_000)
    got += d.messages.length
    c2.sendFrame({ type: 'Ack', subscription: 1, gsn: d.messages[d.messages.length - 1]!.gsn })
  }
  let now = await stats()
  const end = Date.now() + 20_000
  while ((now.oldest <= 1 || now.stable < last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250))
    now = await stats()
  }
  t.diagnostic(`released: ${JSON.stringify(now)}`)
  assert.ok(now.oldest > 1, 'retention deleted what was acknowledged')
  assert.ok(now.segments < held.segments)
  assert.ok(now.stable >= last, `stable_gsn moved up to the ack: ${now.stable} >= ${last}`)
  c2.close()
})
