// In a cluster the other live nodes' applied gsn is a floor like a durable subscription's acknowledgement:
// stable_gsn does not pass it, and retention keeps what lies above it. The registry alone, with the hooks
// an engine gives it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DurableRegistry } from '../../../engine/durable/durable-registry.js'
import { SILENT_LOGGER } from '../../../engine/logger.js'

test('the replica floor holds stable_gsn and the retention floor; without one only the durable gsn counts', async () => {
  let durable = 500
  const stored: number[] = []
  const reg = new DurableRegistry(null, [], { idleExpiryMs: 60_000, maxPerIdentity: 10 }, {
    dispatchedGsn: () => durable,
    durableGsn: () => durable,
    storeStable: (g) => stored.push(g),
    logger: SILENT_LOGGER,
  })
  try {
    assert.equal(reg.floorGsn(), Number.POSITIVE_INFINITY, 'nothing holds retention')
    reg.setReplicaFloor(200)
    assert.equal(reg.floorGsn(), 201, 'gsns the other nodes have not applied are kept')
    assert.equal(reg.stableGsn, 500, 'stable_gsn never moves back (it was 500 before the floor was known)')
    durable = 900
    reg.setReplicaFloor(700)
    assert.equal(reg.stableGsn, 700, 'held at the lowest applied gsn of the other nodes')
    assert.equal(reg.floorGsn(), 701)
    reg.setReplicaFloor(Number.MAX_SAFE_INTEGER) // no other live node
    assert.equal(reg.stableGsn, 900)
    assert.equal(reg.floorGsn(), Number.POSITIVE_INFINITY)
    assert.deepEqual(stored, [500, 700, 900])
  } finally {
    await reg.close()
  }
})
