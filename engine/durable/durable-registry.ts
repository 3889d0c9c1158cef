// Durable subscriptions of one engine (main thread): the records by (identity, name), the
// consumer attached to each, the stability watermark they define, their saving to disk
// (durable-file.ts) and their expiry.
//
// stable_gsn is the lowest acknowledged gsn over every durable subscription (the durable
// gsn when there is none), and in a cluster over the gsns the other live nodes applied:
// everything at or below it has been acknowledged by everyone who asked to be remembered
// and is in every live replica's journal. It is published in the watermark block (SLOT_STABLE) as a
// monotonic counter: a durable subscription created later at an older gsn does not move
// it back (it holds retention through floorGsn() instead, which is exact).
// Retention keeps every gsn above the lowest acknowledged one, unless a cap forces it
// (engine/journal/retention.ts); a durable left behind then gets RETAINED_AWAY from its
// catch-up read, naming the oldest gsn still kept.

import { AckPolicy, ACK_POLICY_NAMES, DEFAULT_ACK_WAIT_MS, isAckPolicy } from '../../codec/ack-policy.js'
import { ErrorCode } from '../../codec/error-codes.js'
import { GroupNameProblem, groupNameProblem } from '../../codec/group-name.js'
import type { FrameSink, RawSubscription } from '../engine-port.js'
import type { Logger } from '../logger.js'
import { DurableConsumer, type ConsumerOwner } from './durable-consumer.js'
import { encodeDurables, saveDurables, saveDurablesSync, type StoredDurable } from './durable-file.js'
import { durableKey, type DurableInfo, type DurableRecord } from './durable-record.js'

/** How often acks are checked for redelivery, quiet durables moved forward, expiry and the watermark. */
const TICK_MS = 100
/** After a failed save, the next try. */
const SAVE_RETRY_MS = 1000
const MAX_ACK_WAIT_MS = 24 * 3600_000

export interface DurableOptions {
  /** A durable subscription with no consumer for this long is deleted. */
  idleExpiryMs: number
  /** Most durable subscriptions one identity may hold (each can hold retention back). */
  maxPerIdentity: number
}

export interface AttachRequest {
  identity: string
  name: string
  groups: readonly number[]
  ackPolicy: number
  /** 0: DEFAULT_ACK_WAIT_MS. */
  ackWaitMs: number
  /** 0: right after the acknowledged gsn (a new one: from now); n: from gsn n. */
  fromGsn: number
  tentative: boolean
  sink: FrameSink
  open: (fromGsn: number, sink: FrameSink) => RawSubscription
}

export type AttachResult =
  | { ok: true; consumer: DurableConsumer; ackedGsn: number; created: boolean }
  | { ok: false; code: number; message: string }

export interface DurableHooks {
  dispatchedGsn(): number
  durableGsn(): number
  /** Publishes the stability watermark (monotonic: called with non-decreasing values). */
  storeStable(gsn: number): void
  logger: Logger
}

export class DurableRegistry implements ConsumerOwner {
  private readonly recs = new Map<string, DurableRecord>()
  private timer: NodeJS.Timeout | null = null
  private saving: Promise<void> | null = null
  private dirty = false
  private retryAt = 0
  private stable = 0
  /** In a cluster: the lowest gsn the other live nodes have applied (none: MAX_SAFE_INTEGER). */
  private replicaFloor = Number.MAX_SAFE_INTEGER
  private closed = false
  /** Saves completed and failed since open (metrics). */
  saves = 0
  saveFailures = 0
  expired = 0

  constructor(
    /** null: memory mode, nothing is saved. */
    private readonly file: string | null,
    /** What loadDurables() read at open (before the pipeline started: a damaged file stops the open early). */
    loaded: readonly StoredDurable[],
    private readonly opts: DurableOptions,
    private readonly hooks: DurableHooks,
  ) {
    for (const s of loaded) this.recs.set(durableKey(s.identity, s.name), { ...s, consumer: null, savedGsn: s.ackedGsn })
    this.stable = this.computeStable()
    hooks.storeStable(this.stable)
    this.timer = setInterval(() => this.tick(Date.now()), TICK_MS)
    this.timer.unref()
  }

  get count(): number {
    return this.recs.size
  }

  now(): number {
    return Date.now()
  }

  dispatchedGsn(): number {
    return this.hooks.dispatchedGsn()
  }

