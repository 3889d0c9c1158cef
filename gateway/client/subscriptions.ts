// The subscribing side of a client. Each subscription remembers the last gsn
// it handed to its handler; after any disconnect (network, SLOW_CONSUMER,
// GOING_AWAY) it subscribes again from that gsn + 1, so its stream continues
// with no gap and no repeat (G3), whatever happened in between. A subscription
// "from now" that got nothing yet resumes from the next_gsn of its first
// Subscribed, so what was published while it was away is not skipped.
//
// A subscription can also be paused (an async iterator whose consumer is slow):
// it is unsubscribed at the server and frames still arriving for it are dropped;
// resuming subscribes again from the last gsn handed over + 1, so nothing is lost.
//
// A tentative subscription in a cluster may be shown messages a failover then
// withdraws (the leader died before committing them). It resumes naming the leader
// epoch that showed it its last messages; the server answers Withdrawn{from, to}
// when some were withdrawn, the client tells onWithdrawn and takes the stream again
// from `from` (gateway/withdrawn.ts).
//
// A durable subscription (options.durable = name) is the server's to resume: its
// acknowledged gsn is kept there, so a new process with the name continues right after
// it. After a reconnect it subscribes again from what this process acknowledged + 1 (or
// from the server's acknowledgement when that is further on), so what was handed over
// and not acknowledged comes again (at least once), and acknowledgements that were on
// their way when the connection dropped are not lost. It sends no lag Acks of its own:
// its Acks are acknowledgements (sub.ack(gsn), or after the handler with
// ackPolicy 'afterHandler').

import { AckPolicy, encodeAck, encodeSubscribe, encodeUnsubscribe, type MessageCursor } from '../../codec/index.js'
import { ClientDeliverBatch, scanDeliver, type DeliverBatch } from './deliver-batch.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import { ErrorCode } from '../../codec/error-codes.js'
import type { GroupResolver, Link } from './group-resolver.js'

export interface ClientSubscribeOptions {
  /** 0n or omitted: from now; n: from gsn n (replay, then live). */
  fromGsn?: bigint
  /** Deliver before durable. Default false. */
  tentative?: boolean
  /** Errors of this subscription: those that end it (e.g. RETAINED_AWAY) and a handler that threw (HANDLER_FAILED; the subscription goes on). Default: the client's onError. */
  onError?: (err: OrdoError) => void
  /** Create groups that do not exist yet (default true); false: subscribe fails with UNKNOWN_GROUP instead. */
  create?: boolean
  /**
   * A durable subscription's name (1-255 of [A-Za-z0-9._-], per token subject): the server keeps its
   * acknowledged gsn, and subscribing with the name again, from any process, resumes right after it
   * (fromGsn omitted; a new one starts from now). One consumer per name (DURABLE_BUSY).
   */
  durable?: string
  /**
   * Durable only. 'explicit' (default): call sub.ack(gsn); what is not acknowledged within ackWaitMs is
   * delivered again. 'afterHandler': acknowledged when the handler returns without throwing.
   * 'onDelivery': the server acknowledges as it sends (at most once).
   */
  ackPolicy?: 'explicit' | 'afterHandler' | 'onDelivery'
  /** Durable, explicit acks: redelivery timeout in ms (omitted: the server's default, 30 s). */
  ackWaitMs?: number
  /**
   * Tentative subscriptions in a cluster: a failover withdrew the messages this subscription was shown with
   * gsns fromGsn..toGsn (never committed); the messages that now hold those gsns follow. Default: reported
   * through onError (code WITHDRAWN), never passed over in silence.
   */
  onWithdrawn?: (fromGsn: bigint, toGsn: bigint) => void
}

const POLICIES: Record<string, number> = { explicit: AckPolicy.explicit, afterHandler: AckPolicy.explicit, onDelivery: AckPolicy.onDelivery }
/** A durable subscription refused with DURABLE_BUSY after a reconnect (the server has not yet seen the old connection go): retry after this. */
const BUSY_RETRY_MS = 1000

export type ClientDeliverHandler = (batch: DeliverBatch) => void

/** How often a subscription tells the server how far it got (Ack frames, for lag metrics). */
const ACK_EVERY_MS = 200

type State = 'resolving' | 'pending' | 'active' | 'paused' | 'closed'

