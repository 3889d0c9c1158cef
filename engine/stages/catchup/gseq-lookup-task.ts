// The gseqs of one message, read from the journal off the main thread (piscina, the
// catch-up pool). A resend that the sequencer answers as a duplicate carries only the
// original gsn; the embedding API answers it with the original gseqs too, and those are
// in the journal record (a resend's notice always follows the batch holding the
// original, and the dispatcher answers it once that batch is durable). Keeping every
// message's gseqs in the dedupe window instead would cost up to 16 numbers per message
// for the rare resend.

import { openReader } from '../../journal/journal-reader.js'
import { blobGroupCount, blobGseq, canonicalBlobLength } from '../../../codec/blob.js'
import type { GseqLookupRequest, GseqLookupResult } from './catchup-messages.js'

export default function lookupGseqs(req: GseqLookupRequest): GseqLookupResult {
  let reader
  try {
    reader = openReader(req.dir, req.gsn, { limitGsn: req.gsn })
  } catch {
    return { gseqs: null } // retained away
  }
  try {
    const r = reader.next()
    if (r === null || req.gsn < r.firstGsn || req.gsn >= r.firstGsn + r.count) return { gseqs: null }
    const end = r.offset + r.length
    let p = r.offset
    for (let gsn = r.firstGsn; gsn < req.gsn; gsn++) {
      const len = canonicalBlobLength(r.bytes, p, end)
      if (len < 0) return { gseqs: null }
      p += len
    }
    const n = blobGroupCount(r.bytes, p)
    const gseqs: number[] = []
    for (let g = 0; g < n; g++) gseqs.push(blobGseq(r.bytes, p, g))
    return { gseqs }
  } finally {
    reader.close()
  }
}
