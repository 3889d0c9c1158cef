// ordo's engine: the pipeline, drawn once.
//
//   publishers ── Engine.publish / gateway (main thread) ──▶ ingress ring 0 ─┐
//   publisher threads (createPublisherPort) ──────────────▶ ingress ring k ─┤  SPSC rings
//                                                                          ▼
//             sequencer worker: dedupe, gsn + gseqs, batches ──▶ sequenced ring (SPMC, one arena buffer)
//             then, same thread, consumer 0 of that ring:                  │
//             journal append + CRC + write() to the OS ─▶ WRIT             │ consumer 1
//                                   │                                      ▼
//                                   ▼                         dispatcher (main thread): acks,
//             journal-sync worker: fdatasync ─▶ DUR (fsync) ▶ Deliver frames per interest,
//             (async mode: DUR = WRIT, fsync every N ms)      released up to durable
//   catch-up reads (piscina) ◀── subscriptions that start behind or fell behind
//
// Why the journal's writes run on the sequencer thread: on few cores every busy thread and
// every futex hand-off costs latency (stages/journal/journal-appender.ts); only the blocking
// fsync has a thread of its own, and it overlaps the next writes (group commit).
// Watermarks live in one shared block (descriptors/watermark-descriptor.ts) that every stage
// reads without locks. In memory mode there is no journal and no journal-sync stage:
// sequenced is durable. docs/architecture.md tells the whole story.
//
// Where each part lives: pipeline.ts starts and stops the threads and rings; stages/ holds
// each stage (sequencer, journal append and sync, fan-out, catch-up); ingress-queue.ts is
// the main thread's way into ingress ring 0; engine-state.ts whether the engine takes
// publishes and why not; pipeline-port.ts the gateway's number-typed port (EnginePort).
// This module is the embedding API: bigints for every gsn, gseq, pseq and publisher id,
// converted here at the boundary (the hot paths inside stay on numbers).

import { resolve, join } from 'node:path'
import { SLOT_DURABLE, SLOT_SEQUENCED, SLOT_STABLE, readU64, slotIndex, storeU64 } from './descriptors/watermark-descriptor.js'
import { DurableRegistry, floorOf } from './durable/durable-registry.js'
import { DURABLE_FILE, loadDurables, type StoredDurable } from './durable/durable-file.js'
import type { DurableInfo } from './durable/durable-record.js'
import { AckPolicy } from '../codec/ack-policy.js'
import { embeddedSubscriber, subscriptionHandle } from './embedded-subscriber.js'
import { EmbeddedPublisher, type GseqLookup } from './embedded-publisher.js'
import { IngressQueue } from './ingress-queue.js'
import { Pipeline } from './pipeline.js'
import { PipelinePort } from './pipeline-port.js'
import { ReplicationPort } from './replication-port.js'
import type { ReplicationHandle } from './replication-handle.js'
import { readStageHeap, type StageHeap } from './engine-metrics.js'
import { BACK_PRESSURED, TOO_LARGE } from '../codec/results.js'
import type { EngineMetrics, EnginePort } from './engine-port.js'
import type { DeliverHandler, EngineOptions, PublishOptions, PublishResult, SubscribeOptions, Subscription } from './types.js'
import {
  EngineArgumentError, EngineClosedError, EngineError, EngineErrorCode, EngineLockedError, EngineOptionError, EngineUnavailableError,
  PublishRefusedError, StageFailedError, SubscriptionError, wireCodeName,
} from './errors.js'
import { ErrorCode, errorCodeInfo } from '../codec/error-codes.js'
import type { DurableHandle } from './engine-port.js'
import type { Logger } from './logger.js'
import { normalizeOptions, type ResolvedOptions } from './options.js'
import { SILENT_LOGGER } from './logger.js'
import { PORT_ACKS_BYTES, portAckListener, type PublisherPort } from './publisher-port.js'
import { EngineState, EngineStateMachine, type EngineListener, type EngineStatus } from './engine-state.js'
import { releaseDataDir, takeDataDir } from './engine-lock.js'
import type { RecoveryReport } from './journal/recovery.js'
import { JournalIoError } from './journal/errors.js'
import type { ScanReport } from './stages/sequencer/recovery-scan.js'
import type { JournalEvent } from './stages/sequencer/sequencer-messages.js'
import { RETRY_FIRST_MS } from './stages/journal/journal-appender.js'

