// `ordo inspect`: a read-only, full verification of a journal directory. Unlike recovery
// (which only scans the tail) it reads every record of every segment, checks CRCs, gsn
// continuity within and between segments, and compares each index with the records it
// describes. After damage it resynchronises on the next valid record so one bad record
// does not hide the state of the rest of the segment. Safe to run while a writer appends
// (a record still being written shows up as the newest segment's torn tail).

import { LOCK_FILE_NAME } from './dir-lock.js'
import { type FileIo, nodeFileIo } from './file-io.js'
import { RecordCursor, ScanStatus, scanStatusReason } from './record-cursor.js'
import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, indexFileName, segmentFileName } from './segment-descriptor.js'
import { listSegments, segmentPath } from './segment-directory.js'
import { HeaderProblem, checkSegmentHeader } from './segment-header.js'
import { IndexState, loadSegmentIndex } from './segment-index.js'

export interface RecordProblem {
  /** File offset where the damage starts. */
  offset: number
  /** Gsn expected at that offset. */
  gsn: number
  /** 'crc-mismatch', 'bad-magic', 'bad-length', 'gsn-discontinuity', 'torn' ... */
  reason: string
  /** Bytes skipped before the next valid record (or the end of the file). */
  bytes: number
}

export interface IndexInspection {
  /** ok | missing | damaged (bad checksum/order) | stale (entries not matching records) | unsealed (closed segment without seal) */
  state: 'ok' | 'missing' | 'damaged' | 'stale' | 'unsealed'
  entries: number
  sealed: boolean
  /** Point entries that do not match a record start with the same gsn, plus a wrong seal. */
  mismatches: number
}

export interface SegmentInspection {
  file: string
  firstGsn: number
  /** Last gsn seen (firstGsn - 1 when the segment holds no record). */
  lastGsn: number
  bytes: number
  records: number
  /** 'ok' or the header problem. */
  header: string
  /** CRC failures and other damage, with offsets. */
  problems: RecordProblem[]
  /** Incomplete record at the end of the file (recovery would cut it). */
  tornTail: { offset: number; bytes: number } | null
  index: IndexInspection
}

export interface InspectReport {
  dir: string
  /** No corruption: every segment header valid, no damaged record, no gap, no torn record
   *  except possibly at the very end of the newest segment. */
  ok: boolean
  segments: SegmentInspection[]
  firstGsn: number
  lastGsn: number
  records: number
  bytes: number
  /** Total damaged records/regions over all segments. */
  crcFailures: number
  gaps: { afterSegment: string; endGsn: number; nextSegment: string; nextFirstGsn: number }[]
  /** Files that are neither segments, their indexes, nor the lock. */
  strayFiles: string[]
  ms: number
}

export function inspectJournal(dir: string, opts: { io?: FileIo } = {}): InspectReport {
  const t0 = performance.now()
  const io = opts.io ?? nodeFileIo
  const firsts = listSegments(io, dir)
  const known = new Set<string>([LOCK_FILE_NAME])
  for (const f of firsts) {
    known.add(segmentFileName(f))
    known.add(indexFileName(f))
  }
  const strayFiles = io
    .readdirSync(dir)
    .filter((n) => !known.has(n))
    .sort()
  const cursor = new RecordCursor(io)
  const segments: SegmentInspection[] = []
  const gaps: InspectReport['gaps'] = []
  let ok = true
  for (let i = 0; i < firsts.length; i++) {
    const seg = inspectSegment(io, dir, firsts[i]!, i === firsts.length - 1, cursor)
    if (seg.header !== 'ok' || seg.problems.length > 0) ok = false
    if (seg.tornTail !== null && i < firsts.length - 1) ok = false
    const prev = segments[segments.length - 1]
    if (prev !== undefined && prev.lastGsn + 1 !== seg.firstGsn) {
      ok = false
      gaps.push({ afterSegment: prev.file, endGsn: prev.lastGsn + 1, nextSegment: seg.file, nextFirstGsn: seg.firstGsn })
    }
    segments.push(seg)
  }
  let records = 0
  let bytes = 0
  let crcFailures = 0
  for (const s of segments) {
    records += s.records
    bytes += s.bytes
    crcFailures += s.problems.length
  }
  return {
    dir,
    ok,
    segments,
    firstGsn: segments.length > 0 ? segments[0]!.firstGsn : 0,
    lastGsn: segments.length > 0 ? segments[segments.length - 1]!.lastGsn : 0,
    records,
    bytes,
    crcFailures,
    gaps,
    strayFiles,
    ms: performance.now() - t0,
  }
}

