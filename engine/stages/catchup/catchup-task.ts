// Catch-up reads, run by piscina off the main thread (piscina runs the work that
// parallelises and is not on the ordered path, docs/architecture.md "Catch-up"). A subscriber that starts behind,
// or fell behind (G6), is fed from the journal: this task reads records from fromGsn,
// keeps the messages whose groups meet the subscription's, and packs them into ready
// Deliver frames, so the main thread only patches the subscription id and sends.
// The journal verifies every record's CRC as it reads: bad bytes are never served.

import { openReader } from '../../journal/journal-reader.js'
import { blobGroup, blobGroupCount, canonicalBlobLength } from '../../../codec/blob.js'
import { FrameWriter } from '../../../codec/frame-writer.js'
import type { CatchupRequest, CatchupResult } from './catchup-messages.js'

export default function catchup(req: CatchupRequest): CatchupResult {
  const want = new Set(req.groups)
  const out = new Uint8Array(req.maxBytes + 2 * 1024 * 1024)
  const writer = new FrameWriter(out)
  const offsets: number[] = []
  const lengths: number[] = []
  const lastGsns: number[] = []
  let pos = 0
  let open = false
  let frameStart = 0
  let lastGsn = 0
  let scannedTo = req.fromGsn - 1

  const closeFrame = (): void => {
    if (!open) return
    const len = writer.finish()
    if (len > 0 && lastGsn > 0) {
      offsets.push(frameStart)
      lengths.push(len)
      lastGsns.push(lastGsn)
      pos = frameStart + len
    }
    open = false
    lastGsn = 0
  }

  let reader
  try {
    reader = openReader(req.dir, req.fromGsn, { limitGsn: req.limitGsn })
  } catch (err) {
    const e = err as { code?: string; oldestGsn?: number; message: string }
    if (e.code === 'GSN_RETAINED_AWAY') {
      return { buffer: new ArrayBuffer(0), offsets, lengths, lastGsns, scannedTo, retainedAway: { oldestGsn: e.oldestGsn ?? 0, message: e.message } }
    }
    throw err
  }
  try {
    outer: for (;;) {
      const r = reader.next()
      if (r === null) break
      const bytes = r.bytes
      const end = r.offset + r.length
      let p = r.offset
      for (let i = 0; i < r.count; i++) {
        const gsn = r.firstGsn + i
        const len = canonicalBlobLength(bytes, p, end)
        if (len < 0) throw new Error(`journal batch does not frame: firstGsn=${r.firstGsn}, index=${i}`)
        if (gsn > req.limitGsn) break outer
        if (gsn >= req.fromGsn) {
          let hit = false
          const n = blobGroupCount(bytes, p)
          for (let g = 0; g < n && !hit; g++) hit = want.has(blobGroup(bytes, p, g))
          if (hit) {
            if (!open) {
              frameStart = pos
              writer.beginDeliver(frameStart, 0, req.limitGsn, req.maxMessagesPerFrame)
              open = true
            }
            let rc = writer.addBlob(bytes, p, len)
            if (rc < 0) {
              closeFrame()
              if (pos + len + 4096 > out.length) break outer // full: the rest next time
              frameStart = pos
              writer.beginDeliver(frameStart, 0, req.limitGsn, req.maxMessagesPerFrame)
              open = true
              rc = writer.addBlob(bytes, p, len)
              if (rc < 0) throw new Error(`message does not fit a catch-up frame: gsn=${gsn}, bytes=${len}`)
            }
            lastGsn = gsn
          }
          scannedTo = gsn
        }
        p += len
      }
      if (pos >= req.maxBytes) break
      if (open && frameStart + 1 > req.maxBytes) break
    }
  } finally {
    reader.close()
  }
  closeFrame()
  // Structured clone copies the (at most a few MiB of) frames to the main thread.
  const buffer = out.buffer.slice(0, pos)
  return { buffer, offsets, lengths, lastGsns, scannedTo }
}
