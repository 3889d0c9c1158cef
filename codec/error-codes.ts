// The one table of ordo's wire error codes (Error.code in codec/ordo.fbs) and the
// WebSocket close codes that go with them. Numbers are part of the protocol:
// clients in other languages switch on them, so a number is never reused or
// renumbered; new codes are added at the end. gateway/README.md lists this table
// (a test keeps the two equal), the engine names these numbers in the refusals it
// makes itself (PSEQ_GAP...), the gateway sends them and the client library reads them.
//
// `ref` says what Error.ref names for that code, so a client knows whether it is
// a pseq, a subscription id or a gsn.
//
// No node: imports: the client library (browsers too) uses this table.

export const ErrorCode = {
  BAD_FRAME: 1,
  HELLO_REQUIRED: 2,
  BAD_TOKEN: 3,
  FORBIDDEN_GROUP: 4,
  UNKNOWN_GROUP: 5,
  PAYLOAD_TOO_LARGE: 6,
  TOO_MANY_GROUPS: 7,
  FRAME_TOO_LARGE: 8,
  TOO_MANY_SUBSCRIPTIONS: 9,
  TOO_MANY_CONNECTIONS: 10,
  BAD_GROUP_NAME: 11,
  PSEQ_GAP: 12,
  DUPLICATE_OUTSIDE_WINDOW: 13,
  RETAINED_AWAY: 14,
  SLOW_CONSUMER: 15,
  UNKNOWN_SUBSCRIPTION: 16,
  DUPLICATE_SUBSCRIPTION_ID: 17,
  UNEXPECTED_FRAME: 18,
  TEXT_FRAME: 19,
  GOING_AWAY: 20,
  INTERNAL: 21,
  BAD_PUBLISHER: 22,
  OVERLOADED: 23,
  BAD_REQUEST: 24,
  EMPTY_GROUPS: 25,
  PUBLISHER_TAKEN: 26,
  IDEMPOTENCY_KEY_REUSED: 27,
  NOT_LEADER: 28,
  DISK_FULL: 29,
  JOURNAL_IO: 30,
  DURABLE_BUSY: 31,
  DURABLE_MISMATCH: 32,
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]
export type ErrorCodeName = keyof typeof ErrorCode

/** What Error.ref holds for a code. */
export const RefKind = { none: 'none', pseq: 'pseq', subscription: 'subscription', gsn: 'gsn' } as const
export type RefKind = (typeof RefKind)[keyof typeof RefKind]

export interface ErrorCodeInfo {
  readonly code: number
  readonly name: ErrorCodeName
  readonly ref: RefKind
  /** Whether the server closes the connection after sending it. */
  readonly closes: boolean
  /**
   * Whether sending the same request again later can succeed without changing it (the
   * condition is the server's, not the request's). Publishes are resent with the same
   * pseqs: what was stored is deduplicated.
   */
  readonly retryable: boolean
  readonly meaning: string
}

/** Codes that describe a passing condition of the server (see ErrorCodeInfo.retryable). */
const RETRYABLE: ReadonlySet<ErrorCodeName> = new Set<ErrorCodeName>([
  'TOO_MANY_CONNECTIONS', 'SLOW_CONSUMER', 'GOING_AWAY', 'OVERLOADED', 'DISK_FULL', 'JOURNAL_IO', 'DURABLE_BUSY',
])

function info(name: ErrorCodeName, ref: RefKind, closes: boolean, meaning: string): ErrorCodeInfo {
  return { code: ErrorCode[name], name, ref, closes, retryable: RETRYABLE.has(name), meaning }
}

