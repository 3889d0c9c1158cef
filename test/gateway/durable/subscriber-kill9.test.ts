// A durable subscriber process killed with kill -9 in the middle of a stream and started
// again (a new process, the same name) resumes right after the gsn the server has
// acknowledged for it: nothing is lost, and nothing it acknowledged comes again.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { api, DurableSubscriber, processed, publishN, until } from './helpers.js'

let server: ServerProcess
const dir = mkdtempSync(join(tmpdir(), 'ordo-durable-sub-'))

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('kill -9 of a durable subscriber: the next process resumes after the acknowledged gsn, nothing lost, nothing acknowledged repeated', { timeout: 120_000 }, async (t) => {
  const out1 = join(dir, 'first.txt')
  const out2 = join(dir, 'second.txt')
  const s1 = new DurableSubscriber(server.wsUrl, 'dur.a', 'worker', out1, '', 40)
  const [next1, acked1] = await s1.subscribed()
  assert.equal(acked1, next1 - 1, 'a new durable subscription starts from now')
  const gsns = (await publishN(server.wsUrl, 'dur.a', 1500)).map(Number)
  await until(() => processed(out1).length >= 400, 'the first subscriber processed 400 messages', 60_000)
  const before = (await api(server.httpUrl, 'GET', '/api/durables/worker')).body
  await s1.kill9()
  const p1 = processed(out1)
  const sentAck = s1.lastAck
  assert.ok(p1.length < gsns.length, 'killed in the middle of the stream')

  const s2 = new DurableSubscriber(server.wsUrl, 'dur.a', 'worker', out2)
  try {
    const [next2, acked2] = await s2.subscribed()
    t.diagnostic(`first process: processed=${p1.length}, last ack sent=${sentAck}; server before the kill: ackedGsn=${before.ackedGsn}; resumed: acked_gsn=${acked2}, next_gsn=${next2}`)
    assert.ok(acked2 >= before.ackedGsn, 'acknowledgements never move back')
    assert.ok(acked2 <= sentAck, 'the server acknowledges only what the consumer acknowledged')
    assert.equal(next2, acked2 + 1)
    const last = gsns[gsns.length - 1]!
    await until(() => processed(out2).at(-1) === last, 'the second subscriber reached the last message', 60_000)
    const p2 = processed(out2)
    assert.equal(p2[0], acked2 + 1, 'resumes right after the acknowledged gsn')
    assert.ok(p2.every((g) => g > acked2), 'nothing acknowledged is delivered again')
    for (let i = 1; i < p2.length; i++) assert.ok(p2[i]! > p2[i - 1]!, 'in gsn order, once')
    const seen = new Set([...p1.filter((g) => g <= acked2), ...p2])
    assert.deepEqual(gsns.filter((g) => !seen.has(g)), [], 'nothing is lost')
    await until(() => s2.lastAck === last, 'the last ack')
    const r = await api(server.httpUrl, 'GET', '/api/durables/worker')
    assert.equal(r.status, 200)
    assert.equal(r.body.attached, true)
  } finally {
    await s2.kill9()
  }
})
