// What the gateway (and other in-process front ends) use of the engine beyond the
// public embedding API: the raw paths that move FlatBuffers bytes without decoding
// them into objects. Implemented by PipelinePort (engine/pipeline-port.ts), which an
// Engine hands out as `engine.port`: numbers where the embedding API has bigints.
//
// All callbacks run on the main thread, inside the engine's dispatch pass. Byte
// arguments are valid only during the call: copy what you keep.

import type { Verdict } from '../codec/verdict.js'
import type { EngineListener, EngineStatus } from './engine-state.js'
import type { StageStamper } from './trace/stage-trace.js'

export interface AckListener {
  /** One durable message of this publisher (or a resend answered with its original gsn). In pseq order. */
  onAck(pseq: number, gsn: number): void
  /** The sequencer refused pseq (wire error code from codec/error-codes.ts, e.g. PSEQ_GAP). */
  onReject(pseq: number, code: number, expected: number): void
  /** End of a dispatch pass in which onAck/onReject was called: flush a PublishAck frame now. */
  onAckFlush(): void
}

/** Receives Deliver frames for one subscription. */
export interface FrameSink {
  /**
   * A Deliver frame whose subscription field already holds this subscription's id.
   * lastGsn is the gsn of its last message. Return false when the sink could not take it
   * (e.g. socket buffer over its limit): the engine then holds this subscription back
   * and the caller must call RawSubscription.resume() later (catch-up from the journal).
   */
  onFrame(bytes: Uint8Array, offset: number, length: number, lastGsn: number): boolean
  /** Replay finished: from now on frames come from the live stream. */
  onLive?(nextGsn: number): void
  /** The subscription cannot go on (retention removed its range, journal failure…). wire error code from codec/error-codes.ts. */
  onError(code: number, message: string, ref: number): void
  /**
   * Clusters, tentative subscriptions (a relay passing on its upstream's correction): gsns fromGsn..toGsn
   * handed to this sink were withdrawn by a failover; what holds them now follows, from fromGsn.
   */
  onWithdrawn?(fromGsn: number, toGsn: number): void
}

/**
 * Which groups of a message a subscriber may see: the front end's business
 * (tokens), handed to the engine as a predicate. A message whose groups are all
 * visible is delivered as it is; one with groups the subscriber may not see is
 * delivered as a copy that carries only the visible groups and their gseqs.
 */
export interface GroupFilter {
  /** Filters with the same key answer alike, so their subscriptions can share Deliver frames. */
  readonly key: string
  visible(group: number): boolean
}

export interface SubscribeFramesOptions {
  id: number
  fromGsn: number
  tentative: boolean
  /** Omitted: every group of a message is shown. */
  visible?: GroupFilter
}

export interface RawSubscription {
  readonly id: number
  /** Fed by the live stream now (false while catching up from the journal or paused). */
  readonly live?: boolean
  /** Next gsn to deliver (everything below it was handed to the sink). */
  readonly nextGsn: number
  /** Stop live delivery (slow consumer); nextGsn is kept. */
  pause(): void
  /** Go on from nextGsn: catch-up reads from the journal off the main thread, then live. */
  resume(): void
  close(): void
}

