// isValidUtf8 agrees with a fatal TextDecoder on random and edge-case bytes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isValidUtf8 } from '../../codec/index.js'
import { Prng, testSeed } from './helpers/prng.js'

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
function reference(b: Uint8Array): boolean {
  try {
    fatal.decode(b)
    return true
  } catch {
    return false
  }
}

test('edge cases', () => {
  const cases: number[][] = [
    [],
    [0x41],
    [0xc2, 0x80],
    [0xc1, 0xbf], // overlong
    [0xe0, 0x9f, 0xbf], // overlong
    [0xed, 0xa0, 0x80], // surrogate
    [0xef, 0xbf, 0xbf],
    [0xf0, 0x90, 0x80, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xf4, 0x90, 0x80, 0x80], // > U+10FFFF
    [0xf5, 0x80, 0x80, 0x80],
    [0xe2, 0x82], // cut
    [0x80],
  ]
  for (const c of cases) assert.equal(isValidUtf8(new Uint8Array(c), 0, c.length), reference(new Uint8Array(c)), JSON.stringify(c))
})

test('random bytes agree with TextDecoder', () => {
  const seed = testSeed()
  const r = new Prng(seed)
  for (let i = 0; i < 20000; i++) {
    const n = r.int(8)
    const b = new Uint8Array(n)
    for (let k = 0; k < n; k++) b[k] = r.int(3) === 0 ? 0x80 + r.int(0x40) : r.int(2) === 0 ? 0xc0 + r.int(0x40) : r.int(256)
    assert.equal(isValidUtf8(b, 0, n), reference(b), `seed=${seed} bytes=${[...b]}`)
  }
})
