// Positions are u32 byte counters that wrap modulo 2^32. Starting a ring just below 2^32
// (tail and cursors preset in the header) and running random traffic across the wrap
// must behave exactly like a ring starting at 0.

import { test } from 'node:test'
import fc from 'fast-check'
import { RingModel } from './helpers/ring-model.js'
import { opsArb } from './helpers/ring-ops-arbitrary.js'
import { testSeed } from './helpers/run-worker.js'
import { maxPayloadLength } from '../../../engine/ring/ring-descriptor.js'

for (const { kind, consumers } of [{ kind: 'spsc' as const, consumers: 1 }, { kind: 'spmc' as const, consumers: 2 }]) {
  test(`${kind}: traffic across the 2^32 position wrap`, () => {
    const capacity = 256
    const seed = testSeed()
    fc.assert(
      fc.property(opsArb(maxPayloadLength(capacity), consumers), fc.integer({ min: 1, max: 256 }), (ops, below) => {
        // 8-aligned start 8 .. 2048 bytes below 2^32.
        const model = new RingModel(capacity, consumers, kind, 2 ** 32 - below * 8)
        for (const o of ops) model.apply(o)
        model.finish()
      }),
      { seed, numRuns: 150 },
    )
  })
}
