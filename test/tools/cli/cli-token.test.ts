// `ordo token` mints a token the server's verifier accepts with the requested
// grants and lifetime, takes the secret from ORDO_SECRET too, and refuses
// useless or malformed requests.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { verifyToken } from '../../../gateway/auth/token.js'

const cli = fileURLToPath(new URL('../../../tools/cli.js', import.meta.url))

function ordo(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, 'token', ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } })
}

test('the minted token verifies with the secret and carries the patterns and ttl', () => {
  const before = Date.now()
  const r = ordo(['--secret', 'S', '--publish', 'orders.*', '--subscribe', '>', '--ttl', '1h', '--sub', 'me'])
  assert.equal(r.status, 0, r.stderr)
  const token = r.stdout.trim()
  const g = verifyToken('S', token)
  assert.equal(g.subject, 'me')
  assert.equal(g.canPublish('orders.eu'), true)
  assert.equal(g.canPublish('audit'), false)
  assert.equal(g.canSubscribe('anything'), true)
  // It lives at least the ttl from when it was minted (between before and after) and at most 1 s more.
  const after = Date.now()
  assert.equal(verifyToken('S', token, before + 3_599_999).subject, 'me')
  assert.throws(() => verifyToken('S', token, after + 3_601_000), /token expired/)
})

test('ORDO_SECRET is used when --secret is absent', () => {
  const r = ordo(['--publish', 'a'], { ORDO_SECRET: 'from-env' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(verifyToken('from-env', r.stdout.trim()).canPublish('a'), true)
})

test('no secret, no grants or a bad pattern: exit 2 with a reason', () => {
  const env = { ORDO_SECRET: '' }
  const noSecret = ordo(['--publish', 'a'], env)
  assert.equal(noSecret.status, 2)
  assert.match(noSecret.stderr, /no secret/)
  const nothing = ordo(['--secret', 'S'])
  assert.equal(nothing.status, 2)
  assert.match(nothing.stderr, /allow nothing/)
  const bad = ordo(['--secret', 'S', '--publish', 'a.>.b'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /bad group pattern/)
  const ttl = ordo(['--secret', 'S', '--publish', 'a', '--ttl', 'soon'])
  assert.equal(ttl.status, 2)
  assert.match(ttl.stderr, /bad duration/)
})