export interface EnginePort {
  readonly durableGsn: number
  readonly sequencedGsn: number
  readonly maxPayload: number
  readonly maxGroups: number
  /** Where the engine keeps its data; front ends keep their own state files beside it. null in memory mode. */
  readonly dataDir: string | null
  /** Pseqs per publisher the engine remembers to answer resends with their original gsn. */
  readonly dedupeWindow: number
  /** Most bytes the messages of one offerPublishFrame may take in canonical form (the ingress ring's largest record). */
  readonly maxOfferBytes: number
  /** Whether the engine takes publishes, and if not why (engine/engine-state.ts). */
  readonly status: EngineStatus
  /** status.accepting without building the status object (read per frame). */
  readonly accepting: boolean
  /** Hears every state change (journal_failed, journal_resumed, ...); returns the unsubscribe. */
  onStatusChange(listener: EngineListener): () => void
  /** A new publisher id, unique for this data directory (random 48-bit, never 0). */
  newPublisherId(): number
  registerPublisher(publisher: number, listener: AckListener): void
  /**
   * Only for front ends that publish elsewhere (a relay): the token the client
   * now publishing under `publisher` presented in Hello, called when it claims
   * the id. The relay forwards it upstream, where the token is checked and the
   * publisher id bound to its identity.
   */
  publisherToken?(publisher: number, token: string): void
  /**
   * True where publisher ids are bound to identities by another server (a relay:
   * its upstream, and at the end the root, decides with the client's own token).
   * The gateway then holds its bindings only while connections hold them and
   * never records them, so a refusal upstream leaves nothing behind here.
   */
  readonly publishersBoundUpstream?: boolean
  unregisterPublisher(publisher: number): void
  /**
   * Sequence the messages of a Publish frame that verifyFrame() accepted and whose
   * groups the caller checked (exist, allowed). Every message's publisher field must
   * equal `publisher`. Returns the count enqueued, or one of OfferResult (codec/results.ts):
   * BACK_PRESSURED when the ingress ring is full (nothing enqueued: retry after
   * onIngressDrain fires), CLOSED when the engine is closed or a stage failed,
   * UNAVAILABLE while the journal cannot write (status.fault says why and with which
   * wire code to refuse),
   * BAD_PUBLISHER when a message names another publisher, TOO_LARGE when the frame's
   * messages exceed one ingress record, NOT_MESSAGE_FRAME when the body is not a
   * Publish (nothing enqueued in each of these cases). verdict: the
   * Verdict that verifyFrame() filled for exactly these bytes, if the caller has it
   * (lets the engine skip re-checking each message's layout; ignored if it is for other bytes).
   */
  offerPublishFrame(bytes: Uint8Array, offset: number, length: number, publisher: number, verdict?: Verdict): number
  /** Called once when ingress space frees up after a BACK_PRESSURED. */
  onIngressDrain(cb: () => void): void
  /** Group ids for names (-1 where unknown and create is false). Throws GroupNameError on a bad name. */
  resolveGroupIds(names: readonly string[], create: boolean): number[]
  /**
   * In a cluster a group id is the cluster's only once the log entry naming it is committed (until then the
   * leader could be deposed and the next one give the id to another name). null when every id up to maxId
   * is committed (always outside a cluster); else a promise settled once they are, rejected with a
   * NotLeaderError when this node stops leading first. A front end answers names with ids only then.
   */
  groupsCommitted?(maxId: number): Promise<void> | null
  groupName(id: number): string | undefined
  /**
   * Only for front ends whose group table lives in another server (a relay,
   * gateway/relay/relay-engine.ts). Starts fetching the names and ids among these that
   * are not held locally and returns a promise settled once they are (or the
   * fetch failed); null when every one is held already. The gateway holds the
   * connection's frames meanwhile, in order (gateway/group-lookup.ts).
   */
  lookupGroups?(names: readonly string[], ids: readonly number[], create: boolean): Promise<void> | null
  subscribeFrames(groupIds: readonly number[], opts: SubscribeFramesOptions, sink: FrameSink): RawSubscription
  /**
   * Attach to the durable subscription (identity, name), creating it when new; a refusal
   * (DURABLE_BUSY, DURABLE_MISMATCH, TOO_MANY_SUBSCRIPTIONS) comes back as a value.
   * Optional for other implementations (then the front end refuses durable subscriptions).
   */
  subscribeDurable?(groupIds: readonly number[], opts: SubscribeDurableOptions, sink: FrameSink): DurableAttach
  /** The durable subscriptions (admin API, CLI): absent where subscribeDurable is. */
  readonly durables?: DurableAdmin
  /** Stability watermark: every durable subscription acknowledged up to it. */
  readonly stableGsn?: number
  /** Counters and watermarks for /metrics (read without locks). */
  metricsSnapshot(): EngineMetrics
  /** Every group with its figures, by id (admin API). Optional for other implementations. */
  groupList?(): GroupInfo[]
  /** Replication state when the engine runs in a cluster; absent or null on a single node. */
  clusterStatus?(): ClusterStatus | null
  /**
   * Clusters: for a tentative subscriber last shown messages by the leader of `epoch`, the gsn above which
   * those were withdrawn by a failover (the committed gsn the next epoch started from); -1 when no later
   * epoch is known on this node, or outside a cluster.
   */
  withdrawnAbove?(epoch: number): number
  /** The main thread's writer into EngineOptions.stageTrace (the gateway stamps receive and ingress); absent or null without one. */
  readonly stageStamper?: StageStamper | null
}