export type { StageHeap } from './engine-metrics.js'

const MAX_U64 = (1n << 64n) - 1n
/** Whose durable subscriptions the embedding API makes when no identity is given. */
export const EMBEDDED_IDENTITY = 'embedded'
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

export class Engine {
  readonly options: ResolvedOptions
  readonly maxPayload: number
  readonly maxGroups: number
  /** What the journal's recovery found on open (null in memory mode). */
  readonly recovery: RecoveryReport | null
  /** Messages the sequencer replayed from the journal to rebuild gseqs and dedupe state. */
  readonly recoveryScan: ScanReport | null
  /** The number-typed port the gateway (and other in-process front ends) use. */
  readonly port: EnginePort
  private readonly state: EngineStateMachine
  private closing: Promise<void> | null = null
  private own: EmbeddedPublisher
  private readonly explicit = new Map<number, EmbeddedPublisher>()
  private readonly queue: IngressQueue
  private readonly lookup: GseqLookup
  private nextIngressSlot = 1
  private nextSubId = 1
  /** Durable subscriptions: acknowledged gsns, the stability watermark (durable/durable-registry.ts). */
  private readonly durables: DurableRegistry

  private constructor(
    options: ResolvedOptions, private readonly pipeline: Pipeline, state: EngineStateMachine, private readonly lockKey: string | null, logged: boolean,
    durableFile: string | null, loaded: readonly StoredDurable[], logger: Logger,
  ) {
    this.options = options
    this.maxPayload = options.maxPayload
    this.maxGroups = options.maxGroups
    this.recovery = pipeline.recovery
    this.recoveryScan = pipeline.recoveryScan
    this.state = state
    this.queue = new IngressQueue(pipeline.ingress)
    const wm = pipeline.wm
    this.durables = new DurableRegistry(durableFile, loaded, { idleExpiryMs: options.durableIdleExpiryMs, maxPerIdentity: options.maxDurablesPerIdentity }, {
      dispatchedGsn: () => pipeline.dispatcher.nextGsn - 1,
      durableGsn: () => readU64(wm, slotIndex(SLOT_DURABLE)),
      storeStable: (gsn) => storeU64(wm, slotIndex(SLOT_STABLE), gsn), // single writer: this thread
      logger,
    })
    this.port = new PipelinePort(pipeline, this.queue, state, options, this.durables)
    this.lookup = pipeline.lookupGseqs
    this.own = new EmbeddedPublisher(this.port.newPublisherId(), this.lookup)
    pipeline.dispatcher.registerPublisher(this.own.publisher, this.own)
    // The operator's log hears every state change (engine-reports.ts); without a logger,
    // a change nobody listens to becomes a process warning (journalEvent, stageFailed).
    if (logged) state.onChange((e) => pipeline.reports.stateChanged(e))
    state.started()
  }

