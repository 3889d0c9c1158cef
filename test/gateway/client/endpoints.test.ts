// Where the client connects next (gateway/client/endpoints.ts), decided without
// I/O: the URLs in rotation after failed attempts, a follower's Welcome sending a
// publishing client to the leader, NOT_LEADER moving it (or rotating when no
// leader is known). The same decisions drive the client against real servers in
// client-url-list.test.ts; the cluster's own tests cover them with real nodes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OrdoBaseError } from '../../../codec/ordo-error.js'
import { Endpoints } from '../../../gateway/client/endpoints.js'

const A = 'ws://127.0.0.1:7001/'
const B = 'ws://127.0.0.1:7002/'
const C = 'ws://127.0.0.1:7003/'

test('failed attempts rotate through the URLs in order and wrap around', () => {
  const e = new Endpoints([A, B, C])
  assert.equal(e.next(), A)
  e.failed()
  assert.equal(e.next(), B)
  e.failed()
  assert.equal(e.next(), C)
  e.failed()
  assert.equal(e.next(), A)
  // A success keeps the URL: reconnects go back to the same server first.
  assert.equal(e.next(), A)
})

test('one URL or none: a string is a list of one; an empty list is refused', () => {
  assert.equal(new Endpoints(A).next(), A)
  assert.throws(() => new Endpoints([]), (e: unknown) => e instanceof OrdoBaseError && e.code === 'BAD_ARGUMENT')
  assert.throws(() => new Endpoints(['']), (e: unknown) => e instanceof OrdoBaseError && e.code === 'BAD_ARGUMENT')
})

test('a follower sends a publishing client to its leader, not a client that only subscribes', () => {
  const e = new Endpoints([A, B])
  assert.equal(e.next(), A)
  assert.deepEqual(e.welcomed('follower', C, false), { action: 'stay' })
  assert.equal(e.leaderUrl, C)
  assert.equal(e.next(), A, 'a subscriber stays where it is')
  assert.deepEqual(e.publishingOnFollower(), { action: 'move', url: C })
  assert.equal(e.next(), C)
  assert.deepEqual(e.welcomed('leader', '', true), { action: 'stay' })
  assert.equal(e.next(), C, 'reconnects go to the leader')
})

test('a follower that knows no leader keeps the client; a leader that cannot be reached is forgotten', () => {
  const e = new Endpoints([A, B])
  e.next()
  assert.deepEqual(e.welcomed('follower', '', true), { action: 'stay' })
  assert.deepEqual(e.welcomed('follower', C, true), { action: 'move', url: C })
  assert.equal(e.next(), C)
  e.failed()
  assert.equal(e.leaderUrl, '')
  assert.equal(e.next(), A, 'back to the given URLs')
})

test('NOT_LEADER moves to the named leader; without one the next URL is tried', () => {
  const e = new Endpoints([A, B])
  e.next()
  assert.equal(e.notLeader(C), C)
  assert.equal(e.next(), C)
  // The named leader says NOT_LEADER itself (deposed) without naming another: rotate.
  assert.equal(e.notLeader(''), B)
  assert.equal(e.notLeader(''), A)
})

test('a standalone server never moves the client', () => {
  const e = new Endpoints([A, B])
  e.next()
  assert.deepEqual(e.welcomed('standalone', C, true), { action: 'stay' })
  assert.equal(e.next(), A)
})
