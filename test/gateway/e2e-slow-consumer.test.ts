// G6 with processes: a subscriber that stops reading its socket. While it is
// stalled, the publisher and a normal subscriber keep at least half the
// throughput they had before; afterwards the stalled subscriber gets every
// message, in order, without a gap: through catch-up from the journal (long
// slow-consumer timeout), or after being closed with SLOW_CONSUMER and
// resuming from the gsn it named (short timeout).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Proc } from './helpers/proc.js'
import { startServerProcess } from './helpers/server-process.js'

interface SubResult {
  count: number
  violations: string[]
  connections: number
  errors: string[]
}

function latest(p: Proc, prefix: string): number {
  for (let i = p.lines.length - 1; i >= 0; i--) if (p.lines[i]!.startsWith(prefix)) return Number(p.lines[i]!.slice(prefix.length))
  return 0
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Messages per second of a progress counter over `ms`. */
async function rate(p: Proc, prefix: string, ms: number): Promise<number> {
  const a = latest(p, prefix)
  const t0 = Date.now()
  await sleep(ms)
  return ((latest(p, prefix) - a) * 1000) / (Date.now() - t0)
}

async function scenario(slowConsumerTimeoutMs: number, group: string) {
  const server = await startServerProcess({ sendBufferHighBytes: 256 * 1024, slowConsumerTimeoutMs })
  const procs: Proc[] = []
  try {
    const normal = new Proc('counting-subscriber', [server.wsUrl, group])
    const stalled = new Proc('counting-subscriber', [server.wsUrl, group])
    procs.push(normal, stalled)
    await normal.waitLine((l) => l === 'subscribed', 30_000, 'subscribed')
    await stalled.waitLine((l) => l === 'subscribed', 30_000, 'subscribed')
    const publisher = new Proc('load-publisher', [server.wsUrl, group, '7500'])
    procs.push(publisher)
    await publisher.waitLine((l) => l.startsWith('acked ') && Number(l.slice(6)) > 0, 30_000, 'first acks')
    await sleep(500)
    const [pubBefore, subBefore] = await Promise.all([rate(publisher, 'acked ', 2000), rate(normal, 'count ', 2000)])
    stalled.send('stall')
    await stalled.waitLine((l) => l === 'stalled', 5000, 'stalled')
    await sleep(300)
    const [pubDuring, subDuring] = await Promise.all([rate(publisher, 'acked ', 2000), rate(normal, 'count ', 2000)])
    const stalledCount = latest(stalled, 'count ')
    await sleep(Math.min(2500, slowConsumerTimeoutMs + 1500))
    stalled.send('unstall')
    const pub = await publisher.result<{ acked: number; failed: number }>(60_000)
    normal.send(`expect ${pub.acked}`)
    stalled.send(`expect ${pub.acked}`)
    const n = await normal.result<SubResult>(60_000)
    const s = await stalled.result<SubResult>(60_000)
    return { pubBefore, pubDuring, subBefore, subDuring, stalledCount, pub, n, s, metrics: await (await fetch(`${server.httpUrl}/metrics`)).text() }
  } finally {
    for (const p of procs) p.kill()
    await server.stop()
  }
}

function report(t: { diagnostic(m: string): void }, r: Awaited<ReturnType<typeof scenario>>): void {
  t.diagnostic(`publisher ${r.pubBefore.toFixed(0)} -> ${r.pubDuring.toFixed(0)} msg/s, normal subscriber ${r.subBefore.toFixed(0)} -> ${r.subDuring.toFixed(0)} msg/s, stalled at ${r.stalledCount} of ${r.pub.acked}`)
}

test('a stalled subscriber is paused and caught up later; publisher and normal subscriber keep >= half their rate', async (t) => {
  const r = await scenario(60_000, 'slow.catchup')
  report(t, r)
  assert.ok(r.pubDuring >= r.pubBefore / 2, `publisher rate fell from ${r.pubBefore.toFixed(0)} to ${r.pubDuring.toFixed(0)} msg/s`)
  assert.ok(r.subDuring >= r.subBefore / 2, `normal subscriber rate fell from ${r.subBefore.toFixed(0)} to ${r.subDuring.toFixed(0)} msg/s`)
  assert.ok(r.stalledCount < r.pub.acked, 'the stalled subscriber really fell behind')
  assert.equal(r.pub.failed, 0)
  assert.deepEqual(r.n.violations, [])
  assert.deepEqual(r.s.violations, [])
  assert.equal(r.n.count, r.pub.acked)
  assert.equal(r.s.count, r.pub.acked)
  assert.match(r.metrics, /ordo_slow_consumer_pauses_total [1-9]/)
})

test('past the timeout the stalled subscriber is closed with SLOW_CONSUMER and resumes without loss', async (t) => {
  const r = await scenario(1000, 'slow.close')
  report(t, r)
  assert.ok(r.pubDuring >= r.pubBefore / 2, `publisher rate fell from ${r.pubBefore.toFixed(0)} to ${r.pubDuring.toFixed(0)} msg/s`)
  assert.ok(r.subDuring >= r.subBefore / 2, `normal subscriber rate fell from ${r.subBefore.toFixed(0)} to ${r.subDuring.toFixed(0)} msg/s`)
  assert.deepEqual(r.s.violations, [])
  assert.equal(r.s.count, r.pub.acked)
  assert.ok(r.s.errors.includes('SLOW_CONSUMER'), `errors seen: ${r.s.errors.join(',')}`)
  assert.ok(r.s.connections >= 2, 'it reconnected')
  assert.match(r.metrics, /ordo_slow_consumer_disconnects_total [1-9]/)
})
