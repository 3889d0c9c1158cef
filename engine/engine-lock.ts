// One engine per data directory. Across processes the journal's lock file says who holds
// a directory (engine/journal/dir-lock.ts), but it names a process, and two engines of one
// process would pass it and then write the same files (groups.log first, on this thread,
// before any worker has looked at the lock). So Engine.open also takes the directory in
// this table, before it touches a file, and close() gives it back.
// The table belongs to the thread that loads this module: engines opened on different
// worker threads of one process are told apart only by the lock file.

import { resolve } from 'node:path'
import { EngineLockedError } from './errors.js'

const held = new Map<string, { since: number }>()

/** Takes `dataDir` for an engine of this thread, or throws EngineLockedError. Returns the key to release. */
export function takeDataDir(dataDir: string): string {
  const key = resolve(dataDir)
  const h = held.get(key)
  if (h !== undefined) {
    throw new EngineLockedError(key, `this process (pid=${process.pid}), opened at ${new Date(h.since).toISOString()}`)
  }
  held.set(key, { since: Date.now() })
  return key
}

export function releaseDataDir(key: string): void {
  held.delete(key)
}
