// A relay: the engine port (engine/engine-port.ts) of a gateway whose engine
// is another gateway. The gateway in front (gateway/server.ts, unchanged in its
// protocol, tokens, limits and slow-consumer handling) serves the relay's
// clients; this object answers it from upstream:
//
//   clients ─▶ GatewayServer ─▶ RelayEngine ── control link (ONE connection) ──▶ upstream
//                                   │  Subscribe per interest, ResolveGroups, Heartbeat
//                                   │  Deliver ─▶ Interest cache ─▶ client sinks
//                                   └─ PublisherLink per publishing client ──────▶ upstream
//                                      (the client's own token and publisher id)
//
// Why this seam: the gateway already depends on the engine only through
// EnginePort (raw frames in, raw frames out, group table, watermarks), so a
// relay that implements it reuses every rule the gateway enforces (Hello,
// tokens, limits, G6, errors) without a second copy, and relays stack because
// a relay's clients see an ordinary gateway. The port gained one optional
// method, lookupGroups, for a group table that lives upstream.

import { BodyType, decodeFrame, MessageCursor, type Verdict } from '../../codec/index.js'
import { ErrorCode } from '../../codec/error-codes.js'
import type { AckListener, DurableAdmin, DurableAttach, EngineMetrics, EnginePort, FrameSink, GroupInfo, RawSubscription, SubscribeDurableOptions, SubscribeFramesOptions } from '../../engine/engine-port.js'
import { storeDeliver, sliceDeliver, type StoredFrame } from './deliver-frames.js'
import { GroupTable } from './group-table.js'
import { Interest } from './interest.js'
import { RelayPublishers } from './relay-publishers.js'
import { NameHold } from './name-hold.js'
import { RelayDurables } from './relay-durables.js'
import { UpstreamSubscriptions } from './upstream-subscriptions.js'
import { RelaySubscription, SubState, type SubscriptionHost } from './relay-subscription.js'
import { UpstreamLink } from './upstream-link.js'
import { RelayError, type RelayOptions } from './relay-options.js'
import type { EngineListener, EngineStatus } from '../../engine/engine-state.js'
import { evictToBudget, relayEngineMetrics, relayStatus } from './relay-figures.js'


export class RelayEngine implements EnginePort, SubscriptionHost {
  readonly control: UpstreamLink
  readonly groups: GroupTable
  private readonly interests = new Map<string, Interest>()
  /** Upstream subscription id -> what it feeds. */
  private readonly publishers: RelayPublishers
  private readonly names: NameHold
  private readonly durableSubs: RelayDurables
  readonly upstream: UpstreamSubscriptions
  private readonly cursor = new MessageCursor()
  private cacheBytes = 0
  private durable = 0
  private highest = 0
  private maxPayloadValue = 1024 * 1024
  private maxGroupsValue = 16
  private sweeper: ReturnType<typeof setInterval> | null = null
  private closed = false
  /** Counters for /metrics and the benchmark. */
  readonly stats = { framesIn: 0, messagesIn: 0, evictedFrames: 0 }

  private constructor(readonly o: RelayOptions) {
    this.control = new UpstreamLink(
      { urls: o.upstream, token: o.token, publisher: 0, logger: o.logger, name: 'relay' },
      { onReady: () => this.onUpstreamReady(), onFrame: (t, b, v) => this.names.offer(t, b, v), onDown: (why) => o.logger.warn({ event: 'upstream_down', why }, 'upstream connection lost: reconnecting') },
    )
    this.groups = new GroupTable((f) => this.control.send(f))
    this.publishers = new RelayPublishers(o)
    this.names = new NameHold(this.groups, (t, b, v) => this.onUpstreamFrame(t, b, v))
    this.durableSubs = new RelayDurables(
      { dataDir: o.dataDir, idleExpiryMs: o.durableIdleExpiryMs, maxPerIdentity: o.maxDurablesPerIdentity },
      {
        logger: o.logger,
        highestGsn: () => this.sequencedGsn,
        durableGsn: () => this.durable,
        open: (groups, id, fromGsn, sink, opts) => this.subscribeFrames(groups, { id, fromGsn, tentative: false, visible: opts.visible }, sink),
        ackUpstream: (key, gsn) => this.ackUpstream(key, gsn),
      },
    )
    this.upstream = new UpstreamSubscriptions(this.control, this.durableSubs, o.name)
  }

