// Errors a user of the embedding API can cause: each is a named error with a stable
// code and a message that says what was wrong; the engine keeps working afterwards.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Engine, EngineArgumentError, EngineOptionError, PublishRefusedError, EngineClosedError } from '../../engine/index.js'

test('bad options are refused before anything starts', async () => {
  await assert.rejects(Engine.open({ durability: 'sometimes' as never }), (e: unknown) => e instanceof EngineOptionError && e.code === 'BAD_OPTION' && /durability: value=sometimes, expected fsync, async or memory/.test(e.message))
  await assert.rejects(Engine.open({ durability: 'memory', ingressRingBytes: 100_000 }), (e: unknown) => e instanceof EngineOptionError && /ingressRingBytes: value=100000, expected a power of two/.test(e.message))
  await assert.rejects(Engine.open({ durability: 'memory', maxPayload: 8 * 1024 * 1024 }), (e: unknown) => e instanceof EngineOptionError && /maxPayload does not fit the rings/.test(e.message))
  await assert.rejects(Engine.open({ durability: 'memory', maxGroups: 17 }), (e: unknown) => e instanceof EngineOptionError && /maxGroups: value=17, expected an integer in 1..16/.test(e.message))
  await assert.rejects(Engine.open({ durability: 'memory', idleSpins: -1 }), (e: unknown) => e instanceof EngineOptionError && /idleSpins: value=-1, expected an integer in 0\.\.100000000/.test(e.message))
})

test('bad publishes are refused with a code; the engine goes on', async () => {
  const e = await Engine.open({ durability: 'memory', maxPayload: 1000 })
  try {
    await assert.rejects(e.publish(['a'], new Uint8Array(1001)), (x: unknown) => x instanceof PublishRefusedError && x.code === 'PAYLOAD_TOO_LARGE' && /size=1001, max=1000/.test(x.message))
    await assert.rejects(e.publish([], 'x'), (x: unknown) => x instanceof PublishRefusedError && x.code === 'EMPTY_GROUPS')
    await assert.rejects(e.publish(Array.from({ length: 17 }, (_, i) => `g${i}`), 'x'), (x: unknown) => x instanceof PublishRefusedError && x.code === 'TOO_MANY_GROUPS' && /count=17, max=16/.test(x.message))
    await assert.rejects(e.publish(['a', 'a'], 'x'), (x: unknown) => x instanceof PublishRefusedError && /duplicate group/.test(x.message))
    await assert.rejects(e.publish(['bad name!'], 'x'), (x: unknown) => (x as { code?: string }).code === 'GROUP_NAME_INVALID')
    await assert.rejects(e.publish(['a'], 'x', { pseq: 0n }), (x: unknown) => x instanceof EngineArgumentError && x.code === 'BAD_ARGUMENT' && /pseq must be a bigint in 1..2\^53-1: pseq=0n/.test(x.message))
    const ok = await e.publish(['a'], 'fine')
    assert.equal(ok.gsn, 1n, 'refusals took no gsn')
  } finally {
    await e.close()
  }
  await assert.rejects(e.publish(['a'], 'late'), (x: unknown) => x instanceof EngineClosedError && x.code === 'ENGINE_CLOSED')
})
