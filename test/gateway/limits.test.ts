// Gateway limits: defaults are complete, overrides apply, nonsense is refused
// with the field named, and the verifier's share is derived from them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_GATEWAY_LIMITS, gatewayLimits, verifierLimits } from '../../gateway/limits.js'

test('overrides apply on top of the defaults', () => {
  const l = gatewayLimits({ maxPayload: 1000, maxConnections: 5 })
  assert.equal(l.maxPayload, 1000)
  assert.equal(l.maxConnections, 5)
  assert.equal(l.maxGroups, DEFAULT_GATEWAY_LIMITS.maxGroups)
  assert.ok(Object.isFrozen(l))
})

test('nonsense limits are refused naming the field', () => {
  assert.throws(() => gatewayLimits({ maxPayload: -1 }), /maxPayload=-1/)
  assert.throws(() => gatewayLimits({ maxGroups: 17 }), /maxGroups=17/)
  assert.throws(() => gatewayLimits({ sendBufferLowBytes: 10, sendBufferHighBytes: 5 }), /sendBufferLowBytes=10/)
  assert.throws(() => gatewayLimits({ maxFrameBytes: Number.NaN }), /maxFrameBytes=NaN/)
})

test('the verifier checks frame size and message count; payload and groups are left to the gateway', () => {
  const v = verifierLimits(gatewayLimits({ maxFrameBytes: 4096, maxMessagesPerFrame: 10, maxPayload: 100, maxGroups: 2 }))
  assert.equal(v.maxFrameBytes, 4096)
  assert.equal(v.maxMessages, 10)
  assert.equal(v.maxGroups, 16)
  assert.ok(v.maxPayload >= 4096)
})
