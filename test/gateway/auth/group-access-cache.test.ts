// The per-connection access cache answers what the grants say, looks a known
// group's name up once, and does not cache ids the engine does not know yet.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupAccess, GroupAccessCache } from '../../../gateway/auth/group-access.js'
import { Grants } from '../../../gateway/auth/token.js'
import { PatternSet } from '../../../gateway/auth/group-pattern.js'

test('bits follow the grants; known ids are looked up once; unknown ids are retried', () => {
  const names = new Map<number, string>([
    [1, 'orders.eu'],
    [2, 'audit'],
    [5000, 'orders.us'],
  ])
  let lookups = 0
  const cache = new GroupAccessCache(new Grants('t', new PatternSet(['orders.*']), new PatternSet(['audit']), false), (id) => {
    lookups++
    return names.get(id)
  })
  const b1 = cache.get(1)
  assert.equal(b1 & GroupAccess.EXISTS, GroupAccess.EXISTS)
  assert.equal(b1 & GroupAccess.PUBLISH, GroupAccess.PUBLISH)
  assert.equal(b1 & GroupAccess.SUBSCRIBE, 0)
  const b2 = cache.get(2)
  assert.equal(b2 & GroupAccess.PUBLISH, 0)
  assert.equal(b2 & GroupAccess.SUBSCRIBE, GroupAccess.SUBSCRIBE)
  assert.equal(cache.get(5000) & GroupAccess.PUBLISH, GroupAccess.PUBLISH)
  const before = lookups
  for (let i = 0; i < 10; i++) {
    cache.get(1)
    cache.get(2)
    cache.get(5000)
  }
  assert.equal(lookups, before, 'known ids come from the cache')
  assert.equal(cache.get(7) & GroupAccess.EXISTS, 0)
  names.set(7, 'orders.new')
  assert.equal(cache.get(7) & GroupAccess.EXISTS, GroupAccess.EXISTS, 'a group created later is seen')
  assert.equal(cache.get(0) & GroupAccess.EXISTS, 0, 'id 0 never exists')
})
