// The gateway's port into a running engine (EnginePort, engine-port.ts): the raw paths
// that move FlatBuffers bytes and numeric gsns without decoding them into objects. The
// embedding API (Engine, engine.ts) is the bigint-typed face of the same pipeline; this
// is the number-typed one, for in-process front ends on the hot path.

import { SpmcRing } from './ring/spmc-ring.js'
import { SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_SEQUENCED, SLOT_STABLE, readU64, slotIndex } from './descriptors/watermark-descriptor.js'
import { readEngineMetrics, readGroupList, readJournalFigures } from './engine-metrics.js'
import type { Pipeline } from './pipeline.js'
import type { IngressQueue } from './ingress-queue.js'
import type { EngineStateMachine, EngineListener, EngineStatus } from './engine-state.js'
import type {
  AckListener, ClusterStatus, DurableAdmin, DurableAttach, EngineMetrics, EnginePort, FrameSink, GroupInfo, RawSubscription, SubscribeDurableOptions, SubscribeFramesOptions,
} from './engine-port.js'
import type { DurableRegistry } from './durable/durable-registry.js'
import type { ResolvedOptions } from './options.js'
import type { GroupHook } from './replication-handle.js'
import { BACK_PRESSURED, BAD_PUBLISHER, CLOSED, NOT_MESSAGE_FRAME, UNAVAILABLE } from '../codec/results.js'
import { MessageCursor } from '../codec/frame-reader.js'
import { blobLength } from '../codec/message-layout.js'
import type { Verdict } from '../codec/verdict.js'
import { randomBytes } from 'node:crypto'
import { EngineState } from './engine-state.js'
import { EngineClosedError } from './errors.js'
import type { StageStamper } from './trace/stage-trace.js'
import { TraceWriter } from './trace/stage-trace-descriptor.js'

const MAX_U48 = 2 ** 48

export class PipelinePort implements EnginePort {
  private readonly cursor = new MessageCursor()
  /** Producer-side handle used only to read occupancy for metrics (opened on first scrape). */
  private sequencedRing: SpmcRing | null = null

  /** The gateway's stamps of the publish -> deliver trace (EngineOptions.stageTrace), or null. */
  readonly stageStamper: StageStamper | null

  constructor(
    private readonly pipeline: Pipeline,
    private readonly queue: IngressQueue,
    private readonly state: EngineStateMachine,
    private readonly options: ResolvedOptions,
    private readonly registry: DurableRegistry,
  ) {
    this.stageStamper = options.stageTrace?.writer(TraceWriter.main) ?? null
  }

  get durables(): DurableAdmin {
    return this.registry
  }

  /** A cluster node: the lowest gsn the other live nodes have applied (stable_gsn waits for it). */
  setReplicaFloor(gsn: number): void {
    this.registry.setReplicaFloor(gsn)
  }

  get stableGsn(): number {
    return readU64(this.pipeline.wm, slotIndex(SLOT_STABLE))
  }

  subscribeDurable(groupIds: readonly number[], opts: SubscribeDurableOptions, sink: FrameSink): DurableAttach {
    const s = this.state.state
    if (s === EngineState.closing || s === EngineState.closed) throw new EngineClosedError('subscribe')
    const d = this.pipeline.dispatcher
    const r = this.registry.attach({
      identity: opts.identity, name: opts.name, groups: groupIds, ackPolicy: opts.ackPolicy, ackWaitMs: opts.ackWaitMs,
      fromGsn: opts.fromGsn, tentative: opts.tentative, sink,
      open: (fromGsn, inner) => d.subscribe(groupIds, opts.id, fromGsn, inner, false, opts.visible ?? null),
    })
    return r.ok ? { ok: true, handle: r.consumer, ackedGsn: r.ackedGsn, created: r.created } : r
  }

  get maxPayload(): number {
    return this.options.maxPayload
  }

  get maxGroups(): number {
    return this.options.maxGroups
  }

  get dataDir(): string | null {
    return this.options.durability === 'memory' ? null : this.options.dataDir
  }

  get dedupeWindow(): number {
    return this.options.dedupeWindow
  }

  get maxOfferBytes(): number {
    return this.pipeline.ingress.maxMessageBytes
  }

  get durableGsn(): number {
    return readU64(this.pipeline.wm, slotIndex(SLOT_DURABLE))
  }

  get sequencedGsn(): number {
    return readU64(this.pipeline.wm, slotIndex(SLOT_SEQUENCED))
  }

  get status(): EngineStatus {
    return this.state.status
  }