/** A cluster as the admin API and the dashboard show it. */
export interface ClusterStatus {
  /** This node's name. */
  node: string
  /** This node's role (leader, follower, ...). */
  role: string
  epoch: number
  committedGsn: number
  nodes: {
    name: string
    role: string
    epoch: number
    /** Highest gsn the node applied (followers) or committed (leader). */
    appliedGsn: number
    /** committedGsn - appliedGsn. */
    lagMessages: number
    url?: string
  }[]
  /** Client URL of the leader ('' while none is known): NOT_LEADER errors and Welcome name it. */
  leaderUrl?: string
  /** Name of the leader ('' while none is known). */
  leader?: string
  /** Leader: sequenced, not yet committed. Follower: in the log, not yet applied here. */
  lagGsns?: number
  /** Times this node took over leadership. */
  failovers?: number
  /** Append → JetStream ack latency (leader), cumulative: upper bounds in seconds. */
  appendLatency?: { buckets: { le: number; count: number }[]; sum: number; count: number }
}

export interface GroupInfo {
  id: number
  name: string
  /** Messages dispatched to the group since the engine opened. */
  messages: number
  /** gseq of its latest dispatched message (0: none since open). */
  lastGseq: number
}

/** The journal on disk, for metrics and the admin API. */
export interface JournalFigures {
  /** Bytes of every file in the journal directory (segments and their indexes). */
  bytes: number
  segments: number
  /** Oldest gsn still in the journal (0: empty). */
  oldestGsn: number
  /** Bytes appended since the engine opened. */
  appendedBytes: number
  /** Segments and bytes that retention deleted since the engine opened. */
  retentionRemovedSegments: number
  retentionRemovedBytes: number
}

export interface EngineMetrics {
  /** The engine's state (engine/engine-state.ts EngineState). */
  state: string
  /** Journal faults (a full disk, an I/O error) since the engine opened. */
  journalFaults: number
  /** Retries of a faulted journal that failed since the engine opened. */
  journalRetryFailures: number
  sequencedGsn: number
  durableGsn: number
  /** Stability watermark: every durable subscription acknowledged up to it. */
  stableGsn?: number
  /** Durable subscriptions held (absent where the engine keeps none). */
  durableSubscriptions?: number
  messagesSequenced: number
  batchesSequenced: number
  duplicates: number
  rejects: number
  fsyncs: number
  /** fsync latency histogram: upper bounds in seconds and cumulative counts (Prometheus style). */
  fsyncLatencyBuckets: { le: number; count: number }[]
  fsyncLatencySumSeconds: number
  ringOccupancy: { name: string; usedBytes: number; capacityBytes: number }[]
  meanBatchMessages: number
  /** Durability mode (fsync, async, memory). */
  durability?: string
  /** Groups known to the engine. */
  groups?: number
  /** Absent in memory mode (no journal). */
  journal?: JournalFigures
}

export interface SubscribeDurableOptions extends SubscribeFramesOptions {
  /** Who owns the name (a token's subject): names are per identity. */
  identity: string
  name: string
  /** AckPolicy (codec/ack-policy.ts): 1 explicit, 2 on delivery. */
  ackPolicy: number
  /** Redelivery timeout of explicit acks, ms (0: the default). */
  ackWaitMs: number
}

/** The consumer attached to a durable subscription, as its front end holds it. */
export interface DurableHandle extends RawSubscription {
  /** Cumulative ack of what was delivered up to gsn; returns the acknowledged gsn. */
  ack(gsn: number): number
}

export type DurableAttach =
  | { ok: true; handle: DurableHandle; ackedGsn: number; created: boolean }
  | { ok: false; code: number; message: string }

export interface DurableAdmin {
  list(identity?: string): DurableInfo[]
  inspect(identity: string, name: string): DurableInfo | null
  delete(identity: string, name: string): boolean
}

export type { DurableInfo } from './durable/durable-record.js'
import type { DurableInfo } from './durable/durable-record.js'
