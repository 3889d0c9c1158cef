// Named errors of the embedding API. `code` is stable (branch on it); the message reads
// `what went wrong: key=value, …` and says what to do where the caller can act.

import { errorCodeInfo } from '../codec/error-codes.js'

/** The `code` an engine error carries for a wire error code: its name, or CODE_<n> for a number this build does not know. */
export function wireCodeName(code: number): string {
  return errorCodeInfo(code)?.name ?? `CODE_${code}`
}

export const EngineErrorCode = {
  badOption: 'BAD_OPTION',
  closed: 'ENGINE_CLOSED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  tooManyGroups: 'TOO_MANY_GROUPS',
  emptyGroups: 'EMPTY_GROUPS',
  unknownGroup: 'UNKNOWN_GROUP',
  pseqGap: 'PSEQ_GAP',
  duplicateOutsideWindow: 'DUPLICATE_OUTSIDE_WINDOW',
  retainedAway: 'RETAINED_AWAY',
  stageFailed: 'STAGE_FAILED',
  refused: 'REFUSED',
} as const
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode]

export class EngineError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EngineError'
    this.code = code
  }
}

export class EngineOptionError extends EngineError {
  constructor(message: string) {
    super(EngineErrorCode.badOption, message)
    this.name = 'EngineOptionError'
  }
}

export class EngineClosedError extends EngineError {
  constructor(what: string) {
    super(EngineErrorCode.closed, `engine is closed: ${what}`)
    this.name = 'EngineClosedError'
  }
}

/** A publish the engine refused (too large, too many groups, pseq gap, …). */
export class PublishRefusedError extends EngineError {
  constructor(code: string, message: string, readonly pseq: bigint) {
    super(code, message)
    this.name = 'PublishRefusedError'
  }
}

/** A pipeline stage (sequencer or journal worker) failed; the engine stops taking publishes. */
export class StageFailedError extends EngineError {
  constructor(stage: string, code: string, message: string) {
    super(EngineErrorCode.stageFailed, `${stage} failed: code=${code}, ${message}`)
    this.name = 'StageFailedError'
  }
}

export class SubscriptionError extends EngineError {
  constructor(code: string, message: string, readonly ref: bigint) {
    super(code, message)
    this.name = 'SubscriptionError'
  }
}