  /**
   * Open (or create) an engine. Starts the journal and sequencer workers; resolves when
   * ready. Rejects with EngineLockedError when another engine holds the data directory.
   */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const o = normalizeOptions(options)
    const lockKey = o.durability === 'memory' ? null : takeDataDir(o.dataDir)
    const state = new EngineStateMachine(join(o.dataDir, 'journal'))
    let engine: Engine | null = null
    try {
      // Read before the pipeline starts: a damaged file stops the open with nothing running,
      // and the first retention floor already holds what the stored durables need.
      const durableFile = o.durability === 'memory' ? null : join(o.dataDir, DURABLE_FILE)
      const loaded = durableFile === null ? [] : loadDurables(durableFile)
      const floor = (): number => (engine !== null ? engine.durables.floorGsn() : floorOf(loaded))
      const logger = options.logger ?? SILENT_LOGGER
      const pipeline = await Pipeline.start(o, (err) => engine?.stageFailed(err), (e) => engine?.journalEvent(e), logger, floor)
      engine = new Engine(o, pipeline, state, lockKey, options.logger !== undefined, durableFile, loaded, logger)
      return engine
    } catch (err) {
      if (lockKey !== null) releaseDataDir(lockKey)
      if (err instanceof StageFailedError && err.stageCode === 'JOURNAL_LOCKED') {
        throw new EngineLockedError(o.dataDir, `process pid=${String(err.details.pid ?? 'unknown')}`, err)
      }
      throw err
    }
  }

  // ---- embedding API -----------------------------------------------------------------

  /**
   * Publish one message to 1..maxGroups groups (names, created on first use). Resolves
   * once durable under the engine's mode, with its gsn and one gseq per group. Rejects
   * with a named error (nothing stays pending): BAD_ARGUMENT, PAYLOAD_TOO_LARGE,
   * EMPTY_GROUPS, TOO_MANY_GROUPS, PSEQ_GAP, DISK_FULL / JOURNAL_IO (the journal cannot
   * write: status says why), ENGINE_CLOSED...
   */
  publish(groups: readonly string[], payload: Uint8Array | string, opts: PublishOptions = {}): Promise<PublishResult> {
    try {
      this.checkAccepting()
      const bytes = payloadBytes(payload)
      if (bytes.length > this.maxPayload) {
        throw new PublishRefusedError(EngineErrorCode.payloadTooLarge, `payload too large: size=${bytes.length}, max=${this.maxPayload}`, 0n, { wireCode: ErrorCode.PAYLOAD_TOO_LARGE, details: { size: bytes.length, max: this.maxPayload } })
      }
      if (opts === null || typeof opts !== 'object') throw new EngineArgumentError('publish options must be an object', { opts: String(opts) })
      const ids = this.groupIds(groups)
      const pub = this.publisherFor(opts.publisher)
      let pseq: number
      if (opts.pseq !== undefined) {
        pseq = idArgument('pseq', opts.pseq)
        if (pseq >= pub.nextPseq) pub.nextPseq = pseq + 1
      } else pseq = pub.nextPseq++
      const done = pub.track(pseq)
      const publisher = pub.publisher
      const writer = this.queue.writer
      this.queue.submit((): boolean => {
        const rc = writer.offer(publisher, pseq, ids, ids.length, bytes, 0, bytes.length)
        if (rc === BACK_PRESSURED) return false
        if (rc === TOO_LARGE) pub.onReject(pseq, ErrorCode.PAYLOAD_TOO_LARGE, 0)
        return true
      })
      return done
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Publish many messages at once (one flush); resolves when all are durable. */
  publishBatch(messages: readonly { groups: readonly string[]; payload: Uint8Array | string }[], opts: { publisher?: bigint } = {}): Promise<PublishResult[]> {
    if (!Array.isArray(messages)) return Promise.reject(new EngineArgumentError('publishBatch needs an array of { groups, payload }', { messages: typeof messages }))
    return Promise.all(messages.map((m) => this.publish(m.groups, m.payload, opts.publisher === undefined ? {} : { publisher: opts.publisher })))
  }

  /**
   * Subscribe to groups from a gsn (replay from the journal, then live; no gap, no
   * duplicate) or from now. handler gets DeliverBatch cursors (valid during the call).
   * An exception in the handler is reported to onError (HANDLER_FAILED; default: a
   * process warning) and the subscription goes on with the next delivery.
   */
  subscribe(groups: readonly string[], opts: SubscribeOptions & { onError?: (err: SubscriptionError) => void }, handler: DeliverHandler): Subscription {
    const s = this.state.state
    if (s === EngineState.closing || s === EngineState.closed) throw new EngineClosedError('subscribe')
    if (typeof handler !== 'function') throw new EngineArgumentError('subscribe needs a handler function', { handler: typeof handler })
    if (opts === null || typeof opts !== 'object') throw new EngineArgumentError('subscribe options must be an object', { opts: String(opts) })
    if (opts.onError !== undefined && typeof opts.onError !== 'function') throw new EngineArgumentError('onError must be a function', { onError: typeof opts.onError })
    const fromGsn = fromGsnArgument(opts.fromGsn)
    const ids = this.groupIds(groups)
    const id = this.nextSubId++
    if (opts.durable !== undefined) return this.subscribeDurable(ids, id, fromGsn, opts, handler)
    const { sink, live } = embeddedSubscriber(id, handler, opts.onError)
    const raw = this.pipeline.dispatcher.subscribe(ids, id, fromGsn, sink, opts.tentative === true)
    return subscriptionHandle(raw, live)
  }

  /** The stability watermark: every durable subscription acknowledged up to it (the durable gsn when there is none). */
  get stableGsn(): bigint {
    return BigInt(readU64(this.pipeline.wm, slotIndex(SLOT_STABLE)))
  }

  /** Durable subscriptions of one identity, or of all when identity is omitted. */
  listDurables(identity?: string): DurableInfo[] {
    return this.durables.list(identity)
  }

  /** One durable subscription (null: none with that name for that identity). */
  inspectDurable(name: string, identity = EMBEDDED_IDENTITY): DurableInfo | null {
    return this.durables.inspect(identity, name)
  }

  /** Deletes a durable subscription (its consumer, if attached, is told); false when there was none. */
  deleteDurable(name: string, identity = EMBEDDED_IDENTITY): boolean {
    return this.durables.delete(identity, name)
  }

  /**
   * Drain: everything published before close() is sequenced, made durable and dispatched;
   * then the workers stop. Works in every state: a journal that cannot write is retried
   * once more, and what it still cannot write is answered as not stored.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing
    this.closing = this.doClose()
    return this.closing
  }

  /** Whether the engine takes publishes, and if not why, since when and what to do. */
  get status(): EngineStatus {
    return this.state.status
  }

  /** Hears every state change (journal_failed, journal_retry_failed, journal_resumed, engine_failed, engine_closed); returns the unsubscribe. */
  onStatusChange(listener: EngineListener): () => void {
    return this.state.onChange(listener)
  }

  /** The highest durable gsn. */
  get durableGsn(): bigint {
    return BigInt(readU64(this.pipeline.wm, slotIndex(SLOT_DURABLE)))
  }

  /** The highest gsn given out by the sequencer. */
  get sequencedGsn(): bigint {
    return BigInt(readU64(this.pipeline.wm, slotIndex(SLOT_SEQUENCED)))
  }

  /** Gsn up to which the dispatcher has handed messages out (everything below is durable). */
  get dispatchedGsn(): bigint {
    return BigInt(this.pipeline.dispatcher.nextGsn - 1)
  }

  /** A publisher thread's handle: post it to a worker and open it there with RingPublisher.attach. */
  createPublisherPort(): PublisherPort {
    this.checkAccepting()
    const { layout, arena, ingressBell, dispatcher } = this.pipeline
    if (this.nextIngressSlot >= layout.ingressOffsets.length) {
      throw new EngineOptionError(`no free ingress ring: slots=${layout.ingressOffsets.length}: raise ingressSlots`)
    }
    const slot = this.nextIngressSlot++
    const publisher = this.port.newPublisherId()
    const acks = new SharedArrayBuffer(PORT_ACKS_BYTES)
    dispatcher.registerPublisher(publisher, portAckListener(new Int32Array(acks)))
    return { arena, ringOffset: layout.ingressOffsets[slot]!, bell: ingressBell.buffer, acks, publisher }
  }

  /** Group ids for names (for RingPublisher, which offers ids); -1 where unknown and create is false. */
  resolveGroupIds(names: readonly string[], create: boolean): number[] {
    return this.port.resolveGroupIds(names, create)
  }

  /**
   * The cluster node's hold on an engine opened with durability `replicated`
   * (replication-port.ts); one per engine. Not part of the embedding API.
   * @internal
   */
  replication(): ReplicationHandle {
    if (this.options.durability !== 'replicated') throw new EngineArgumentError('replication() needs durability replicated', { durability: this.options.durability })
    this.replicationPort ??= new ReplicationPort(this.pipeline, this.port as PipelinePort)
    return this.replicationPort
  }

  private replicationPort: ReplicationPort | null = null

  /** All groups, name → id. */
  groups(): Array<[string, number]> {
    return this.pipeline.registry.list()
  }

  /** Counters and watermarks for monitoring (Prometheus gauges: numbers, exact up to 2^53). */
  metricsSnapshot(): EngineMetrics {
    return this.port.metricsSnapshot()
  }

  /**
   * Allocation probes of the worker stages (engine-metrics.ts). Compare two readings over
   * a steady run with messagesSequenced for bytes per message.
   */
  stageHeap(): { sequencer: StageHeap; journal: StageHeap } {
    return readStageHeap(this.pipeline.wm)
  }

  // ---- internals -------------------------------------------------------------------------

  private subscribeDurable(ids: number[], id: number, fromGsn: number, opts: SubscribeOptions & { onError?: (err: SubscriptionError) => void }, handler: DeliverHandler): Subscription {
    const policy = opts.ackPolicy ?? 'explicit'
    if (policy !== 'explicit' && policy !== 'afterHandler' && policy !== 'onDelivery') throw new EngineArgumentError('ackPolicy must be explicit, afterHandler or onDelivery', { ackPolicy: String(policy) })
    if (typeof opts.durable !== 'string') throw new EngineArgumentError('durable must be a name (string)', { durable: describe(opts.durable) })
    const identity = opts.identity ?? EMBEDDED_IDENTITY
    if (typeof identity !== 'string' || identity === '') throw new EngineArgumentError('identity must be a non-empty string', { identity: describe(identity) })
    let handle: DurableHandle | null = null
    const after = policy === 'afterHandler' ? (lastGsn: number): void => void handle?.ack(lastGsn) : undefined
    const { sink, live } = embeddedSubscriber(id, handler, opts.onError, after)
    const r = this.durables.attach({
      identity, name: opts.durable, groups: ids, ackPolicy: policy === 'onDelivery' ? AckPolicy.onDelivery : AckPolicy.explicit,
      ackWaitMs: opts.ackWaitMs ?? 0, fromGsn, tentative: opts.tentative === true, sink,
      open: (from, inner) => this.pipeline.dispatcher.subscribe(ids, id, from, inner, false),
    })
    if (!r.ok) throw new SubscriptionError(wireCodeName(r.code), r.message, BigInt(id), { wireCode: r.code, retryable: errorCodeInfo(r.code)?.retryable ?? false, details: { durable: opts.durable } })
    handle = r.consumer
    return subscriptionHandle(r.consumer, live, r.consumer)
  }

  /** Throws the error a publish gets now when the engine does not take publishes. */
  private checkAccepting(): void {
    const s = this.state
    if (s.accepting) return
    if (s.state === EngineState.closing || s.state === EngineState.closed) throw new EngineClosedError('publish')
    const f = s.status.fault
    if (f === null) throw new EngineClosedError('publish')
    if (s.state === EngineState.failed) throw new StageFailedError(f.op, f.code, f.message)
    throw new EngineUnavailableError(f.code, f.wireCode, `the engine takes no publishes: its journal cannot write (${f.code})`, {
      errno: f.errno, op: f.op, since: new Date(f.since).toISOString(), retries: f.retries, action: f.action,
    })
  }

  private groupIds(groups: readonly string[]): number[] {
    if (!Array.isArray(groups)) throw new EngineArgumentError('groups must be an array of group names', { groups: typeof groups })
    if (groups.length === 0) throw new PublishRefusedError(EngineErrorCode.emptyGroups, 'a message needs at least one group: groups=0', 0n, { wireCode: ErrorCode.EMPTY_GROUPS })
    if (groups.length > this.maxGroups) throw new PublishRefusedError(EngineErrorCode.tooManyGroups, `too many groups: count=${groups.length}, max=${this.maxGroups}`, 0n, { wireCode: ErrorCode.TOO_MANY_GROUPS })
    for (const g of groups) if (typeof g !== 'string') throw new EngineArgumentError('a group name must be a string', { group: String(g) })
    if (new Set(groups).size !== groups.length) throw new PublishRefusedError(EngineErrorCode.emptyGroups, `duplicate group in one message: groups=${groups.join(',')}`, 0n, { wireCode: ErrorCode.EMPTY_GROUPS })
    try {
      return this.port.resolveGroupIds(groups, true)
    } catch (err) {
      // A new group must be on disk before its id is used: a disk that refuses is a
      // passing condition of the engine, not a bad request.
      if (!(err instanceof JournalIoError)) throw err
      const full = err.errno === 'ENOSPC' || err.errno === 'EDQUOT'
      throw new PublishRefusedError(full ? EngineErrorCode.diskFull : EngineErrorCode.journalIo, `cannot record new groups now: ${err.message}; retry later`, 0n, {
        cause: err, wireCode: full ? ErrorCode.DISK_FULL : ErrorCode.JOURNAL_IO, retryable: true, details: { errno: err.errno },
      })
    }
  }

  private publisherFor(publisher: bigint | undefined): EmbeddedPublisher {
    if (publisher === undefined) return this.own
    const id = idArgument('publisher', publisher)
    let p = this.explicit.get(id)
    if (p === undefined) {
      p = new EmbeddedPublisher(id, this.lookup)
      this.explicit.set(id, p)
      this.pipeline.dispatcher.registerPublisher(id, p)
    }
    return p
  }

  private journalEvent(e: JournalEvent): void {
    const d = this.pipeline.dispatcher
    const wm = this.pipeline.wm
    switch (e.type) {
      case 'journal-fault':
        d.enterFault(e.code, e.sequencedGsn)
        this.state.journalFailed(e.code, e.errno, e.op, e.message, { durable: readU64(wm, slotIndex(SLOT_DURABLE)), sequenced: e.sequencedGsn }, RETRY_FIRST_MS)
        break
      case 'journal-retry-failed':
        this.state.journalRetryFailed(e.attempt, e.errno, e.message, e.nextInMs)
        break
      case 'journal-resumed':
        d.leaveFault()
        this.state.journalResumed(e.retries, e.faultMs, e.writtenGsn)
        break
    }
    if (this.state.listenerCount === 0 && e.type !== 'journal-retry-failed') {
      process.emitWarning(
        e.type === 'journal-fault' ? `journal cannot write, publishes are refused: ${e.message}; ${this.state.status.fault?.action ?? ''}` : `journal writes again after ${Math.round(e.faultMs)} ms: publishes are taken`,
        { code: e.type === 'journal-fault' ? 'ORDO_JOURNAL_FAILED' : 'ORDO_JOURNAL_RESUMED' },
      )
    }
  }

  private stageFailed(err: StageFailedError): void {
    const s = this.state.state
    if (s === EngineState.failed || s === EngineState.closed || s === EngineState.closing) return
    this.state.failed(err, String(err.details.stage ?? 'stage'))
    // The sequencer may be gone: answer what waits beyond durable, and every embedded publish.
    this.pipeline.dispatcher.enterFault(err.wireCode ?? ErrorCode.INTERNAL, Number.MAX_SAFE_INTEGER)
    this.own.failAll(err)
    for (const p of this.explicit.values()) p.failAll(err)
    if (this.state.listenerCount === 0) process.emitWarning(`engine stage failed, publishes are refused: ${err.message}`, { code: 'ORDO_ENGINE_FAILED' })
  }

  private async doClose(): Promise<void> {
    this.state.closing()
    try {
      await this.queue.drain() // let queued publishes in
      await this.pipeline.stop()
      await this.durables.close() // the last acknowledgements reach the disk
    } finally {
      const err = new EngineClosedError('closed before the message was durable')
      this.own.failAll(err)
      for (const p of this.explicit.values()) p.failAll(err)
      if (this.lockKey !== null) releaseDataDir(this.lockKey)
      this.state.closed()
    }
  }
}

/** A payload as bytes: a Uint8Array (a Buffer is one) as is, a string as UTF-8. */
function payloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload
  if (typeof payload === 'string') return new TextEncoder().encode(payload)
  throw new EngineArgumentError('payload must be a Uint8Array or a string', { got: describe(payload) })
}

/** A publisher id or pseq: a bigint in 1..2^53-1. */
function idArgument(name: string, v: unknown): number {
  if (typeof v !== 'bigint' || v < 1n || v > MAX_SAFE) throw new EngineArgumentError(`${name} must be a bigint in 1..2^53-1`, { [name]: describe(v) })
  return Number(v)
}

/** fromGsn: a bigint in 0..2^64-1 (0 or omitted: from now). Beyond 2^53 no gsn will exist in practice: waits. */
function fromGsnArgument(v: unknown): number {
  if (v === undefined) return 0
  if (typeof v !== 'bigint' || v < 0n || v > MAX_U64) throw new EngineArgumentError('fromGsn must be a bigint in 0..2^64-1', { fromGsn: describe(v) })
  return v > MAX_SAFE ? Number.MAX_SAFE_INTEGER : Number(v)
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'object') return Object.prototype.toString.call(v).slice(8, -1)
  return `${typeof v}:${String(v)}`
}

export { EngineError }
export const defaultDataDir = (): string => resolve('data')
