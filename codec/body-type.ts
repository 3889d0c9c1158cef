// Frame body types: the members of `union Body` in codec/ordo.fbs, with the
// numbers flatc assigns (declaration order, NONE = 0). Mirrors the generated
// `Body` enum as an `as const` object; test/codec/body-type.test.ts checks
// that both agree.

export const BodyType = {
  NONE: 0,
  Hello: 1,
  Welcome: 2,
  ResolveGroups: 3,
  Groups: 4,
  Publish: 5,
  PublishAck: 6,
  Subscribe: 7,
  Subscribed: 8,
  Deliver: 9,
  Unsubscribe: 10,
  Ack: 11,
  Heartbeat: 12,
  Error: 13,
  Withdrawn: 14,
} as const
export type BodyType = (typeof BodyType)[keyof typeof BodyType]
export type BodyTypeName = keyof typeof BodyType

/** Highest member number this build knows. */
export const MAX_BODY_TYPE = 14

const NAMES: readonly string[] = Object.keys(BodyType)

/** Member name for a body type number ('UNKNOWN(n)' when out of range). */
export function bodyTypeName(type: number): string {
  return type >= 0 && type <= MAX_BODY_TYPE ? NAMES[type]! : `UNKNOWN(${type})`
}
