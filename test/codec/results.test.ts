// One table of hot-path results: every failure is one negative number with one meaning,
// so a value handed up from a lower layer (ring, codec) cannot pass for another.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodecResult, OfferResult, Result, RingResult, resultName } from '../../codec/results.js'

test('every result is negative and no two names share a value', () => {
  const values = Object.values(Result)
  assert.ok(values.every((v) => Number.isInteger(v) && v < 0))
  assert.equal(new Set(values).size, values.length)
})

test('each layer\'s subset takes its values from the one table, under the same names', () => {
  for (const subset of [RingResult, CodecResult, OfferResult]) {
    for (const [name, value] of Object.entries(subset)) assert.equal(Result[name as keyof typeof Result], value, name)
  }
  assert.equal(resultName(Result.BAD_PUBLISHER), 'BAD_PUBLISHER')
  assert.equal(resultName(Result.EMPTY), 'EMPTY')
  assert.equal(resultName(3), 'OK')
  assert.equal(resultName(-99), 'UNKNOWN(-99)')
})
