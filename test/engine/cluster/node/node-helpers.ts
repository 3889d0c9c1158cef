// Helpers for cluster-node tests: temp data dirs, waiting for a condition, reading a node's journal.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openReader } from '../../../../engine/journal/index.js'

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

export interface JournalRecord {
  firstGsn: number
  count: number
  bytes: Buffer
}

/** Every record of the journal in `dataDir` up to `limitGsn` (copies of the batch bytes). */
export function journalRecords(dataDir: string, limitGsn?: number): JournalRecord[] {
  const dir = path.join(dataDir, 'journal')
  if (!fs.existsSync(dir)) return []
  const r = openReader(dir, 1, limitGsn === undefined ? {} : { limitGsn })
  const out: JournalRecord[] = []
  try {
    for (let v = r.next(); v !== null; v = r.next()) out.push({ firstGsn: v.firstGsn, count: v.count, bytes: Buffer.from(v.bytes.subarray(v.offset, v.offset + v.length)) })
  } finally {
    r.close()
  }
  return out
}

/** Index of the first record that differs between two journals (over the shorter), or -1. */
export function firstJournalDifference(a: JournalRecord[], b: JournalRecord[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    if (a[i]!.firstGsn !== b[i]!.firstGsn || a[i]!.count !== b[i]!.count || !a[i]!.bytes.equals(b[i]!.bytes)) return i
  }
  return -1
}
