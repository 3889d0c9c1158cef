// Numeric results of the hot-path codec functions. Success is a length or a
// count (>= 0); failures are these negative sentinels, never exceptions, so a
// caller on the message path branches on a number and allocates nothing.

export const CodecResult = {
  /** The destination range is too short for what was to be written. */
  NO_SPACE: -1,
  /** A position that must be 8-aligned is not. */
  MISALIGNED: -2,
  /** The frame already holds the maxMessages it reserved slots for. */
  FULL: -3,
  /** The bytes are not a well-formed canonical blob. */
  NOT_CANONICAL: -4,
  /** A blob or vector runs past the end of the range it must fit in. */
  TRUNCATED: -5,
  /** More groups than allowed. */
  TOO_MANY_GROUPS: -6,
  /** Called out of order (e.g. addMessage before beginPublish). */
  WRONG_STATE: -7,
  /** The frame's body is neither Publish nor Deliver. */
  NOT_MESSAGE_FRAME: -8,
  /** The source message cannot be made canonical (gseqs length differs from groups length). */
  INCONSISTENT: -9,
  /** An argument is out of its range (e.g. maxMessages < 0). */
  BAD_ARGUMENT: -10,
  /** A field that must be present to be written in place is absent. */
  MISSING_FIELD: -11,
} as const
export type CodecResult = (typeof CodecResult)[keyof typeof CodecResult]

export const NO_SPACE = CodecResult.NO_SPACE
export const MISALIGNED = CodecResult.MISALIGNED
export const FULL = CodecResult.FULL
export const NOT_CANONICAL = CodecResult.NOT_CANONICAL
export const TRUNCATED = CodecResult.TRUNCATED
export const TOO_MANY_GROUPS = CodecResult.TOO_MANY_GROUPS
export const WRONG_STATE = CodecResult.WRONG_STATE
export const NOT_MESSAGE_FRAME = CodecResult.NOT_MESSAGE_FRAME
export const INCONSISTENT = CodecResult.INCONSISTENT
export const BAD_ARGUMENT = CodecResult.BAD_ARGUMENT
export const MISSING_FIELD = CodecResult.MISSING_FIELD

/** Name of a sentinel, for logs and error messages (not for the hot path). */
export function codecResultName(result: number): string {
  for (const [name, value] of Object.entries(CodecResult)) if (value === result) return name
  return result >= 0 ? 'OK' : `UNKNOWN(${result})`
}
