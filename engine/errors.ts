// Named errors of the embedding API. All extend OrdoBaseError (codec/ordo-error.ts), the
// base class the client library's errors share: `code` is a stable string (branch on it),
// `wireCode` the protocol number where the error is one the gateway would send,
// `details` the key=value facts of the message, which says what to do where the caller
// can act. docs/errors.md lists every code.

import { ErrorCode, errorCodeInfo } from '../codec/error-codes.js'
import { OrdoBaseError, withDetails, type ErrorDetail } from '../codec/ordo-error.js'

/** The `code` an engine error carries for a wire error code: its name, or CODE_<n> for a number this build does not know. */
export function wireCodeName(code: number): string {
  return errorCodeInfo(code)?.name ?? `CODE_${code}`
}

export const EngineErrorCode = {
  badOption: 'BAD_OPTION',
  badArgument: 'BAD_ARGUMENT',
  closed: 'ENGINE_CLOSED',
  locked: 'ENGINE_LOCKED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  tooManyGroups: 'TOO_MANY_GROUPS',
  emptyGroups: 'EMPTY_GROUPS',
  unknownGroup: 'UNKNOWN_GROUP',
  pseqGap: 'PSEQ_GAP',
  duplicateOutsideWindow: 'DUPLICATE_OUTSIDE_WINDOW',
  retainedAway: 'RETAINED_AWAY',
  diskFull: 'DISK_FULL',
  journalIo: 'JOURNAL_IO',
  stageFailed: 'STAGE_FAILED',
  handlerFailed: 'HANDLER_FAILED',
  refused: 'REFUSED',
} as const
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode]

export interface EngineErrorOptions {
  cause?: unknown
  wireCode?: number
  details?: Readonly<Record<string, ErrorDetail>>
  retryable?: boolean
}

export class EngineError extends OrdoBaseError {
  constructor(code: string, message: string, options: EngineErrorOptions = {}) {
    super(code, message, options)
    this.name = 'EngineError'
  }
}

/** An option of Engine.open out of its range. */
export class EngineOptionError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.badOption, message)
    this.name = 'EngineOptionError'
  }
}

/** An argument of an embedding-API call that cannot be used (a payload that is not bytes, fromGsn -5n...). */
export class EngineArgumentError extends EngineError {
  constructor(what: string, details: Readonly<Record<string, ErrorDetail>>) {
    super(EngineErrorCode.badArgument, withDetails(what, details), { details })
    this.name = 'EngineArgumentError'
  }
}

export class EngineClosedError extends EngineError {
  constructor(what: string) {
    super(EngineErrorCode.closed, `engine is closed: ${what}`, { wireCode: ErrorCode.GOING_AWAY })
    this.name = 'EngineClosedError'
  }
}

/** Another engine holds the data directory (in this process, or another one). */
export class EngineLockedError extends EngineError {
  constructor(dir: string, holder: string, cause?: unknown) {
    super(
      EngineErrorCode.locked,
      withDetails('the data directory is in use by another engine: close it first, or open another directory', { dir, holder }),
      { cause, details: { dir, holder } },
    )
    this.name = 'EngineLockedError'
  }
}

/** A publish the engine refused (too large, too many groups, pseq gap, disk full…). */
export class PublishRefusedError extends EngineError {
  constructor(code: string, message: string, readonly pseq: bigint, options: EngineErrorOptions = {}) {
    super(code, message, options)
    this.name = 'PublishRefusedError'
  }
}

/**
 * The engine takes no publishes now: its journal cannot write (code DISK_FULL or
 * JOURNAL_IO). It retries by itself; `details.action` says what the operator can do.
 */
export class EngineUnavailableError extends EngineError {
  constructor(code: string, wireCode: number, what: string, details: Readonly<Record<string, ErrorDetail>>) {
    super(code, withDetails(what, details), { wireCode, details, retryable: true })
    this.name = 'EngineUnavailableError'
  }
}

/** A pipeline stage (sequencer or journal worker) failed for good; the engine stops taking publishes. */
export class StageFailedError extends EngineError {
  /** The stage's own code (e.g. JOURNAL_LOCKED, JOURNAL_DATA_LOST, WORKER_EXIT). */
  readonly stageCode: string
  constructor(stage: string, code: string, message: string, details: Readonly<Record<string, ErrorDetail>> = {}) {
    super(EngineErrorCode.stageFailed, `${stage} failed: code=${code}, ${message}`, { wireCode: ErrorCode.INTERNAL, details: { stage, stageCode: code, ...details } })
    this.name = 'StageFailedError'
    this.stageCode = code
  }
}

/** What ended or troubled a subscription (RETAINED_AWAY, a handler that threw...). */
export class SubscriptionError extends EngineError {
  constructor(code: string, message: string, readonly ref: bigint, options: EngineErrorOptions = {}) {
    super(code, message, options)
    this.name = 'SubscriptionError'
  }
}