  /** Attach a consumer to (identity, name), creating the durable subscription when new. */
  attach(r: AttachRequest): AttachResult {
    if (this.closed) return { ok: false, code: ErrorCode.GOING_AWAY, message: 'the engine is closing' }
    const problem = groupNameProblem(r.name)
    if (problem !== GroupNameProblem.none) return refuse(ErrorCode.DURABLE_MISMATCH, `bad durable name: name=${JSON.stringify(r.name.slice(0, 64))}: 1-255 bytes of [A-Za-z0-9._-]`)
    if (r.tentative) return refuse(ErrorCode.DURABLE_MISMATCH, `a durable subscription is not tentative: name=${r.name}: acknowledge only what is durable`)
    if (!isAckPolicy(r.ackPolicy) || r.ackPolicy === AckPolicy.none) return refuse(ErrorCode.DURABLE_MISMATCH, `bad ack_policy for durable subscription: name=${r.name}, ack_policy=${r.ackPolicy}, expected 1 (explicit) or 2 (on delivery)`)
    if (!Number.isInteger(r.ackWaitMs) || r.ackWaitMs < 0 || r.ackWaitMs > MAX_ACK_WAIT_MS) return refuse(ErrorCode.DURABLE_MISMATCH, `bad ack_wait_ms: name=${r.name}, value=${r.ackWaitMs}, expected 0..${MAX_ACK_WAIT_MS}`)
    const key = durableKey(r.identity, r.name)
    let rec = this.recs.get(key)
    const groups = [...r.groups].sort((a, b) => a - b)
    const now = this.now()
    let created = false
    if (rec === undefined) {
      let held = 0
      for (const x of this.recs.values()) if (x.identity === r.identity) held++
      if (held >= this.opts.maxPerIdentity) return refuse(ErrorCode.TOO_MANY_SUBSCRIPTIONS, `too many durable subscriptions for this identity: count=${held}, max=${this.opts.maxPerIdentity}; delete unused ones`)
      const acked = r.fromGsn > 0 ? r.fromGsn - 1 : this.hooks.dispatchedGsn()
      rec = {
        identity: r.identity, name: r.name, groups, ackPolicy: r.ackPolicy, ackWaitMs: r.ackWaitMs || DEFAULT_ACK_WAIT_MS,
        ackedGsn: acked, createdMs: now, lastActiveMs: now, consumer: null, savedGsn: this.file === null ? acked : -1,
      }
      this.recs.set(key, rec)
      created = true
    } else {
      if (rec.groups.length !== groups.length || rec.groups.some((g, i) => g !== groups[i])) {
        return refuse(ErrorCode.DURABLE_MISMATCH, `durable subscription exists with other groups: name=${r.name}, groups=${rec.groups.join(',')}, asked=${groups.join(',')}; delete it first to change its groups`)
      }
      if (rec.consumer !== null && !rec.consumer.closed) {
        return refuse(ErrorCode.DURABLE_BUSY, `durable subscription has a consumer already: name=${r.name}, since=${new Date(rec.consumer.since).toISOString()}; one consumer per name (retry once it left)`)
      }
      rec.ackPolicy = r.ackPolicy
      rec.ackWaitMs = r.ackWaitMs || DEFAULT_ACK_WAIT_MS
      rec.lastActiveMs = now
      // Starting beyond the acknowledged gsn skips what lies between: the consumer says so explicitly.
      if (r.fromGsn > rec.ackedGsn + 1) this.advance(rec, r.fromGsn - 1)
    }
    const from = r.fromGsn > 0 ? r.fromGsn : rec.ackedGsn + 1
    const ackedGsn = rec.ackedGsn
    this.dirty = true
    this.scheduleSave()
    // The record holds the consumer before the raw subscription starts: a frame delivered
    // inside open() (a subscription already caught up) finds it attached.
    const consumer = new DurableConsumer(rec, r.sink, r.open, this, from)
    if (!consumer.closed) rec.consumer = consumer
    return { ok: true, consumer, ackedGsn, created }
  }

  advance(rec: DurableRecord, gsn: number): void {
    if (gsn <= rec.ackedGsn) return
    rec.ackedGsn = gsn
    rec.lastActiveMs = this.now()
    if (this.file === null) rec.savedGsn = gsn
    this.dirty = true
    this.scheduleSave()
  }

  detach(c: DurableConsumer): void {
    const rec = c.rec
    if (rec.consumer === c) rec.consumer = null
    rec.lastActiveMs = this.now()
    this.dirty = true
    this.scheduleSave()
  }

  /** One identity's durable subscriptions (another identity's are invisible), or all (operator). */
  list(identity?: string): DurableInfo[] {
    const out: DurableInfo[] = []
    for (const r of this.recs.values()) if (identity === undefined || r.identity === identity) out.push(this.info(r))
    return out.sort((a, b) => (a.identity === b.identity ? (a.name < b.name ? -1 : 1) : a.identity < b.identity ? -1 : 1))
  }

  inspect(identity: string, name: string): DurableInfo | null {
    const r = this.recs.get(durableKey(identity, name))
    return r === undefined ? null : this.info(r)
  }

  /** Deletes a durable subscription; an attached consumer is told and detached. */
  delete(identity: string, name: string): boolean {
    const key = durableKey(identity, name)
    const r = this.recs.get(key)
    if (r === undefined) return false
    this.recs.delete(key)
    const c = r.consumer
    if (c !== null) c.onError(ErrorCode.UNKNOWN_SUBSCRIPTION, `durable subscription deleted: name=${name}`, c.id)
    c?.close()
    this.dirty = true
    this.scheduleSave()
    this.publishStable()
    return true
  }

