// Numeric results of ordo's hot-path calls, every layer's in this one table. Success is
// a byte index, a length or a count (>= 0); each failure is one negative value with one
// meaning, whichever layer returns it, so a caller on the message path branches on a
// number, allocates nothing, and a value handed up from a lower layer can never be
// mistaken for another one. Each call documents which of these it returns; a layer that
// passes a lower layer's result on translates it explicitly (ring → IngressWriter →
// Engine.offerPublishFrame → the gateway's wire error, gateway/offer-refusal.ts).
//
// It lives in codec/ because that is the lowest layer that returns any of them (the
// engine and the gateway both import codec, never the other way round).
//
//   -1 .. -9    rings and the engine's ingress (engine/ring, engine/ingress-writer.ts,
//               RingPublisher.offer, EnginePort.offerPublishFrame)
//   -11 .. -21  codec writers, readers and copies
//
// Not wire values: nothing here is sent or stored, so a value may change between
// releases. Use the names.

export const Result = {
  // ---- rings and ingress -----------------------------------------------------------
  /** The record can never fit: larger than the ring's (or the ingress record's) maximum. */
  TOO_LARGE: -1,
  /** No space now (producer): retry after consumers release, or wait. */
  BACK_PRESSURED: -2,
  /** The ring was closed or this consumer detached; the engine is closed or failed. */
  CLOSED: -3,
  /** peek(): no record available now. */
  EMPTY: -4,
  /** A message of the frame names another publisher than the one offering it. */
  BAD_PUBLISHER: -5,
  /** The engine takes no publishes for now (its journal cannot write; EnginePort.status says why). */
  UNAVAILABLE: -6,

  // ---- codec -----------------------------------------------------------------------
  /** The destination range is too short for what was to be written. */
  NO_SPACE: -11,
  /** A position that must be 8-aligned is not. */
  MISALIGNED: -12,
  /** The frame already holds the maxMessages it reserved slots for. */
  FULL: -13,
  /** The bytes are not a well-formed canonical blob. */
  NOT_CANONICAL: -14,
  /** A blob or vector runs past the end of the range it must fit in. */
  TRUNCATED: -15,
  /** More groups than allowed. */
  TOO_MANY_GROUPS: -16,
  /** Called out of order (e.g. addMessage before beginPublish). */
  WRONG_STATE: -17,
  /** The frame's body is neither Publish nor Deliver. */
  NOT_MESSAGE_FRAME: -18,
  /** The source message cannot be made canonical (gseqs length differs from groups length). */
  INCONSISTENT: -19,
  /** An argument is out of its range (e.g. maxMessages < 0). */
  BAD_ARGUMENT: -20,
  /** A field that must be present to be written in place is absent. */
  MISSING_FIELD: -21,
} as const
export type Result = (typeof Result)[keyof typeof Result]

export const TOO_LARGE = Result.TOO_LARGE
export const BACK_PRESSURED = Result.BACK_PRESSURED
export const CLOSED = Result.CLOSED
export const EMPTY = Result.EMPTY
export const BAD_PUBLISHER = Result.BAD_PUBLISHER
export const UNAVAILABLE = Result.UNAVAILABLE
export const NO_SPACE = Result.NO_SPACE
export const MISALIGNED = Result.MISALIGNED
export const FULL = Result.FULL
export const NOT_CANONICAL = Result.NOT_CANONICAL
export const TRUNCATED = Result.TRUNCATED
export const TOO_MANY_GROUPS = Result.TOO_MANY_GROUPS
export const WRONG_STATE = Result.WRONG_STATE
export const NOT_MESSAGE_FRAME = Result.NOT_MESSAGE_FRAME
export const INCONSISTENT = Result.INCONSISTENT
export const BAD_ARGUMENT = Result.BAD_ARGUMENT
export const MISSING_FIELD = Result.MISSING_FIELD

/** What the rings' hot-path calls return (engine/ring). */
export const RingResult = { TOO_LARGE, BACK_PRESSURED, CLOSED, EMPTY } as const
export type RingResult = (typeof RingResult)[keyof typeof RingResult]

/** What the codec's writers, readers and copies return. */
export const CodecResult = {
  NO_SPACE, MISALIGNED, FULL, NOT_CANONICAL, TRUNCATED, TOO_MANY_GROUPS, WRONG_STATE, NOT_MESSAGE_FRAME, INCONSISTENT, BAD_ARGUMENT, MISSING_FIELD,
} as const
export type CodecResult = (typeof CodecResult)[keyof typeof CodecResult]

/** What EnginePort.offerPublishFrame returns besides a message count. */
export const OfferResult = { BACK_PRESSURED, CLOSED, TOO_LARGE, BAD_PUBLISHER, NOT_MESSAGE_FRAME, UNAVAILABLE } as const
export type OfferResult = (typeof OfferResult)[keyof typeof OfferResult]

const NAMES = new Map<number, string>()
for (const [name, value] of Object.entries(Result)) NAMES.set(value, name)

/** Name of a result, for logs and error messages (not for the hot path). */
export function resultName(result: number): string {
  return NAMES.get(result) ?? (result >= 0 ? 'OK' : `UNKNOWN(${result})`)
}

/** Name of a codec result (resultName, under the codec's historical name). */
export const codecResultName = resultName
