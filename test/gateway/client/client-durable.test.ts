// The client library's durable subscriptions against a real server process: a client
// that closes and a new one with the same name resume right after what was acknowledged
// (ackPolicy 'afterHandler' and explicit sub.ack), and a client that stays up while the
// server is killed with kill -9 and restarted goes on after its acknowledgements:
// nothing lost, nothing it acknowledged handed over again.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connect, ErrorCode, OrdoError, type DeliverBatch } from '../../../gateway/client/index.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'

let server: ServerProcess

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
})

function gsns(b: DeliverBatch, into: bigint[]): void {
  while (b.next()) into.push(b.gsn)
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function publish(group: string, n: number): Promise<bigint[]> {
  const p = await connect(server.wsUrl)
  const out: bigint[] = []
  for (let i = 0; i < n; i++) out.push((await p.publish([group], `m${i}`)).gsn)
  await p.close()
  return out
}

test('afterHandler and explicit acks: a new client with the name resumes after what was acknowledged', { timeout: 60_000 }, async (t) => {
  const c1 = await connect(server.wsUrl)
  t.after(() => c1.close())
  const got1: bigint[] = []
  const auto = await c1.subscribe(['cd.a'], { durable: 'auto', ackPolicy: 'afterHandler' }, (b) => gsns(b, got1))
  const got1x: bigint[] = []
  const manual = await c1.subscribe(['cd.a'], { durable: 'manual' }, (b) => gsns(b, got1x))
  const first = await publish('cd.a', 30)
  await until(() => got1.length === 30 && got1x.length === 30, 'first 30')
  manual.ack(first[9]!)
  assert.throws(() => (auto as unknown as { ack(g: bigint): void }).ack(-1n), OrdoError)
  // A second consumer of the name while the first is attached: refused, clearly.
  const other = await connect(server.wsUrl)
  await assert.rejects(other.subscribe(['cd.a'], { durable: 'auto' }, () => {}), (e: unknown) => e instanceof OrdoError && e.wireCode === ErrorCode.DURABLE_BUSY)
  await other.close()
  await new Promise((r) => setTimeout(r, 200)) // the acks reach the server
  await c1.close()

  const more = await publish('cd.a', 5)
  const c2 = await connect(server.wsUrl)
  t.after(() => c2.close())
  const got2: bigint[] = []
  const got2x: bigint[] = []
  await c2.subscribe(['cd.a'], { durable: 'auto', ackPolicy: 'afterHandler' }, (b) => gsns(b, got2))
  await c2.subscribe(['cd.a'], { durable: 'manual' }, (b) => gsns(b, got2x))
  await until(() => got2.length === 5 && got2x.length === 25, 'the resumed streams')
  assert.deepEqual(got2, more, 'afterHandler: only what came after the handled ones')
  assert.deepEqual(got2x, [...first.slice(10), ...more], 'explicit: everything after the acknowledged gsn')
  await c2.close()
})

test('the client stays up while the server is killed -9: it goes on after its acknowledgements', { timeout: 90_000 }, async (t) => {
  const c = await connect(server.wsUrl)
  t.after(() => c.close())
  const got: bigint[] = []
  await c.subscribe(['cd.k'], { durable: 'steady', ackPolicy: 'afterHandler' }, (b) => gsns(b, got))
  const before = await publish('cd.k', 200)
  await until(() => got.length === 200, 'before the kill')
  // Killed at once: the last acknowledgements may not have reached the server's disk. The client
  // resubscribes after what it acknowledged, so nothing it handled comes again.
  await server.kill9()
  await server.start()
  const afterKill = await publish('cd.k', 100)
  await until(() => got.length >= 300, 'after the restart', 40_000)
  await new Promise((r) => setTimeout(r, 300))
  assert.deepEqual(got, [...before, ...afterKill], 'every message once, in order: acknowledgements held across the crash')
  await c.close()
})

test('an ack made while the server is down is not lost: the client resumes after it', { timeout: 90_000 }, async (t) => {
  const c = await connect(server.wsUrl)
  t.after(() => c.close())
  const got: bigint[] = []
  const sub = await c.subscribe(['cd.e'], { durable: 'offline-ack' }, (b) => gsns(b, got))
  const before = await publish('cd.e', 50)
  await until(() => got.length === 50, 'before the kill')
  await server.kill9()
  // The consumer finishes its work and acknowledges while there is no connection.
  sub.ack(before[49]!)
  await server.start()
  const afterKill = await publish('cd.e', 10)
  await until(() => got.length >= 60, 'after the restart', 40_000)
  await new Promise((r) => setTimeout(r, 300))
  assert.deepEqual(got, [...before, ...afterKill], 'nothing acknowledged comes again')
  await c.close()
})
