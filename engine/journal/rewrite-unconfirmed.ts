// The probe a faulted journal makes before it takes appends again: read back the records
// of the active segment that no fdatasync is known to have covered, check each one (CRC,
// gsn continuity) and write it again in place, so that the next fdatasync covers them
// whatever the failed write or fsync left in the page cache (after a failed fsync Linux
// may drop the dirty pages or keep them marked clean). A record that no longer checks out
// was lost by the device: that is reported (JournalDataLostError), never papered over.

import { JournalDataLostError } from './errors.js'
import { type FileIo, writeFully } from './file-io.js'
import { RecordCursor, ScanStatus, scanStatusReason } from './record-cursor.js'
import { RECORD_HEADER_BYTES } from './segment-descriptor.js'

/**
 * Re-writes the records in [fromOffset, toOffset) of the open segment `fd`, the first of
 * which starts at gsn `fromGsn`. Throws the raw I/O error when a read or write fails
 * (the caller stays faulted and tries again later) and JournalDataLostError when a record
 * is not intact. `lastGsn` is only for the report.
 */
export function rewriteUnconfirmed(io: FileIo, fd: number, file: string, fromOffset: number, toOffset: number, fromGsn: number, lastGsn: number): void {
  if (toOffset <= fromOffset) return
  const cursor = new RecordCursor(io, Math.min(1 << 20, Math.max(4096, toOffset - fromOffset)))
  cursor.reset(fd, fromOffset, fromGsn)
  while (cursor.offset < toOffset) {
    const status = cursor.read()
    if (status !== ScanStatus.record || cursor.offset + cursor.size > toOffset) {
      const reason = status === ScanStatus.record ? 'record-past-written-end' : scanStatusReason(status)
      throw new JournalDataLostError(file, cursor.offset, cursor.expectedGsn, lastGsn, reason, null)
    }
    writeFully(io, fd, cursor.bytes, cursor.dataPos - RECORD_HEADER_BYTES, cursor.size, cursor.recordOffset)
    cursor.advance()
  }
}
