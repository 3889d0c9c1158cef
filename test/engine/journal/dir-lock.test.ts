// One writer per directory: a second open while the first is live fails with
// JOURNAL_LOCKED; a lock left by a dead process is taken over.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { JournalLockedError } from '../../../engine/journal/index.js'
import { LOCK_FILE_NAME } from '../../../engine/journal/internal.js'
import { cleanup, openJournal, tempDir } from './helpers.js'

test('second open in the same process: JOURNAL_LOCKED; after close it opens', () => {
  const dir = tempDir('lock')
  try {
    const j = openJournal(dir)
    assert.throws(() => openJournal(dir), (e: unknown) => e instanceof JournalLockedError && e.code === 'JOURNAL_LOCKED')
    j.close()
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE_NAME)), false)
    openJournal(dir).close()
  } finally {
    cleanup(dir)
  }
})

test('a live other process holds the lock; a dead one does not', () => {
  const dir = tempDir('lock-pid')
  try {
    // Our parent process is alive and is not us.
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${process.ppid}\n`)
    assert.throws(() => openJournal(dir), JournalLockedError)
    // A pid that existed and exited: the child of a finished spawnSync.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${dead}\n`)
    const j = openJournal(dir)
    assert.equal(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8').trim(), String(process.pid))
    j.close()
  } finally {
    cleanup(dir)
  }
})
