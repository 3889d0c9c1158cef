// Random corruption never makes the verifier throw; whatever it accepts is
// really valid: the generated readers read every field without throwing or
// reading out of bounds, and MessageCursor agrees with them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MessageCursor, Verdict, verifyFrame } from '../../codec/index.js'
import { readWithGenerated, type ReadMessage } from './helpers/checked-read.js'
import { Prng, testSeed } from './helpers/prng.js'
import { validSamples } from './helpers/sample-frames.js'

const verdict = new Verdict()
const cursor = new MessageCursor()

/** Verifies; on acceptance reads everything two ways and compares. Returns whether it was accepted. */
function checkFrame(bytes: Uint8Array, label: string): boolean {
  let code: number
  try {
    code = verifyFrame(bytes, 0, bytes.length, undefined, verdict)
  } catch (err) {
    assert.fail(`verifier threw on ${label}: ${String(err)}`)
  }
  assert.equal(code, verdict.code)
  if (code !== 0) {
    assert.ok(verdict.reason.length > 0, `${label}: failure without reason`)
    return false
  }
  let read: Record<string, unknown>
  try {
    read = readWithGenerated(bytes)
  } catch (err) {
    assert.fail(`accepted frame unreadable (${label}): ${String(err)}`)
  }
  // With the verdict: the cursor trusts the verifier's canonical finding, so
  // this also checks that finding on corrupted-but-accepted frames.
  const n = cursor.reset(bytes, 0, bytes.length, verdict)
  if (read['type'] === 'Publish' || read['type'] === 'Deliver') {
    const messages = read['messages'] as ReadMessage[]
    assert.equal(n, messages.length, label)
    for (let i = 0; cursor.next(); i++) {
      const m = messages[i]!
      assert.equal(BigInt(cursor.gsn), m.gsn, label)
      assert.equal(BigInt(cursor.publisher), m.publisher, label)
      assert.equal(BigInt(cursor.pseq), m.pseq, label)
      assert.equal(BigInt(cursor.time), m.time, label)
      assert.equal(cursor.groupCount, m.groups.length, label)
      for (let j = 0; j < cursor.groupCount; j++) assert.equal(cursor.group(j), m.groups[j], label)
      assert.deepEqual([...cursor.payload()], m.payload, label)
    }
  }
  return true
}

function withSeed(name: string, body: (r: Prng) => void): void {
  test(name, () => {
    const seed = testSeed()
    try {
      body(new Prng(seed))
    } catch (err) {
      console.error(`${name} failed: seed=${seed} (rerun with ORDO_TEST_SEED=${seed})`)
      throw err
    }
  })
}

const samples = validSamples()

withSeed('single-byte corruptions of every sample', (r) => {
  let accepted = 0
  let total = 0
  for (const s of samples) {
    for (let i = 0; i < 500; i++) {
      const b = s.bytes.slice()
      const p = r.int(b.length)
      b[p] = r.int(3) === 0 ? b[p]! ^ (1 << r.int(8)) : r.u32() & 0xff
      if (checkFrame(b, `${s.name} byte ${p}`)) accepted++
      total++
    }
  }
  console.log(`single-byte corruptions: accepted ${accepted} of ${total}`)
  assert.ok(total >= 8000)
  assert.ok(accepted > 0 && accepted < total, `accepted ${accepted} of ${total}`)
})

withSeed('multi-byte corruptions of every sample', (r) => {
  for (const s of samples) {
    for (let i = 0; i < 300; i++) {
      const b = s.bytes.slice()
      const k = 2 + r.int(8)
      for (let j = 0; j < k; j++) b[r.int(b.length)] = r.u32() & 0xff
      // Sometimes plant an interesting value (0, -1, a small or huge offset) as a u32.
      if (r.int(2) === 0 && b.length >= 4) {
        const p = r.int(b.length - 3) & ~3
        const values = [0, 0xffffffff, 0x7fffffff, 0x80000000, 4, b.length, b.length - p, 1 << 20]
        new DataView(b.buffer).setUint32(p, values[r.int(values.length)]!, true)
      }
      checkFrame(b, `${s.name} multi`)
    }
  }
})

withSeed('random byte strings', (r) => {
  for (let i = 0; i < 5000; i++) {
    const b = r.bytes(r.int(200))
    checkFrame(b, 'random')
  }
})

withSeed('random bytes behind a valid root and Frame header', (r) => {
  // Plausible prefix so that corruption reaches the body tables and beyond.
  const base = samples.find((s) => s.name === 'fast Publish x5')!.bytes
  for (let i = 0; i < 3000; i++) {
    const b = base.slice()
    const from = 24 + r.int(b.length - 24)
    for (let p = from; p < Math.min(b.length, from + 1 + r.int(32)); p++) b[p] = r.u32() & 0xff
    checkFrame(b, 'tail')
  }
})
