// bench/compare/peer-figures.ts: rates are counted from the earliest first send of any publisher, the slowest
// subscriber sets delivered/s, latency comes from the subscriber with the worst p99, and every shortfall is a problem.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as hdr from 'hdr-histogram-js'
import { ackedBy, latencyFigures, latencyPlan, phaseProblems, throughputFigures } from '../../bench/compare/peer-figures.js'
import type { PhaseOutcome, PubDone, SubDone } from '../../bench/compare/peer-procs.js'

const pub = (p: Partial<PubDone>): PubDone => ({ t: 'done', sent: 0, acked: 0, firstUs: 0, lastSendUs: 0, lastAckUs: 0, errors: [], ...p })
const sub = (s: Partial<SubDone>): SubDone => ({ t: 'done', received: 0, firstUs: 0, lastUs: 0, problems: [], ...s })

function hist(values: number[]): string {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
  for (const v of values) h.recordValue(v)
  const out = hdr.encodeIntoCompressedBase64(h)
  h.destroy()
  return out
}

test('throughput: from the first send of any publisher; the slowest subscriber counts', () => {
  const o: PhaseOutcome = {
    pubs: [
      pub({ sent: 500, acked: 500, firstUs: 1_000_000, lastSendUs: 1_400_000, lastAckUs: 1_500_000 }),
      pub({ sent: 500, acked: 500, firstUs: 1_100_000, lastSendUs: 1_500_000, lastAckUs: 2_000_000 }),
    ],
    subs: [sub({ received: 1000, lastUs: 2_000_000 }), sub({ received: 1000, lastUs: 3_000_000 })],
    problems: [],
  }
  const f = throughputFigures(o, 1000, ackedBy(o))
  assert.equal(f.published_per_s, 2000) // 1000 sent over 0.5 s
  assert.equal(f.acked_per_s, 1000) // 1000 acked over 1 s
  assert.equal(f.delivered_per_s, 500) // slowest subscriber: 1000 over 2 s
  assert.equal(throughputFigures(o, 1000, null).acked_per_s, null)
  assert.deepEqual(phaseProblems('p', o, 1000), [])
})

test('latency: the subscriber with the worst p99; warm-up makes the plan, not the samples', () => {
  const fast = Array.from({ length: 1000 }, () => 100)
  const slow = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 100 : 50_000))
  const o: PhaseOutcome = { pubs: [pub({})], subs: [sub({ hist: hist(fast) }), sub({ hist: hist(slow) }), null], problems: [] }
  const l = latencyFigures(o, 5000)
  assert.ok(l !== null)
  assert.equal(l.samples, 1000)
  assert.equal(l.offered_per_s, 5000)
  assert.ok(l.p99_us >= 49_000 && l.p99_us <= 51_000, `p99 ${l.p99_us}`)
  assert.ok(l.p50_us >= 99 && l.p50_us <= 101, `p50 ${l.p50_us}`)

  const plan = latencyPlan({ publishers: 2, subscribers: 1, payloadBytes: 100, groups: 1, messages: 1, latencyRate: 5000, latencySeconds: 2, quick: true })
  assert.deepEqual(plan, { perPubRate: 2500, warmupSeqs: 1250, perPubCount: 6250, total: 12_500 })
})

test('problems: publisher errors, short acks, short or failed subscribers are each listed with their phase', () => {
  const o: PhaseOutcome = {
    pubs: [pub({ sent: 10, acked: 9, errors: ['TimeoutError: timeout'] })],
    subs: [sub({ received: 8, problems: ['publisher 0: 2 messages never arrived, from seq 8'] }), null],
    problems: ['subscriber 1: exited before reporting (code=1, signal=null)'],
  }
  assert.deepEqual(phaseProblems('acked', o, 10), [
    'acked: publisher 0: TimeoutError: timeout',
    'acked: 9 of 10 messages acknowledged',
    'acked: subscriber 0: received 8 of 10 in order',
    'acked: subscriber 0: publisher 0: 2 messages never arrived, from seq 8',
    'acked: subscriber 1: exited before reporting (code=1, signal=null)',
  ])
  // A crashed subscriber delivers nothing: delivered/s is 0, not the other subscriber's rate.
  assert.equal(throughputFigures({ ...o, pubs: [pub({ sent: 10, acked: 10, firstUs: 0, lastSendUs: 1e6, lastAckUs: 1e6 })] }, 10, null).delivered_per_s, 0)
})
