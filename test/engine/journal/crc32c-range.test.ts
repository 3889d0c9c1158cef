// The JS CRC32C and the range helper agree with the native @node-rs/crc32 on any range and
// any initial value (property test, seeded by fast-check), and match the standard check
// value of "123456789".

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc32c } from '@node-rs/crc32'
import fc from 'fast-check'
import { crc32cJs, crc32cRange } from '../../../engine/journal/internal.js'

test('check value', () => {
  const b = new TextEncoder().encode('123456789')
  assert.equal(crc32cJs(b, 0, b.length, 0), 0xe3069283)
  assert.equal(crc32cRange(b, 0, b.length, 0), 0xe3069283)
})

test('JS and range helper equal native on random ranges and chaining', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.nat(), fc.nat(), fc.nat(), (bytes, a, b, init) => {
      const start = bytes.length === 0 ? 0 : a % (bytes.length + 1)
      const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1))
      const want = crc32c(bytes.subarray(start, end), init >>> 0)
      assert.equal(crc32cJs(bytes, start, end, init >>> 0), want)
      assert.equal(crc32cRange(bytes, start, end, init >>> 0), want)
      // Chaining two halves equals one pass.
      const mid = (start + end) >>> 1
      assert.equal(crc32cJs(bytes, mid, end, crc32cRange(bytes, start, mid, 0)), crc32c(bytes.subarray(start, end)))
    }),
    { numRuns: 500 },
  )
})
