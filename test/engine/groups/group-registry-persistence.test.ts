// Group registry: ids assigned once from 1 upwards, stable across reopen, never reused;
// unknown names resolve to -1 without `create`; an I/O failure while creating assigns
// nothing.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { JournalIoError, nodeFileIo } from '../../../engine/journal/index.js'
import { GroupRegistry } from '../../../engine/groups/index.js'
import { cleanup, tempDir } from '../journal/helpers.js'

test('ids from 1, stable, persisted, continued after reopen', () => {
  const dir = tempDir('groups')
  try {
    const reg = GroupRegistry.open({ dir })
    assert.equal(reg.recovery.created, true)
    assert.deepEqual(reg.resolve(['orders', 'audit', 'orders'], true), [1, 2, 1])
    assert.deepEqual(reg.resolve(['audit', 'nope'], false), [2, -1])
    assert.equal(reg.size, 2, 'resolve without create creates nothing')
    assert.equal(reg.idOf('orders'), 1)
    assert.equal(reg.idOf('nope'), -1)
    assert.equal(reg.nameOf(2), 'audit')
    assert.equal(reg.nameOf(3), undefined)
    assert.equal(reg.nameOf(0), undefined)
    assert.deepEqual(reg.resolve(['a.b_c-D9', 'orders'], true), [3, 1])
    reg.close()

    const again = GroupRegistry.open({ dir })
    assert.deepEqual(again.recovery, { groups: 3, truncatedBytes: 0, created: false })
    assert.deepEqual(again.list(), [
      ['orders', 1],
      ['audit', 2],
      ['a.b_c-D9', 3],
    ])
    assert.deepEqual(again.resolve(['new', 'audit'], true), [4, 2])
    again.close()
    assert.equal(GroupRegistry.open({ dir }).idOf('new'), 4)
  } finally {
    cleanup(dir)
  }
})

test('many groups in one call and across calls', () => {
  const dir = tempDir('groups-many')
  try {
    const reg = GroupRegistry.open({ dir })
    const names = Array.from({ length: 2000 }, (_, i) => `g${i}`)
    assert.deepEqual(reg.resolve(names.slice(0, 1500), true), names.slice(0, 1500).map((_, i) => i + 1))
    assert.deepEqual(reg.resolve(names, true), names.map((_, i) => i + 1))
    reg.close()
    const again = GroupRegistry.open({ dir })
    assert.equal(again.size, 2000)
    assert.equal(again.idOf('g1999'), 2000)
    again.close()
  } finally {
    cleanup(dir)
  }
})

test('fsync failure while creating: JOURNAL_IO, nothing assigned, the retry gets the same ids', () => {
  const dir = tempDir('groups-fault')
  try {
    let failSync = false
    const io = {
      ...nodeFileIo,
      fdatasyncSync: (fd: number) => {
        if (failSync) throw Object.assign(new Error('EIO'), { code: 'EIO' })
        nodeFileIo.fdatasyncSync(fd)
      },
    }
    const reg = GroupRegistry.open({ dir, io })
    reg.resolve(['a'], true)
    const size = fs.statSync(reg.file).size
    failSync = true
    assert.throws(() => reg.resolve(['b', 'c'], true), (e: unknown) => e instanceof JournalIoError && e.errno === 'EIO')
    assert.equal(reg.idOf('b'), -1)
    assert.equal(reg.size, 1)
    assert.equal(fs.statSync(reg.file).size, size, 'the failed append was cut')
    failSync = false
    assert.deepEqual(reg.resolve(['c', 'b'], true), [2, 3])
    reg.close()
    assert.equal(GroupRegistry.open({ dir }).idOf('b'), 3)
  } finally {
    cleanup(dir)
  }
})
