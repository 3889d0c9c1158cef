// groups.log recovery: a torn last record (cut at every offset inside it, or a flipped
// byte in it) is cut on open and its name can be created again; damage to an earlier
// record is GROUP_REGISTRY_CORRUPT, because cutting there would give its id to another name.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { GroupRegistry, GroupRegistryCorruptError } from '../../../engine/groups/index.js'
import { cleanup, tempDir } from '../journal/helpers.js'

function build(dir: string): { file: string; lastStart: number; full: Buffer } {
  const reg = GroupRegistry.open({ dir })
  reg.resolve(['alpha', 'beta', 'gamma'], true)
  const lastStart = fs.statSync(reg.file).size
  reg.resolve(['delta-the-last-one'], true)
  reg.close()
  return { file: reg.file, lastStart, full: fs.readFileSync(reg.file) }
}

test('cut at every offset inside the last record', () => {
  const dir = tempDir('groups-torn')
  try {
    const { file, lastStart, full } = build(dir)
    for (let cut = lastStart + 1; cut < full.length; cut++) {
      fs.writeFileSync(file, full.subarray(0, cut))
      const reg = GroupRegistry.open({ dir })
      assert.deepEqual(reg.recovery, { groups: 3, truncatedBytes: cut - lastStart, created: false }, `cut=${cut}`)
      assert.equal(reg.idOf('delta-the-last-one'), -1)
      assert.equal(fs.statSync(file).size, lastStart)
      reg.close()
    }
    const reg = GroupRegistry.open({ dir })
    assert.deepEqual(reg.resolve(['delta-the-last-one'], true), [4])
    reg.close()
  } finally {
    cleanup(dir)
  }
})

test('a flipped byte in the last record is a torn tail; in an earlier one it is corruption', () => {
  const dir = tempDir('groups-flip')
  try {
    const { file, lastStart, full } = build(dir)
    const tail = Buffer.from(full)
    tail[lastStart + 14]! ^= 1
    fs.writeFileSync(file, tail)
    const reg = GroupRegistry.open({ dir })
    assert.equal(reg.recovery.truncatedBytes, full.length - lastStart)
    assert.equal(reg.size, 3)
    reg.close()

    const mid = Buffer.from(full)
    mid[16 + 12 + 1]! ^= 1 // a name byte of the first record ('alpha')
    fs.writeFileSync(file, mid)
    assert.throws(
      () => GroupRegistry.open({ dir }),
      (e: unknown) => e instanceof GroupRegistryCorruptError && e.code === 'GROUP_REGISTRY_CORRUPT' && e.message.includes('offset=16'),
    )
  } finally {
    cleanup(dir)
  }
})

test('a partial header (died while creating the file) starts a fresh registry', () => {
  const dir = tempDir('groups-hdr')
  try {
    const { file, full } = build(dir)
    fs.writeFileSync(file, full.subarray(0, 7))
    const reg = GroupRegistry.open({ dir })
    assert.equal(reg.recovery.created, true)
    assert.equal(reg.size, 0)
    reg.close()
  } finally {
    cleanup(dir)
  }
})
