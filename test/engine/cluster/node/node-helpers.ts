// Helpers for cluster-node tests: temp data dirs, waiting for a condition, reading a node's journal.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function tempDataDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ordo-node-${tag}-`))
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export { type JournalRecord, type JournalMessage, journalRecords, journalMessages, firstJournalDifference, densityProblems } from '../../../../tools/cluster/journal-check.js'