/** Every code with its meaning, in number order (README table source). */
export const ERROR_CODES: readonly ErrorCodeInfo[] = Object.freeze([
  info('BAD_FRAME', 'none', true, 'the frame cannot be parsed or the verifier refused it; the message carries the verifier\'s reason'),
  info('HELLO_REQUIRED', 'none', true, 'a frame other than Hello arrived before Hello'),
  info('BAD_TOKEN', 'none', true, 'the token is malformed, badly signed or expired'),
  info('FORBIDDEN_GROUP', 'pseq', false, 'the token does not allow publishing to / subscribing to / resolving this group, which it may see (ref: pseq, subscription id, or 0 for ResolveGroups)'),
  info('UNKNOWN_GROUP', 'pseq', false, 'a group id that the server never assigned or that the token may not see, a name that does not exist and may not be created (ref: pseq, subscription id, or 0)'),
  info('PAYLOAD_TOO_LARGE', 'pseq', false, 'a payload above the server\'s max_payload (Welcome.max_payload)'),
  info('TOO_MANY_GROUPS', 'pseq', false, 'a message with more groups than Welcome.max_groups (ref 0 when the frame broke the protocol\'s limit of 16 and was refused whole)'),
  info('FRAME_TOO_LARGE', 'none', true, 'a WebSocket frame above the server\'s frame limit, or one whose messages take more room stored than the engine takes at once'),
  info('TOO_MANY_SUBSCRIPTIONS', 'subscription', false, 'the connection already holds the maximum number of subscriptions'),
  info('TOO_MANY_CONNECTIONS', 'none', true, 'the server holds the maximum number of connections'),
  info('BAD_GROUP_NAME', 'none', false, 'a group name that is not 1-255 bytes of [A-Za-z0-9._-]'),
  info('PSEQ_GAP', 'pseq', false, 'a pseq beyond the next expected one; the message says which pseq was expected'),
  info('DUPLICATE_OUTSIDE_WINDOW', 'pseq', false, 'a resend older than the dedupe window: it cannot be answered with its original gsn'),
  info('RETAINED_AWAY', 'gsn', false, 'from_gsn was removed by retention; ref = the oldest gsn still available'),
  info('SLOW_CONSUMER', 'gsn', true, 'the subscriber fell too far behind; ref = the gsn to resume from'),
  info('UNKNOWN_SUBSCRIPTION', 'subscription', false, 'Unsubscribe or Ack for a subscription id the connection does not hold'),
  info('DUPLICATE_SUBSCRIPTION_ID', 'subscription', false, 'Subscribe with an id the connection already uses'),
  info('UNEXPECTED_FRAME', 'none', false, 'a server-to-client body (Welcome, Groups, PublishAck, Subscribed, Deliver, Error, Withdrawn) sent by a client, or a second Hello'),
  info('TEXT_FRAME', 'none', true, 'a WebSocket text frame: the protocol is binary'),
  info('GOING_AWAY', 'gsn', true, 'the server is shutting down; ref = the durable gsn; reconnect and resume'),
  info('INTERNAL', 'none', false, 'a server-side failure (journal error...); the request was not carried out'),
  info('BAD_PUBLISHER', 'pseq', false, 'Message.publisher differs from the connection\'s publisher id, or a newer connection of the same identity took the publisher id over'),
  info('OVERLOADED', 'pseq', true, 'the server\'s ingress stayed full for too long; the frame was not taken'),
  info('BAD_REQUEST', 'none', false, 'an HTTP request the server cannot use (POST /publish body, unknown path)'),
  info('EMPTY_GROUPS', 'pseq', false, 'a message or subscription with no groups, or naming one group twice (ref: pseq, subscription id, or 0 when the frame was refused whole)'),
  info('PUBLISHER_TAKEN', 'none', true, 'the publisher id belongs to another identity (token subject); connect with publisher 0 to be assigned one'),
  info('IDEMPOTENCY_KEY_REUSED', 'none', false, 'HTTP: an Idempotency-Key sent before with other groups or another payload; the first request\'s message stands'),
  info('NOT_LEADER', 'pseq', false, 'this cluster node does not sequence publishes (a follower, or a leader that was deposed); retry at Error.leader_url (\'\' while no leader is known); ref = the first pseq refused'),
  info('DISK_FULL', 'pseq', false, 'the journal\'s disk is full: the message is not acknowledged and the server takes no publishes until it can write again (it retries by itself, /health says why); resend with the same pseqs later, what was stored is deduplicated'),
  info('JOURNAL_IO', 'pseq', false, 'the journal\'s disk reported an I/O error: the message is not acknowledged and the server takes no publishes until a retry succeeds (/health says why); resend with the same pseqs later, what was stored is deduplicated'),
  info('DURABLE_BUSY', 'subscription', false, 'Subscribe names a durable subscription that another consumer holds now (one consumer per name: acknowledgements are cumulative in gsn order); retry once that consumer left, or use another name'),
  info('DURABLE_MISMATCH', 'subscription', false, 'Subscribe names a durable subscription with other groups than it was created with, or asks what a durable one cannot do (tentative delivery, an unknown ack_policy, a name that is not 1-255 bytes of [A-Za-z0-9._-]); delete it first to change its groups'),
])

const BY_CODE: (ErrorCodeInfo | undefined)[] = []
for (const e of ERROR_CODES) BY_CODE[e.code] = e

/** Name of a wire error code ('UNKNOWN(n)' when this build does not know it). */
export function errorCodeName(code: number): string {
  return BY_CODE[code]?.name ?? `UNKNOWN(${code})`
}

export function errorCodeInfo(code: number): ErrorCodeInfo | undefined {
  return BY_CODE[code]
}

/** WebSocket close codes (RFC 6455 section 7.4) the gateway uses. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  /** Protocol errors that close use 4000 + the wire error code. */
  PROTOCOL_BASE: 4000,
} as const

/** The close code that goes with a wire error that closes the connection. */
export function closeCodeFor(code: number): number {
  switch (code) {
    case ErrorCode.BAD_TOKEN:
    case ErrorCode.TOO_MANY_CONNECTIONS:
      return CloseCode.POLICY_VIOLATION
    case ErrorCode.FRAME_TOO_LARGE:
      return CloseCode.MESSAGE_TOO_BIG
    case ErrorCode.TEXT_FRAME:
      return CloseCode.UNSUPPORTED_DATA
    case ErrorCode.GOING_AWAY:
      return CloseCode.GOING_AWAY
    default:
      return CloseCode.PROTOCOL_BASE + code
  }
}