  /** Connects upstream; resolves once the upstream welcomed the relay (its limits and durable gsn are known then). */
  static open(o: RelayOptions): Promise<RelayEngine> {
    const r = new RelayEngine(o)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void r.close()
        reject(new RelayError('UPSTREAM_UNREACHABLE', `no Welcome from upstream within ${o.connectTimeoutMs} ms: urls=${o.upstream.join(',')}; is the upstream running, and does it accept the relay's token?`))
      }, o.connectTimeoutMs)
      r.readyWaiter = () => {
        clearTimeout(timer)
        resolve(r)
      }
      r.control.start()
      r.sweeper = setInterval(() => r.sweep(), Math.max(100, Math.min(5000, o.lingerMs / 2)))
      r.sweeper.unref()
    })
  }

  private readyWaiter: (() => void) | null = null

  get durableGsn(): number {
    return this.durable
  }

  /** The relay keeps no journal; its optional state files (durable subscriptions) live here. */
  get dataDir(): string | null {
    return this.o.dataDir
  }

  /** Resends are answered upstream, whose window is at least this (the protocol's minimum). */
  get dedupeWindow(): number {
    return 100_000
  }

  /** Publisher ids are bound at the root, with each client's own token (relay/publisher-link.ts). */
  get publishersBoundUpstream(): boolean {
    return true
  }

  get maxOfferBytes(): number {
    return this.o.publishQueueBytes
  }

  /** A relay takes publishes while it is open (they wait in their queues while the upstream is away). */
  get status(): EngineStatus {
    return relayStatus(this.closed)
  }

  get accepting(): boolean {
    return !this.closed
  }

  onStatusChange(listener: EngineListener): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  private readonly statusListeners = new Set<EngineListener>()

  get sequencedGsn(): number {
    return Math.max(this.durable, this.highest)
  }

  get maxPayload(): number {
    return this.maxPayloadValue
  }

  get maxGroups(): number {
    return this.maxGroupsValue
  }

  get interestCount(): number {
    return this.interests.size
  }

  get cachedBytes(): number {
    return this.cacheBytes
  }

  get publisherLinkCount(): number {
    return this.publishers.linkCount
  }

  // ---- publishing: relay/relay-publishers.ts ---------------------------------------

  newPublisherId(): number {
    return this.publishers.newPublisherId()
  }

  registerPublisher(publisher: number, listener: AckListener): void {
    this.publishers.register(publisher, listener)
  }

  unregisterPublisher(publisher: number): void {
    this.publishers.unregister(publisher)
  }

  publisherToken(publisher: number, token: string): void {
    this.publishers.setToken(publisher, token)
  }

  offerPublishFrame(bytes: Uint8Array, offset: number, length: number, publisher: number, verdict?: Verdict): number {
    return this.publishers.offer(bytes, offset, length, publisher, verdict)
  }

  onIngressDrain(cb: () => void): void {
    this.publishers.onDrain(cb)
  }

  // ---- groups ----------------------------------------------------------------------

  resolveGroupIds(names: readonly string[], create: boolean): number[] {
    return names.map((n) => {
      const id = this.groups.id(n)
      if (id !== undefined) return id
      if (create) throw new RelayError('GROUP_NOT_CREATED', `group not created upstream: group=${n}; the upstream could not be asked or refused it (see the relay's log)`)
      return -1
    })
  }

  groupName(id: number): string | undefined {
    return this.groups.name(id)
  }

  lookupGroups(names: readonly string[], ids: readonly number[], create: boolean): Promise<void> | null {
    return this.groups.lookup(names, ids, create)
  }

  // ---- subscriptions ---------------------------------------------------------------

  subscribeFrames(groupIds: readonly number[], opts: SubscribeFramesOptions, sink: FrameSink): RawSubscription {
    const groups = [...new Set(groupIds)].sort((a, b) => a - b)
    const key = (opts.tentative ? 't:' : '') + groups.join(',')
    let interest = this.interests.get(key)
    // "From now" is the newest gsn the relay knows of, plus one.
    const start = opts.fromGsn > 0 ? opts.fromGsn : interest !== undefined ? interest.nextGsn : this.sequencedGsn + 1
    if (interest === undefined) {
      interest = new Interest(key, groups, opts.tentative, start)
      this.interests.set(key, interest)
      this.upstream.subscribe(interest)
    }
    interest.idleSince = 0
    if (!interest.durable && !interest.tentative) this.upstream.makeDurable(interest)
    const s = new RelaySubscription(opts.id, interest, sink, start, this, opts.visible ?? null)
    interest.subs.add(s)
    // The caller gets its handle (and sends Subscribed) before the first frame.
    queueMicrotask(() => this.catchUp(s))
    return s
  }

  // ---- durable subscriptions: relay/relay-durables.ts ------------------------------

  subscribeDurable(groupIds: readonly number[], opts: SubscribeDurableOptions, sink: FrameSink): DurableAttach {
    if (this.closed) return { ok: false, code: ErrorCode.GOING_AWAY, message: 'relay closing: reconnect and resume' }
    return this.durableSubs.attach(groupIds, opts, sink)
  }

  get durables(): DurableAdmin {
    return this.durableSubs.admin
  }

  /** The relay's own stability watermark: every durable subscription it holds acknowledged up to it. */
  get stableGsn(): number {
    return this.durableSubs.registry.stableGsn
  }

  private ackUpstream(key: string, gsn: number): boolean {
    return this.upstream.ack(this.interests.get(key), gsn)
  }

  catchUp(s: RelaySubscription): void {
    if (s.state === SubState.CLOSED || s.state === SubState.FETCHING) return
    const it = s.interest
    if (s.nextGsn < it.cacheStart) {
      this.upstream.startFetch(s)
      return
    }
    s.state = SubState.LIVE
    if (!it.replay(s)) return // paused again: resume() goes on
  }

  stopFetch(s: RelaySubscription): void {
    this.upstream.stopFetch(s)
  }

  remove(s: RelaySubscription): void {
    const it = s.interest
    it.subs.delete(s)
    if (it.subs.size === 0) it.idleSince = Date.now()
  }

  // ---- upstream --------------------------------------------------------------------

  groupList(): GroupInfo[] {
    const out: GroupInfo[] = []
    for (const [id, name] of this.groups.entries()) out.push({ id, name, messages: 0, lastGseq: 0 })
    return out.sort((a, b) => a.id - b.id)
  }

  private onUpstreamReady(): void {
    const w = this.control.welcome!
    this.maxPayloadValue = w.maxPayload
    this.maxGroupsValue = w.maxGroups
    this.noteDurable(Number(w.durableGsn))
    this.upstream.clear()
    this.groups.resend()
    for (const it of this.interests.values()) this.upstream.subscribe(it)
    for (const it of this.interests.values()) {
      for (const s of it.subs) {
        if (s.state !== SubState.FETCHING) continue
        s.fetchId = 0
        s.state = SubState.PAUSED
        this.catchUp(s)
      }
    }
    const r = this.readyWaiter
    this.readyWaiter = null
    r?.()
  }

  private onUpstreamFrame(type: number, bytes: Uint8Array, verdict: Verdict | undefined): void {
    switch (type) {
      case BodyType.Deliver:
        this.onDeliver(bytes, verdict)
        return
      case BodyType.Heartbeat: {
        const f = decodeFrame(bytes)
        if (f.type === 'Heartbeat') this.noteDurable(Number(f.durableGsn))
        return
      }
      case BodyType.Groups: {
        const f = decodeFrame(bytes)
        if (f.type === 'Groups') this.groups.onGroups(f.names, f.ids)
        return
      }
      case BodyType.Error:
        this.onUpstreamError(bytes)
        return
      case BodyType.Withdrawn: {
        const f = decodeFrame(bytes)
        if (f.type === 'Withdrawn') this.onWithdrawn(f.subscription, Number(f.fromGsn), Number(f.toGsn))
        return
      }
      default:
        return
    }
  }

  /**
   * The upstream withdrew gsns from..to of a tentative subscription (a failover in a cluster): the cache
   * drops them and every client that was handed some of them is told, then goes on from `from`.
   */
  private onWithdrawn(id: number, from: number, to: number): void {
    const target = this.upstream.target(id)
    if (target === undefined) return
    if (!(target instanceof Interest)) {
      if (target.nextGsn > from) {
        target.sink.onWithdrawn?.(from, Math.min(to, target.nextGsn - 1))
        target.nextGsn = from
      }
      return
    }
    this.cacheBytes -= target.withdraw(from)
    for (const s of target.subs) {
      if (s.nextGsn <= from) continue
      s.sink.onWithdrawn?.(from, Math.min(to, s.nextGsn - 1))
      s.nextGsn = from
    }
  }

  private onDeliver(bytes: Uint8Array, verdict: Verdict | undefined): void {
    const c = this.cursor
    if (c.reset(bytes, 0, bytes.length, verdict) <= 0) return
    const target = this.upstream.target(c.subscription)
    this.noteDurable(c.durableGsn)
    if (target === undefined) return // an old subscription's frame still on the way
    const frame = storeDeliver(bytes, verdict)
    if (frame === null) return
    this.stats.framesIn++
    this.stats.messagesIn += frame.count
    if (frame.last > this.highest) this.highest = frame.last
    if (target instanceof Interest) {
      if (target.tentative) target.seenEpoch = this.control.welcome?.epoch ?? 0n
      const f = target.append(frame)
      if (f === null) return
      this.cacheBytes += f.bytes.length
      target.fanOut(f)
      this.evict()
    } else {
      this.onFetchFrame(target, frame)
    }
  }

  /** A frame of s's own upstream fetch: pass what the cache does not hold, then switch to the cache. */
  private onFetchFrame(s: RelaySubscription, frame: StoredFrame): void {
    const until = s.interest.cacheStart
    if (frame.last >= s.nextGsn && frame.first < until) {
      const part = frame.first >= s.nextGsn && frame.last < until ? frame : sliceDeliver(frame, s.nextGsn, until)
      if (!s.deliver(part)) return // paused: the fetch was stopped, resume() starts another
    }
    if (frame.last >= until) {
      // The fetch is ordered and complete: everything of the interest below `until` has been passed.
      this.stopFetch(s)
      if (s.nextGsn < until) s.nextGsn = until
      s.state = SubState.PAUSED
      this.catchUp(s)
    }
  }

  private onUpstreamError(bytes: Uint8Array): void {
    const f = decodeFrame(bytes)
    if (f.type !== 'Error') return
    const sub = f.subscription ?? 0
    if (sub !== 0) {
      const target = this.upstream.target(sub)
      if (target === undefined) return
      this.upstream.forgetId(sub)
      const text = `upstream: ${f.message}`
      if (target instanceof Interest && f.code === ErrorCode.DURABLE_BUSY) {
        // The upstream still holds this relay's previous connection to its durable
        // subscription (it has not seen that connection close yet): try again shortly.
        target.upstreamId = 0
        setTimeout(() => {
          if (!this.closed && this.interests.get(target.key) === target && target.upstreamId === 0) this.upstream.subscribe(target)
        }, 500).unref()
        return
      }
      if (target instanceof Interest) {
        this.interests.delete(target.key)
        this.cacheBytes -= target.bytes
        target.clear()
        for (const s of [...target.subs]) s.fail(f.code, text, Number(f.ref))
      } else {
        target.fetchId = 0
        target.fail(f.code, text, Number(f.ref))
      }
      return
    }
    if (Number(f.ref) === 0 && this.groups.onRefused(`code=${f.code}, ${f.message}`)) return
    this.o.logger.warn({ event: 'upstream_error', code: f.code, ref: Number(f.ref), reason: f.message }, 'upstream sent an error')
  }

  private noteDurable(gsn: number): void {
    if (gsn > this.durable) this.durable = gsn
  }

  /** Drops the oldest cached frames while the cache is over its budget. */
  private evict(): void {
    const r = evictToBudget(this.interests.values(), this.cacheBytes, this.o.cacheBytes)
    this.cacheBytes -= r.freedBytes
    this.stats.evictedFrames += r.frames
  }

  /** Interests without clients for lingerMs are unsubscribed upstream and their cache dropped. */
  private sweep(): void {
    const now = Date.now()
    for (const it of [...this.interests.values()]) {
      if (it.subs.size > 0 || it.idleSince === 0 || now - it.idleSince < this.o.lingerMs) continue
      this.interests.delete(it.key)
      this.upstream.unsubscribe(it)
      this.cacheBytes -= it.bytes
      it.clear()
    }
  }

  metricsSnapshot(): EngineMetrics {
    return relayEngineMetrics(this)
  }

  get durableCount(): number {
    return this.durableSubs.count
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Closes the upstream connections; the durable subscriptions' last acknowledgements reach the disk. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.durableSubs.close()
    if (this.sweeper !== null) clearInterval(this.sweeper)
    this.control.close()
    this.groups.failAll('relay closing')
    this.publishers.close()
    for (const it of this.interests.values()) for (const s of [...it.subs]) s.fail(ErrorCode.GOING_AWAY, 'relay closing: reconnect and resume', s.nextGsn)
    this.interests.clear()
    const status = this.status
    for (const l of this.statusListeners) l({ event: 'engine_closed', status, fields: {} })
  }
}

