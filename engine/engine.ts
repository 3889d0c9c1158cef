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
//             sync worker: fdatasync ─▶ DUR (fsync mode) ───▶ Deliver frames per interest,
//             (async mode: DUR = WRIT, fsync every N ms)      released up to durable
//   catch-up reads (piscina) ◀── subscriptions that start behind or fell behind
//
// Why the journal's writes run on the sequencer thread: on few cores every busy thread and
// every futex hand-off costs latency (sequencer/journal-tap.ts); only the blocking fsync has
// a thread of its own, and it overlaps the next writes (group commit).
// Watermarks live in one shared block (watermark-descriptor.ts) that every stage reads
// without locks. In memory mode there is no journal and no sync worker: sequenced is durable.

import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Piscina } from 'piscina'
import { SpmcRing } from './ring/spmc-ring.js'
import { SpscRing } from './ring/spsc-ring.js'
import { Doorbell } from './ring/doorbell.js'
import { arenaLayout, dispatcherConsumer, type ArenaLayout } from './arena-descriptor.js'
import {
  FSYNC_BUCKETS_US, JS_BUCKETS, JS_BYTES, JS_FSYNCS, JS_FSYNC_US_SUM, SLOT_DURABLE, SLOT_JOURNAL_STATS, SLOT_MAX_GROUP,
  SLOT_RETENTION_FLOOR, SLOT_SEQUENCED, SLOT_SEQ_STATS, SLOT_HEAP, HEAP_SEQUENCER, HEAP_JOURNAL, SLOT_STATE, SS_BATCHES, SS_DUPLICATES, SS_MESSAGES, SS_REJECTS,
  STATE_STOP_REQUEST, WATERMARK_BYTES, readU64, slotIndex, storeU64,
} from './watermark-descriptor.js'
import { Dispatcher } from './fanout/dispatcher.js'
import { CursorDeliverBatch } from './fanout/deliver-batch.js'
import { IngressWriter, TOO_LARGE } from './ingress-writer.js'
import { EmbeddedPublisher } from './embedded-publisher.js'
import { startStage, type StageHandle } from './stages.js'
import { GroupRegistry } from './journal/group-registry.js'
import { MemoryGroupRegistry } from './memory-registry.js'
import { BACK_PRESSURED, type AckListener, type EngineMetrics, type JournalFigures, type EnginePort, type FrameSink, type RawSubscription } from './engine-port.js'
import type { DeliverHandler, EngineOptions, PublishOptions, PublishResult, SubscribeOptions, Subscription } from './types.js'
import { EngineClosedError, EngineError, EngineErrorCode, EngineOptionError, PublishRefusedError, SubscriptionError, type StageFailedError } from './errors.js'
import { MessageCursor } from '../codec/frame-reader.js'
import type { Verdict } from '../codec/verdict.js'
import { blobLength } from '../codec/message-layout.js'
import type { CatchupRequest, CatchupResult } from './catchup/catchup-task.js'
import { ErrorCode } from './error-codes.js'
import { normalizeOptions, type ResolvedOptions } from './options.js'
import { SILENT_LOGGER, type Logger } from './logger.js'
import { JournalUsageReader } from './journal-usage.js'
import type { GroupInfo } from './engine-port.js'

export const BAD_PUBLISHER = -4
const MAX_U48 = 2 ** 48
const noop = (): boolean => true

type Registry = GroupRegistry | MemoryGroupRegistry

export class Engine implements EnginePort {
  readonly options: ResolvedOptions
  readonly maxPayload: number
  readonly maxGroups: number
  /** What the journal's recovery found on open (null in memory mode). */
  readonly recovery: Record<string, unknown> | null
  /** Messages the sequencer replayed from the journal to rebuild gseqs and dedupe state. */
  readonly recoveryScan: Record<string, unknown> | null
  private closed = false
  private closing: Promise<void> | null = null
  private failure: StageFailedError | null = null
  private readonly wm: Int32Array
  private readonly registry: Registry
  private readonly ingress: IngressWriter
  private readonly dispatcher: Dispatcher
  private readonly own: EmbeddedPublisher
  private readonly explicit = new Map<number, EmbeddedPublisher>()
  private readonly stages: StageHandle[]
  private readonly ingressBell: Doorbell
  private readonly arena: SharedArrayBuffer
  private readonly layout: ArenaLayout
  private pool: Piscina | null = null
  /** Producer-side handle used only to read occupancy for metrics (opened on first scrape). */
  private sequencedRing: SpmcRing | null = null
  private flushQueued = false
  private backlog: (() => boolean)[] = []
  private backlogHead = 0
  private drainWaiting = false
  private drainCallbacks: (() => void)[] = []
  private nextIngressSlot = 1
  private readonly cursor = new MessageCursor()
  private nextSubId = 1
  private floorTimer: NodeJS.Timeout | null = null
  private readonly log: Logger
  private readonly journalUsage: JournalUsageReader | null
  private retentionRemovedSegments = 0
  private retentionRemovedBytes = 0

