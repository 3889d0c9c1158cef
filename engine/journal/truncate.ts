// Cutting a closed journal back to a gsn: what a cluster node does with records it wrote
// that the cluster never committed (a deposed leader's tail), before it opens the journal
// again and follows. Works on the files, under the directory lock, with no writer open.
//
//   segments:  [1 ..... 4000] [4001 ..... 9000] [9001 .. 9500]        truncateJournalAfter(dir, 6200)
//   after:     [1 ..... 4000] [4001 .. 6200]                           (9001.seg removed, 4001.seg cut
//                                                                       at the end of the record holding 6200)
//
// The cut must fall on a record boundary: a gsn inside a record is refused (the record would
// have to be rewritten, and a cluster only ever cuts at the end of a committed batch). The
// newest remaining segment loses its index file, so that the next open rebuilds it by
// scanning (recovery.ts); a state snapshot above the gsn is dropped by the sequencer's next
// open (recovery-scan.ts), so no gseq or pseq of a cut message survives.

import * as path from 'node:path'
import { acquireDirLock, releaseDirLock } from './dir-lock.js'
import { JournalArgumentError, JournalCorruptError, JournalIoError } from './errors.js'
import { type FileIo, fsyncDir, nodeFileIo } from './file-io.js'
import { RecordCursor, ScanStatus, scanStatusReason } from './record-cursor.js'
import { SEGMENT_HEADER_BYTES, indexFileName, segmentFileName } from './segment-descriptor.js'
import { listSegments, segmentPath } from './segment-directory.js'

export interface TruncateReport {
  /** Last gsn the journal holds afterwards (0: empty). */
  readonly lastGsn: number
  /** Segment files removed whole. */
  readonly removedSegments: number
  /** Bytes cut from the end of the newest remaining segment. */
  readonly cutBytes: number
  /** Gsns removed (the journal's last gsn before, minus lastGsn). */
  readonly removedGsns: number
}

function unlinkIfPresent(io: FileIo, file: string): boolean {
  try {
    io.unlinkSync(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw new JournalIoError('unlink', file, err)
  }
}

/** Removes every record holding a gsn above `gsn` from the journal in `dir` (closed, not open elsewhere). */
export function truncateJournalAfter(dir: string, gsn: number, io: FileIo = nodeFileIo): TruncateReport {
  if (!Number.isSafeInteger(gsn) || gsn < 0) throw new JournalArgumentError(`truncate point must be a gsn >= 0: gsn=${String(gsn)}`)
  try {
    io.readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lastGsn: 0, removedSegments: 0, cutBytes: 0, removedGsns: 0 } // no journal yet
    throw new JournalIoError('readdir', dir, err)
  }
  const key = acquireDirLock(io, dir)
  try {
    const firsts = listSegments(io, dir)
    let removedSegments = 0
    let removedGsns = 0
    // Where the journal ends now: the newest segment's last gsn (only needed when it goes).
    let endBefore = firsts.length > 0 && firsts[firsts.length - 1]! > gsn ? lastGsnOf(io, dir, firsts[firsts.length - 1]!) : 0
    // Segments starting above the cut go whole (newest first, so a crash leaves a journal whose
    // segments still continue each other).
    for (let i = firsts.length - 1; i >= 0 && firsts[i]! > gsn; i--) {
      const first = firsts[i]!
      unlinkIfPresent(io, segmentPath(dir, first))
      unlinkIfPresent(io, path.join(dir, indexFileName(first)))
      removedSegments++
      firsts.pop()
    }
    if (firsts.length === 0) {
      if (removedSegments > 0) fsyncDir(io, dir)
      return { lastGsn: 0, removedSegments, cutBytes: 0, removedGsns: Math.max(0, endBefore) }
    }
    const first = firsts[firsts.length - 1]!
    const file = segmentPath(dir, first)
    const fd = io.openSync(file, 'r+')
    let cutBytes = 0
    let lastGsn = first - 1
    try {
      const cursor = new RecordCursor(io)
      cursor.reset(fd, SEGMENT_HEADER_BYTES, first)
      let cutAt = -1
      for (;;) {
        const status = cursor.read()
        if (status !== ScanStatus.record) {
          // The segment ends (cleanly or with a torn tail) at or before the cut point.
          cutAt = cursor.offset
          if (status !== ScanStatus.end && status !== ScanStatus.torn) {
            throw new JournalCorruptError(`${scanStatusReason(status)} before the truncate point gsn=${gsn}`, segmentFileName(first), cursor.offset, cursor.expectedGsn)
          }
          break
        }
        const last = cursor.firstGsn + cursor.count - 1
        if (last > gsn) {
          if (cursor.firstGsn <= gsn) {
            throw new JournalArgumentError(`truncate point inside a record: gsn=${gsn}, record=${cursor.firstGsn}..${last}, segment=${segmentFileName(first)}`)
          }
          cutAt = cursor.recordOffset
          break
        }
        lastGsn = last
        cursor.advance()
      }
      const size = io.fstatSync(fd).size
      if (removedSegments === 0) endBefore = lastGsnOfScan(cursor, lastGsn)
      if (cutAt < size) {
        cutBytes = size - cutAt
        io.ftruncateSync(fd, cutAt)
        io.fsyncSync(fd)
      }
    } catch (err) {
      if (err instanceof JournalArgumentError || err instanceof JournalCorruptError) throw err
      throw new JournalIoError('truncate', file, err)
    } finally {
      io.closeSync(fd)
    }
    // The index may point past the cut, or be sealed: rebuilt by the next open.
    const idxRemoved = unlinkIfPresent(io, path.join(dir, indexFileName(first)))
    if (removedSegments > 0 || idxRemoved) fsyncDir(io, dir)
    removedGsns = Math.max(0, endBefore - lastGsn)
    return { lastGsn, removedSegments, cutBytes, removedGsns }
  } finally {
    releaseDirLock(io, dir, key)
  }
}

/** Last gsn in the segment starting at `first`, by a scan of its records (0 when it holds none). */
function lastGsnOf(io: FileIo, dir: string, first: number): number {
  const fd = io.openSync(segmentPath(dir, first), 'r')
  try {
    const cursor = new RecordCursor(io)
    cursor.reset(fd, SEGMENT_HEADER_BYTES, first)
    let last = first - 1
    while (cursor.read() === ScanStatus.record) {
      last = cursor.firstGsn + cursor.count - 1
      cursor.advance()
    }
    return last
  } finally {
    io.closeSync(fd)
  }
}

/** Where the scanned segment ended: scan on from the cursor (past the cut point) for the report. */
function lastGsnOfScan(cursor: RecordCursor, lastKept: number): number {
  let last = lastKept
  for (;;) {
    if (cursor.read() !== ScanStatus.record) return last
    last = cursor.firstGsn + cursor.count - 1
    cursor.advance()
  }
}
