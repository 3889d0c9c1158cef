// A token is three base64url parts, read strictly: a part with characters
// outside the base64url alphabet, padding, or unused trailing bits is refused.
// (Lenient decoding ignores such characters, so one token had many spellings
// that all verified.)
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AuthError } from '../../../gateway/auth/auth-errors.js'
import { mintToken, verifyToken } from '../../../gateway/auth/token.js'

const SECRET = 'strict base64url secret'
const NOW = 1_800_000_000_000

function code(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`)
    return err.code
  }
  return 'accepted'
}

test('a signature with characters appended is refused', () => {
  const token = mintToken(SECRET, { sub: 'a', publish: ['>'], now: NOW })
  assert.equal(code(() => verifyToken(SECRET, token, NOW)), 'accepted')
  for (const tail of ['!!', '==', '=', ' ', '\n', '.', '%']) {
    assert.notEqual(code(() => verifyToken(SECRET, token + tail, NOW)), 'accepted', `signature + ${JSON.stringify(tail)}`)
  }
})

test('a signature whose unused trailing bits differ is refused', () => {
  const token = mintToken(SECRET, { sub: 'a', publish: ['>'], now: NOW })
  const [h, b, s] = token.split('.') as [string, string, string]
  // 32 bytes are 43 characters: the last one carries 4 bits that are not part of the value.
  assert.equal(s.length, 43)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(s[42]!)
  const twin = alphabet[last ^ 1]!
  const variant = `${h}.${b}.${s.slice(0, 42)}${twin}`
  assert.deepEqual(Buffer.from(variant.split('.')[2]!, 'base64url'), Buffer.from(s, 'base64url'), 'the two spellings decode alike')
  assert.notEqual(code(() => verifyToken(SECRET, variant, NOW)), 'accepted')
})

test('header and claims parts with junk characters are refused', () => {
  const token = mintToken(SECRET, { sub: 'a', publish: ['>'], now: NOW })
  const [h, b, s] = token.split('.') as [string, string, string]
  assert.notEqual(code(() => verifyToken(SECRET, `${h}!!.${b}.${s}`, NOW)), 'accepted')
  assert.notEqual(code(() => verifyToken(SECRET, `${h}.${b}==.${s}`, NOW)), 'accepted')
})