function inspectSegment(io: FileIo, dir: string, firstGsn: number, newest: boolean, cursor: RecordCursor): SegmentInspection {
  const file = segmentFileName(firstGsn)
  const fd = io.openSync(segmentPath(dir, firstGsn), 'r')
  try {
    const size = io.fstatSync(fd).size
    const index = loadSegmentIndex(io, dir, firstGsn)
    const out: SegmentInspection = {
      file,
      firstGsn,
      lastGsn: firstGsn - 1,
      bytes: size,
      records: 0,
      header: 'ok',
      problems: [],
      tornTail: null,
      index: { state: index.state, entries: index.count, sealed: index.sealed, mismatches: 0 },
    }
    const headerProblem = checkSegmentHeader(io, fd, firstGsn)
    if (headerProblem !== HeaderProblem.none) {
      out.header = headerProblem
      return out
    }
    let entry = 0
    let mismatches = 0
    cursor.invalidate()
    cursor.reset(fd, SEGMENT_HEADER_BYTES, firstGsn)
    for (;;) {
      const status = cursor.read()
      if (status === ScanStatus.record || status === ScanStatus.badGsn) {
        if (status === ScanStatus.badGsn) {
          out.problems.push({ offset: cursor.recordOffset, gsn: cursor.expectedGsn, reason: scanStatusReason(status), bytes: 0 })
        }
        const at = cursor.recordOffset
        while (entry < index.count && index.offsets[entry]! < at) {
          mismatches++
          entry++
        }
        if (entry < index.count && index.offsets[entry] === at) {
          if (index.gsns[entry] !== cursor.firstGsn) mismatches++
          entry++
        }
        out.records++
        out.lastGsn = cursor.firstGsn + cursor.count - 1
        cursor.advance()
        continue
      }
      if (status === ScanStatus.end) break
      if (status === ScanStatus.torn) {
        out.tornTail = { offset: cursor.recordOffset, bytes: size - cursor.recordOffset }
        break
      }
      // Damaged record: skip to the next record that verifies on its own.
      const badAt = cursor.recordOffset
      const expected = cursor.expectedGsn
      const next = resync(cursor, fd, badAt, status === ScanStatus.badCrc ? cursor.size : 0, size)
      out.problems.push({ offset: badAt, gsn: expected, reason: scanStatusReason(status), bytes: next - badAt })
      if (next >= size) break
      cursor.reset(fd, next, cursor.firstGsn)
    }
    mismatches += index.count - entry
    if (index.sealed && (index.sealEndOffset !== size || index.sealEndGsn !== out.lastGsn + 1)) mismatches++
    out.index.mismatches = mismatches
    if (out.index.state === IndexState.ok) {
      if (mismatches > 0) out.index.state = 'stale'
      else if (!newest && !index.sealed) out.index.state = 'unsealed'
    }
    return out
  } finally {
    io.closeSync(fd)
  }
}

/**
 * File offset of the first record after `badAt` that verifies with any gsn (its header is
 * left in the cursor), or `size` if none. Tries the bad record's claimed end first (a CRC
 * failure with an intact header), then every 8-byte boundary.
 */
function resync(cursor: RecordCursor, fd: number, badAt: number, claimedSize: number, size: number): number {
  if (claimedSize > 0 && badAt + claimedSize < size) {
    cursor.reset(fd, badAt + claimedSize, 0)
    if (cursor.read(true, false) === ScanStatus.record) return badAt + claimedSize
  }
  for (let pos = badAt + 8; pos + RECORD_HEADER_BYTES <= size; pos += 8) {
    cursor.reset(fd, pos, 0)
    if (cursor.read(true, false) === ScanStatus.record) return pos
  }
  return size
}
