// Typed errors of the client library: OrdoError, a subclass of the one base class every
// ordo error shares (codec/ordo-error.ts, OrdoBaseError). `code` is the stable name
// ('FORBIDDEN_GROUP', 'CLOSED', ...); a wire error keeps the server's number in
// `wireCode` (codec/error-codes.ts), the ref it named and, for errors about a
// subscription, that subscription's id; errors the client raises itself use the same
// names where one fits (a payload over the server's limit is PAYLOAD_TOO_LARGE, with
// its wire number, before it is ever sent) and one of ClientErrorCode otherwise (no
// wire number). Switch on `code`, `subscription` and `ref`: the message is for people.

import { errorCodeInfo, errorCodeName } from '../../codec/error-codes.js'
import { OrdoBaseError } from '../../codec/ordo-error.js'

/** Codes of failures that happen in the client, not at the server (never a wire code). */
export const ClientErrorCode = {
  CLOSED: 'CLOSED',
  CONNECT_FAILED: 'CONNECT_FAILED',
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  /** A subscription handler threw; the subscription goes on with the next delivery. */
  HANDLER_FAILED: 'HANDLER_FAILED',
  /** A failover withdrew messages a tentative subscription was shown (reported when it has no onWithdrawn). */
  WITHDRAWN: 'WITHDRAWN',
} as const
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

export interface OrdoErrorDetails {
  cause?: unknown
  /** The subscription the error is about (0 or omitted: none). */
  subscription?: number
  /** With NOT_LEADER: the leader's client URL ('' when unknown). */
  leaderUrl?: string
}

export class OrdoError extends OrdoBaseError {
  /** What the server's Error.ref named (pseq, subscription id or gsn; 0n when none). */
  readonly ref: bigint
  /** The subscription this error is about (Error.subscription), or 0. */
  readonly subscription: number
  /** With NOT_LEADER: where to publish instead ('' when unknown or not applicable). */
  readonly leaderUrl: string

  /** `code`: a wire error code (number) or one of ClientErrorCode. */
  constructor(code: number | ClientErrorCode, message: string, ref: bigint = 0n, details?: OrdoErrorDetails) {
    const wire = typeof code === 'number'
    const subscription = details?.subscription ?? 0
    const leaderUrl = details?.leaderUrl ?? ''
    const facts: Record<string, bigint | number | string> = {}
    if (ref !== 0n) facts.ref = ref
    if (subscription !== 0) facts.subscription = subscription
    if (leaderUrl !== '') facts.leaderUrl = leaderUrl
    super(wire ? errorCodeName(code) : code, message, {
      cause: details?.cause,
      wireCode: wire ? code : undefined,
      retryable: wire ? (errorCodeInfo(code)?.retryable ?? false) : code === ClientErrorCode.CONNECT_FAILED,
      details: facts,
    })
    this.name = 'OrdoError'
    this.ref = ref
    this.subscription = subscription
    this.leaderUrl = leaderUrl
  }

  /** The same as `code` (kept for code written against earlier releases). */
  get codeName(): string {
    return this.code
  }
}
