// Typed errors of the client library. Wire errors keep the server's numeric
// code (codec/error-codes.ts), its name, the ref it named and, for errors about a
// subscription, that subscription's id; errors the client raises itself use the
// same codes where one fits (a payload over the server's limit is
// PAYLOAD_TOO_LARGE before it is ever sent). Switch on `code` (or `codeName`),
// `subscription` and `ref`: the message is for people.

import { errorCodeName } from '../../codec/error-codes.js'

export interface OrdoErrorDetails {
  cause?: unknown
  /** The subscription the error is about (0 or omitted: none). */
  subscription?: number
  /** With NOT_LEADER: the leader's client URL ('' when unknown). */
  leaderUrl?: string
}

export class OrdoError extends Error {
  /** Wire error code (ErrorCode), or one of ClientErrorCode (negative). */
  readonly code: number
  /** Name of the code, e.g. 'FORBIDDEN_GROUP'. */
  readonly codeName: string
  /** What the server's Error.ref named (pseq, subscription id or gsn; 0n when none). */
  readonly ref: bigint
  /** The subscription this error is about, or 0. */
  readonly subscription: number
  /** With NOT_LEADER: where to publish instead ('' when unknown or not applicable). */
  readonly leaderUrl: string

  constructor(code: number, message: string, ref: bigint = 0n, details?: OrdoErrorDetails) {
    super(message, details?.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'OrdoError'
    this.code = code
    this.codeName = code < 0 ? (CLIENT_CODE_NAMES[-code] ?? `CLIENT(${code})`) : errorCodeName(code)
    this.ref = ref
    this.subscription = details?.subscription ?? 0
    this.leaderUrl = details?.leaderUrl ?? ''
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
