// Tokens through a relay (hostile clients): the relay checks every client's
// token with its own secret before serving it, and forwards each publishing
// client's own token upstream, where it is checked again: the relay's own token
// (which may subscribe to and create every group) gives no client any right.
// Clients are `ordo publish` / `ordo tail` processes.
//
//   root (secret S) ◀── R1 (secret S, relay token: publish and subscribe '>')
//                   ◀── R2 (secret T: accepts tokens the root does not)
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { mintToken } from '../../../gateway/auth/token.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { runCli } from './helpers/cli.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'

const S = 'root-secret'
const T = 'another-secret'
let root: ServerProcess
let r1: RelayProcess
let r2: RelayProcess

before(async () => {
  root = await startServerProcess({ durability: 'async', secret: S })
  const relayToken = mintToken(S, { sub: 'relay', publish: ['>'], subscribe: ['>'], ttlMs: 3_600_000 })
  r1 = await startRelayProcess({ upstream: [root.wsUrl], secret: S, token: relayToken })
  r2 = await startRelayProcess({ upstream: [root.wsUrl], secret: T, token: relayToken })
})

after(async () => {
  await r2?.stop()
  await r1?.stop()
  await root?.stop()
})

test('a client publishes through the relay with its own token; the relay token gives it nothing', async () => {
  const writer = mintToken(S, { publish: ['orders'], subscribe: ['orders'], ttlMs: 3_600_000 })
  const ok = await runCli(['publish', 'orders', 'one', '--url', r1.wsUrl, '--token', writer], null, 20_000)
  assert.equal(ok.code, 0, ok.stderr)
  assert.match(ok.stdout, /gsn=1/)
  // A reader token can neither publish nor create a group through the relay, whatever the relay's own token may.
  const reader = mintToken(S, { sub: 'reader', subscribe: ['>'], ttlMs: 3_600_000 })
  const refused = await runCli(['publish', 'orders', 'two', '--url', r1.wsUrl, '--token', reader], null, 20_000)
  assert.notEqual(refused.code, 0)
  assert.match(refused.stderr, /FORBIDDEN_GROUP/)
  const noCreate = await runCli(['publish', 'fresh', 'x', '--url', r1.wsUrl, '--token', reader], null, 20_000)
  assert.notEqual(noCreate.code, 0)
  assert.match(noCreate.stderr, /UNKNOWN_GROUP|FORBIDDEN_GROUP/)
  const groups = (await (await fetch(`${root.httpUrl}/api/groups`, { headers: { authorization: `Bearer ${mintToken(S, { monitor: true })}` } })).json()) as { items?: { name: string }[] }
  assert.ok(!JSON.stringify(groups).includes('"fresh"'), `the relay created a group for a reader: ${JSON.stringify(groups)}`)
})

test('the relay refuses bad tokens and groups a token may not see, as the root does', async () => {
  const bad = await runCli(['tail', 'orders', '--url', r1.wsUrl, '--token', 'not-a-token', '--count', '1'], null, 20_000)
  assert.notEqual(bad.code, 0)
  assert.match(bad.stderr, /BAD_TOKEN/)
  const narrow = mintToken(S, { publish: ['orders'], subscribe: ['orders'], ttlMs: 3_600_000 })
  const hidden = await runCli(['tail', 'audit', '--url', r1.wsUrl, '--token', narrow, '--count', '1'], null, 20_000)
  assert.notEqual(hidden.code, 0)
  assert.match(hidden.stderr, /FORBIDDEN_GROUP/)
})

test('a token the relay accepts but the root does not: the root refuses the publish (tokens are checked upstream too)', async () => {
  const foreign = mintToken(T, { publish: ['orders'], subscribe: ['orders'], ttlMs: 3_600_000 })
  const r = await runCli(['publish', 'orders', 'three', '--url', r2.wsUrl, '--token', foreign], null, 20_000)
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /BAD_TOKEN/)
  // Nothing of it reached the root: its stream still ends at gsn 1.
  const h = (await (await fetch(`${root.httpUrl}/health`)).json()) as { durableGsn: number }
  assert.equal(h.durableGsn, 1)
})
