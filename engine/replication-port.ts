// What a cluster node (engine/cluster/node/) needs from an engine opened with durability
// `replicated`, and nothing the embedding API shows: the replicator's consumer of the sequenced
// ring, the watermarks it reads (WRIT, SEQ) and the one it owns (DUR = what the cluster
// committed and this node has written), the role word the sequencer follows, the ingress ring
// the log's batches are applied through, and the group registry's hook.
//
//   leader:   sequencer ─▶ sequenced ring ─▶ journal appender (WRIT) ─▶ consumer 2: replicator ─▶ log
//                                                                      DUR = committed ◀─ log acks
//   follower: log ─▶ applier ─▶ ingress ring 0 (APPLY) ─▶ sequencer ─▶ journal appender (WRIT)
//                                                         consumer 2 ─▶ DUR = WRIT (all of it is committed)

import { SpmcRing } from './ring/spmc-ring.js'
import type { RingConsumer } from './ring/ring-consumer.js'
import type { Doorbell } from './ring/doorbell.js'
import { REPLICA_CONSUMER } from './descriptors/arena-descriptor.js'
import {
  CLUSTER_ROLE, ROLE_APPLYING, ROLE_SEQUENCING, SLOT_CLUSTER, SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_SEQUENCED, SLOT_WRITTEN,
  readU64, slotIndex, storeU64,
} from './descriptors/watermark-descriptor.js'
import type { Pipeline } from './pipeline.js'
import type { PipelinePort } from './pipeline-port.js'
import type { GroupHook, ReplicationHandle } from './replication-handle.js'
import type { ClusterStatus } from './engine-port.js'
import { BACK_PRESSURED } from '../codec/results.js'

export class ReplicationPort implements ReplicationHandle {
  /** Consumer REPLICA_CONSUMER of the sequenced ring (main thread only). */
  readonly consumer: RingConsumer
  readonly dispatchBell: Doorbell
  private readonly wm: Int32Array
  private readonly DUR = slotIndex(SLOT_DURABLE)
  private readonly WRIT = slotIndex(SLOT_WRITTEN)
  private readonly SEQ = slotIndex(SLOT_SEQUENCED)
  private readonly ROLE = slotIndex(SLOT_CLUSTER) + CLUSTER_ROLE

  constructor(private readonly pipeline: Pipeline, private readonly port: PipelinePort) {
    this.wm = pipeline.wm
    this.consumer = SpmcRing.attachIn(pipeline.arena, pipeline.layout.sequencedOffset, REPLICA_CONSUMER)
    this.dispatchBell = pipeline.dispatchBell!
  }

  /** Gsn the local journal has written (WRIT). */
  get writtenGsn(): number {
    return readU64(this.wm, this.WRIT)
  }

  /** Gsn the sequencer has sequenced or applied (SEQ). */
  get sequencedGsn(): number {
    return readU64(this.wm, this.SEQ)
  }

  get durableGsn(): number {
    return readU64(this.wm, this.DUR)
  }

  /** Publishes DUR (only ever forward) and lets the dispatcher release up to it. */
  setDurable(gsn: number): void {
    if (gsn <= readU64(this.wm, this.DUR)) return
    storeU64(this.wm, this.DUR, gsn)
    this.pipeline.dispatcher.requestPass()
  }

  get applying(): boolean {
    return Atomics.load(this.wm, this.ROLE) === ROLE_APPLYING
  }

  /** Sequence publishes (true: this node leads) or only apply the log's batches (false). */
  setSequencing(on: boolean): void {
    Atomics.store(this.wm, this.ROLE, on ? ROLE_SEQUENCING : ROLE_APPLYING)
    this.pipeline.ingressBell.forceRing() // the sequencer may be parked: it reads the role each pass
  }

  /**
   * Hands one committed batch (a journal record's batch bytes) to the sequencer. 0, or
   * BACK_PRESSURED: wait with whenIngressSpace() and offer it again.
   */
  offerApply(blobs: Uint8Array, offset: number, length: number, firstGsn: number, count: number): number {
    const rc = this.pipeline.ingress.offerApply(blobs, offset, length, firstGsn, count)
    return rc === BACK_PRESSURED || rc < 0 ? BACK_PRESSURED : 0
  }

  /** Resolves once the ingress ring the applier writes has drained some (bounded wait). */
  whenIngressSpace(timeoutMs = 50): Promise<boolean> {
    return this.pipeline.ingress.producer.waitForSpaceAsync(timeoutMs)
  }

  /** The group registry as it stands: [name, id], ids ascending. */
  groups(): Array<[string, number]> {
    return this.pipeline.registry.list()
  }

  /**
   * A group from the log: `name` gets `id` here too. The same pair again is a no-op; any other
   * disagreement means this node's registry and the log differ (returns false: do not go on).
   */
  applyGroup(id: number, name: string): boolean {
    const reg = this.pipeline.registry
    const have = reg.idOf(name)
    if (have === id) return true
    if (have > 0 || reg.size !== id - 1) return false
    const [got] = reg.resolve([name], true)
    Atomics.store(this.wm, slotIndex(SLOT_MAX_GROUP), reg.size)
    return got === id
  }

  setGroupHook(hook: GroupHook | null): void {
    this.port.groupHook = hook
  }

  /** What the gateway shows of the cluster (null: nothing). */
  setClusterView(view: (() => ClusterStatus) | null): void {
    this.port.clusterView = view
  }

  setEpochBounds(bounds: ((epoch: number) => number) | null): void {
    this.port.epochBounds = bounds
  }

  setReplicaFloor(gsn: number): void {
    this.port.setReplicaFloor(gsn)
  }

  /** Answers every publish waiting beyond DUR with `code` (a deposed leader: NOT_LEADER). */
  answerWaiting(code: number): void {
    this.pipeline.dispatcher.enterFault(code, readU64(this.wm, this.SEQ))
  }
}
