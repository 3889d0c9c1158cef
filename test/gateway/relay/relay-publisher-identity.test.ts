// Publisher identity through relays (G4 at the root): a publisher id belongs to
// the identity that first published under it, and no client can publish under
// another's id through a relay. A relay binds nothing for good itself: it
// forwards each client's own token with its publisher id, and the root decides;
// a refusal there leaves no binding at the relay that would lock the owner out.
// Clients run in their own processes.
//
//   root (secret S) ◀── R1 (secret S)      alice publishes as P through R1
//                   ◀── R2 (secret S)      bob tries P through R1 and through R2
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { mintToken } from '../../../gateway/auth/token.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'
import { startRelayProcess, type RelayProcess } from './helpers/relay-process.js'

const S = 'identity-secret'
const publishAs = fileURLToPath(new URL('./procs/publish-as.js', import.meta.url))
let root: ServerProcess
let r1: RelayProcess
let r2: RelayProcess

before(async () => {
  root = await startServerProcess({ durability: 'async', secret: S })
  const relayToken = mintToken(S, { sub: 'relay', publish: ['>'], subscribe: ['>'] })
  r1 = await startRelayProcess({ upstream: [root.wsUrl], secret: S, token: relayToken })
  r2 = await startRelayProcess({ upstream: [root.wsUrl], secret: S, token: relayToken })
})

after(async () => {
  await r2?.stop()
  await r1?.stop()
  await root?.stop()
})

interface Outcome {
  ok: boolean
  gsn?: string
  code?: string
  message?: string
}

function publish(url: string, token: string, publisher: number, payload: string): Outcome {
  const r = spawnSync(process.execPath, [publishAs, url, token, String(publisher), 'ids.orders', payload], { encoding: 'utf8', timeout: 30_000 })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  assert.ok(line.startsWith('{'), `publish-as printed no result: ${r.stdout} ${r.stderr}`)
  return JSON.parse(line) as Outcome
}

test('bob cannot publish under alice\'s publisher id through any relay', () => {
  const P = 4_242_424_242
  const alice = mintToken(S, { sub: 'alice', publish: ['ids.*'], subscribe: ['ids.*'] })
  const bob = mintToken(S, { sub: 'bob', publish: ['ids.*'], subscribe: ['ids.*'] })
  const first = publish(r1.wsUrl, alice, P, 'from alice')
  assert.equal(first.ok, true, JSON.stringify(first))
  // Through the relay alice used (she has left it): the root refuses bob's token for her id.
  const viaR1 = publish(r1.wsUrl, bob, P, 'bob as alice via r1')
  assert.equal(viaR1.ok, false, JSON.stringify(viaR1))
  assert.equal(viaR1.code, 'PUBLISHER_TAKEN')
  // Through another relay: bob's own token goes upstream, and the root refuses.
  const viaR2 = publish(r2.wsUrl, bob, P, 'bob as alice via r2')
  assert.equal(viaR2.ok, false, JSON.stringify(viaR2))
  assert.equal(viaR2.code, 'PUBLISHER_TAKEN')
  // Alice herself may still use her id, through either relay, after bob's refused attempts.
  const again = publish(r2.wsUrl, alice, P, 'alice via r2')
  assert.equal(again.ok, true, JSON.stringify(again))
  // A new process of alice's numbers from pseq 1 again: (P, 1) was sequenced, so the root
  // answers it with its original gsn (G4 dedupe, with publisher id and pseq intact through relays).
  assert.equal(again.gsn, first.gsn)
  const back = publish(r1.wsUrl, alice, P, 'alice via r1 again')
  assert.equal(back.ok, true, JSON.stringify(back))
  assert.equal(back.gsn, first.gsn)
})
