// Limits the verifier enforces on untrusted frames. Each one caps work or
// memory that a peer could otherwise make the engine spend; all have defaults.

export interface Limits {
  /** Largest frame, bytes. Default 16 MiB. */
  readonly maxFrameBytes: number
  /** Most messages in one Publish or Deliver frame, and entries in PublishAck vectors. Default 65 536. */
  readonly maxMessages: number
  /** Most destination groups per message. Default 16 (the protocol's limit). */
  readonly maxGroups: number
  /** Largest payload, bytes. Default 1 MiB. */
  readonly maxPayload: number
  /** Most entries in a list of group names or ids (ResolveGroups, Groups, Subscribe). Default 1024. */
  readonly maxNames: number
  /** Longest group name, bytes of UTF-8. Default 255. */
  readonly maxNameBytes: number
  /** Longest other string (Hello.token, Error.message), bytes. Default 65 536. */
  readonly maxStringBytes: number
  /** Deepest table nesting (Frame = 1, body = 2, Message = 3). Default 8. */
  readonly maxDepth: number
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxFrameBytes: 16 * 1024 * 1024,
  maxMessages: 65536,
  maxGroups: 16,
  maxPayload: 1024 * 1024,
  maxNames: 1024,
  maxNameBytes: 255,
  maxStringBytes: 65536,
  maxDepth: 8,
})

/** Full limits from a partial set (build once, outside the hot path). */
export function makeLimits(overrides: Partial<Limits> = {}): Limits {
  return Object.freeze({ ...DEFAULT_LIMITS, ...overrides })
}
