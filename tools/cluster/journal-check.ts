// Reading a cluster node's journal back for checks (tests and bench:cluster): records, decoded
// messages, gaps in gsns or gseqs, and the first record where two journals differ.

import fs from 'node:fs'
import path from 'node:path'
import { openReader } from '../../engine/journal/index.js'
import { blobGroup, blobGroupCount, blobGseq, blobGsn, blobPseq, blobPublisher, canonicalBlobLength } from '../../codec/blob.js'

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

export interface JournalMessage {
  gsn: number
  publisher: number
  pseq: number
  groups: number[]
  gseqs: number[]
}

/** Every message of the journal in `dataDir` up to `limitGsn`, decoded (gsn, publisher, pseq, groups, gseqs). */
export function journalMessages(dataDir: string, limitGsn?: number): JournalMessage[] {
  const out: JournalMessage[] = []
  for (const r of journalRecords(dataDir, limitGsn)) {
    let p = 0
    for (let i = 0; i < r.count; i++) {
      const len = canonicalBlobLength(r.bytes, p, r.bytes.length)
      if (len < 0) throw new Error(`journal record does not frame: firstGsn=${r.firstGsn}, index=${i}`)
      const n = blobGroupCount(r.bytes, p)
      const groups: number[] = []
      const gseqs: number[] = []
      for (let g = 0; g < n; g++) {
        groups.push(blobGroup(r.bytes, p, g))
        gseqs.push(blobGseq(r.bytes, p, g))
      }
      out.push({ gsn: blobGsn(r.bytes, p), publisher: blobPublisher(r.bytes, p), pseq: blobPseq(r.bytes, p), groups, gseqs })
      p += len
    }
  }
  return out
}

/** Problems with a journal's messages: gsns not 1..n, or some group's gseqs not 1..k in gsn order. */
export function densityProblems(msgs: readonly JournalMessage[]): string[] {
  const problems: string[] = []
  const next = new Map<number, number>()
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!
    if (m.gsn !== i + 1 && problems.length < 5) problems.push(`gsn ${m.gsn} at position ${i + 1}`)
    for (let g = 0; g < m.groups.length; g++) {
      const want = (next.get(m.groups[g]!) ?? 0) + 1
      if (m.gseqs[g] !== want && problems.length < 5) problems.push(`group ${m.groups[g]}: gseq ${m.gseqs[g]} at gsn ${m.gsn}, expected ${want}`)
      next.set(m.groups[g]!, m.gseqs[g]!)
    }
  }
  return problems
}
