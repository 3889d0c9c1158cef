// The fields appended for durable subscriptions (Subscribe.name/ack_policy/ack_wait_ms,
// Subscribed.acked_gsn, Heartbeat.stable_gsn) survive encode -> verify -> decode, and a
// frame without them decodes as before (no durable fields), so old peers read new ones.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeFrame, encodeHeartbeat, encodeSubscribe, encodeSubscribed, encodeWithdrawn, Verdict, verifyFrame } from '../../codec/index.js'

function roundTrip(bytes: Uint8Array): unknown {
  const v = new Verdict()
  assert.equal(verifyFrame(bytes, 0, bytes.length, undefined, v), 0, v.toString())
  return decodeFrame(bytes)
}

test('Subscribe carries a durable name, ack policy and ack wait', () => {
  const f = roundTrip(encodeSubscribe({ id: 7, groups: [1, 2], fromGsn: 0n, tentative: false, name: 'billing.v1', ackPolicy: 1, ackWaitMs: 2500 }))
  assert.deepEqual(f, { type: 'Subscribe', id: 7, groups: [1, 2], fromGsn: 0n, tentative: false, name: 'billing.v1', ackPolicy: 1, ackWaitMs: 2500 })
})

test('an ordinary Subscribe decodes without durable fields', () => {
  const f = roundTrip(encodeSubscribe({ id: 3, groups: [4], fromGsn: 9n, tentative: true }))
  assert.deepEqual(f, { type: 'Subscribe', id: 3, groups: [4], fromGsn: 9n, tentative: true })
})

test('Subscribed carries the acknowledged gsn, Heartbeat the stable gsn', () => {
  assert.deepEqual(roundTrip(encodeSubscribed({ id: 7, nextGsn: 101n, ackedGsn: 100n })), { type: 'Subscribed', id: 7, nextGsn: 101n, ackedGsn: 100n })
  assert.deepEqual(roundTrip(encodeSubscribed({ id: 7, nextGsn: 5n })), { type: 'Subscribed', id: 7, nextGsn: 5n })
  assert.deepEqual(roundTrip(encodeHeartbeat({ durableGsn: 50n, stableGsn: 42n })), { type: 'Heartbeat', durableGsn: 50n, stableGsn: 42n })
  assert.deepEqual(roundTrip(encodeHeartbeat({ durableGsn: 50n })), { type: 'Heartbeat', durableGsn: 50n })
})

test('a durable name longer than the verifier\'s string limit is refused', () => {
  const bytes = encodeSubscribe({ id: 1, groups: [1], fromGsn: 0n, tentative: false, name: 'x'.repeat(70000), ackPolicy: 1 })
  assert.notEqual(verifyFrame(bytes, 0, bytes.length, undefined, new Verdict()), 0)
})

test('Subscribe carries the seen epoch (clusters); Withdrawn round-trips', () => {
  assert.deepEqual(roundTrip(encodeSubscribe({ id: 4, groups: [1], fromGsn: 77n, tentative: true, seenEpoch: 3n })), { type: 'Subscribe', id: 4, groups: [1], fromGsn: 77n, tentative: true, seenEpoch: 3n })
  assert.deepEqual(roundTrip(encodeSubscribe({ id: 4, groups: [1], fromGsn: 77n, tentative: true, seenEpoch: 0n })), { type: 'Subscribe', id: 4, groups: [1], fromGsn: 77n, tentative: true })
  assert.deepEqual(roundTrip(encodeWithdrawn({ subscription: 4, fromGsn: 61n, toGsn: 76n })), { type: 'Withdrawn', subscription: 4, fromGsn: 61n, toGsn: 76n })
})