  /** The lowest gsn some durable subscription still needs (Infinity: none). */
  floorGsn(): number {
    const f = floorOf(this.recs.values())
    // In a cluster, what the other live nodes have not applied is kept too (as stable_gsn waits for it).
    return this.replicaFloor < Number.MAX_SAFE_INTEGER ? Math.min(f, this.replicaFloor + 1) : f
  }

  get stableGsn(): number {
    return this.stable
  }

  /** Redeliveries, quiet durables moved to where they stand, expiry, the watermark. */
  tick(now: number): void {
    if (this.closed) return
    for (const [key, r] of this.recs) {
      const c = r.consumer
      if (c !== null) {
        c.redeliverIfDue(now)
        const at = c.positionGsn()
        if (at > r.ackedGsn) this.advance(r, at)
      } else if (now - r.lastActiveMs > this.opts.idleExpiryMs) {
        this.recs.delete(key)
        this.expired++
        this.dirty = true
        this.hooks.logger.info({ event: 'durable_expired', identity: r.identity, name: r.name, ackedGsn: r.ackedGsn, idleMs: now - r.lastActiveMs }, 'durable subscription expired: no consumer for longer than the idle expiry')
      }
    }
    this.publishStable()
    if (this.dirty) this.scheduleSave()
  }

  /** Waits for a save in flight, then writes what is left synchronously. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer !== null) clearInterval(this.timer)
    for (const r of this.recs.values()) r.consumer?.close()
    if (this.saving !== null) await this.saving.catch(() => {})
    if (this.file !== null && this.dirty) {
      this.dirty = false
      saveDurablesSync(this.file, encodeDurables(this.stored()))
      for (const r of this.recs.values()) r.savedGsn = r.ackedGsn
    }
  }

  // ---- internals -------------------------------------------------------------------------

  /** In a cluster: the lowest gsn the other live nodes have applied (MAX_SAFE_INTEGER: no other node). */
  setReplicaFloor(gsn: number): void {
    this.replicaFloor = gsn
    this.publishStable()
  }

  private computeStable(): number {
    let min = Math.min(this.hooks.durableGsn(), this.replicaFloor)
    for (const r of this.recs.values()) if (r.ackedGsn < min) min = r.ackedGsn
    return min
  }

  private publishStable(): void {
    const s = this.computeStable()
    if (s > this.stable) {
      this.stable = s
      this.hooks.storeStable(s)
    }
  }

  private stored(): StoredDurable[] {
    const out: StoredDurable[] = []
    for (const r of this.recs.values()) {
      out.push({ identity: r.identity, name: r.name, groups: r.groups, ackPolicy: r.ackPolicy, ackWaitMs: r.ackWaitMs, ackedGsn: r.ackedGsn, createdMs: r.createdMs, lastActiveMs: r.lastActiveMs })
    }
    return out
  }

  /** One save at a time; what changes meanwhile goes in the next one (group commit). */
  private scheduleSave(): void {
    if (this.file === null) {
      this.dirty = false
      return
    }
    if (this.saving !== null || this.closed || !this.dirty || Date.now() < this.retryAt) return
    this.dirty = false
    const snapshot = this.stored()
    const bytes = encodeDurables(snapshot)
    const file = this.file
    this.saving = saveDurables(file, bytes).then(
      () => {
        this.saves++
        for (const s of snapshot) {
          const r = this.recs.get(durableKey(s.identity, s.name))
          if (r !== undefined && s.ackedGsn > r.savedGsn) r.savedGsn = s.ackedGsn
        }
        this.saving = null
        if (this.dirty) setImmediate(() => this.scheduleSave())
      },
      (err: Error) => {
        this.saveFailures++
        this.saving = null
        this.dirty = true
        this.retryAt = Date.now() + SAVE_RETRY_MS
        this.hooks.logger.warn({ event: 'durable_save_failed', file, err: err.message }, 'durable subscriptions could not be saved: acknowledgements stay in memory, retrying in 1 s')
      },
    )
  }

  private info(r: DurableRecord): DurableInfo {
    const c = r.consumer
    return {
      identity: r.identity, name: r.name, groups: r.groups.slice(), ackPolicy: ACK_POLICY_NAMES[r.ackPolicy as AckPolicy] ?? String(r.ackPolicy),
      ackWaitMs: r.ackWaitMs, ackedGsn: r.ackedGsn, savedGsn: Math.max(0, r.savedGsn), createdMs: r.createdMs, lastActiveMs: r.lastActiveMs,
      attached: c !== null, deliveredGsn: c === null ? 0 : Math.max(0, c.lastDelivered), redeliveries: c?.redeliveries ?? 0,
      expiresMs: c === null ? r.lastActiveMs + this.opts.idleExpiryMs : null,
    }
  }
}

function refuse(code: number, message: string): AttachResult {
  return { ok: false, code, message }
}

/** The lowest gsn one of these durable subscriptions still needs (Infinity: none). */
export function floorOf(list: Iterable<{ ackedGsn: number }>): number {
  let floor = Number.POSITIVE_INFINITY
  for (const r of list) if (r.ackedGsn + 1 < floor) floor = r.ackedGsn + 1
  return floor
}