  private constructor(init: {
    options: ResolvedOptions; wm: Int32Array; registry: Registry; ingress: IngressWriter; dispatcher: Dispatcher
    stages: StageHandle[]; ingressBell: Doorbell; arena: SharedArrayBuffer; layout: ArenaLayout
    recovery: Record<string, unknown> | null; recoveryScan: Record<string, unknown> | null; log: Logger
  }) {
    this.log = init.log
    this.journalUsage = init.options.durability === 'memory' ? null : new JournalUsageReader(join(init.options.dataDir, 'journal'))
    this.options = init.options
    this.maxPayload = init.options.maxPayload
    this.maxGroups = init.options.maxGroups
    this.wm = init.wm
    this.registry = init.registry
    this.ingress = init.ingress
    this.dispatcher = init.dispatcher
    this.stages = init.stages
    this.ingressBell = init.ingressBell
    this.arena = init.arena
    this.layout = init.layout
    this.recovery = init.recovery
    this.recoveryScan = init.recoveryScan
    this.own = new EmbeddedPublisher(this.newPublisherId())
    this.dispatcher.registerPublisher(this.own.publisher, this.own)
    if (init.options.retention !== undefined) {
      const publishFloor = (): void => storeU64(this.wm, slotIndex(SLOT_RETENTION_FLOOR), this.dispatcher.retentionFloor())
      publishFloor()
      this.floorTimer = setInterval(publishFloor, 500)
      this.floorTimer.unref()
    }
  }

