// The subscriptions a relay holds on its one upstream connection: one per
// interest (durable when the interest has durable subscriptions: relay-durables.ts),
// and one per client that is fetching gsns older than its interest's cache.
// Upstream subscription ids are the relay's own, never reused while it runs;
// a Deliver or Error naming an id that is no longer held is ignored (a frame
// still on the way after an Unsubscribe).

import { AckPolicy } from '../../codec/ack-policy.js'
import { encodeAck, encodeSubscribe, encodeUnsubscribe } from '../../codec/index.js'
import type { Interest } from './interest.js'
import { UPSTREAM_ACK_WAIT_MS, type RelayDurables } from './relay-durables.js'
import { upstreamDurableName } from './relay-options.js'
import { SubState, type RelaySubscription } from './relay-subscription.js'
import type { UpstreamLink } from './upstream-link.js'

export class UpstreamSubscriptions {
  private readonly byId = new Map<number, Interest | RelaySubscription>()
  private nextId = 1
  /** Upstream fetches started (resumes from before a cache). */
  fetches = 0

  constructor(
    private readonly control: UpstreamLink,
    private readonly durables: RelayDurables,
    private readonly relayName: string,
  ) {}

  target(id: number): Interest | RelaySubscription | undefined {
    return this.byId.get(id)
  }

  forgetId(id: number): void {
    this.byId.delete(id)
  }

  /** The connection is new: no id of the old one is held any more. */
  clear(): void {
    this.byId.clear()
  }

  subscribe(it: Interest): void {
    if (!this.control.ready) return // subscribed when the link is up again
    const id = this.nextId++
    it.upstreamId = id
    this.byId.set(id, it)
    const min = it.tentative ? Number.POSITIVE_INFINITY : this.durables.minAcked(it.key)
    it.durable = min !== Number.POSITIVE_INFINITY
    if (!it.durable) {
      // A tentative interest names the leader epoch it last heard from, so a failover's withdrawals are told (Withdrawn).
      this.control.send(encodeSubscribe({ id, groups: [...it.groups], fromGsn: BigInt(it.nextGsn), tentative: it.tentative, seenEpoch: it.tentative ? it.seenEpoch : 0n }))
      return
    }
    // One durable subscription upstream for this interest, from the lowest gsn any of its
    // durables still needs: the upstream's record of it never runs ahead of a leaf.
    this.durables.forget(it.key)
    const from = Math.max(1, Math.min(it.nextGsn, min + 1))
    this.control.send(
      encodeSubscribe({ id, groups: [...it.groups], fromGsn: BigInt(from), tentative: false, name: upstreamDurableName(this.relayName, it.groups), ackPolicy: AckPolicy.explicit, ackWaitMs: UPSTREAM_ACK_WAIT_MS }),
    )
  }

  /** A durable subscription now covers this interest: its upstream subscription becomes durable. */
  makeDurable(it: Interest): void {
    if (it.durable || it.tentative || !this.durables.has(it.key)) return
    this.unsubscribe(it)
    this.subscribe(it)
  }

  unsubscribe(it: Interest): void {
    if (it.upstreamId === 0) return
    this.byId.delete(it.upstreamId)
    this.control.send(encodeUnsubscribe({ id: it.upstreamId }))
    it.upstreamId = 0
  }

  /** Acks gsn on the interest's durable upstream subscription; false when it has none (yet). */
  ack(it: Interest | undefined, gsn: number): boolean {
    if (it === undefined || !it.durable || it.upstreamId === 0 || !this.control.ready) return false
    return this.control.send(encodeAck({ subscription: it.upstreamId, gsn: BigInt(gsn) }))
  }

  startFetch(s: RelaySubscription): void {
    s.state = SubState.FETCHING
    if (!this.control.ready) return // started when the link is up again
    const id = this.nextId++
    s.fetchId = id
    this.byId.set(id, s)
    this.fetches++
    this.control.send(encodeSubscribe({ id, groups: [...s.interest.groups], fromGsn: BigInt(s.nextGsn), tentative: s.interest.tentative }))
  }

  stopFetch(s: RelaySubscription): void {
    if (s.fetchId === 0) return
    this.byId.delete(s.fetchId)
    this.control.send(encodeUnsubscribe({ id: s.fetchId }))
    s.fetchId = 0
  }
}
