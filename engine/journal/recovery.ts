// Recovery of a journal directory when a writer opens it (after a clean close or a kill -9).
//
// Closed segments (all but the newest) were fsynced and sealed in their index when the
// writer rolled past them, so their end is read from the seal (one small file read each);
// an index without a valid seal is rebuilt by scanning that segment. Consecutive segments
// must continue each other's gsns: a gap means files were removed by hand and is a hard
// error. Only the newest segment can have a torn tail: it is scanned from its last index
// entry that still checks out, every record's CRC and gsn continuity verified, and the
// file is cut (ftruncate + fsync) at the first record that fails. The report says exactly
// what was cut. Cost: proportional to the index spacing, not to the journal size.
//
// Empty newest segment: header only -> reused as the active segment; shorter than a header
// (the writer died while creating it) -> its header is rewritten and it is reused. Both are
// listed in `emptySegments`.

import * as path from 'node:path'
import { JournalCorruptError, JournalFormatError, JournalIoError, JournalSegmentGapError } from './errors.js'
import { type FileIo, fsyncDir, writeFully } from './file-io.js'
import { IndexPolicy } from './index-policy.js'
import { RecordCursor, ScanStatus, scanStatusReason } from './record-cursor.js'
import { INDEX_SUFFIX, SEGMENT_HEADER_BYTES, indexFileName, segmentFileName } from './segment-descriptor.js'
import { listSegments, segmentPath } from './segment-directory.js'
import { HeaderProblem, checkSegmentHeader, encodeSegmentHeader } from './segment-header.js'
import { IndexState, SegmentIndex, loadSegmentIndex, writeSegmentIndex } from './segment-index.js'

export interface RecoveryReport {
  /** Segment files after recovery. */
  segments: number
  /** Oldest retained gsn (equals lastGsn + 1 when the journal is empty). */
  firstGsn: number
  /** Last gsn in the journal, 0 when empty. */
  lastGsn: number
  /** Bytes cut from the tail of the newest segment (0 when clean). */
  truncatedBytes: number
  truncatedAt: { segment: string; offset: number } | null
  /** The gsn the cut region would have started with (lastGsn + 1), 0 when nothing was cut. */
  truncatedFromGsn: number
  /** Why the scan stopped: 'clean', 'empty', 'torn', 'crc-mismatch', 'bad-magic', 'gsn-discontinuity', 'bad-length'. */
  reason: string
  /** Index files rewritten because they were missing, damaged, stale or unsealed. */
  rebuiltIndexes: number
  emptySegments: { segment: string; action: 'reused' | 'header-rewritten' }[]
  /** Index files without a segment (left by an interrupted retention run) that were removed. */
  orphanIndexesRemoved: number
  /** Segment bytes read to verify records. */
  scannedBytes: number
  ms: number
}

export interface ClosedSegment {
  firstGsn: number
  /** Gsn after the segment's last record (the next segment's first gsn). */
  endGsn: number
  bytes: number
  /** Time of the segment's last write, for age retention. */
  mtimeMs: number
}

export interface ActiveSegmentState {
  firstGsn: number
  bytes: number
  index: SegmentIndex
  /** Offset of the last point entry (or the segment start), to resume the index policy. */
  lastEntryOffset: number
  /** Records from that entry up to the end. */
  recordsSinceEntry: number
}

export interface RecoveredJournal {
  report: RecoveryReport
  closed: ClosedSegment[]
  /** null when the directory holds no segment yet. */
  active: ActiveSegmentState | null
  nextGsn: number
}

export interface RecoveryOptions {
  indexEveryBytes: number
  indexEveryRecords: number
}

