// fast-check generators of ring operation sequences for RingModel.

import fc from 'fast-check'
import type { RingOp } from './ring-model.js'

/** Payload lengths: 0, tiny, around the ring's maximum, and (rarely) too large. */
export function lengthArb(maxPayload: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 24 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: maxPayload }) },
    { weight: 1, arbitrary: fc.integer({ min: maxPayload - 8, max: maxPayload }) },
    { weight: 1, arbitrary: fc.integer({ min: maxPayload + 1, max: maxPayload * 3 }) },
  )
}

export function opsArb(maxPayload: number, consumers: number, maxOps = 300): fc.Arbitrary<RingOp[]> {
  const len = lengthArb(maxPayload)
  const consumer = fc.integer({ min: 0, max: consumers - 1 })
  const op: fc.Arbitrary<RingOp> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('claim' as const), length: len, type: fc.integer({ min: 0, max: 0x7fffffff }) }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ min: len, extra: fc.integer({ min: 0, max: maxPayload }), use: len, type: fc.integer({ min: 0, max: 9 }) })
        .map(({ min, extra, use, type }) => ({ op: 'claimMax' as const, min, max: min + extra, use, type })),
    },
    { weight: 4, arbitrary: fc.constant({ op: 'commit' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'abandon' as const }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant('poll' as const), consumer, limit: fc.integer({ min: 1, max: 8 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('readAhead' as const), consumer, limit: fc.integer({ min: 1, max: 8 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), consumer }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('peekAdvance' as const), consumer }) },
  )
  return fc.array(op, { minLength: 1, maxLength: maxOps, size: 'max' })
}
