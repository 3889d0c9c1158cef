// Named errors of the journal and the group registry. Every class carries a stable
// `code` (callers branch on it, the gateway maps it to a protocol error) and a message
// of the form `what went wrong: key=value, key=value` so logs can be grepped.
//
// These are thrown for conditions that are exceptional for the journal (corruption,
// I/O failure, a caller breaking the gsn contract); the append path itself has no
// expected-failure outcome that would call for numeric sentinels.

import { OrdoBaseError, type OrdoErrorOptions } from '../../codec/ordo-error.js'

export const JournalErrorCode = {
  corrupt: 'JOURNAL_CORRUPT',
  format: 'JOURNAL_FORMAT',
  segmentGap: 'JOURNAL_SEGMENT_GAP',
  gsnGap: 'JOURNAL_GSN_GAP',
  retainedAway: 'GSN_RETAINED_AWAY',
  io: 'JOURNAL_IO',
  failed: 'JOURNAL_FAILED',
  dataLost: 'JOURNAL_DATA_LOST',
  locked: 'JOURNAL_LOCKED',
  closed: 'JOURNAL_CLOSED',
  badArgument: 'JOURNAL_BAD_ARGUMENT',
  groupNameInvalid: 'GROUP_NAME_INVALID',
  groupRegistryCorrupt: 'GROUP_REGISTRY_CORRUPT',
  groupRegistryFull: 'GROUP_REGISTRY_FULL',
} as const
export type JournalErrorCode = (typeof JournalErrorCode)[keyof typeof JournalErrorCode]

/** Base class: `code` is stable across releases, `message` is for humans. */
export class JournalError extends OrdoBaseError {
  declare readonly code: JournalErrorCode

  constructor(code: JournalErrorCode, message: string, options?: OrdoErrorOptions) {
    super(code, message, options)
    this.name = 'JournalError'
  }
}

/** A record or file failed its checksum, magic or gsn continuity check. */
export class JournalCorruptError extends JournalError {
  readonly segment: string
  readonly offset: number
  /** First gsn the bad record claims or was expected to carry (0 if unknown). */
  readonly gsn: number

  constructor(reason: string, segment: string, offset: number, gsn: number, extra = '') {
    super(
      JournalErrorCode.corrupt,
      `${reason}: segment=${segment}, offset=${offset}, gsn=${gsn}${extra === '' ? '' : ', ' + extra}`,
    )
    this.name = 'JournalCorruptError'
    this.segment = segment
    this.offset = offset
    this.gsn = gsn
  }
}

/** A file in the journal directory is not a segment/index of a format this code reads. */
export class JournalFormatError extends JournalError {
  readonly file: string

  constructor(reason: string, file: string, extra = '') {
    super(JournalErrorCode.format, `${reason}: file=${file}${extra === '' ? '' : ', ' + extra}`)
    this.name = 'JournalFormatError'
    this.file = file
  }
}

/** Two consecutive segment files do not continue each other's gsns (files deleted by hand?). */
export class JournalSegmentGapError extends JournalError {
  constructor(segment: string, endGsn: number, nextSegment: string, nextFirstGsn: number) {
    super(
      JournalErrorCode.segmentGap,
      `gap between segments (were files deleted by hand?): segment=${segment}, endGsn=${endGsn}, ` +
        `nextSegment=${nextSegment}, nextFirstGsn=${nextFirstGsn}`,
    )
    this.name = 'JournalSegmentGapError'
  }
}

/** append() was given a batch that does not start at nextGsn. */
export class JournalGsnGapError extends JournalError {
  readonly expected: number
  readonly got: number

  constructor(expected: number, got: number) {
    super(JournalErrorCode.gsnGap, `gsn gap on append: expected=${expected}, got=${got}`)
    this.name = 'JournalGsnGapError'
    this.expected = expected
    this.got = got
  }
}

/** The gsn asked for is older than the oldest gsn retention kept. */
export class JournalRetainedError extends JournalError {
  readonly requestedGsn: number
  readonly oldestGsn: number

