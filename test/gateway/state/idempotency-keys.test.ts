// http-keys.log: a key is remembered until its identity has sent `window`
// newer keys, across reopens; a moved key keeps its place and its new
// (publisher, pseq); keys of one identity never push out another's. Real
// files in a temp directory.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { tokenIdentity } from '../../../gateway/auth/identity.js'
import { IdempotencyKeys, KeyEntry } from '../../../gateway/state/idempotency-keys.js'

const dir = mkdtempSync(join(tmpdir(), 'ordo-keys-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const A = tokenIdentity('a', '')
const B = tokenIdentity('b', '')
const owner = (p: number) => (p < 1000 ? A : B)

function add(keys: IdempotencyKeys, identity: string, key: string, publisher: number, pseq: number): Promise<KeyEntry> {
  const e = new KeyEntry(IdempotencyKeys.keyDigest(identity, key), identity, publisher, pseq, IdempotencyKeys.contentDigest(['g'], new Uint8Array([pseq])))
  return new Promise((resolve, reject) => keys.add(e, (err) => (err === null ? resolve(e) : reject(err))))
}

test('the window counts per identity and holds across a reopen', async () => {
  const keys = IdempotencyKeys.open(dir, 3, owner)
  for (let i = 1; i <= 5; i++) await add(keys, A, `a${i}`, 7, i)
  await add(keys, B, 'b1', 2000, 1)
  const moved = keys.get(IdempotencyKeys.keyDigest(A, 'a4'))!
  await new Promise<void>((resolve, reject) => keys.move(moved, 9, 1, (err) => (err === null ? resolve() : reject(err))))
  const known = (k: IdempotencyKeys) => ['a1', 'a2', 'a3', 'a4', 'a5'].filter((x) => k.get(IdempotencyKeys.keyDigest(A, x)) !== undefined)
  assert.deepEqual(known(keys), ['a3', 'a4', 'a5'])
  assert.ok(keys.get(IdempotencyKeys.keyDigest(B, 'b1')) !== undefined)
  assert.equal(keys.get(IdempotencyKeys.keyDigest(B, 'a5')), undefined, 'keys are per identity')
  keys.close()
  const again = IdempotencyKeys.open(dir, 3, owner)
  assert.deepEqual(known(again), ['a3', 'a4', 'a5'])
  const a4 = again.get(IdempotencyKeys.keyDigest(A, 'a4'))!
  assert.deepEqual([a4.publisher, a4.pseq], [9, 1])
  const a5 = again.get(IdempotencyKeys.keyDigest(A, 'a5'))!
  assert.deepEqual([a5.publisher, a5.pseq, a5.content], [7, 5, IdempotencyKeys.contentDigest(['g'], new Uint8Array([5]))])
  again.close()
})

test('content digests tell groups and payloads apart', () => {
  const d = IdempotencyKeys.contentDigest
  const p = new TextEncoder().encode('x')
  assert.notEqual(d(['a', 'b'], p), d(['b', 'a'], p))
  assert.notEqual(d(['a'], p), d(['a'], new TextEncoder().encode('y')))
  assert.equal(d(['a'], p), d(['a'], new TextEncoder().encode('x')))
})
