// Messages that wait for their group names: a message naming a group whose id
// the client does not know yet cannot be encoded, and every message published
// after it waits too, so that a client's messages keep their order. Names are
// resolved with one round trip (group-resolver.ts); the lane then drains into
// frames in order. In steady state (names cached) the lane is empty and unused.

import { ErrorCode } from '../../codec/error-codes.js'
import { OrdoError } from './errors.js'
import type { GroupResolver } from './group-resolver.js'

interface SlowItem {
  ticket: number
  groups: readonly string[]
  payload: Uint8Array | string
  failed: OrdoError | null
}

/** What the lane drains into. */
export interface SlowLaneSink {
  /** Encodes message `ticket`, its group ids in ids[0, n). */
  encode(ticket: number, ids: readonly number[], n: number, payload: Uint8Array | string): void
  /** The message failed before it was encoded (a name that cannot be resolved). */
  fail(ticket: number, err: OrdoError): void
  /** Whether the message was settled meanwhile (the client closed). */
  settled(ticket: number): boolean
  /** After a drain: waiters may be done. */
  drained(): void
}

export class SlowLane {
  private items: SlowItem[] = []
  private head = 0
  private readonly ids: number[] = new Array<number>(16).fill(0)

  constructor(
    private readonly resolver: GroupResolver,
    private readonly sink: SlowLaneSink,
  ) {}

  get empty(): boolean {
    return this.head === this.items.length
  }

  /** Queues message `ticket`; the payload is copied (the caller may reuse its buffer once the call returns). */
  push(ticket: number, groups: readonly string[], payload: Uint8Array | string): void {
    const item: SlowItem = { ticket, groups: [...groups], payload: typeof payload === 'string' ? payload : payload.slice(), failed: null }
    this.items.push(item)
    if (groups.every((g) => this.resolver.idOf(g) !== undefined)) return // waits only for the messages before it
    this.resolver.resolve(groups).then(
      () => this.drain(),
      (e: unknown) => {
        item.failed = e instanceof OrdoError ? e : new OrdoError(ErrorCode.INTERNAL, e instanceof Error ? e.message : String(e))
        this.drain()
      },
    )
  }

  /** Encodes, in order, the messages whose names are known now. */
  drain(): void {
    const ids = this.ids
    while (this.head < this.items.length) {
      const it = this.items[this.head]!
      if (it.failed !== null) {
        this.head++
        this.sink.fail(it.ticket, it.failed)
        continue
      }
      let known = true
      for (let k = 0; k < it.groups.length && known; k++) {
        const id = this.resolver.idOf(it.groups[k]!)
        if (id === undefined) known = false
        else ids[k] = id
      }
      if (!known) break
      this.head++
      if (!this.sink.settled(it.ticket)) this.sink.encode(it.ticket, ids, it.groups.length, it.payload)
    }
    if (this.head === this.items.length) this.clear()
    this.sink.drained()
  }

  clear(): void {
    this.items = []
    this.head = 0
  }
}