export function recoverJournal(io: FileIo, dir: string, opts: RecoveryOptions): RecoveredJournal {
  const t0 = performance.now()
  const report: RecoveryReport = {
    segments: 0,
    firstGsn: 1,
    lastGsn: 0,
    truncatedBytes: 0,
    truncatedAt: null,
    truncatedFromGsn: 0,
    reason: 'empty',
    rebuiltIndexes: 0,
    emptySegments: [],
    orphanIndexesRemoved: 0,
    scannedBytes: 0,
    ms: 0,
  }
  const firsts = listSegments(io, dir)
  report.orphanIndexesRemoved = removeOrphanIndexes(io, dir, firsts)
  const cursor = new RecordCursor(io)
  const policy = new IndexPolicy(opts.indexEveryBytes, opts.indexEveryRecords)
  const closed: ClosedSegment[] = []
  for (let i = 0; i + 1 < firsts.length; i++) {
    const seg = recoverClosedSegment(io, dir, firsts[i]!, cursor, policy, report)
    if (seg.endGsn !== firsts[i + 1]) {
      throw new JournalSegmentGapError(
        segmentFileName(seg.firstGsn),
        seg.endGsn,
        segmentFileName(firsts[i + 1]!),
        firsts[i + 1]!,
      )
    }
    closed.push(seg)
  }
  let active: ActiveSegmentState | null = null
  let nextGsn = 1
  if (firsts.length > 0) {
    const r = recoverActiveSegment(io, dir, firsts[firsts.length - 1]!, cursor, policy, report)
    active = r.state
    nextGsn = r.nextGsn
  }
  report.segments = firsts.length
  report.firstGsn = firsts.length > 0 ? firsts[0]! : nextGsn
  report.lastGsn = nextGsn - 1
  report.ms = performance.now() - t0
  return { report, closed, active, nextGsn }
}

function removeOrphanIndexes(io: FileIo, dir: string, firsts: number[]): number {
  const have = new Set(firsts.map((f) => indexFileName(f)))
  let removed = 0
  for (const name of io.readdirSync(dir)) {
    if (name.endsWith(INDEX_SUFFIX) && /^\d{20}\.idx$/.test(name) && !have.has(name)) {
      io.unlinkSync(path.join(dir, name))
      removed++
    }
  }
  if (removed > 0) fsyncDir(io, dir)
  return removed
}

function recoverClosedSegment(
  io: FileIo,
  dir: string,
  firstGsn: number,
  cursor: RecordCursor,
  policy: IndexPolicy,
  report: RecoveryReport,
): ClosedSegment {
  const name = segmentFileName(firstGsn)
  const fd = io.openSync(segmentPath(dir, firstGsn), 'r')
  try {
    const problem = checkSegmentHeader(io, fd, firstGsn)
    if (problem !== HeaderProblem.none) throw new JournalFormatError(problem, name)
    const st = io.fstatSync(fd)
    const index = loadSegmentIndex(io, dir, firstGsn)
    if (index.state === IndexState.ok && index.sealed && index.sealEndOffset === st.size) {
      return { firstGsn, endGsn: index.sealEndGsn, bytes: st.size, mtimeMs: st.mtimeMs }
    }
    // No trustworthy seal: find the end by scanning from the last entry that checks out.
    index.unseal()
    const status = scanFromIndex(fd, firstGsn, index, cursor, policy, report)
    if (status !== ScanStatus.end) {
      throw new JournalCorruptError(
        `${scanStatusReason(status)} inside a closed segment (not the journal tail; run inspect)`,
        name,
        cursor.offset,
        cursor.expectedGsn,
      )
    }
    index.seal(cursor.expectedGsn, cursor.offset)
    writeSegmentIndex(io, dir, firstGsn, index)
    report.rebuiltIndexes++
    return { firstGsn, endGsn: cursor.expectedGsn, bytes: st.size, mtimeMs: st.mtimeMs }
  } finally {
    io.closeSync(fd)
  }
}

/**
 * Positions `cursor` at the last point entry of `index` whose record checks out (dropping
 * the entries after it that do not), then scans forward to the first non-record status,
 * adding point entries the index lacks. Returns that status; the cursor is left on it.
 */
