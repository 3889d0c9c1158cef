// The verifier accepts every valid frame: all 14 body types made by the
// Builder, fast-made Publish/Deliver, non-canonical and default-less variants,
// also when the frame sits at an offset inside a larger array.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Verdict, verifyFrame } from '../../codec/index.js'
import { validSamples } from './helpers/sample-frames.js'

test('every valid sample is accepted with the right body type and message count', () => {
  const samples = validSamples()
  const types = new Set(samples.map((s) => s.bodyType))
  assert.equal(types.size, 14, 'all 14 body types are covered')
  const verdict = new Verdict()
  for (const s of samples) {
    assert.equal(verifyFrame(s.bytes, 0, s.bytes.length, undefined, verdict), 0, `${s.name}: ${verdict.toString()}`)
    assert.equal(verdict.bodyType, s.bodyType, s.name)
    assert.equal(verdict.messageCount, s.messages, s.name)
    assert.equal(verdict.reason, '')
  }
})

test('a frame is verified relative to its own start inside a larger array', () => {
  const verdict = new Verdict()
  for (const s of validSamples()) {
    for (const offset of [1, 8, 13]) {
      const big = new Uint8Array(offset + s.bytes.length + 5).fill(0xcd)
      big.set(s.bytes, offset)
      assert.equal(verifyFrame(big, offset, s.bytes.length, undefined, verdict), 0, `${s.name} at ${offset}: ${verdict.toString()}`)
    }
  }
})

test('the default verdict is used when none is passed', () => {
  const s = validSamples()[0]!
  assert.equal(verifyFrame(s.bytes, 0, s.bytes.length), 0)
})