export class ClientSubscription {
  /** Last gsn handed to the handler (0: none yet). */
  lastGsn = 0
  /** next_gsn of the first Subscribed (where "from now" began). */
  firstNextGsn = 0
  state: State = 'resolving'
  groupIds: number[] = []
  lastAckAt = 0
  /** Highest gsn acknowledged to the server (durable: by ack() or after the handler; else lag reports). */
  ackedGsn = 0
  /** Durable: the acknowledged gsn the server reported in its last Subscribed. */
  serverAckedGsn = 0
  /** Durable: gsns up to this are dropped once (a resume after pause re-sends what was buffered). */
  skipThrough = 0
  /** Durable: a Subscribe was sent (later ones resume where the server or this process got to). */
  subscribedOnce = false
  /** Tentative: the leader epoch of the node that delivered lastGsn (0n outside a cluster). */
  seenEpoch = 0n
  /** Tentative: told of withdrawn gsns (else the error path reports them). */
  onWithdrawn: ((fromGsn: bigint, toGsn: bigint) => void) | undefined = undefined
  settle: { resolve: (s: ClientSubscription) => void; reject: (e: Error) => void } | null = null
  /** Called once when the subscription ends for good (closed by the user, refused, the client closed). */
  onEnd: ((err: OrdoError | null) => void) | null = null

  constructor(
    private readonly set: SubscriptionSet,
    readonly id: number,
    readonly groups: readonly string[],
    readonly fromGsn: number,
    readonly tentative: boolean,
    readonly handler: ClientDeliverHandler,
    readonly onError: ((err: OrdoError) => void) | undefined,
    /** Durable subscription name ('' for an ordinary one). */
    readonly durable = '',
    /** Durable: 'explicit', 'afterHandler' or 'onDelivery'. */
    readonly ackPolicy: 'explicit' | 'afterHandler' | 'onDelivery' = 'explicit',
    readonly ackWaitMs = 0,
  ) {}

  /**
   * Durable subscriptions: acknowledge everything handed over up to gsn (cumulative; a lower gsn than an
   * earlier ack changes nothing). The server keeps it; a consumer with the name resumes after it.
   */
  ack(gsn: bigint): void {
    this.set.ack(this, gsn)
  }

  /** Where the stream continues: the next gsn this subscription will hand to its handler. */
  get nextGsn(): bigint {
    return BigInt(this.resumeFrom())
  }

  /** from_gsn for the next Subscribe. */
  resumeFrom(): number {
    if (this.durable !== '') {
      if (!this.subscribedOnce) return this.fromGsn
      return this.ackedGsn > this.serverAckedGsn ? this.ackedGsn + 1 : 0
    }
    if (this.lastGsn > 0) return this.lastGsn + 1
    if (this.firstNextGsn > 0) return this.firstNextGsn
    return this.fromGsn
  }

  /** Stops the subscription (tells the server when connected). */
  close(): void {
    this.set.remove(this)
  }

  /** Stops taking messages until resume() (the server stops sending them). */
  pause(): void {
    this.set.pause(this)
  }

  /** Takes messages again from where the handler got to. */
  resume(): void {
    this.set.resume(this)
  }
}

export class SubscriptionSet {
  private readonly subs = new Map<number, ClientSubscription>()
  private nextId = 1
  private readonly batch = new ClientDeliverBatch()
  private readonly scan = { fresh: 0, lastGsn: 0 }

  constructor(
    private readonly link: Link,
    private readonly resolver: GroupResolver,
    private readonly cursor: MessageCursor,
    private readonly reportError: (err: OrdoError) => void,
  ) {}

  get size(): number {
    return this.subs.size
  }

  get(id: number): ClientSubscription | undefined {
    return this.subs.get(id)
  }

