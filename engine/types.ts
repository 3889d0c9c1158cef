// Public types of the embedding API (README.md "Embedding API"). The Engine class
// in engine/engine.ts implements them; the gateway is written against them too.

import type { DeliverBatch } from '../codec/deliver-batch.js'
import type { Logger } from './logger.js'
import type { StageTrace } from './trace/stage-trace.js'
export type { DeliverBatch } from '../codec/deliver-batch.js'

export const Durability = { fsync: 'fsync', async: 'async', memory: 'memory', replicated: 'replicated' } as const
export type Durability = (typeof Durability)[keyof typeof Durability]

export interface EngineOptions {
  /** Journal directory. Default `./data`. Ignored in `memory` mode. */
  dataDir?: string
  /** `fsync` (default: group commit, ack after fsync), `async` (ack after write to the OS,
   *  fsync every `asyncFsyncIntervalMs`), `memory` (no journal; benchmarks and tests only),
   *  `replicated` (cluster nodes, engine/cluster/node/: acks and deliveries follow the committed
   *  watermark the cluster node publishes with Engine.setCommitted; the local journal is written
   *  and fsynced like `async`). */
  durability?: Durability
  /** async mode: fsync period. Default 20 ms. */
  asyncFsyncIntervalMs?: number
  /** Largest payload accepted, bytes. Default 1 MiB. */
  maxPayload?: number
  /** Most destination groups per message. Default 16 (the protocol's limit). */
  maxGroups?: number
  /** Per-publisher dedupe window, in pseqs. Default 100 000. */
  dedupeWindow?: number
  /** Journal segment size. Default 256 MiB. */
  segmentBytes?: number
  /**
   * Retention: delete whole old segments beyond maxBytes / maxAgeMs, but never one holding
   * a gsn a durable subscription has not acknowledged (or a subscriber is reading). The
   * caps capBytes / capAgeMs are stronger: beyond them segments go even when durable
   * subscriptions still need them, and those get RETAINED_AWAY naming the oldest gsn kept.
   * Default: keep everything.
   */
  retention?: { maxBytes?: number; maxAgeMs?: number; capBytes?: number; capAgeMs?: number }
  /** A durable subscription with no consumer for this long is deleted, so it stops holding retention. Default 7 days. */
  durableIdleExpiryMs?: number
  /** Most durable subscriptions one identity may hold. Default 1000. */
  maxDurablesPerIdentity?: number
  /** Sequencer closes a batch at this many messages / bytes, or after lingerUs. */
  batchMaxMessages?: number
  batchMaxBytes?: number
  lingerUs?: number
  /** Sequencer state snapshot every this many messages (bounds the journal scan at restart). Default 1 000 000. */
  snapshotEveryMessages?: number
  /** Ring sizes in bytes (powers of two). */
  ingressRingBytes?: number
  sequencedRingBytes?: number
  /**
   * Passes over empty ingress rings the sequencer spins before it parks on a futex (the
   * idle strategy of Aeron or the Disruptor). Spinning saves a wake-up (tens of µs on a VM)
   * but holds a core: with fewer than 4 cores it takes the core the dispatcher and the
   * publishers need, and latency gets worse, not better. Default: 20 with fewer than 4
   * cores (park almost at once), 2000 otherwise (about 100-200 µs of spinning).
   */
  idleSpins?: number
  /**
   * Where the engine reports what an operator should know: the recovery report on open,
   * segments removed by retention, every change of its state (journal_failed,
   * journal_retry_failed, journal_resumed, engine_failed). Any object with pino's
   * error/warn/info/debug(fields, message) methods. Default: nothing is logged (a state
   * change nobody listens to is a process warning).
   */
  logger?: Logger
  /**
   * The file operations of the journal's threads: a module (URL or path) exporting
   * `createFileIo(data): FileIo` (engine/journal/file-io.ts), imported in each of them;
   * `data` is passed along (a SharedArrayBuffer in it is shared). For fault-injection
   * tests and special storage; default node:fs.
   */
  fileIo?: { module: string | URL; data?: unknown }
  /**
   * Per-stage timestamps of the publish -> deliver path (engine/trace/stage-trace.ts): each
   * stage stamps a record per run of messages while the trace's sampling is switched on.
   * For benchmarks and latency investigations; off it costs one check per run of messages.
   * Default: none.
   */
  stageTrace?: StageTrace
}

/** Identity a publisher may pass; omitted: the engine's own publisher with automatic pseq. */
export interface PublishOptions {
  publisher?: bigint
  pseq?: bigint
}

export interface PublishResult {
  gsn: bigint
  /** One gseq per destination group, in the order the groups were given. */
  gseqs: bigint[]
}

export interface SubscribeOptions {
  /** 0n or omitted: from now. n: from gsn n (replay from the journal, then live). */
  fromGsn?: bigint
  /** Deliver before durable (marked by Deliver.durable_gsn < gsn). Default false. */
  tentative?: boolean
  /**
   * A durable subscription's name: the engine stores its acknowledged gsn, and subscribing
   * again with the name (after a restart too) resumes right after it. fromGsn omitted: from
   * there (a new one: from now).
   */
  durable?: string
  /** Whose durable subscription it is (names are per identity). Default 'embedded'. */
  identity?: string
  /**
   * 'explicit' (default: call sub.ack(gsn); what is not acknowledged within ackWaitMs is
   * delivered again), 'afterHandler' (acknowledged when the handler returns without
   * throwing) or 'onDelivery' (acknowledged as it is handed to the handler: at most once).
   */
  ackPolicy?: 'explicit' | 'afterHandler' | 'onDelivery'
  /** Redelivery timeout of explicit acks, ms. Default 30 000. */
  ackWaitMs?: number
}

export type DeliverHandler = (batch: DeliverBatch) => void

export interface Subscription {
  readonly id: number
  /** Next gsn this subscription will deliver. */
  readonly nextGsn: bigint
  /** Resolves when replay caught up and the subscription is live. */
  readonly live: Promise<void>
  /** Durable subscriptions: acknowledge everything delivered up to gsn (cumulative). Returns the acknowledged gsn. */
  ack(gsn: bigint): bigint
  /** Durable subscriptions: the acknowledged gsn (0n for ordinary ones). */
  readonly ackedGsn: bigint
  close(): void
}
