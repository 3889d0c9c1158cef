// Every truncation of valid frames is rejected. The bytes after the cut stay in
// the array (the frame is verified as bytes[0, k)), so a verifier that read
// past the end of its range would find the real rest of the frame there and
// accept: this also tests that nothing outside [offset, offset + length) is read.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeFrame, Verdict, verifyFrame } from '../../codec/index.js'
import { deliverMessage, validSamples } from './helpers/sample-frames.js'

test('every truncation of every valid sample is rejected', () => {
  const verdict = new Verdict()
  let cuts = 0
  for (const s of validSamples()) {
    for (let k = 0; k < s.bytes.length; k++) {
      const code = verifyFrame(s.bytes, 0, k, undefined, verdict)
      assert.notEqual(code, 0, `${s.name} cut to ${k} of ${s.bytes.length} was accepted`)
      assert.equal(code, verdict.code)
      assert.ok(verdict.reason.length > 0)
      cuts++
    }
  }
  assert.ok(cuts > 2000, `checked ${cuts} truncations`)
})

test('truncations at an offset inside a larger array are rejected too', () => {
  const frame = encodeFrame({ type: 'Deliver', subscription: 9, messages: [deliverMessage(1n, [1, 2, 3], 'abc'), deliverMessage(2n, [4], 'defgh')], durableGsn: 2n })
  const big = new Uint8Array(frame.length + 24)
  big.set(frame, 16)
  big.set(frame.subarray(0, 8), frame.length + 16)
  for (let k = 0; k < frame.length; k++) assert.notEqual(verifyFrame(big, 16, k), 0, `cut to ${k}`)
  assert.equal(verifyFrame(big, 16, frame.length), 0)
})
