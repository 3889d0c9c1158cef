// Format version 1 fixtures (committed under test/fixtures/journal/v1): a journal written by this code
// must stay readable by every later version, and today's writer must still produce the
// same bytes (so a format change is a deliberate new version, never an accident).
// Regenerate (only when introducing a new format version, into a new folder):
//   ORDO_WRITE_FIXTURES=1 node --test dist/test/engine/journal/format-fixture-v1.test.js

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { Journal, inspectJournal, openReader } from '../../../engine/journal/index.js'
import { GroupRegistry } from '../../../engine/groups/index.js'
import { cleanup, tempDir } from './helpers.js'

const FIXTURE_DIR = fileURLToPath(new URL('../../../../test/fixtures/journal/v1/', import.meta.url))
const RECORDS = 14

/** Record i (0-based): count i + 1, length 8i + 3 (so most need padding), bytes from i. */
function fixtureBatch(i: number): Uint8Array {
  const b = new Uint8Array(8 * i + 3)
  for (let k = 0; k < b.length; k++) b[k] = (i * 37 + k * 11) & 255
  return b
}

function writeFixture(dir: string): void {
  const j = Journal.open({ dir, segmentBytes: 512, indexEveryBytes: 64, indexEveryRecords: 2, writeBufferBytes: 4096 })
  let gsn = 1
  for (let i = 0; i < RECORDS; i++) {
    const b = fixtureBatch(i)
    j.append(b, 0, b.length, gsn, i + 1)
    gsn += i + 1
  }
  j.close()
  const reg = GroupRegistry.open({ dir })
  reg.resolve(['orders', 'audit', 'eu.west-1_x'], true)
  reg.close()
}

function fixtureFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n !== 'journal.lock')
    .sort()
}

if (process.env.ORDO_WRITE_FIXTURES === '1') {
  fs.rmSync(FIXTURE_DIR, { recursive: true, force: true })
  fs.mkdirSync(FIXTURE_DIR, { recursive: true })
  writeFixture(FIXTURE_DIR)
}

test('v1 fixture: every record reads back with its content', () => {
  const r = openReader(FIXTURE_DIR, 1)
  let gsn = 1
  let i = 0
  for (let v = r.next(); v !== null; v = r.next(), i++) {
    assert.equal(v.firstGsn, gsn)
    assert.equal(v.count, i + 1)
    assert.deepEqual(v.bytes.slice(v.offset, v.offset + v.length), fixtureBatch(i))
    gsn += i + 1
  }
  r.close()
  assert.equal(i, RECORDS)
  const rep = inspectJournal(FIXTURE_DIR)
  assert.equal(rep.ok, true)
  assert.ok(rep.segments.length >= 3, 'the fixture spans several segments')
  for (const s of rep.segments) assert.equal(s.index.state, 'ok', s.file)
})

test('v1 fixture: a writer opens a copy cleanly and the group registry reads back', () => {
  const dir = tempDir('fixture-open')
  try {
    fs.cpSync(FIXTURE_DIR, dir, { recursive: true })
    const j = Journal.open({ dir, segmentBytes: 512 })
    assert.equal(j.recovery.reason, 'clean')
    assert.equal(j.recovery.rebuiltIndexes, 0)
    assert.equal(j.nextGsn, 1 + (RECORDS * (RECORDS + 1)) / 2)
    j.close()
    const reg = GroupRegistry.open({ dir })
    assert.deepEqual(reg.list(), [
      ['orders', 1],
      ['audit', 2],
      ['eu.west-1_x', 3],
    ])
    reg.close()
  } finally {
    cleanup(dir)
  }
})

test('v1 fixture: today\'s writer produces byte-identical files', () => {
  const dir = tempDir('fixture-new')
  try {
    writeFixture(dir)
    assert.deepEqual(fixtureFiles(dir), fixtureFiles(FIXTURE_DIR))
    for (const name of fixtureFiles(dir)) {
      assert.ok(fs.readFileSync(path.join(dir, name)).equals(fs.readFileSync(path.join(FIXTURE_DIR, name))), `${name} differs`)
    }
  } finally {
    cleanup(dir)
  }
})
