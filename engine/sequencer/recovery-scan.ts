// Rebuilds the sequencer's memory from the journal after a restart: the last gseq of
// every group and each recent publisher's last pseq with the gsns of its recent pseqs
// (the dedupe window), so numbering goes on densely and resends after a crash are
// still answered with their original gsn.
//
// The scan reads every record from the oldest retained gsn: gseqs need each group's
// last message, wherever it is. It runs in the sequencer thread before it takes traffic.

import { openReader } from '../journal/journal-reader.js'
import {
  blobGroup, blobGroupCount, blobGseq, blobPseq, blobPublisher, canonicalBlobLength,
} from '../../codec/blob.js'
import type { Dedupe } from './dedupe.js'
import type { GseqTable } from './gseq-table.js'

export interface ScanReport {
  fromGsn: number
  toGsn: number
  messages: number
  ms: number
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
  return { fromGsn: firstGsn, toGsn: lastGsn, messages, ms: performance.now() - t0 }
}