  add(groups: readonly string[], opts: ClientSubscribeOptions, handler: ClientDeliverHandler, setup?: (s: ClientSubscription) => void): Promise<ClientSubscription> {
    if (typeof handler !== 'function') return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'subscribe needs a handler function'))
    const from = opts.fromGsn ?? 0n
    if (typeof from !== 'bigint' || from < 0n || from > BigInt(Number.MAX_SAFE_INTEGER)) {
      return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, `fromGsn must be a bigint in 0..2^53-1: fromGsn=${String(from)}`))
    }
    if (!Array.isArray(groups) || groups.length === 0) return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'subscribe needs at least one group name'))
    const durable = opts.durable ?? ''
    const policy = opts.ackPolicy ?? 'explicit'
    if (typeof durable !== 'string') return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, `durable must be a name (string): durable=${String(durable)}`))
    if (POLICIES[policy] === undefined) return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, `ackPolicy must be explicit, afterHandler or onDelivery: ackPolicy=${String(policy)}`))
    const wait = opts.ackWaitMs ?? 0
    if (!Number.isInteger(wait) || wait < 0 || wait > 86_400_000) return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, `ackWaitMs must be an integer in 0..86400000: ackWaitMs=${String(wait)}`))
    const s = new ClientSubscription(this, this.nextId++, [...groups], Number(from), opts.tentative ?? false, handler, opts.onError, durable, policy, wait)
    if (typeof opts.onWithdrawn === 'function') s.onWithdrawn = opts.onWithdrawn
    setup?.(s)
    this.subs.set(s.id, s)
    return new Promise((resolve, reject) => {
      s.settle = { resolve, reject }
      this.resolver.resolve(groups, opts.create ?? true).then(
        (ids) => {
          if (s.state === 'closed') return
          s.groupIds = ids
          s.state = 'pending'
          this.sendSubscribe(s)
        },
        (e: Error) => this.fail(s, e instanceof OrdoError ? e : new OrdoError(ClientErrorCode.BAD_ARGUMENT, e.message)),
      )
    })
  }

  private sendSubscribe(s: ClientSubscription): void {
    if (!this.link.open || s.state === 'closed' || s.state === 'resolving' || s.state === 'paused') return
    s.state = 'pending'
    if (s.durable === '') {
      const seen = s.tentative && s.lastGsn > 0 ? s.seenEpoch : 0n
      this.link.sendControl(encodeSubscribe({ id: s.id, groups: s.groupIds, fromGsn: BigInt(s.resumeFrom()), tentative: s.tentative, seenEpoch: seen }))
      return
    }
    const from = s.resumeFrom()
    s.subscribedOnce = true
    this.link.sendControl(encodeSubscribe({
      id: s.id, groups: s.groupIds, fromGsn: BigInt(from), tentative: s.tentative, name: s.durable, ackPolicy: POLICIES[s.ackPolicy]!, ackWaitMs: s.ackWaitMs,
    }))
  }

  /** sub.ack(gsn) of a durable subscription. */
  ack(s: ClientSubscription, gsn: bigint): void {
    if (s.durable === '') throw new OrdoError(ClientErrorCode.BAD_ARGUMENT, `ack() is for durable subscriptions: subscribe with { durable: name } (subscription=${s.id})`, 0n, { subscription: s.id })
    if (typeof gsn !== 'bigint' || gsn < 0n) throw new OrdoError(ClientErrorCode.BAD_ARGUMENT, `ack needs a gsn (bigint >= 0n): gsn=${String(gsn)}`, 0n, { subscription: s.id })
    const g = gsn > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(gsn)
    if (g <= s.ackedGsn) return
    s.ackedGsn = g
    // Not connected: the next Subscribe starts after it (resumeFrom), which the server takes as acknowledged.
    if (this.link.open && s.state === 'active') this.link.sendControl(encodeAck({ subscription: s.id, gsn: BigInt(g) }))
  }

  /** After a reconnect: subscribe everything again from where it got to. */
  resubscribeAll(): void {
    for (const s of this.subs.values()) this.sendSubscribe(s)
  }

  onSubscribed(id: number, nextGsn: number, ackedGsn = 0): void {
    const s = this.subs.get(id)
    if (s === undefined || s.state === 'closed' || s.state === 'paused') return
    if (s.firstNextGsn === 0) s.firstNextGsn = nextGsn
    if (s.durable !== '') {
      s.serverAckedGsn = ackedGsn
      if (ackedGsn > s.ackedGsn) s.ackedGsn = ackedGsn
    }
    s.state = 'active'
    const settle = s.settle
    s.settle = null
    settle?.resolve(s)
  }

  onDeliver(bytes: Uint8Array, offset: number, length: number, subscription: number): void {
    const s = this.subs.get(subscription)
    if (s === undefined || s.state === 'closed' || s.state === 'paused') return
    const scan = this.scan
    // A durable subscription's redeliveries (gsns handed over before) are handed over again.
    const skip = s.durable === '' ? s.lastGsn : s.skipThrough
    scanDeliver(this.cursor, bytes, offset, length, skip, scan)
    if (s.durable !== '' && scan.lastGsn > s.skipThrough) s.skipThrough = 0
    if (scan.fresh > 0) {
      const lastGsn = scan.lastGsn
      this.batch.reset(bytes, offset, length, skip, scan.fresh)
      try {
        s.handler(this.batch)
        if (s.ackPolicy === 'afterHandler' && s.durable !== '') this.ack(s, BigInt(lastGsn))
      } catch (err) {
        // Reported, and the subscription goes on: the batch counts as delivered (the
        // embedded API does the same, engine/embedded-subscriber.ts).
        const e = new OrdoError(ClientErrorCode.HANDLER_FAILED, `subscription handler threw: subscription=${s.id}, error=${err instanceof Error ? err.message : String(err)}`, BigInt(s.id), { cause: err, subscription: s.id })
        ;(s.onError ?? this.reportError)(e)
      }
      if (lastGsn > s.lastGsn) s.lastGsn = lastGsn
      if (s.tentative) s.seenEpoch = this.link.epoch
    }
    if (s.durable !== '') return
    const now = Date.now()
    if (now - s.lastAckAt >= ACK_EVERY_MS && s.lastGsn > s.ackedGsn && this.link.open && s.state === 'active') {
      s.lastAckAt = now
      s.ackedGsn = s.lastGsn
      this.link.sendControl(encodeAck({ subscription: s.id, gsn: BigInt(s.lastGsn) }))
    }
  }

  /**
   * A failover withdrew gsns fromGsn..toGsn this tentative subscription was shown: the stream is taken again
   * from fromGsn (what now holds those gsns is delivered), and the subscription's owner is told.
   */
  onWithdrawn(id: number, fromGsn: number, toGsn: number): void {
    const s = this.subs.get(id)
    if (s === undefined || s.state === 'closed') return
    if (s.lastGsn >= fromGsn) s.lastGsn = fromGsn - 1
    if (s.onWithdrawn !== undefined) {
      try {
        s.onWithdrawn(BigInt(fromGsn), BigInt(toGsn))
      } catch (err) {
        ;(s.onError ?? this.reportError)(new OrdoError(ClientErrorCode.HANDLER_FAILED, `onWithdrawn threw: subscription=${s.id}, error=${err instanceof Error ? err.message : String(err)}`, BigInt(s.id), { cause: err, subscription: s.id }))
      }
      return
    }
    ;(s.onError ?? this.reportError)(
      new OrdoError(
        ClientErrorCode.WITHDRAWN,
        `a failover withdrew messages this tentative subscription was shown: subscription=${s.id}, gsns ${fromGsn}..${toGsn} (never committed); the messages that hold those gsns now follow. Pass onWithdrawn to subscribe() to handle this`,
        BigInt(s.id),
        { subscription: s.id },
      ),
    )
  }

  /** The server refused or ended subscription id. Returns whether the client holds it. */
  onRefused(id: number, err: OrdoError): boolean {
    const s = this.subs.get(id)
    if (s === undefined) return false
    if (err.wireCode === ErrorCode.DURABLE_BUSY && s.settle === null && s.state !== 'closed') {
      // Resubscribing after a reconnect, before the server saw the old connection go: try again.
      s.state = 'paused'
      setTimeout(() => this.resume(s), BUSY_RETRY_MS)
      return true
    }
    this.fail(s, err)
    return true
  }

  private fail(s: ClientSubscription, err: OrdoError): void {
    this.subs.delete(s.id)
    s.state = 'closed'
    const settle = s.settle
    s.settle = null
    if (settle !== null) settle.reject(err)
    else if (s.onEnd === null) (s.onError ?? this.reportError)(err)
    else s.onError?.(err)
    this.ended(s, err)
  }

  private ended(s: ClientSubscription, err: OrdoError | null): void {
    const f = s.onEnd
    s.onEnd = null
    f?.(err)
  }

  pause(s: ClientSubscription): void {
    if (s.state !== 'active' && s.state !== 'pending') return
    if (this.link.open) this.link.sendControl(encodeUnsubscribe({ id: s.id }))
    s.state = 'paused'
  }

  resume(s: ClientSubscription): void {
    if (s.state !== 'paused') return
    s.state = 'pending'
    // A durable one starts again after its acknowledgement: what was handed over meanwhile comes again once; drop it.
    if (s.durable !== '') s.skipThrough = s.lastGsn
    this.sendSubscribe(s)
  }

  remove(s: ClientSubscription): void {
    if (s.state === 'closed') return
    const wasSent = s.state === 'pending' || s.state === 'active'
    s.state = 'closed'
    this.subs.delete(s.id)
    if (wasSent && this.link.open) this.link.sendControl(encodeUnsubscribe({ id: s.id }))
    s.settle?.reject(new OrdoError(ClientErrorCode.CLOSED, `subscription closed: id=${s.id}`, 0n, { subscription: s.id }))
    s.settle = null
    this.ended(s, null)
  }

  failAll(err: OrdoError): void {
    for (const s of this.subs.values()) {
      s.state = 'closed'
      s.settle?.reject(err)
      s.settle = null
      this.ended(s, err)
    }
    this.subs.clear()
  }
}
