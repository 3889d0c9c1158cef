// verifyBlobs and canonicalBlobLength on runs of canonical blobs (ingress ring
// records, journal batches): accepted when well formed, refused when cut,
// corrupted, misaligned or over a limit.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  blobLength,
  canonicalBlobLength,
  makeLimits,
  MISALIGNED,
  NOT_CANONICAL,
  stampBlob,
  TOO_MANY_GROUPS,
  TRUNCATED,
  Verdict,
  verifyBlobs,
  VerifyCode,
  writeMessage,
} from '../../codec/index.js'
import { Prng, testSeed } from './helpers/prng.js'

function run(count: number): { bytes: Uint8Array; end: number; starts: number[] } {
  const bytes = new Uint8Array(count * 400)
  const starts: number[] = []
  let pos = 0
  for (let i = 0; i < count; i++) {
    const payload = new Uint8Array(i * 13)
    const groups = Array.from({ length: 1 + (i % 16) }, (_, k) => k * 3 + i)
    starts.push(pos)
    pos += writeMessage(bytes, pos, 5, i + 1, groups, groups.length, payload, 0, payload.length)
    stampBlob(bytes, starts[i]!, i + 1, 123)
  }
  return { bytes, end: pos, starts }
}

test('a run of canonical blobs verifies and counts', () => {
  const r = run(20)
  const verdict = new Verdict()
  assert.equal(verifyBlobs(r.bytes, 0, r.end, undefined, verdict), 0, verdict.toString())
  assert.equal(verdict.messageCount, 20)
  for (let i = 0; i < 20; i++) {
    const next = i + 1 < 20 ? r.starts[i + 1]! : r.end
    assert.equal(canonicalBlobLength(r.bytes, r.starts[i]!, r.end), next - r.starts[i]!)
  }
  assert.equal(verifyBlobs(r.bytes, 0, 0, undefined, verdict), 0)
  assert.equal(verdict.messageCount, 0)
})

test('canonicalBlobLength sentinels', () => {
  const r = run(2)
  assert.equal(canonicalBlobLength(r.bytes, 4, r.end), MISALIGNED)
  assert.equal(canonicalBlobLength(r.bytes, 0, 80), TRUNCATED)
  assert.equal(canonicalBlobLength(r.bytes, 0, blobLength(1, 0) - 8), TRUNCATED)
  assert.equal(canonicalBlobLength(r.bytes, r.starts[1]!, r.end, 1), TOO_MANY_GROUPS)
  const bad = r.bytes.slice()
  bad[0] = 20
  assert.equal(canonicalBlobLength(bad, 0, r.end), NOT_CANONICAL)
  assert.equal(canonicalBlobLength(r.bytes, 0, r.bytes.length + 100), blobLength(1, 0), 'end is clamped to the array')
})

test('every truncation of a run is refused', () => {
  const r = run(4)
  for (let k = 1; k < r.end; k++) {
    const atBoundary = r.starts.includes(k)
    const code = verifyBlobs(r.bytes, 0, k)
    if (atBoundary) assert.equal(code, 0, `cut at blob boundary ${k}`)
    else assert.notEqual(code, 0, `cut at ${k}`)
  }
})

test('limits and value rules apply to blobs', () => {
  const r = run(3)
  const verdict = new Verdict()
  assert.equal(verifyBlobs(r.bytes, 0, r.end, makeLimits({ maxPayload: 20 }), verdict), VerifyCode.PAYLOAD_TOO_LARGE)
  assert.match(verdict.reason, /payload too large: size=26, max=20/)
  assert.equal(verifyBlobs(r.bytes, 0, r.end, makeLimits({ maxGroups: 2 }), verdict), VerifyCode.TOO_MANY_GROUPS)
  const big = r.bytes.slice()
  new DataView(big.buffer).setUint32(r.starts[1]! + 36, 0x40000000, true) // gsn hi
  assert.equal(verifyBlobs(big, 0, r.end, undefined, verdict), VerifyCode.VALUE_TOO_LARGE)
  assert.equal(verdict.position, r.starts[1]! + 32)
  const dup = new Uint8Array(200)
  const len = writeMessage(dup, 0, 1, 1, [7, 7], 2, new Uint8Array(0), 0, 0)
  assert.equal(verifyBlobs(dup, 0, len, undefined, verdict), VerifyCode.DUPLICATE_GROUP)
  const none = writeMessage(dup, 0, 1, 1, [], 0, new Uint8Array(0), 0, 0)
  assert.equal(verifyBlobs(dup, 0, none, undefined, verdict), VerifyCode.NO_GROUPS)
  assert.equal(verifyBlobs(dup, 0, 1000, undefined, verdict), VerifyCode.BAD_RANGE)
})

test('random corruption of a run never throws', () => {
  const seed = testSeed()
  const rng = new Prng(seed)
  const r = run(6)
  try {
    for (let i = 0; i < 3000; i++) {
      const b = r.bytes.slice(0, r.end)
      for (let k = 1 + rng.int(3); k > 0; k--) b[rng.int(b.length)] = rng.u32() & 0xff
      const code = verifyBlobs(b, 0, b.length)
      assert.ok(Number.isInteger(code) && code >= 0)
    }
  } catch (err) {
    console.error(`blob corruption failed: seed=${seed}`)
    throw err
  }
})
