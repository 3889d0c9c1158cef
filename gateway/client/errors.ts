// Typed errors of the client library: OrdoError, a subclass of the one base class every
// ordo error shares (codec/ordo-error.ts, OrdoBaseError). `code` is the stable name
// ('FORBIDDEN_GROUP', 'CLOSED', ...); a wire error keeps the server's number in
// `wireCode` (codec/error-codes.ts) and the ref it named; errors the client raises
// itself use the same names where one fits (a payload over the server's limit is
// PAYLOAD_TOO_LARGE, with its wire number, before it is ever sent) and one of
// ClientErrorCode otherwise (no wire number).

import { errorCodeInfo, errorCodeName } from '../../codec/error-codes.js'
import { OrdoBaseError } from '../../codec/ordo-error.js'

/** Codes of failures that happen in the client, not at the server (never a wire code). */
export const ClientErrorCode = {
  CLOSED: 'CLOSED',
  CONNECT_FAILED: 'CONNECT_FAILED',
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  /** A subscription handler threw; the subscription goes on with the next delivery. */
  HANDLER_FAILED: 'HANDLER_FAILED',
} as const
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

export class OrdoError extends OrdoBaseError {
  /** What the server's Error.ref named (pseq, subscription id or gsn; 0n when none). */
  readonly ref: bigint

  /** `code`: a wire error code (number) or one of ClientErrorCode. */
  constructor(code: number | ClientErrorCode, message: string, ref: bigint = 0n, options?: { cause?: unknown }) {
    const wire = typeof code === 'number'
    super(wire ? errorCodeName(code) : code, message, {
      cause: options?.cause,
      wireCode: wire ? code : undefined,
      retryable: wire ? (errorCodeInfo(code)?.retryable ?? false) : code === ClientErrorCode.CONNECT_FAILED,
      details: ref === 0n ? {} : { ref },
    })
    this.name = 'OrdoError'
    this.ref = ref
  }

  /** The same as `code` (kept for code written against earlier releases). */
  get codeName(): string {
    return this.code
  }
}