  get accepting(): boolean {
    return this.state.accepting
  }

  onStatusChange(listener: EngineListener): () => void {
    return this.state.onChange(listener)
  }

  newPublisherId(): number {
    const b = randomBytes(6)
    const id = b.readUIntLE(0, 6)
    return id === 0 || id >= MAX_U48 ? 1 : id
  }

  registerPublisher(publisher: number, listener: AckListener): void {
    this.pipeline.dispatcher.registerPublisher(publisher, listener)
  }

  unregisterPublisher(publisher: number): void {
    this.pipeline.dispatcher.unregisterPublisher(publisher)
  }

  offerPublishFrame(bytes: Uint8Array, offset: number, length: number, publisher: number, verdict?: Verdict): number {
    const s = this.state.state
    if (s !== EngineState.running) return s === EngineState.journalFailed ? UNAVAILABLE : CLOSED
    const q = this.queue
    if (q.backedUp) {
      q.waitForSpace()
      return BACK_PRESSURED
    }
    const c = this.cursor
    const count = c.reset(bytes, offset, length, verdict)
    if (count < 0) return NOT_MESSAGE_FRAME // the only refusal of MessageCursor.reset
    let total = 0
    while (c.next()) {
      if (c.publisher !== publisher) return BAD_PUBLISHER
      total += c.isCanonical ? c.blobLength : blobLength(c.groupCount, c.payloadLength)
    }
    const rc = q.writer.offerFrame(bytes, offset, length, c, total, verdict)
    if (rc === BACK_PRESSURED) {
      q.waitForSpace()
      return BACK_PRESSURED
    }
    q.queueFlush()
    return rc
  }

  onIngressDrain(cb: () => void): void {
    this.queue.onDrain(cb)
  }

  resolveGroupIds(names: readonly string[], create: boolean): number[] {
    const registry = this.pipeline.registry
    const hook = this.groupHook
    if (hook !== null && create) {
      // A cluster node: only the leader names groups, and each new one goes into the log.
      const known = registry.resolve(names, false)
      if (known.every((id) => id > 0)) return known
      hook.mayCreate()
    }
    const before = registry.size
    const ids = registry.resolve(names, create)
    Atomics.store(this.pipeline.wm, slotIndex(SLOT_MAX_GROUP), registry.size)
    if (hook !== null) for (let id = before + 1; id <= registry.size; id++) hook.created(id, registry.nameOf(id)!)
    return ids
  }

  /** Set by a cluster node (replication-port.ts): who may create groups, and who hears of new ones. */
  groupHook: GroupHook | null = null

  groupsCommitted(maxId: number): Promise<void> | null {
    const hook = this.groupHook
    return hook === null ? null : hook.committed(maxId)
  }

  /** Set by a cluster node: its state for the gateway (Welcome, NOT_LEADER, /health, /metrics, /api/stats). */
  clusterView: (() => ClusterStatus) | null = null

  /** Set by a cluster node: see EnginePort.withdrawnAbove. */
  epochBounds: ((epoch: number) => number) | null = null

  withdrawnAbove(epoch: number): number {
    return this.epochBounds === null ? -1 : this.epochBounds(epoch)
  }

  clusterStatus(): ClusterStatus | null {
    return this.clusterView === null ? null : this.clusterView()
  }

  groupName(id: number): string | undefined {
    return this.pipeline.registry.nameOf(id)
  }

  /** Every group with its figures since open, by id (admin API). */
  groupList(): GroupInfo[] {
    return readGroupList(this.pipeline.registry.list(), this.pipeline.dispatcher.groupStats)
  }

  subscribeFrames(groupIds: readonly number[], opts: SubscribeFramesOptions, sink: FrameSink): RawSubscription {
    const s = this.state.state
    if (s === EngineState.closing || s === EngineState.closed) throw new EngineClosedError('subscribe')
    return this.pipeline.dispatcher.subscribe(groupIds, opts.id, opts.fromGsn, sink, opts.tentative, opts.visible ?? null)
  }

  metricsSnapshot(): EngineMetrics {
    const p = this.pipeline
    const seq = this.sequencedRing ??= SpmcRing.attachIn(p.arena, p.layout.sequencedOffset)
    const m = readEngineMetrics(p.wm, p.layout, seq, p.ingress.producer, this.state.state)
    m.durability = this.options.durability
    m.groups = p.registry.size
    m.durableSubscriptions = this.registry.count
    if (p.journalUsage !== null) m.journal = readJournalFigures(p.wm, p.journalUsage, p.reports.retentionRemoved)
    return m
  }
}
