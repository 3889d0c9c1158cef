// Per-connection cache of what a token allows for each group id, so the publish
// hot path checks a message's groups with one array read per group instead of
// matching name patterns. Group ids are small integers the engine assigns from 1
// upwards and never reuses, so a byte array indexed by id is compact. Bits:
// KNOWN (the entry was computed), EXISTS (the engine knows the id), PUBLISH,
// SUBSCRIBE, VISIBLE (publish or subscribe: the token may know the group
// exists; an id that is not VISIBLE is answered exactly like one that does not
// exist). The cache never goes stale: a group's name never changes and the
// grants are fixed for the connection's life.

import type { GroupFilter } from '../../engine/engine-port.js'
import type { Grants } from './token.js'

export const GroupAccess = { KNOWN: 1, EXISTS: 2, PUBLISH: 4, SUBSCRIBE: 8, VISIBLE: 16 } as const

/** Largest id cached in the array; beyond it entries are recomputed (rare). */
const MAX_CACHED_ID = 1 << 20

const EMPTY = new Uint8Array(0)

export class GroupAccessCache implements GroupFilter {
  private bits: Uint8Array = EMPTY
  /** Caches of tokens with the same subscribe patterns see the same groups (engine GroupFilter). */
  readonly key: string

  constructor(
    private readonly grants: Grants,
    private readonly nameOf: (id: number) => string | undefined,
  ) {
    this.key = `subscribe=${grants.subscribe.sources.join(' ')}`
  }

  /** Whether a Deliver may show this group (id and gseq) to the holder: it may subscribe to it. */
  visible(id: number): boolean {
    return (this.get(id) & GroupAccess.SUBSCRIBE) !== 0
  }

  /** Access bits for a group id (computes and caches on first sight). */
  get(id: number): number {
    if (id < this.bits.length) {
      const b = this.bits[id]!
      if (b !== 0) return b
    }
    return this.compute(id)
  }

  private compute(id: number): number {
    const name = id > 0 ? this.nameOf(id) : undefined
    let b: number = GroupAccess.KNOWN
    if (name !== undefined) {
      b |= GroupAccess.EXISTS
      if (this.grants.canPublish(name)) b |= GroupAccess.PUBLISH
      if (this.grants.canSubscribe(name)) b |= GroupAccess.SUBSCRIBE
      if ((b & (GroupAccess.PUBLISH | GroupAccess.SUBSCRIBE)) !== 0) b |= GroupAccess.VISIBLE
    }
    // Unknown ids are not cached: the group may be created a moment later.
    if (name !== undefined && id <= MAX_CACHED_ID) {
      if (id >= this.bits.length) {
        const grown = new Uint8Array(Math.min(MAX_CACHED_ID + 1, Math.max(64, id * 2)))
        grown.set(this.bits)
        this.bits = grown
      }
      this.bits[id] = b
    }
    return b
  }
}
