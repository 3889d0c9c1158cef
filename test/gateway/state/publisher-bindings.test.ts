// publishers.log: bindings made durable survive a reopen; bindings never
// persisted are forgotten with their last holder; a torn last record (a crash
// mid-append) is cut on open; a damaged record in the middle stops the open
// with STATE_CORRUPT naming the file. Real files in a temp directory.
import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { tokenIdentity } from '../../../gateway/auth/identity.js'
import { GatewayStateError } from '../../../gateway/state/state-errors.js'
import { PUBLISHERS_FILE_NAME, PublisherBindings } from '../../../gateway/state/publisher-bindings.js'

const dir = mkdtempSync(join(tmpdir(), 'ordo-bindings-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const A = tokenIdentity('a', '')
const B = tokenIdentity('b', '')
const file = join(dir, PUBLISHERS_FILE_NAME)

test('persisted bindings survive a reopen; held ones go with their last holder', () => {
  const b = PublisherBindings.open(dir)
  assert.equal(b.claim(2 ** 47 + 5, A), true)
  b.persist(2 ** 47 + 5)
  assert.equal(b.claim(11, A), true)
  assert.equal(b.claim(11, A), true, 'a second holder of the same identity')
  assert.equal(b.claim(11, B), false)
  b.release(11, A)
  assert.equal(b.ownerOf(11), A, 'still held once')
  b.release(11, A)
  assert.equal(b.ownerOf(11), undefined, 'never persisted: forgotten')
  let n = 100
  const assigned = b.assign(B, () => n++)
  assert.equal(assigned, 100)
  b.persist(assigned)
  b.close()
  const again = PublisherBindings.open(dir)
  assert.equal(again.ownerOf(2 ** 47 + 5), A)
  assert.equal(again.ownerOf(100), B)
  assert.equal(again.claim(2 ** 47 + 5, B), false)
  assert.equal(again.size, 2)
  // assign skips ids that are taken.
  let m = 100
  assert.equal(again.assign(A, () => m++), 101)
  again.close()
})

test('a torn last record is cut on open; a damaged middle record is refused', () => {
  const size = statSync(file).size
  appendFileSync(file, Buffer.alloc(20, 7))
  const b = PublisherBindings.open(dir)
  assert.equal(b.size, 2)
  b.close()
  assert.equal(statSync(file).size, size)
  const bytes = readFileSync(file)
  bytes[16 + 3] ^= 0xff // first record's publisher bytes
  writeFileSync(file, bytes)
  assert.throws(() => PublisherBindings.open(dir), (err: unknown) => err instanceof GatewayStateError && err.code === 'STATE_CORRUPT' && err.message.includes(file))
})

test('memory mode keeps bindings for the process only', () => {
  const b = PublisherBindings.open(null)
  assert.equal(b.claim(5, A), true)
  b.persist(5)
  b.release(5, A)
  assert.equal(b.ownerOf(5), A)
  assert.equal(b.claim(5, B), false)
})
