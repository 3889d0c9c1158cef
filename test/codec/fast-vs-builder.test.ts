// Randomized: the fast FrameWriter and the flatbuffers Builder encode the same
// messages to frames that the generated readers decode identically (0..16
// groups, payloads from 0 B up to 1 MiB), and the verifier accepts both.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { encodePublish, FrameWriter, type PublishMessageInit, verifyFrame, Verdict, blobLength, publishBlobsPos } from '../../codec/index.js'
import { readWithGenerated } from './helpers/checked-read.js'
import { Prng, testSeed } from './helpers/prng.js'

interface Spec {
  publisher: number
  pseq: number
  groups: number[]
  payloadLength: number
  fill: number
}

const u53 = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }))
const payloadLength = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 3, arbitrary: fc.integer({ min: 300, max: 70_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(1024 * 1024, 1024 * 1024 - 3) },
)
const spec: fc.Arbitrary<Spec> = fc.record({
  publisher: u53,
  pseq: u53,
  groups: fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 0, maxLength: 16 }),
  payloadLength,
  fill: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
})

function payloadFor(s: Spec): Uint8Array {
  const out = new Uint8Array(s.payloadLength)
  const r = new Prng(s.fill)
  for (let i = 0; i < out.length; i += 4) {
    const x = r.u32()
    out[i] = x
    out[i + 1] = x >>> 8
    out[i + 2] = x >>> 16
    out[i + 3] = x >>> 24
  }
  return out
}

test('fast encoder output equals Builder output semantically', () => {
  const seed = testSeed()
  const verdict = new Verdict()
  // Messages with no groups are encodable (the layout allows n = 0) but the
  // verifier refuses them in a Publish, so that rule is checked separately.
  const limits = { maxFrameBytes: 64 << 20, maxMessages: 100, maxGroups: 16, maxPayload: 1 << 20, maxNames: 1024, maxNameBytes: 255, maxStringBytes: 65536, maxDepth: 8 }
  try {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 0, maxLength: 6 }), (specs) => {
        const payloads = specs.map(payloadFor)
        const inits: PublishMessageInit[] = specs.map((s, i) => ({
          publisher: BigInt(s.publisher),
          pseq: BigInt(s.pseq),
          groups: s.groups,
          payload: payloads[i]!,
        }))
        const size = specs.length === 0 ? 44 : publishBlobsPos(specs.length) + specs.reduce((a, s) => a + blobLength(s.groups.length, s.payloadLength), 0)
        const buf = new Uint8Array(Math.max(size, 48))
        const w = new FrameWriter(buf)
        assert.equal(w.beginPublish(0, specs.length), 0)
        specs.forEach((s, i) => assert.equal(w.addMessage(s.publisher, s.pseq, s.groups, s.groups.length, payloads[i]!, 0, s.payloadLength), 0))
        const length = w.finish()
        assert.equal(length, size)
        const fast = buf.subarray(0, length)
        const builder = encodePublish(inits)
        assert.deepEqual(readWithGenerated(fast), readWithGenerated(builder))
        const expectOk = specs.every((s) => s.groups.length > 0)
        assert.equal(verifyFrame(fast, 0, fast.length, limits, verdict) === 0, expectOk, verdict.toString())
        assert.equal(verifyFrame(builder, 0, builder.length, limits, verdict) === 0, expectOk, verdict.toString())
      }),
      { seed, numRuns: 150 },
    )
  } catch (err) {
    console.error(`fast-vs-builder failed: seed=${seed} (rerun with ORDO_TEST_SEED=${seed})`)
    throw err
  }
})
