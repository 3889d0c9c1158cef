// Rebuilds the sequencer's memory from the journal after a restart: the last gseq of
// every group and each recent publisher's last pseq with the gsns of its recent pseqs
// (the dedupe window), so numbering goes on densely and resends after a crash are
// still answered with their original gsn.
//
// With a state snapshot (state-snapshot.ts) at gsn S the scan starts at
// min(S + 1, lastGsn - dedupeWindow + 1): gseqs need every message after S, the dedupe
// window the last `window` gsns (covering every publisher's recent pseqs). Without one
// it reads every record from the oldest retained gsn. It runs in the sequencer thread
// before it takes traffic.

import { openReader } from '../../journal/journal-reader.js'
import {
  blobGroup, blobGroupCount, blobGseq, blobPseq, blobPublisher, canonicalBlobLength,
} from '../../../codec/blob.js'
import type { Dedupe } from './dedupe.js'
import { dropSnapshotsAbove, readSnapshot } from './state-snapshot.js'
import type { GseqTable } from './gseq-table.js'

export interface ScanReport {
  fromGsn: number
  toGsn: number
  messages: number
  ms: number
  snapshotGsn: number
}

export function recoverState(journalDir: string, stateDir: string, firstGsn: number, lastGsn: number, gseqs: GseqTable, dedupe: Dedupe): ScanReport {
  const t0 = performance.now()
  dropSnapshotsAbove(stateDir, lastGsn)
  const snap = firstGsn > 0 ? readSnapshot(stateDir, lastGsn) : null
  let from = firstGsn
  if (snap !== null) {
    from = Math.max(firstGsn, Math.min(snap.gsn + 1, lastGsn - dedupe.window + 1))
    for (let id = 1; id < snap.gseqs.length; id++) if (snap.gseqs[id]! > 0) gseqs.observe(id, snap.gseqs[id]!)
  }
  const r = scanJournal(journalDir, from, lastGsn, gseqs, dedupe)
  if (snap !== null) {
    // Publishers not seen in the scanned range keep their last pseq (their older gsns are
    // outside the window: a resend of those is refused as DUPLICATE_OUTSIDE_WINDOW).
    for (let k = 0; k < snap.publishers.length; k += 2) {
      const s = dedupe.state(snap.publishers[k]!)
      if (snap.publishers[k + 1]! > s.lastPseq) s.lastPseq = snap.publishers[k + 1]!
    }
  }
  return { ...r, ms: performance.now() - t0, snapshotGsn: snap?.gsn ?? 0 }
}

export function scanJournal(dir: string, firstGsn: number, lastGsn: number, gseqs: GseqTable, dedupe: Dedupe): ScanReport {
  const t0 = performance.now()
  let messages = 0
  if (lastGsn >= firstGsn && firstGsn > 0) {
    const reader = openReader(dir, firstGsn, { limitGsn: lastGsn })
    try {
      for (;;) {
        const r = reader.next()
        if (r === null) break
        const bytes = r.bytes
        const end = r.offset + r.length
        let p = r.offset
        for (let i = 0; i < r.count; i++) {
          const len = canonicalBlobLength(bytes, p, end)
          if (len < 0) throw new Error(`journal batch does not frame: firstGsn=${r.firstGsn}, index=${i}`)
          const gsn = r.firstGsn + i
          if (gsn < firstGsn) {
            p += len // the record holding firstGsn starts before it
            continue
          }
          const n = blobGroupCount(bytes, p)
          for (let g = 0; g < n; g++) gseqs.observe(blobGroup(bytes, p, g), blobGseq(bytes, p, g))
          const s = dedupe.state(blobPublisher(bytes, p))
          const pseq = blobPseq(bytes, p)
          if (pseq > s.lastPseq) dedupe.record(s, pseq, gsn)
          messages++
          p += len
        }
      }
    } finally {
      reader.close()
    }
  }
  return { fromGsn: firstGsn, toGsn: lastGsn, messages, ms: performance.now() - t0, snapshotGsn: 0 }
}
