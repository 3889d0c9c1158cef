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
// the main thread's way into ingress ring 0; engine-metrics.ts reads the counters. This
// module is the embedding API (Engine) and the gateway's port into it (EnginePort).

import { resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { SpmcRing } from './ring/spmc-ring.js'
import { SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_SEQUENCED, readU64, slotIndex } from './descriptors/watermark-descriptor.js'
import { embeddedSubscriber, subscriptionHandle } from './embedded-subscriber.js'
import { EmbeddedPublisher } from './embedded-publisher.js'
import { IngressQueue } from './ingress-queue.js'
import { Pipeline } from './pipeline.js'
import { readEngineMetrics, readGroupList, readJournalFigures, readStageHeap, type StageHeap } from './engine-metrics.js'
import { BACK_PRESSURED, BAD_PUBLISHER, CLOSED, NOT_MESSAGE_FRAME, TOO_LARGE } from '../codec/results.js'
import type { AckListener, EngineMetrics, EnginePort, FrameSink, GroupInfo, RawSubscription, SubscribeFramesOptions } from './engine-port.js'
import type { DeliverHandler, EngineOptions, PublishOptions, PublishResult, SubscribeOptions, Subscription } from './types.js'
import { EngineClosedError, EngineError, EngineErrorCode, EngineOptionError, PublishRefusedError, type StageFailedError, type SubscriptionError } from './errors.js'
import { MessageCursor } from '../codec/frame-reader.js'
import type { Verdict } from '../codec/verdict.js'
import { blobLength } from '../codec/message-layout.js'
import { ErrorCode } from '../codec/error-codes.js'
import { normalizeOptions, type ResolvedOptions } from './options.js'
import { SILENT_LOGGER } from './logger.js'
import { PORT_ACKS_BYTES, portAckListener, type PublisherPort } from './publisher-port.js'
import type { RecoveryReport } from './journal/recovery.js'
import type { ScanReport } from './stages/sequencer/recovery-scan.js'
import type { StageStamper } from './trace/stage-trace.js'
import { TraceWriter } from './trace/stage-trace-descriptor.js'

export type { StageHeap } from './engine-metrics.js'

const MAX_U48 = 2 ** 48

export class Engine implements EnginePort {
  readonly options: ResolvedOptions
  readonly maxPayload: number
  readonly maxGroups: number
  /** What the journal's recovery found on open (null in memory mode). */
  readonly recovery: RecoveryReport | null
  /** Messages the sequencer replayed from the journal to rebuild gseqs and dedupe state. */
  readonly recoveryScan: ScanReport | null
  private closed = false
  private closing: Promise<void> | null = null
  private failure: StageFailedError | null = null
  private readonly own: EmbeddedPublisher
  private readonly explicit = new Map<number, EmbeddedPublisher>()
  private readonly queue: IngressQueue
  /** Producer-side handle used only to read occupancy for metrics (opened on first scrape). */
  private sequencedRing: SpmcRing | null = null
  private nextIngressSlot = 1
  private readonly cursor = new MessageCursor()
  private nextSubId = 1
  readonly stageStamper: StageStamper | null

  private constructor(options: ResolvedOptions, private readonly pipeline: Pipeline) {
    this.options = options
    this.maxPayload = options.maxPayload
    this.maxGroups = options.maxGroups
    this.recovery = pipeline.recovery
    this.recoveryScan = pipeline.recoveryScan
    this.queue = new IngressQueue(pipeline.ingress)
    this.stageStamper = options.stageTrace?.writer(TraceWriter.main) ?? null
    this.own = new EmbeddedPublisher(this.newPublisherId())
    pipeline.dispatcher.registerPublisher(this.own.publisher, this.own)
  }

  /** Open (or create) an engine. Starts the journal and sequencer workers; resolves when ready. */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const o = normalizeOptions(options)
    let engine: Engine | null = null
    const pipeline = await Pipeline.start(o, (err) => engine?.stageFailed(err), options.logger ?? SILENT_LOGGER)
    engine = new Engine(o, pipeline)
    return engine
  }

  // ---- embedding API -----------------------------------------------------------------

  /**
   * Publish one message to 1..maxGroups groups (names, created on first use). Resolves
   * once durable under the engine's mode, with its gsn and one gseq per group.
   */
  publish(groups: readonly string[], payload: Uint8Array | string, opts: PublishOptions = {}): Promise<PublishResult> {
    try {
      this.checkOpen('publish')
      const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload
      if (bytes.length > this.maxPayload) throw new PublishRefusedError(EngineErrorCode.payloadTooLarge, `payload too large: size=${bytes.length}, max=${this.maxPayload}`, 0n)
      const ids = this.groupIds(groups)
      const pub = this.publisherFor(opts.publisher)
      let pseq: number
      if (opts.pseq !== undefined) {
        pseq = Number(opts.pseq)
        if (!(pseq >= 1 && pseq < 2 ** 53)) throw new EngineOptionError(`pseq must be in 1..2^53-1: pseq=${opts.pseq}`)
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
    return Promise.all(messages.map((m) => this.publish(m.groups, m.payload, opts.publisher === undefined ? {} : { publisher: opts.publisher })))
  }

  /**
   * Subscribe to groups from a gsn (replay from the journal, then live; no gap, no
   * duplicate) or from now. handler gets DeliverBatch cursors (valid during the call).
   */
  subscribe(groups: readonly string[], opts: SubscribeOptions & { onError?: (err: SubscriptionError) => void }, handler: DeliverHandler): Subscription {
    this.checkOpen('subscribe')
    const ids = this.groupIds(groups)
    const { sink, live } = embeddedSubscriber(handler, opts.onError)
    const raw = this.subscribeFrames(ids, { id: this.nextSubId++, fromGsn: Number(opts.fromGsn ?? 0n), tentative: opts.tentative ?? false }, sink)
    return subscriptionHandle(raw, live)
  }

  /** Drain: everything published before close() is sequenced, made durable and dispatched; then the workers stop. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing
    this.closing = this.doClose()
    return this.closing
  }

  /** A publisher thread's handle: post it to a worker and open it there with RingPublisher.attach. */
  createPublisherPort(): PublisherPort {
    this.checkOpen('createPublisherPort')
    const { layout, arena, ingressBell, dispatcher } = this.pipeline
    if (this.nextIngressSlot >= layout.ingressOffsets.length) {
      throw new EngineOptionError(`no free ingress ring: slots=${layout.ingressOffsets.length}: raise ingressSlots`)
    }
    const slot = this.nextIngressSlot++
    const publisher = this.newPublisherId()
    const acks = new SharedArrayBuffer(PORT_ACKS_BYTES)
    dispatcher.registerPublisher(publisher, portAckListener(new Int32Array(acks)))
    return { arena, ringOffset: layout.ingressOffsets[slot]!, bell: ingressBell.buffer, acks, publisher }
  }

  // ---- EnginePort (gateway) ------------------------------------------------------------

  get durableGsn(): number {
    return readU64(this.pipeline.wm, slotIndex(SLOT_DURABLE))
  }

  get sequencedGsn(): number {
    return readU64(this.pipeline.wm, slotIndex(SLOT_SEQUENCED))
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
    if (this.closed || this.failure !== null) return CLOSED
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
    const ids = registry.resolve(names, create)
    Atomics.store(this.pipeline.wm, slotIndex(SLOT_MAX_GROUP), registry.size)
    return ids
  }

  groupName(id: number): string | undefined {
    return this.pipeline.registry.nameOf(id)
  }

  /** All groups, name → id. */
  groups(): Array<[string, number]> {
    return this.pipeline.registry.list()
  }

  /** Every group with its figures since open, by id (admin API). */
  groupList(): GroupInfo[] {
    return readGroupList(this.pipeline.registry.list(), this.pipeline.dispatcher.groupStats)
  }

  subscribeFrames(groupIds: readonly number[], opts: SubscribeFramesOptions, sink: FrameSink): RawSubscription {
    this.checkOpen('subscribe')
    return this.pipeline.dispatcher.subscribe(groupIds, opts.id, opts.fromGsn, sink, opts.tentative, opts.visible ?? null)
  }

  metricsSnapshot(): EngineMetrics {
    const p = this.pipeline
    const seq = this.sequencedRing ??= SpmcRing.attachIn(p.arena, p.layout.sequencedOffset)
    const m = readEngineMetrics(p.wm, p.layout, seq, p.ingress.producer)
    m.durability = this.options.durability
    m.groups = p.registry.size
    if (p.journalUsage !== null) m.journal = readJournalFigures(p.wm, p.journalUsage, p.reports.retentionRemoved)
    return m
  }

  /**
   * Allocation probes of the worker stages (engine-metrics.ts). Compare two readings over
   * a steady run with messagesSequenced for bytes per message.
   */
  stageHeap(): { sequencer: StageHeap; journal: StageHeap } {
    return readStageHeap(this.pipeline.wm)
  }

  /** Gsn up to which the dispatcher has handed messages out (everything below is durable). */
  get dispatchedGsn(): number {
    return this.pipeline.dispatcher.nextGsn - 1
  }

  // ---- internals -------------------------------------------------------------------------

  private checkOpen(what: string): void {
    if (this.closed) throw new EngineClosedError(what)
    if (this.failure !== null) throw this.failure
  }

  private groupIds(groups: readonly string[]): number[] {
    if (!Array.isArray(groups) || groups.length === 0) throw new PublishRefusedError(EngineErrorCode.emptyGroups, 'a message needs at least one group: groups=0', 0n)
    if (groups.length > this.maxGroups) throw new PublishRefusedError(EngineErrorCode.tooManyGroups, `too many groups: count=${groups.length}, max=${this.maxGroups}`, 0n)
    if (new Set(groups).size !== groups.length) throw new PublishRefusedError(EngineErrorCode.emptyGroups, `duplicate group in one message: groups=${groups.join(',')}`, 0n)
    return this.resolveGroupIds(groups, true)
  }

  private publisherFor(publisher: bigint | undefined): EmbeddedPublisher {
    if (publisher === undefined) return this.own
    const id = Number(publisher)
    if (!(id >= 1 && id < 2 ** 53)) throw new EngineOptionError(`publisher must be in 1..2^53-1: publisher=${publisher}`)
    let p = this.explicit.get(id)
    if (p === undefined) {
      p = new EmbeddedPublisher(id)
      this.explicit.set(id, p)
      this.pipeline.dispatcher.registerPublisher(id, p)
    }
    return p
  }

  private stageFailed(err: StageFailedError): void {
    if (this.failure !== null) return
    this.failure = err
    this.own.failAll(err)
    for (const p of this.explicit.values()) p.failAll(err)
  }

  private async doClose(): Promise<void> {
    this.checkOpen('close')
    await this.queue.drain() // let queued publishes in
    this.closed = true
    await this.pipeline.stop()
    const err = new EngineClosedError('closed before the message was durable')
    this.own.failAll(err)
    for (const p of this.explicit.values()) p.failAll(err)
  }
}

export { EngineError }
export const defaultDataDir = (): string => resolve('data')
