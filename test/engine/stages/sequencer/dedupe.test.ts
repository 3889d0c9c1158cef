// Dedupe (G4): fresh / duplicate / gap / out-of-window verdicts against a plain
// reference, for random interleavings of publishers and run lengths (seeded).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Dedupe, DedupeVerdict } from '../../../../engine/stages/sequencer/dedupe.js'

test('verdicts match a reference map within the window', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 200 }), fc.integer({ min: 5, max: 60 }), (steps, window) => {
      const d = new Dedupe(window)
      const ref = new Map<number, Map<number, number>>()
      const last = new Map<number, number>()
      let gsn = 0
      for (const [pub, run, resendBack] of steps) {
        const s = d.state(pub)
        // a run of fresh messages
        for (let k = 0; k < run; k++) {
          const pseq = (last.get(pub) ?? 0) + 1
          assert.equal(d.check(s, pseq), DedupeVerdict.fresh)
          gsn += 1 + (k % 2) // gsns of one publisher are not always consecutive
          d.record(s, pseq, gsn)
          last.set(pub, pseq)
          if (!ref.has(pub)) ref.set(pub, new Map())
          ref.get(pub)!.set(pseq, gsn)
        }
        // a resend of something recent (or a gap)
        const l = last.get(pub)!
        const probe = l - resendBack
        if (probe >= 1) {
          const v = d.check(s, probe)
          if (l - probe < window) {
            assert.equal(v, DedupeVerdict.duplicate, `pub=${pub} pseq=${probe} last=${l}`)
            assert.equal(d.value, ref.get(pub)!.get(probe))
          } else assert.ok(v === DedupeVerdict.duplicate || v === DedupeVerdict.outOfWindow)
        }
        assert.equal(d.check(s, l + 2), DedupeVerdict.gap)
        assert.equal(d.value, l + 1)
      }
    }),
    { seed: 20261123, numRuns: 200 },
  )
})

test('an unknown publisher may start at any pseq; long-gone pseqs are out of window', () => {
  const d = new Dedupe(10)
  const s = d.state(9)
  assert.equal(d.check(s, 500), DedupeVerdict.fresh)
  for (let p = 500; p < 600; p++) d.record(s, p, p * 3) // every message its own run
  assert.equal(d.check(s, 595), DedupeVerdict.duplicate)
  assert.equal(d.value, 595 * 3)
  assert.equal(d.check(s, 520), DedupeVerdict.outOfWindow)
  assert.ok(s.size <= 11, `runs trimmed to the window: ${s.size}`)
})
