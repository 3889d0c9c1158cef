// The one base class of every error ordo throws or rejects with: the engine, the journal,
// the rings, the codec, token checks and the client library. A caller branches on `code`,
// a stable string ('DISK_FULL', 'ENGINE_LOCKED', 'BAD_ARGUMENT', ...); where the error is
// a protocol error (sent by the server, or one the engine answers with on the wire), the
// protocol's number is in `wireCode` (codec/error-codes.ts). `details` holds the key=value
// facts the message prints, for logs and programs; `cause` the error it wraps, if any.
// docs/errors.md lists every code with its meaning and whether a retry can succeed.
//
// No node: imports (the client library runs in browsers).

/** A value of one key=value detail. */
export type ErrorDetail = string | number | bigint | boolean

export interface OrdoErrorOptions {
  /** The error this one wraps. */
  cause?: unknown
  /** The protocol error code, when the error is one (codec/error-codes.ts). */
  wireCode?: number
  /** key=value facts; the message already shows them. */
  details?: Readonly<Record<string, ErrorDetail>>
  /** Whether doing the same again later can succeed (the condition passes). Default false. */
  retryable?: boolean
}

export class OrdoBaseError extends Error {
  /** Stable code: branch on it. */
  readonly code: string
  /** The protocol's numeric code when the error is a protocol error, else undefined. */
  readonly wireCode: number | undefined
  /** key=value facts of the message. */
  readonly details: Readonly<Record<string, ErrorDetail>>
  /** Whether the same call can succeed later without change. */
  readonly retryable: boolean

  constructor(code: string, message: string, options: OrdoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'OrdoBaseError'
    this.code = code
    this.wireCode = options.wireCode
    this.details = Object.freeze({ ...(options.details ?? {}) })
    this.retryable = options.retryable ?? false
  }
}

/** `what: k=v, k=v` — the message shape of every ordo error. */
export function withDetails(what: string, details: Readonly<Record<string, ErrorDetail>>): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(details)) parts.push(`${k}=${typeof v === 'string' && /[\s,=]/.test(v) ? JSON.stringify(v) : String(v)}`)
  return parts.length === 0 ? what : `${what}: ${parts.join(', ')}`
}
