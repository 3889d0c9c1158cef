// Durable subscriptions at a relay, and the one acknowledgement per interest it
// sends upstream (recursive delegation, monotonic aggregation).
//
//   leaf durables (identity, name) ─ack─▶ relay registry ─min per interest─▶ Ack on
//   ONE durable upstream subscription per interest, named relay.<relay>.<groups>
//
// The relay keeps its clients' durable subscriptions itself, with the engine's
// registry (engine/durable/durable-registry.ts: records by identity and name,
// one consumer each, ack policies, redelivery, expiry, saved under the relay's
// --data directory). For each interest that has durable subscriptions, the
// relay's upstream subscription is itself durable, and the relay acknowledges
// upstream the lowest acknowledged gsn over every durable subscription of that
// interest, attached or not. That minimum only grows (each record's ack only
// grows; a new record starts at or above it, see subscribeFrom), so the upstream
// sees one monotonic ack per relay and interest: the root keeps state per relay,
// never per leaf, and its stable_gsn is the minimum over every leaf's ack.
//
// The upstream answers an ack only up to what it delivered on that subscription;
// the relay sends the current minimum again every second, so an ack that ran
// ahead (a leaf fed by an upstream fetch) is taken once the stream catches up.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { AckPolicy } from '../../codec/ack-policy.js'
import type { DurableAdmin, DurableAttach, FrameSink, RawSubscription, SubscribeDurableOptions } from '../../engine/engine-port.js'
import { DURABLE_FILE, loadDurables } from '../../engine/durable/durable-file.js'
import { DurableRegistry } from '../../engine/durable/durable-registry.js'
import type { Logger } from '../../engine/logger.js'

/** Acks are checked this often; the current minimum is sent again at least every RESEND_MS. */
const TICK_MS = 200
const RESEND_MS = 1000
/** Redelivery timeout of the relay's own upstream durables: the relay acks what its leaves ack, however slow. */
export const UPSTREAM_ACK_WAIT_MS = 24 * 3600_000

export interface DurableHost {
  readonly logger: Logger
  /** Highest gsn the relay has seen (where a new durable "from now" starts). */
  highestGsn(): number
  durableGsn(): number
  /** Subscribes a consumer of the registry like any client (cache, fetch, live). */
  open(groups: readonly number[], id: number, fromGsn: number, sink: FrameSink, opts: SubscribeDurableOptions): RawSubscription
  /** Sends an upstream Ack for the interest of these groups when it holds a durable upstream subscription; false when it does not (yet). */
  ackUpstream(key: string, gsn: number): boolean
}

export interface RelayDurableOptions {
  dataDir: string | null
  idleExpiryMs: number
  maxPerIdentity: number
}

export class RelayDurables {
  readonly registry: DurableRegistry
  private readonly timer: ReturnType<typeof setInterval>
  /** Per interest key: the minimum sent upstream and when. */
  private readonly sent = new Map<string, { gsn: number; at: number }>()

  constructor(
    o: RelayDurableOptions,
    private readonly host: DurableHost,
  ) {
    if (o.dataDir !== null) mkdirSync(o.dataDir, { recursive: true })
    const file = o.dataDir === null ? null : join(o.dataDir, DURABLE_FILE)
    const loaded = file === null ? [] : loadDurables(file)
    this.registry = new DurableRegistry(file, loaded, { idleExpiryMs: o.idleExpiryMs, maxPerIdentity: o.maxPerIdentity }, {
      dispatchedGsn: () => host.highestGsn(),
      durableGsn: () => host.durableGsn(),
      storeStable: () => {},
      logger: host.logger,
    })
    this.timer = setInterval(() => this.aggregate(Date.now()), TICK_MS)
    this.timer.unref()
  }

  get admin(): DurableAdmin {
    return this.registry
  }

  get count(): number {
    return this.registry.count
  }

  attach(groupIds: readonly number[], opts: SubscribeDurableOptions, sink: FrameSink): DurableAttach {
    const groups = [...new Set(groupIds)].sort((a, b) => a - b)
    const r = this.registry.attach({
      identity: opts.identity, name: opts.name, groups, ackPolicy: opts.ackPolicy === AckPolicy.none ? AckPolicy.explicit : opts.ackPolicy,
      ackWaitMs: opts.ackWaitMs, fromGsn: opts.fromGsn, tentative: opts.tentative, sink,
      open: (fromGsn, inner) => this.host.open(groups, opts.id, fromGsn, inner, opts),
    })
    return r.ok ? { ok: true, handle: r.consumer, ackedGsn: r.ackedGsn, created: r.created } : r
  }

  /** Lowest acknowledged gsn over the durables of an interest key (groups joined by ','); Infinity when none. */
  minAcked(key: string): number {
    let min = Number.POSITIVE_INFINITY
    for (const d of this.registry.list()) if (d.groups.join(',') === key && d.ackedGsn < min) min = d.ackedGsn
    return min
  }

  /** Whether any durable subscription covers this interest key. */
  has(key: string): boolean {
    return this.minAcked(key) !== Number.POSITIVE_INFINITY
  }

  /** The per-interest minimum, acknowledged upstream when it grew (or again, every RESEND_MS). */
  aggregate(now: number): void {
    const mins = new Map<string, number>()
    for (const d of this.registry.list()) {
      const key = d.groups.join(',')
      const m = mins.get(key)
      if (m === undefined || d.ackedGsn < m) mins.set(key, d.ackedGsn)
    }
    for (const [key, gsn] of mins) {
      if (gsn <= 0) continue
      const last = this.sent.get(key)
      if (last !== undefined && last.gsn >= gsn && now - last.at < RESEND_MS) continue
      if (this.host.ackUpstream(key, gsn)) this.sent.set(key, { gsn: Math.max(gsn, last?.gsn ?? 0), at: now })
    }
  }

  /** An interest's upstream subscription was made again (reconnect): send its ack again at once. */
  forget(key: string): void {
    this.sent.delete(key)
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await this.registry.close()
  }
}