function scanFromIndex(
  fd: number,
  firstGsn: number,
  index: SegmentIndex,
  cursor: RecordCursor,
  policy: IndexPolicy,
  report: RecoveryReport,
): ScanStatus {
  cursor.invalidate()
  let startOffset = SEGMENT_HEADER_BYTES
  let startGsn = firstGsn
  while (index.count > 0) {
    const off = index.offsets[index.count - 1]!
    const gsn = index.gsns[index.count - 1]!
    cursor.reset(fd, off, gsn)
    if (cursor.read() === ScanStatus.record) {
      startOffset = off
      startGsn = gsn
      break
    }
    index.count--
    index.state = IndexState.damaged
  }
  cursor.reset(fd, startOffset, startGsn)
  policy.restart(startOffset)
  for (;;) {
    const status = cursor.read()
    if (status !== ScanStatus.record) return status
    if (policy.observe(cursor.recordOffset)) {
      index.push(cursor.firstGsn, cursor.recordOffset)
      index.state = IndexState.damaged // the file lacked this entry: rewrite it
    }
    report.scannedBytes += cursor.size
    cursor.advance()
  }
}

function recoverActiveSegment(
  io: FileIo,
  dir: string,
  firstGsn: number,
  cursor: RecordCursor,
  policy: IndexPolicy,
  report: RecoveryReport,
): { state: ActiveSegmentState; nextGsn: number } {
  const name = segmentFileName(firstGsn)
  const file = segmentPath(dir, firstGsn)
  const fd = io.openSync(file, 'r+')
  try {
    const size = io.fstatSync(fd).size
    const problem = checkSegmentHeader(io, fd, firstGsn)
    if (problem !== HeaderProblem.none) {
      if (size > SEGMENT_HEADER_BYTES) throw new JournalFormatError(problem, name)
      // The writer died while creating this file: nothing was ever stored in it.
      rewriteHeader(io, fd, firstGsn, file)
      const index = new SegmentIndex()
      writeSegmentIndex(io, dir, firstGsn, index)
      report.emptySegments.push({ segment: name, action: 'header-rewritten' })
      report.reason = 'empty'
      return {
        state: { firstGsn, bytes: SEGMENT_HEADER_BYTES, index, lastEntryOffset: SEGMENT_HEADER_BYTES, recordsSinceEntry: 0 },
        nextGsn: firstGsn,
      }
    }
    const index = loadSegmentIndex(io, dir, firstGsn)
    if (index.sealed) {
      // Sealed, but the writer died before the next segment existed: it is the tail again.
      index.unseal()
      index.state = IndexState.damaged
    }
    const status = scanFromIndex(fd, firstGsn, index, cursor, policy, report)
    const end = cursor.offset
    if (status !== ScanStatus.end) {
      try {
        io.ftruncateSync(fd, end)
        io.fsyncSync(fd)
      } catch (err) {
        throw new JournalIoError('truncate-tail', file, err, `offset=${end}`)
      }
      report.truncatedBytes = size - end
      report.truncatedAt = { segment: name, offset: end }
      report.truncatedFromGsn = cursor.expectedGsn
      report.reason = scanStatusReason(status)
    } else {
      report.reason = end === SEGMENT_HEADER_BYTES ? 'empty' : 'clean'
    }
    if (end === SEGMENT_HEADER_BYTES) report.emptySegments.push({ segment: name, action: 'reused' })
    if (index.state !== IndexState.ok) {
      writeSegmentIndex(io, dir, firstGsn, index)
      report.rebuiltIndexes++
    }
    return {
      state: { firstGsn, bytes: end, index, lastEntryOffset: policy.lastOffset, recordsSinceEntry: policy.records },
      nextGsn: cursor.expectedGsn,
    }
  } finally {
    io.closeSync(fd)
  }
}

function rewriteHeader(io: FileIo, fd: number, firstGsn: number, file: string): void {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES)
  encodeSegmentHeader(bytes, new DataView(bytes.buffer), firstGsn)
  try {
    io.ftruncateSync(fd, 0)
    writeFully(io, fd, bytes, 0, bytes.length, 0)
    io.fsyncSync(fd)
  } catch (err) {
    throw new JournalIoError('rewrite-header', file, err)
  }
}