  /** Open (or create) an engine. Starts the journal and sequencer workers; resolves when ready. */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const o = normalizeOptions(options)
    const memory = o.durability === 'memory'
    if (memory) process.emitWarning('durability=memory: nothing is persisted and subscribers cannot replay; for benchmarks and tests only', { code: 'ORDO_MEMORY_MODE' })
    let registry: Registry
    if (memory) registry = new MemoryGroupRegistry()
    else {
      mkdirSync(o.dataDir, { recursive: true })
      registry = GroupRegistry.open({ dir: o.dataDir })
    }
    const layout = arenaLayout(o.sequencedRingBytes, memory ? 1 : 2, o.ingressRingBytes, o.ingressSlots, 0)
    const arena = new SharedArrayBuffer(layout.totalBytes)
    const seqRing = SpmcRing.createIn(arena, layout.sequencedOffset, layout.sequencedCapacity, layout.sequencedConsumers)
    const rings = layout.ingressOffsets.map((off) => SpscRing.createIn(arena, off, layout.ingressCapacity))
    void seqRing
    const wmSab = new SharedArrayBuffer(WATERMARK_BYTES)
    const wm = new Int32Array(wmSab)
    Atomics.store(wm, slotIndex(SLOT_MAX_GROUP), registry.size)
    const ingressBell = Doorbell.create()
    const dispatchBell = Doorbell.create()
    const syncBell = Doorbell.create()
    const journalDir = join(o.dataDir, 'journal')
    const stages: StageHandle[] = []
    let engine: Engine | null = null
    const onFailure = (err: StageFailedError): void => engine?.stageFailed(err)
    let nextGsn = 1
    let recovery: Record<string, unknown> | null = null
    try {
      // The sequencer opens the journal (recovery), appends and writes; the sync stage
      // (journal-stage/journal.worker.ts) fdatasyncs and, in fsync mode, publishes durable.
      // Both threads start at once (a worker takes tens of ms to load its modules); the sync
      // stage waits for the sequencer's journal before it touches a watermark.
      const starting = [
        startStage('sequencer', new URL('./sequencer/sequencer.worker.js', import.meta.url), {
          arena, layout, wm: wmSab, ingressBell: ingressBell.buffer, dispatchBell: dispatchBell.buffer, syncBell: syncBell.buffer,
          memoryMode: memory, durability: o.durability, dataDir: journalDir, stateDir: join(o.dataDir, 'state'),
          snapshotEvery: o.snapshotEveryMessages, segmentBytes: o.segmentBytes, retention: o.retention,
          batchMaxMessages: o.batchMaxMessages, batchMaxBytes: o.batchMaxBytes, maxGroups: o.maxGroups, dedupeWindow: o.dedupeWindow, idleSpins: o.idleSpins,
        }, onFailure),
      ]
      if (!memory) {
        starting.push(startStage('journal-sync', new URL('./journal-stage/journal.worker.js', import.meta.url), {
          wm: wmSab, dispatchBell: dispatchBell.buffer, syncBell: syncBell.buffer, dir: journalDir,
          durability: o.durability, asyncFsyncIntervalMs: o.asyncFsyncIntervalMs,
        }, onFailure))
      }
      const started = await Promise.allSettled(starting)
      for (const r of started) if (r.status === 'fulfilled') stages.push(r.value.handle)
      for (const r of started) if (r.status === 'rejected') throw r.reason
      const s = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startStage>>>).value
      nextGsn = Number(s.ready.nextGsn)
      recovery = (s.ready.recovery as Record<string, unknown> | null) ?? null
      const consumer = SpmcRing.attachIn(arena, layout.sequencedOffset, dispatcherConsumer(memory))
      const lookahead = SpmcRing.attachIn(arena, layout.sequencedOffset, dispatcherConsumer(memory))
      const ring0 = rings[0]!
      ring0.producer.linkDoorbell(ingressBell)
      // piscina: the work off the ordered path that parallelises. Today that is catch-up
      // reads (journal -> CRC check -> filter -> Deliver frames) for subscriptions that start
      // or fall behind: many can run at once and none may stall the main thread. The pool
      // starts on first use and empties when idle (no threads while nobody catches up).
      // Checksums on open are not sent there: recovery verifies only the tail after the last
      // index entry (microseconds to milliseconds, see bench/RESULTS.md), and catch-up reads
      // verify every record they serve.
      let pool: Piscina | null = null
      const catchup = memory ? null : (req: CatchupRequest): Promise<CatchupResult> => {
        if (pool === null) {
          pool = new Piscina({ filename: new URL('./catchup/catchup-task.js', import.meta.url).href, minThreads: 0, maxThreads: 2, idleTimeout: 5000 })
          if (engine !== null) engine.pool = pool
        }
        return pool.run(req) as Promise<CatchupResult>
      }
      const dispatcher = new Dispatcher({ consumer, lookahead, wm, bell: dispatchBell, catchup, journalDir, nextGsn })
      engine = new Engine({
        options: o, wm, registry, ingress: new IngressWriter(ring0.producer), dispatcher, stages, ingressBell, arena, layout,
        recovery, recoveryScan: (s.ready.scan as Record<string, unknown>) ?? null, log: options.logger ?? SILENT_LOGGER,
      })
      const opened = engine
      stages[0]!.worker.on('message', (m: { type?: string }) => opened.onStageMessage(m))
      opened.logOpened()
      dispatcher.start()
      return engine
    } catch (err) {
      Atomics.store(wm, slotIndex(SLOT_STATE) + STATE_STOP_REQUEST, 1)
      ingressBell.forceRing()
      for (const st of stages) await st.worker.terminate()
      registry.close()
      throw err
    }
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
      const attempt = (): boolean => {
        const rc = this.ingress.offer(publisher, pseq, ids, ids.length, bytes, 0, bytes.length)
        if (rc === BACK_PRESSURED) return false
        if (rc === TOO_LARGE) pub.onReject(pseq, ErrorCode.PAYLOAD_TOO_LARGE, 0)
        return true
      }
      if (this.backlog.length > this.backlogHead || !attempt()) {
        this.backlog.push(attempt)
        this.waitForIngress()
      }
      this.queueFlush()
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
    const batch = new CursorDeliverBatch()
    let resolveLive!: () => void
    let rejectLive!: (e: Error) => void
    const live = new Promise<void>((res, rej) => {
      resolveLive = res
      rejectLive = rej
    })
    live.catch(() => {}) // observed through onError too
    const onError = opts.onError ?? ((e: SubscriptionError) => process.emitWarning(e.message, { code: `ORDO_${e.code}` }))
    const sink: FrameSink = {
      onFrame(bytes, offset, length) {
        batch.reset(bytes, offset, length)
        handler(batch)
        return true
      },
      onLive() {
        resolveLive()
      },
      onError(code, message, ref) {
        const name = Object.entries(ErrorCode).find(([, v]) => v === code)?.[0] ?? `CODE_${code}`
        const err = new SubscriptionError(name, message, BigInt(ref))
        rejectLive(err)
        onError(err)
      },
    }
    const raw = this.subscribeFrames(ids, { id: this.nextSubId++, fromGsn: Number(opts.fromGsn ?? 0n), tentative: opts.tentative ?? false }, sink)
    return {
      id: raw.id,
      get nextGsn() {
        return BigInt(raw.nextGsn)
      },
      live,
      close: () => raw.close(),
    }
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
    if (this.nextIngressSlot >= this.layout.ingressOffsets.length) {
      throw new EngineOptionError(`no free ingress ring: slots=${this.layout.ingressOffsets.length}: raise ingressSlots`)
    }
    const slot = this.nextIngressSlot++
    const publisher = this.newPublisherId()
    const acks = new SharedArrayBuffer(128)
    const ackI32 = new Int32Array(acks)
    const listener: AckListener = {
      onAck(pseq) {
        // FIFO: acks come in pseq order except resends, so keep the max
        if (pseq > Atomics.load(ackI32, 0)) Atomics.store(ackI32, 0, pseq)
      },
      onReject() {
        Atomics.add(ackI32, 1, 1)
      },
      onAckFlush() {
        Atomics.notify(ackI32, 0)
      },
    }
    this.dispatcher.registerPublisher(publisher, listener)
    return { arena: this.arena, ringOffset: this.layout.ingressOffsets[slot]!, bell: this.ingressBell.buffer, acks, publisher }
  }

  // ---- EnginePort (gateway) ------------------------------------------------------------

  get durableGsn(): number {
    return readU64(this.wm, slotIndex(SLOT_DURABLE))
  }

  get sequencedGsn(): number {
    return readU64(this.wm, slotIndex(SLOT_SEQUENCED))
  }

  newPublisherId(): number {
    const b = randomBytes(6)
    const id = b.readUIntLE(0, 6)
    return id === 0 || id >= MAX_U48 ? 1 : id
  }

  registerPublisher(publisher: number, listener: AckListener): void {
    this.dispatcher.registerPublisher(publisher, listener)
  }

  unregisterPublisher(publisher: number): void {
    this.dispatcher.unregisterPublisher(publisher)
  }

  offerPublishFrame(bytes: Uint8Array, offset: number, length: number, publisher: number, verdict?: Verdict): number {
    if (this.closed || this.failure !== null) return -3
    if (this.backlog.length > this.backlogHead) {
      this.waitForIngress()
      return BACK_PRESSURED
    }
    const c = this.cursor
    const count = c.reset(bytes, offset, length, verdict)
    if (count < 0) return count
    let total = 0
    while (c.next()) {
      if (c.publisher !== publisher) return BAD_PUBLISHER
      total += c.isCanonical ? c.blobLength : blobLength(c.groupCount, c.payloadLength)
    }
    const rc = this.ingress.offerFrame(bytes, offset, length, c, total, verdict)
    if (rc === BACK_PRESSURED) {
      this.waitForIngress()
      return BACK_PRESSURED
    }
    this.queueFlush()
    return rc
  }

  onIngressDrain(cb: () => void): void {
    this.drainCallbacks.push(cb)
    this.waitForIngress()
  }

  resolveGroupIds(names: readonly string[], create: boolean): number[] {
    const ids = this.registry.resolve(names, create)
    Atomics.store(this.wm, slotIndex(SLOT_MAX_GROUP), this.registry.size)
    return ids
  }

  groupName(id: number): string | undefined {
    return this.registry.nameOf(id)
  }

  groupList(): GroupInfo[] {
    const stats = this.dispatcher.groupStats
    const out: GroupInfo[] = []
    for (const [name, id] of this.registry.list()) {
      const g = stats.get(id)
      out.push({ id, name, messages: g.messages, lastGseq: g.lastGseq })
    }
    out.sort((a, b) => a.id - b.id)
    return out
  }

  /** All groups, name → id. */
  groups(): Array<[string, number]> {
    return this.registry.list()
  }

  subscribeFrames(groupIds: readonly number[], opts: { id: number; fromGsn: number; tentative: boolean }, sink: FrameSink): RawSubscription {
    this.checkOpen('subscribe')
    return this.dispatcher.subscribe(groupIds, opts.id, opts.fromGsn, sink, opts.tentative)
  }

  metricsSnapshot(): EngineMetrics {
    const wm = this.wm
    const ss = slotIndex(SLOT_SEQ_STATS)
    const js = slotIndex(SLOT_JOURNAL_STATS)
    const buckets: { le: number; count: number }[] = []
    let cum = 0
    for (let b = 0; b < FSYNC_BUCKETS_US.length; b++) {
      cum += Atomics.load(wm, js + JS_BUCKETS + b) >>> 0
      buckets.push({ le: FSYNC_BUCKETS_US[b]! / 1e6, count: cum })
    }
    const messages = readU64(wm, ss + SS_MESSAGES)
    const batches = readU64(wm, ss + SS_BATCHES)
    const seq = this.sequencedRing ??= SpmcRing.attachIn(this.arena, this.layout.sequencedOffset)
    return {
      sequencedGsn: this.sequencedGsn,
      durableGsn: this.durableGsn,
      messagesSequenced: messages,
      batchesSequenced: batches,
      duplicates: readU64(wm, ss + SS_DUPLICATES),
      rejects: readU64(wm, ss + SS_REJECTS),
      fsyncs: readU64(wm, js + JS_FSYNCS),
      fsyncLatencyBuckets: buckets,
      fsyncLatencySumSeconds: readU64(wm, js + JS_FSYNC_US_SUM) / 1e6,
      ringOccupancy: [
        { name: 'sequenced', usedBytes: seq.usedBytes(), capacityBytes: this.layout.sequencedCapacity },
        { name: 'ingress0', usedBytes: this.ingress.producer.usedBytes(), capacityBytes: this.layout.ingressCapacity },
      ],
      meanBatchMessages: batches === 0 ? 0 : messages / batches,
      durability: this.options.durability,
      groups: this.registry.size,
      ...(this.journalUsage === null ? {} : { journal: this.journalFigures() }),
    }
  }

  private journalFigures(): JournalFigures {
    const appended = readU64(this.wm, slotIndex(SLOT_JOURNAL_STATS) + JS_BYTES)
    const u = this.journalUsage!.read(appended + this.retentionRemovedBytes + this.durableGsn)
    return {
      bytes: u.bytes,
      segments: u.segments,
      oldestGsn: u.oldestGsn,
      appendedBytes: appended,
      retentionRemovedSegments: this.retentionRemovedSegments,
      retentionRemovedBytes: this.retentionRemovedBytes,
    }
  }

  /** What the sequencer thread reports besides ready/stopped/failed (stages.ts handles those). */
  private onStageMessage(m: { type?: string } & Record<string, unknown>): void {
    if (m.type === 'retention') {
      const segments = Number(m.deletedSegments)
      const bytes = Number(m.deletedBytes)
      this.retentionRemovedSegments += segments
      this.retentionRemovedBytes += bytes
      this.log.info(
        { event: 'retention_removed', segments, bytes, oldestGsn: Number(m.firstGsn), retainedBytes: Number(m.retainedBytes), stoppedBy: m.stoppedBy },
        'retention removed old journal segments',
      )
    } else if (m.type === 'warning') {
      this.log.warn({ event: 'stage_warning', detail: String(m.message) }, 'engine warning')
    }
  }

  private logOpened(): void {
    const o = this.options
    if (o.durability === 'memory') {
      this.log.warn({ event: 'engine_open', durability: 'memory' }, 'memory mode: nothing is written to disk (tests and benchmarks only)')
      return
    }
    this.log.info(
      { event: 'engine_open', dataDir: o.dataDir, durability: o.durability, durableGsn: this.durableGsn, retention: o.retention ?? null },
      'engine open',
    )
    this.log.info({ event: 'journal_recovered', recovery: this.recovery, scan: this.recoveryScan }, 'journal recovered')
  }

  /**
   * Allocation probes of the worker stages (heap-probe.ts): bytes the sequencer thread
   * (sequencing + journal append/write) and the journal sync thread allocated, counting
   * what collections reclaimed, plus the collections and their pause time. Compare two
   * readings over a steady run with messagesSequenced for bytes per message.
   */
  stageHeap(): { sequencer: StageHeap; journal: StageHeap } {
    const base = slotIndex(SLOT_HEAP)
    const one = (at: number): StageHeap => ({
      allocatedBytes: readU64(this.wm, at),
      collections: Atomics.load(this.wm, at + 4),
      gcPauseMs: Atomics.load(this.wm, at + 5) / 1000,
    })
    return { sequencer: one(base + HEAP_SEQUENCER), journal: one(base + HEAP_JOURNAL) }
  }

  /** Gsn up to which the dispatcher has handed messages out (everything below is durable). */
  get dispatchedGsn(): number {
    return this.dispatcher.nextGsn - 1
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
      this.dispatcher.registerPublisher(id, p)
    }
    return p
  }

  private queueFlush(): void {
    if (this.flushQueued) return
    this.flushQueued = true
    queueMicrotask(() => {
      this.flushQueued = false
      this.ingress.flush()
    })
  }

  private waitForIngress(): void {
    if (this.drainWaiting) return
    this.drainWaiting = true
    this.ingress.flush()
    void this.ingress.producer.waitForSpaceAsync(50).then(() => {
      this.drainWaiting = false
      const q = this.backlog
      while (this.backlogHead < q.length) {
        if (!q[this.backlogHead]!()) break
        q[this.backlogHead++] = noop
      }
      if (this.backlogHead === q.length) {
        this.backlog = []
        this.backlogHead = 0
      }
      this.ingress.flush()
      if (this.backlog.length > this.backlogHead) {
        this.waitForIngress()
        return
      }
      const cbs = this.drainCallbacks
      this.drainCallbacks = []
      for (const cb of cbs) cb()
    })
  }

  private stageFailed(err: StageFailedError): void {
    if (this.failure !== null) return
    this.failure = err
    // The hook an operator's alerting keys on: publishes are refused from here on.
    this.log.error({ event: 'journal_failed', code: err.code, err: err.message }, 'journal failed: new publishes are refused, what is durable is still served')
    this.own.failAll(err)
    for (const p of this.explicit.values()) p.failAll(err)
  }

  private async doClose(): Promise<void> {
    this.checkOpen('close')
    // Let queued publishes in.
    while (this.backlog.length > this.backlogHead) await new Promise((r) => setTimeout(r, 1))
    this.ingress.flush()
    this.closed = true
    Atomics.store(this.wm, slotIndex(SLOT_STATE) + STATE_STOP_REQUEST, 1)
    this.ingressBell.forceRing()
    for (let k = this.stages.length - 1; k >= 0; k--) await this.stages[k]!.stopped
    // Everything is durable now: hand out the rest.
    for (;;) {
      await this.dispatcher.whenIdle()
      if (this.dispatcher.nextGsn > this.sequencedGsn) break
      await new Promise((r) => setTimeout(r, 1))
    }
    this.dispatcher.stop()
    if (this.floorTimer !== null) clearInterval(this.floorTimer)
    for (const st of this.stages) await st.worker.terminate()
    this.registry.close()
    if (this.pool !== null) await this.pool.destroy()
    const err = new EngineClosedError('closed before the message was durable')
    this.own.failAll(err)
    for (const p of this.explicit.values()) p.failAll(err)
  }
}

/** One worker stage's allocation probe (Engine.stageHeap). */
export interface StageHeap {
  allocatedBytes: number
  collections: number
  gcPauseMs: number
}

/** What a publisher thread needs (structured-clonable: post it to a Worker). */
export interface PublisherPort {
  arena: SharedArrayBuffer
  ringOffset: number
  bell: SharedArrayBuffer
  /** Int32 [0] = highest pseq acknowledged (durable), [1] = refusals; notified on change. */
  acks: SharedArrayBuffer
  publisher: number
}

export { EngineError }
export const defaultDataDir = (): string => resolve('data')
