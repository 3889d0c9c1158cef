// Result codes of the verifier (verifyFrame, verifyMessage, verifyBlobs).
// 0 is OK; every other value names one kind of defect. Stable: the gateway
// maps them to wire errors and logs them, so numbers are never reused.

export const VerifyCode = {
  OK: 0,
  /** [offset, offset + length) is not inside the byte array, or the frame is shorter than a root offset. */
  BAD_RANGE: 1,
  /** The frame is longer than limits.maxFrameBytes. */
  FRAME_TOO_LARGE: 2,
  /** A table, vtable, vector or string lies (partly) outside the frame. */
  OUT_OF_BOUNDS: 3,
  /** A table, field or vector element is not aligned to its size (relative to the frame start). */
  MISALIGNED: 4,
  /** A vtable has a bad size (odd, < 4, > 32767) or its table's size is impossible. */
  BAD_VTABLE: 5,
  /** A field's offset puts it outside its table. */
  BAD_FIELD: 6,
  /** An offset is 0 or >= 2^31. */
  BAD_OFFSET: 7,
  /** Frame.body is absent or its type is NONE. */
  NO_BODY: 8,
  /** Frame.body_type is not a member of union Body that this build knows. */
  UNKNOWN_BODY: 9,
  /** A string has no NUL terminator or is not valid UTF-8. */
  BAD_STRING: 10,
  /** More messages than limits.maxMessages. */
  TOO_MANY_MESSAGES: 11,
  /** More groups in a message than limits.maxGroups. */
  TOO_MANY_GROUPS: 12,
  /** A payload longer than limits.maxPayload. */
  PAYLOAD_TOO_LARGE: 13,
  /** More names or group ids in a list than limits.maxNames. */
  TOO_MANY_NAMES: 14,
  /** A group name longer than limits.maxNameBytes. */
  NAME_TOO_LONG: 15,
  /** A string longer than limits.maxStringBytes. */
  STRING_TOO_LONG: 16,
  /** Tables nested deeper than limits.maxDepth. */
  TOO_DEEP: 17,
  /** A Publish message lacks gsn, time or gseqs (the sequencer stamps them in place). */
  MISSING_STAMP_FIELDS: 18,
  /** A message's gseqs vector is not as long as its groups vector. */
  GSEQS_MISMATCH: 19,
  /** A Publish message (or stored blob) has no groups. */
  NO_GROUPS: 20,
  /** A Publish message (or stored blob) names the same group twice. */
  DUPLICATE_GROUP: 21,
  /** A u64 message field is >= 2^53 (ordo handles u64s as exact JS Numbers). */
  VALUE_TOO_LARGE: 22,
  /** Paired vectors differ in length (Groups.names/ids, PublishAck.pseqs/gsns). */
  LENGTH_MISMATCH: 23,
  /** The frame's length is not a multiple of its largest alignment: it was cut short. */
  TRUNCATED: 24,
  /** verifyBlobs: the bytes are not a well-formed canonical blob. */
  NOT_CANONICAL: 25,
  /**
   * Messages of one frame share bytes (a table or vector referenced twice), so
   * they would take more room stored or sent than the frame itself.
   */
  ALIASED_MESSAGES: 26,
} as const
export type VerifyCode = (typeof VerifyCode)[keyof typeof VerifyCode]

const NAMES: string[] = []
for (const [name, value] of Object.entries(VerifyCode)) NAMES[value] = name

export function verifyCodeName(code: number): string {
  return NAMES[code] ?? `UNKNOWN(${code})`
}
