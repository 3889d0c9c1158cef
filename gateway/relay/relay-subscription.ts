// One client subscription served by the relay (the RawSubscription the gateway
// holds). It is in one of four states:
//   LIVE      takes each frame its interest fans out
//   PAUSED    its connection's send buffer is full (G6): nothing is sent; the
//             gateway calls resume() once it drains
//   FETCHING  it needs gsns older than the interest's cache holds: they come
//             from an upstream subscription of its own until the cache takes over
//   CLOSED
// nextGsn is the next gsn the client needs: every message of its groups below
// it has been handed to its sink, in order, once (G1-G3 per subscription).

import type { FrameSink, GroupFilter, RawSubscription } from '../../engine/engine-port.js'
import { visibleBytes, type StoredFrame } from './deliver-frames.js'
import type { Interest } from './interest.js'
import { patchDeliverSubscription } from '../../codec/index.js'

export const SubState = { LIVE: 0, PAUSED: 1, FETCHING: 2, CLOSED: 3 } as const
export type SubState = (typeof SubState)[keyof typeof SubState]

/** What a subscription asks of the relay that serves it. */
export interface SubscriptionHost {
  /** Brings s up to date (cache replay, or an upstream fetch first) and makes it live. */
  catchUp(s: RelaySubscription): void
  /** Ends s's upstream fetch, if it has one. */
  stopFetch(s: RelaySubscription): void
  remove(s: RelaySubscription): void
}

export class RelaySubscription implements RawSubscription {
  state: SubState = SubState.PAUSED
  /** Upstream subscription id of a running fetch (0: none). */
  fetchId = 0

  constructor(
    readonly id: number,
    readonly interest: Interest,
    readonly sink: FrameSink,
    public nextGsn: number,
    private readonly host: SubscriptionHost,
    /** Which groups of a message this client may see (null: all); frames carrying others go out trimmed (G7). */
    readonly filter: GroupFilter | null,
  ) {}

  get live(): boolean {
    return this.state === SubState.LIVE
  }

  /** Hands one frame to the client; false when its sink declined it (the subscription is paused then). */
  deliver(f: StoredFrame | null): boolean {
    if (f === null || this.state === SubState.CLOSED) return true
    const bytes = this.filter === null ? f.bytes : visibleBytes(f, this.filter)
    // The bytes are shared by every client of the frame: the id is patched just before each send.
    patchDeliverSubscription(bytes, 0, this.id)
    if (this.sink.onFrame(bytes, 0, bytes.length, f.last)) {
      this.nextGsn = f.last + 1
      return true
    }
    this.pause()
    return false
  }

  /** The upstream cannot serve this subscription any more (e.g. its range was retained away). */
  fail(code: number, message: string, ref: number): void {
    if (this.state === SubState.CLOSED) return
    this.close()
    this.sink.onError(code, message, ref)
  }

  pause(): void {
    if (this.state === SubState.CLOSED) return
    this.host.stopFetch(this)
    this.state = SubState.PAUSED
  }

  resume(): void {
    if (this.state === SubState.PAUSED) this.host.catchUp(this)
  }

  close(): void {
    if (this.state === SubState.CLOSED) return
    this.host.stopFetch(this)
    this.state = SubState.CLOSED
    this.host.remove(this)
  }
}
