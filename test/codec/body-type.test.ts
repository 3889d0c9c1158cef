// BodyType (as const) agrees with the generated Body enum, member by member.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BodyType, bodyTypeName, MAX_BODY_TYPE } from '../../codec/index.js'
import { Body } from '../../codec/ordo_generated.js'

test('BodyType mirrors the generated Body enum', () => {
  const generated = Object.entries(Body).filter(([, v]) => typeof v === 'number')
  assert.deepEqual(Object.entries(BodyType), generated)
  assert.equal(MAX_BODY_TYPE, Math.max(...generated.map(([, v]) => v as number)))
  assert.equal(bodyTypeName(9), 'Deliver')
  assert.equal(bodyTypeName(14), 'Withdrawn')
  assert.equal(bodyTypeName(15), 'UNKNOWN(15)')
})
