// The server killed with kill -9 while a durable subscriber acknowledges, and started
// again on the same directory: the durable subscription is there, its acknowledged gsn
// is at least what the server had saved before the kill and at most what the consumer
// acknowledged, and a consumer resuming with the name gets everything after it once.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { api, DurableSubscriber, processed, publishN, until } from './helpers.js'

let server: ServerProcess
const dir = mkdtempSync(join(tmpdir(), 'ordo-durable-srv-'))

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('kill -9 of the server: the durable subscription resumes after its saved acknowledgement, nothing lost, nothing acknowledged repeated', { timeout: 120_000 }, async (t) => {
  const out1 = join(dir, 'first.txt')
  const out2 = join(dir, 'second.txt')
  const s1 = new DurableSubscriber(server.wsUrl, 'dur.s', 'ledger', out1, '', 40)
  await s1.subscribed()
  const gsns = (await publishN(server.wsUrl, 'dur.s', 1500)).map(Number)
  await until(() => processed(out1).length >= 500, 'the subscriber processed 500 messages', 60_000)
  const saved = (await api(server.httpUrl, 'GET', '/api/durables/ledger')).body.savedGsn as number
  await server.kill9()
  await s1.exited // its connection closed with the server
  const p1 = processed(out1)
  const sentAck = s1.lastAck
  await server.start()
  const more = (await publishN(server.wsUrl, 'dur.s', 200)).map(Number)
  const all = [...gsns, ...more]

  const s2 = new DurableSubscriber(server.wsUrl, 'dur.s', 'ledger', out2)
  try {
    const [next2, acked2] = await s2.subscribed()
    t.diagnostic(`before the kill: saved=${saved}, last ack sent=${sentAck}, processed=${p1.length}; after the restart: acked_gsn=${acked2}`)
    assert.ok(acked2 >= saved, `the saved acknowledgement survived: acked=${acked2}, saved=${saved}`)
    assert.ok(acked2 <= sentAck, 'never more than the consumer acknowledged')
    assert.equal(next2, acked2 + 1)
    const last = all[all.length - 1]!
    await until(() => processed(out2).at(-1) === last, 'the resumed subscriber reached the last message', 60_000)
    const p2 = processed(out2)
    assert.equal(p2[0], acked2 + 1)
    assert.ok(p2.every((g) => g > acked2), 'nothing acknowledged comes again')
    for (let i = 1; i < p2.length; i++) assert.ok(p2[i]! > p2[i - 1]!, 'in gsn order, once')
    const seen = new Set([...p1.filter((g) => g <= acked2), ...p2])
    assert.deepEqual(all.filter((g) => !seen.has(g)), [], 'nothing is lost')
  } finally {
    await s2.kill9()
  }
})
