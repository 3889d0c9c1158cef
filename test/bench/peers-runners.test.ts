// The peer runners of the comparison (bench/compare/jetstream.ts, bench/compare/redis.ts) against real nats-server
// and redis-server on a tiny workload, and the subscribers' delivery check fed crafted sequences (it must name a
// missing, duplicated, reordered, misrouted or corrupt message), and a subscriber left waiting is stopped, not waited
// on forever. Fails, does not skip, when a server is missing.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jetstreamRunner } from '../../bench/compare/jetstream.js'
import { redisRunner } from '../../bench/compare/redis.js'
import { DeliveryChecker, fillPayload, paddingPatterns } from '../../bench/compare/peer-payload.js'
import { runPhase } from '../../bench/compare/peer-procs.js'
import { phaseProblems } from '../../bench/compare/peer-figures.js'
import { startRedis } from '../../bench/compare/peers.js'
import type { RedisPubConfig } from '../../bench/compare/procs/redis-pub.js'
import type { RedisSubConfig } from '../../bench/compare/procs/redis-sub.js'
import type { SystemResult, Workload } from '../../bench/compare/workload.js'

const PAYLOAD = 100

/** Feeds publisher `pub`'s messages `seqs` (in that order) to `c`; `corrupt` flips one padding byte of that seq. */
function feed(c: DeliveryChecker, pub: number, seqs: number[], groups: number, keyGroup: (seq: number) => number, corrupt = -1): void {
  const patterns = paddingPatterns(PAYLOAD)
  const buf = Buffer.alloc(PAYLOAD)
  for (const seq of seqs) {
    fillPayload(buf, patterns, pub, seq, groups, 0)
    if (seq === corrupt) buf[PAYLOAD - 1] ^= 0xff
    c.accept(buf, 0, buf.length, keyGroup(seq))
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

test('delivery check: a complete in-order sequence from two publishers passes', () => {
  const c = new DeliveryChecker(2, 21, 1, 1, PAYLOAD) // publisher 0 sends 11, publisher 1 sends 10
  feed(c, 0, range(0, 11), 1, () => -1)
  feed(c, 1, range(0, 10), 1, () => -1)
  assert.equal(c.complete(), true)
  assert.deepEqual(c.finish(), [])
  assert.equal(c.received, 21)
})

test('delivery check: a missing message, a duplicate and a message that never came are each named', () => {
  const c = new DeliveryChecker(1, 10, 1, 1, PAYLOAD)
  feed(c, 0, [0, 1, 2, 4, 5, 5, 6, 7, 8], 1, () => -1) // 3 skipped, 5 twice, 9 never sent
  assert.equal(c.complete(), false)
  const problems = c.finish()
  assert.deepEqual(problems, [
    'publisher 0: 1 messages missing from seq 3 (next came seq 4)',
    'publisher 0: seq 5 duplicated or out of order (after seq 5)',
    'publisher 0: 1 messages never arrived, from seq 9',
  ])
  assert.equal(c.duplicates, 1)
})

test('delivery check: swapped order, corrupt padding and a wrong group are caught', () => {
  const c = new DeliveryChecker(1, 6, 2, 1, PAYLOAD)
  feed(c, 0, [0, 2, 1, 3, 4, 5], 2, () => -1, 4)
  const problems = c.finish()
  assert.ok(problems.some((p) => p.includes('1 messages missing from seq 1 (next came seq 2)')), problems.join('\n'))
  assert.ok(problems.some((p) => p.includes('seq 1 duplicated or out of order')), problems.join('\n'))
  assert.ok(problems.some((p) => p.includes('seq 4: payload bytes corrupt')), problems.join('\n'))

  // Per-key lanes (Redis): seqs 0,2,4 on key 0 and 1,3,5 on key 1 in any interleaving pass; seq 3 on key 0 fails.
  const perKey = new DeliveryChecker(1, 6, 2, 2, PAYLOAD)
  feed(perKey, 0, [1, 0, 3, 5, 2, 4], 2, (s) => s % 2)
  assert.deepEqual(perKey.finish(), [])
  const misrouted = new DeliveryChecker(1, 6, 2, 2, PAYLOAD)
  feed(misrouted, 0, [0, 1, 2, 3, 4, 5], 2, (s) => (s === 3 ? 0 : s % 2))
  const p2 = misrouted.finish()
  assert.ok(p2.some((p) => p.includes('seq 3: group 1 in payload, expected 1, arrived on group 0')), p2.join('\n'))
  assert.ok(p2.some((p) => p.includes('1 messages missing from seq 3 (next came seq 5)')), p2.join('\n'))
})

test('delivery check: a wrong-sized message is a problem, not a crash', () => {
  const c = new DeliveryChecker(1, 1, 1, 1, PAYLOAD)
  c.accept(new Uint8Array(10), 0, 10, -1)
  assert.deepEqual(c.finish(), ['message of 10 bytes, expected 100', 'publisher 0: 1 messages never arrived, from seq 0'])
})

const tiny: Workload = {
  publishers: 1, subscribers: 2, payloadBytes: PAYLOAD, groups: 2, messages: 20_000,
  latencyRate: 2000, latencySeconds: 2, quick: true,
}

function assertRow(r: SystemResult, acked: boolean): void {
  assert.deepEqual(r.check, { ok: true, problems: [] }, `${r.key}: ${r.check.problems.join('; ')}`)
  assert.equal(r.throughput.messages, tiny.messages)
  assert.ok(r.throughput.published_per_s > 0, `${r.key} published_per_s`)
  assert.ok(r.throughput.delivered_per_s > 0, `${r.key} delivered_per_s`)
  if (acked) assert.ok((r.throughput.acked_per_s ?? 0) > 0, `${r.key} acked_per_s`)
  assert.ok(r.server.cpu_s !== null && r.server.cpu_s > 0, `${r.key} server cpu_s ${r.server.cpu_s}`)
  assert.ok(r.server.peak_rss_bytes !== null && r.server.peak_rss_bytes > 1 << 20, `${r.key} peak rss ${r.server.peak_rss_bytes}`)
  assert.ok(r.durability.length > 0 && r.notes.length > 0)
}

function assertLatency(r: SystemResult): void {
  const l = r.latency
  assert.ok(l !== null, `${r.key} has latency`)
  assert.equal(l.offered_per_s, tiny.latencyRate)
  // Warm-up messages are checked but not recorded: exactly rate × seconds samples remain per subscriber.
  assert.equal(l.samples, tiny.latencyRate * tiny.latencySeconds)
  assert.ok(l.p50_us > 0 && l.p50_us <= l.p99_us && l.p99_us <= l.p999_us && l.p999_us <= l.max_us, JSON.stringify(l))
}

test('jetstream runner: acked and stored rows on a tiny workload, every message delivered in order', async () => {
  const lines: string[] = []
  const rows = await jetstreamRunner.run(tiny, (l) => lines.push(l))
  assert.deepEqual(rows.map((r) => r.key), ['jetstream-acked', 'jetstream-stored'])
  const [acked, stored] = rows
  assertRow(acked, true)
  assertRow(stored, true) // acked_per_s of the stored row is the stored rate
  assertLatency(acked)
  assert.equal(stored.latency, null)
  assert.match(acked.durability, /fsync every 2 min/)
  assert.ok(lines.some((l) => /^jetstream-acked: .*20k\/20k published/.test(l)), lines.join('\n'))
})

test('redis runner: the XADD row on a tiny workload, every message delivered in per-key order', async () => {
  const lines: string[] = []
  const rows = await redisRunner.run(tiny, (l) => lines.push(l))
  assert.deepEqual(rows.map((r) => r.key), ['redis-xadd'])
  assertRow(rows[0], true)
  assertLatency(rows[0])
  assert.equal(rows[0].durability, 'appendonly, appendfsync everysec')
  assert.ok(lines.some((l) => /^redis-xadd: .*20k\/20k published/.test(l)), lines.join('\n'))
})

test('runners reject a payload too small for the header, saying what the minimum is', async () => {
  await assert.rejects(() => redisRunner.run({ ...tiny, payloadBytes: 8 }, () => undefined), /payloadBytes must be at least 24/)
})

test('a subscriber still waiting after the publishers are done is stopped and reports what never arrived', async () => {
  const server = await startRedis()
  try {
    const cfg = { port: server.port, publishers: 1, groups: 2, payloadBytes: PAYLOAD }
    const started = Date.now()
    const o = await runPhase({
      key: 'stall', publishers: 1, subscribers: 1, messages: 1000, stallMs: 500,
      pubScript: new URL('../../bench/compare/procs/redis-pub.js', import.meta.url),
      subScript: new URL('../../bench/compare/procs/redis-sub.js', import.meta.url),
      pubConfig: (pub): RedisPubConfig => ({ ...cfg, pub, messages: 1000, pipeline: 100, window: 2 }),
      // The subscriber is told to expect twice what is published: it must not wait forever.
      subConfig: (): RedisSubConfig => ({ ...cfg, messages: 2000, count: 100, latency: false, warmupSeqs: 0 }),
    }, () => undefined)
    assert.ok(Date.now() - started < 15_000, 'stopped well before any generous timeout')
    assert.equal(o.pubs[0].acked, 1000)
    assert.deepEqual(o.problems, ['subscriber 0: no new message for 0.5 s after the last publish; stopped it'])
    const sub = o.subs[0]
    assert.ok(sub !== null)
    assert.equal(sub.received, 1000)
    // Per key (2 groups): 500 of publisher 0's messages missing on each lane.
    assert.deepEqual(sub.problems, [
      'publisher 0: 500 messages never arrived, from seq 1000',
      'publisher 0: 500 messages never arrived, from seq 1001',
    ])
    const problems = phaseProblems('stall', o, 2000)
    assert.ok(problems.includes('stall: 1000 of 2000 messages acknowledged'), problems.join('\n'))
  } finally {
    await server.stop()
  }
})
