// The shape of what Engine.replication() hands a cluster node (implemented by
// replication-port.ts). An interface of its own, free of the pipeline's internal types, so
// that the engine's published declarations do not pull in the stages'.

import type { RingConsumer } from './ring/ring-consumer.js'
import type { Doorbell } from './ring/doorbell.js'
import type { ClusterStatus } from './engine-port.js'

/** A cluster node's say in group creation. */
export interface GroupHook {
  /** Throws (NotLeaderError) when this node may not create groups now. */
  mayCreate(): void
  /** Group `id` was just given to `name` (and recorded locally). */
  created(id: number, name: string): void
  /**
   * null when every group id up to maxId is committed in the cluster's log; else a promise settled once it
   * is, rejected (NotLeaderError) when this node stops leading first. See EnginePort.groupsCommitted.
   */
  committed(maxId: number): Promise<void> | null
}

export interface ReplicationHandle {
  /** Consumer 2 of the sequenced ring (main thread only). */
  readonly consumer: RingConsumer
  /** Rung after each journal write (and by whoever moves a watermark the main thread waits for). */
  readonly dispatchBell: Doorbell
  readonly writtenGsn: number
  readonly sequencedGsn: number
  readonly durableGsn: number
  /** Publishes DUR (only ever forward) and lets the dispatcher release up to it. */
  setDurable(gsn: number): void
  readonly applying: boolean
  /** Sequence publishes (true: this node leads) or only apply the log's batches (false). */
  setSequencing(on: boolean): void
  /** One committed batch (a journal record's batch bytes) to the sequencer: 0, or BACK_PRESSURED. */
  offerApply(blobs: Uint8Array, offset: number, length: number, firstGsn: number, count: number): number
  /** Resolves once the ingress ring the applier writes has drained some (bounded wait). */
  whenIngressSpace(timeoutMs?: number): Promise<boolean>
  /** The group registry: [name, id], ids ascending. */
  groups(): Array<[string, number]>
  /** A group from the log; false when this node's registry disagrees with it. */
  applyGroup(id: number, name: string): boolean
  setGroupHook(hook: GroupHook | null): void
  /** What the gateway shows of the cluster (null: nothing). */
  setClusterView(view: (() => ClusterStatus) | null): void
  /** Where a failover withdrew what the leader of an epoch showed tentative subscribers (EnginePort.withdrawnAbove). */
  setEpochBounds(bounds: ((epoch: number) => number) | null): void
  /** Answers every publish waiting beyond DUR with `code`. */
  answerWaiting(code: number): void
  /** The lowest gsn the other live nodes have applied (MAX_SAFE_INTEGER: none): stable_gsn never passes it. */
  setReplicaFloor(gsn: number): void
}