  constructor(requestedGsn: number, oldestGsn: number) {
    super(
      JournalErrorCode.retainedAway,
      `gsn removed by retention: requested=${requestedGsn}, oldestAvailable=${oldestGsn}`,
    )
    this.name = 'JournalRetainedError'
    this.requestedGsn = requestedGsn
    this.oldestGsn = oldestGsn
  }
}

/** A file operation failed (ENOSPC, EIO, ...). `errno` is the Node error code string. */
export class JournalIoError extends JournalError {
  readonly op: string
  readonly errno: string
  readonly file: string

  constructor(op: string, file: string, cause: unknown, extra = '') {
    const errno = errnoOf(cause)
    super(
      JournalErrorCode.io,
      `journal i/o failed: op=${op}, file=${file}, errno=${errno}${extra === '' ? '' : ', ' + extra}`,
      { cause },
    )
    this.name = 'JournalIoError'
    this.op = op
    this.errno = errno
    this.file = file
  }
}

/** The journal hit an I/O error earlier and refuses further work until reopened (recovery). */
export class JournalFailedError extends JournalError {
  constructor(cause: unknown) {
    super(
      JournalErrorCode.failed,
      `journal failed earlier and must be reopened: cause=${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    )
    this.name = 'JournalFailedError'
  }
}

/**
 * After an I/O error, records the journal had written were no longer intact when it read
 * them back to write them again: the device lost them. The journal cannot go on in place.
 */
export class JournalDataLostError extends JournalError {
  constructor(file: string, offset: number, fromGsn: number, toGsn: number, reason: string, cause: unknown) {
    super(
      JournalErrorCode.dataLost,
      `written records are no longer intact on the device: file=${file}, offset=${offset}, fromGsn=${fromGsn}, toGsn=${toGsn}, reason=${reason}; ` +
        `check the device, then reopen: recovery keeps every intact record and cuts the journal before gsn ${fromGsn}`,
      { cause, details: { file, offset, fromGsn, toGsn, reason } },
    )
    this.name = 'JournalDataLostError'
  }
}

/** Another live process (or another Journal in this process) has the directory open. */
export class JournalLockedError extends JournalError {
  constructor(dir: string, holderPid: number) {
    super(JournalErrorCode.locked, `journal directory is in use: dir=${dir}, pid=${holderPid}`, { details: { dir, pid: holderPid } })
    this.name = 'JournalLockedError'
  }
}

export class JournalClosedError extends JournalError {
  constructor(what: string) {
    super(JournalErrorCode.closed, `${what} is closed`)
    this.name = 'JournalClosedError'
  }
}

/** A caller passed something the journal cannot store (count < 1, bad range, ...). */
export class JournalArgumentError extends JournalError {
  constructor(message: string) {
    super(JournalErrorCode.badArgument, message)
    this.name = 'JournalArgumentError'
  }
}

/** A group name breaks the naming rule (1-255 bytes of [A-Za-z0-9._-]). */
export class GroupNameError extends JournalError {
  readonly reason: string

  constructor(reason: string, name: string, extra = '') {
    super(
      JournalErrorCode.groupNameInvalid,
      `invalid group name: reason=${reason}, name=${JSON.stringify(name.length > 300 ? name.slice(0, 300) + '…' : name)}` +
        (extra === '' ? '' : ', ' + extra),
    )
    this.name = 'GroupNameError'
    this.reason = reason
  }
}

/** groups.log is damaged somewhere other than a torn last record. */
export class GroupRegistryCorruptError extends JournalError {
  constructor(reason: string, file: string, offset: number) {
    super(JournalErrorCode.groupRegistryCorrupt, `${reason}: file=${file}, offset=${offset}`)
    this.name = 'GroupRegistryCorruptError'
  }
}

/** All u32 group ids are taken. */
export class GroupRegistryFullError extends JournalError {
  constructor(maxId: number) {
    super(JournalErrorCode.groupRegistryFull, `no group id left: maxId=${maxId}`)
    this.name = 'GroupRegistryFullError'
  }
}

/** The `code` of a Node system error (ENOSPC, EIO...), or 'UNKNOWN'. */
export function errnoOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code
  return 'UNKNOWN'
}
