// Tokens minted with a secret verify with it and grant exactly their patterns;
// tampered, foreign, malformed and expired tokens are refused with a named code.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { test } from 'node:test'
import { AuthError } from '../../../gateway/auth/auth-errors.js'
import { Authenticator, mintToken, verifyToken } from '../../../gateway/auth/token.js'

const SECRET = 'correct horse battery staple'
const NOW = 1_800_000_000_000

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`)
    return err.code
  }
  assert.fail('expected a refusal')
}

test('a minted token verifies and grants its publish and subscribe patterns only', () => {
  const token = mintToken(SECRET, { sub: 'svc', publish: ['orders.*'], subscribe: ['audit.>', 'news'], ttlMs: 3_600_000, now: NOW })
  const g = verifyToken(SECRET, token, NOW + 1000)
  assert.equal(g.subject, 'svc')
  assert.equal(g.open, false)
  assert.equal(g.canPublish('orders.eu'), true)
  assert.equal(g.canPublish('orders'), false)
  assert.equal(g.canPublish('audit.x'), false)
  assert.equal(g.canSubscribe('audit.x.y'), true)
  assert.equal(g.canSubscribe('news'), true)
  assert.equal(g.canSubscribe('orders.eu'), false)
  assert.equal(g.canResolve('orders.eu'), true)
  assert.equal(g.canResolve('audit.q'), true)
  assert.equal(g.canResolve('other'), false)
})

test('a token is a standard HS256 JWT', () => {
  const token = mintToken(SECRET, { publish: ['a'], now: NOW })
  const [h, b] = token.split('.')
  assert.deepEqual(JSON.parse(Buffer.from(h!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' })
  const claims = JSON.parse(Buffer.from(b!, 'base64url').toString())
  assert.deepEqual(claims.publish, ['a'])
  assert.deepEqual(claims.subscribe, [])
  assert.equal(claims.iat, NOW / 1000)
  assert.equal(claims.exp, undefined)
})

test('tokens signed with another secret, tampered or malformed are refused', () => {
  const token = mintToken(SECRET, { publish: ['>'], now: NOW })
  assert.equal(refusal(() => verifyToken('other secret', token, NOW)), 'BAD_SIGNATURE')
  const [h, , s] = token.split('.')
  const forged = Buffer.from(JSON.stringify({ publish: ['>'], subscribe: ['>'] })).toString('base64url')
  assert.equal(refusal(() => verifyToken(SECRET, `${h}.${forged}.${s}`, NOW)), 'BAD_SIGNATURE')
  assert.equal(refusal(() => verifyToken(SECRET, '', NOW)), 'BAD_TOKEN')
  assert.equal(refusal(() => verifyToken(SECRET, 'a.b', NOW)), 'BAD_TOKEN')
  assert.equal(refusal(() => verifyToken(SECRET, 'not json.at all.x', NOW)), 'BAD_TOKEN')
  const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')
  assert.equal(refusal(() => verifyToken(SECRET, `${none}.${forged}.`, NOW)), 'BAD_TOKEN')
})

test('an expired token is refused, one inside its lifetime is not', () => {
  const token = mintToken(SECRET, { subscribe: ['x'], ttlMs: 60_000, now: NOW })
  assert.equal(verifyToken(SECRET, token, NOW + 59_000).canSubscribe('x'), true)
  assert.equal(refusal(() => verifyToken(SECRET, token, NOW + 60_000)), 'TOKEN_EXPIRED')
})

test('a token lives at least its ttlMs, whatever the millisecond it was minted at (exp is in whole seconds)', () => {
  for (const ms of [0, 1, 500, 990, 999]) {
    const at = NOW + ms
    const token = mintToken(SECRET, { subscribe: ['x'], ttlMs: 1000, now: at })
    assert.equal(verifyToken(SECRET, token, at + 999).canSubscribe('x'), true, `minted at +${ms} ms, checked 999 ms later`)
    assert.equal(refusal(() => verifyToken(SECRET, token, at + 2000)), 'TOKEN_EXPIRED')
  }
})

test('mintToken refuses bad patterns and an empty secret', () => {
  assert.equal(refusal(() => mintToken(SECRET, { publish: ['a.>.b'] })), 'BAD_PATTERN')
  assert.equal(refusal(() => mintToken(SECRET, { publish: ['a..b'] })), 'BAD_PATTERN')
  assert.equal(refusal(() => mintToken('', { publish: ['a'] })), 'BAD_TOKEN')
})

test('an Authenticator without a secret is open and grants everything', () => {
  const open = new Authenticator(undefined)
  assert.equal(open.open, true)
  const g = open.authenticate('')
  assert.equal(g.canPublish('anything.at.all'), true)
  assert.equal(g.canSubscribe('x'), true)
  const closed = new Authenticator(SECRET)
  assert.equal(closed.open, false)
  assert.equal(refusal(() => closed.authenticate('')), 'BAD_TOKEN')
})

test('the monitor claim: granted only when true, the identity is still the subject, any other value is refused', () => {
  const ops = verifyToken(SECRET, mintToken(SECRET, { sub: 'ops', monitor: true, now: NOW }), NOW)
  const plain = verifyToken(SECRET, mintToken(SECRET, { sub: 'ops', subscribe: ['>'], now: NOW }), NOW)
  assert.equal(ops.monitor, true)
  assert.equal(plain.monitor, false)
  assert.equal(ops.identity, plain.identity, 'one subject, one identity, whatever the rights')
  assert.equal(ops.canSubscribe('orders'), false, 'monitor grants no subscribing')
  assert.equal(ops.canResolve('orders'), false, 'nor resolving')
  // A claim that is not a boolean, correctly signed, is refused.
  const header = mintToken(SECRET, { sub: 'x', now: NOW }).split('.')[0]!
  const claims = Buffer.from(JSON.stringify({ sub: 'x', publish: [], subscribe: [], monitor: 1, iat: NOW / 1000 })).toString('base64url')
  const token = `${header}.${claims}.${createHmac('sha256', SECRET).update(`${header}.${claims}`).digest('base64url')}`
  assert.equal(refusal(() => verifyToken(SECRET, token, NOW)), 'BAD_CLAIMS')
  // Strict base64url holds for monitor tokens too: a padded signature is refused.
  assert.equal(refusal(() => verifyToken(SECRET, `${mintToken(SECRET, { sub: 'ops', monitor: true, now: NOW })}=`, NOW)), 'BAD_TOKEN')
})
