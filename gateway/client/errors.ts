// Typed errors of the client library. Wire errors keep the server's numeric
// code (codec/error-codes.ts), its name and the ref it named; errors the
// client raises itself use the same codes where one fits (a payload over the
// server's limit is PAYLOAD_TOO_LARGE before it is ever sent).

import { errorCodeName } from '../../codec/error-codes.js'

export class OrdoError extends Error {
  /** Wire error code (ErrorCode), or one of ClientErrorCode (negative). */
  readonly code: number
  /** Name of the code, e.g. 'FORBIDDEN_GROUP'. */
  readonly codeName: string
  /** What the server's Error.ref named (pseq, subscription id or gsn; 0n when none). */
  readonly ref: bigint

  constructor(code: number, message: string, ref: bigint = 0n, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OrdoError'
    this.code = code
    this.codeName = code < 0 ? (CLIENT_CODE_NAMES[-code] ?? `CLIENT(${code})`) : errorCodeName(code)
    this.ref = ref
  }
}

/** Codes of failures that happen in the client, not at the server (negative: never a wire code). */
export const ClientErrorCode = {
  CLOSED: -1,
  CONNECT_FAILED: -2,
  BAD_ARGUMENT: -3,
} as const
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

const CLIENT_CODE_NAMES: Record<number, string> = { 1: 'CLOSED', 2: 'CONNECT_FAILED', 3: 'BAD_ARGUMENT' }
