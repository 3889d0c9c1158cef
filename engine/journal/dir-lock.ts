// One writer per journal directory: a `journal.lock` file holding the writer's pid.
// A lock left by a dead process (kill -9) is taken over; a live holder (another process,
// or another open Journal in this process) makes open() fail. This is advisory (Node has
// no flock): it stops accidents such as starting the engine twice on one data dir.

import * as path from 'node:path'
import { JournalLockedError } from './errors.js'
import type { FileIo } from './file-io.js'
import { writeFully } from './file-io.js'

export const LOCK_FILE_NAME = 'journal.lock'

/** Directories locked by this process (a pid file cannot tell two of our own opens apart). */
const lockedHere = new Set<string>()

export function acquireDirLock(io: FileIo, dir: string): string {
  const key = path.resolve(dir)
  const file = path.join(dir, LOCK_FILE_NAME)
  if (lockedHere.has(key)) throw new JournalLockedError(dir, process.pid)
  let holder = -1
  try {
    holder = Number(new TextDecoder().decode(io.readFileSync(file)).trim())
  } catch {
    holder = -1
  }
  if (holder > 0 && holder !== process.pid && processIsAlive(holder)) throw new JournalLockedError(dir, holder)
  const bytes = new TextEncoder().encode(`${process.pid}\n`)
  const fd = io.openSync(file, 'w')
  try {
    writeFully(io, fd, bytes, 0, bytes.length, 0)
  } finally {
    io.closeSync(fd)
  }
  lockedHere.add(key)
  return key
}

export function releaseDirLock(io: FileIo, dir: string, key: string): void {
  lockedHere.delete(key)
  try {
    io.unlinkSync(path.join(dir, LOCK_FILE_NAME))
  } catch {
    // Already gone: nothing to release.
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'EPERM'
  }
}
