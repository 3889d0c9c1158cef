// Group names: 1-255 bytes of [A-Za-z0-9._-]; anything else is GROUP_NAME_INVALID with a
// reason and details, and resolve() creates nothing when any name in the call is invalid.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupNameError, GroupRegistry, validateGroupName } from '../../../engine/groups/index.js'
import { groupNameProblem } from '../../../codec/group-name.js'
import { cleanup, tempDir } from '../journal/helpers.js'

test('valid names', () => {
  for (const name of ['a', 'Z', '0', '.', '_', '-', 'orders.eu-west_1', 'x'.repeat(255)]) {
    assert.equal(groupNameProblem(name), '', name)
    validateGroupName(name)
  }
})

test('invalid names and their reasons', () => {
  const cases: Array<[unknown, string]> = [
    ['', 'empty'],
    ['x'.repeat(256), 'too_long'],
    ['has space', 'bad_char'],
    ['café', 'bad_char'],
    ['a/b', 'bad_char'],
    ['tab\t', 'bad_char'],
    ['emoji😀', 'bad_char'],
    [42, 'not_a_string'],
  ]
  for (const [name, reason] of cases) {
    assert.equal(groupNameProblem(name), reason, String(name))
    assert.throws(
      () => validateGroupName(name),
      (e: unknown) => e instanceof GroupNameError && e.code === 'GROUP_NAME_INVALID' && e.reason === reason && e.message.includes(`reason=${reason}`),
    )
  }
  assert.throws(() => validateGroupName('ab c'), /char=" ", index=2/)
  assert.throws(() => validateGroupName('x'.repeat(300)), /bytes=300, max=255/)
})

test('resolve() with one invalid name creates nothing', () => {
  const dir = tempDir('groups-invalid')
  try {
    const reg = GroupRegistry.open({ dir })
    assert.throws(() => reg.resolve(['fine', 'not fine'], true), /position=1/)
    assert.equal(reg.size, 0)
    assert.deepEqual(reg.resolve(['fine'], true), [1])
    reg.close()
  } finally {
    cleanup(dir)
  }
})
