// Starting and stopping the pipeline drawn in engine.ts, on the main thread: the group
// registry, the arena of rings, the watermark block and the doorbells, the two worker
// stages, the dispatcher and the catch-up pool. Engine (engine.ts) owns one Pipeline and
// adds the embedding API and the gateway port on top. What the stages report for the
// operator (open, retention, warnings, failure) goes to engine-reports.ts.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { SpmcRing } from './ring/spmc-ring.js'
import type { RingConsumer } from './ring/ring-consumer.js'
import { SpscRing } from './ring/spsc-ring.js'
import { Doorbell } from './ring/doorbell.js'
import { arenaLayout, dispatcherConsumer, type ArenaLayout } from './descriptors/arena-descriptor.js'
import {
  CLUSTER_ROLE, ROLE_APPLYING, SLOT_CLUSTER, SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_RETENTION_FLOOR, SLOT_SEQUENCED, SLOT_STATE, STATE_JOURNAL, STATE_STOP_REQUEST, StageState,
  WATERMARK_BYTES, readU64, slotIndex, storeU64,
} from './descriptors/watermark-descriptor.js'
import { Dispatcher } from './stages/fanout/dispatcher.js'
import { IngressWriter } from './ingress-writer.js'
import { startStage, type StageHandle } from './stages/stage-launcher.js'
import { GroupRegistry } from './groups/group-registry.js'
import { MemoryGroupRegistry } from './groups/memory-group-registry.js'
import type { StageFailedError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import type { RecoveryReport } from './journal/recovery.js'
import type { ScanReport } from './stages/sequencer/recovery-scan.js'
import type { CatchupRequest, CatchupResult, GseqLookupRequest, GseqLookupResult } from './stages/catchup/catchup-messages.js'
import type { JournalEvent, SequencerReady, SequencerReport, SequencerStopped, SequencerWorkerData } from './stages/sequencer/sequencer-messages.js'
import type { JournalSyncReady, JournalSyncStopped, JournalSyncWorkerData } from './stages/journal/journal-sync-messages.js'
import { JournalUsageReader } from './journal/journal-usage.js'
import { EngineReports } from './engine-reports.js'
import { TraceWriter } from './trace/stage-trace-descriptor.js'
import type { Logger } from './logger.js'

export type Registry = GroupRegistry | MemoryGroupRegistry

const CATCHUP_TASK = new URL('./stages/catchup/catchup-task.js', import.meta.url).href
const GSEQ_LOOKUP_TASK = new URL('./stages/catchup/gseq-lookup-task.js', import.meta.url).href

/** How often the main thread republishes the retention floor (the oldest gsn a subscriber still needs). */
const RETENTION_FLOOR_EVERY_MS = 500

export class Pipeline {
  /** The retention-floor timer (only with a retention policy). */
  private floorTimer: NodeJS.Timeout | null = null
  /** Catch-up reads: piscina pool, started on first use. */
  private pool: Piscina | null = null
  /** Reads a message's gseqs from the journal (the answer to a resend); null in memory mode. */
  readonly lookupGseqs: ((gsn: number) => Promise<number[] | null>) | null
  private readonly journalDir: string
  /** Durability `replicated`: DUR is the cluster node's. */
  replicated = false
  /** Rung by whoever moves a watermark the main thread waits for (set by start). */
  dispatchBell: Doorbell | null = null

  private constructor(
    readonly wm: Int32Array,
    readonly registry: Registry,
    readonly arena: SharedArrayBuffer,
    readonly layout: ArenaLayout,
    readonly ingressBell: Doorbell,
    /** The main thread's producer of ingress ring 0 (Engine.publish and the gateway). */
    readonly ingress: IngressWriter,
    readonly dispatcher: Dispatcher,
    private readonly stages: StageHandle<unknown>[],
    /** What the journal's recovery found on open (null in memory mode). */
    readonly recovery: RecoveryReport | null,
    /** What the sequencer read to rebuild its state (null in memory mode). */
    readonly recoveryScan: ScanReport | null,
    /** Log events and retention totals. */
    readonly reports: EngineReports,
    /** The journal's size on disk (null in memory mode). */
    readonly journalUsage: JournalUsageReader | null,
    journalDir: string | null,
  ) {
    this.journalDir = journalDir ?? ''
    this.lookupGseqs = journalDir === null ? null : (gsn) => this.catchupPool().run({ dir: this.journalDir, gsn } satisfies GseqLookupRequest, { filename: GSEQ_LOOKUP_TASK }).then((r: GseqLookupResult) => r.gseqs)
  }

  /** The catch-up pool (piscina), started on first use and empty when idle. */
  private catchupPool(): Piscina {
    this.pool ??= new Piscina({ filename: CATCHUP_TASK, minThreads: 0, maxThreads: 2, idleTimeout: 5000 })
    return this.pool
  }

  /**
   * Opens the registry, lays out the rings, starts the worker stages and the dispatcher.
   * onFailure: a stage failed for good; onJournal: the journal faulted, a retry failed, or
   * it resumed (the sequencer's events, in the order it posted them); log: the operator's
   * log (engine-reports.ts).
   */
  static async start(
    o: ResolvedOptions, onFailure: (err: StageFailedError) => void, onJournal: (e: JournalEvent) => void, log: Logger,
    durableFloor: () => number = () => Number.POSITIVE_INFINITY,
  ): Promise<Pipeline> {
    const memory = o.durability === 'memory'
    const reports = new EngineReports(log)
    const warning = (message: string): void => reports.warning(message)
    if (memory) process.emitWarning('durability=memory: nothing is persisted and subscribers cannot replay; for benchmarks and tests only', { code: 'ORDO_MEMORY_MODE' })
    let registry: Registry
    if (memory) registry = new MemoryGroupRegistry()
    else {
      mkdirSync(o.dataDir, { recursive: true })
      registry = GroupRegistry.open({ dir: o.dataDir })
    }
    const replicated = o.durability === 'replicated'
    // Replicated mode: a third consumer of the sequenced ring, the cluster node's replicator.
    const layout = arenaLayout(o.sequencedRingBytes, memory ? 1 : replicated ? 3 : 2, o.ingressRingBytes, o.ingressSlots)
    const arena = new SharedArrayBuffer(layout.totalBytes)
    SpmcRing.createIn(arena, layout.sequencedOffset, layout.sequencedCapacity, layout.sequencedConsumers)
    const rings = layout.ingressOffsets.map((off) => SpscRing.createIn(arena, off, layout.ingressCapacity))
    const wmSab = new SharedArrayBuffer(WATERMARK_BYTES)
    const wm = new Int32Array(wmSab)
    Atomics.store(wm, slotIndex(SLOT_MAX_GROUP), registry.size)
    // A cluster node starts as a follower: it sequences only after it took over (cluster-node.ts).
    if (replicated) Atomics.store(wm, slotIndex(SLOT_CLUSTER) + CLUSTER_ROLE, ROLE_APPLYING)
    const ingressBell = Doorbell.create()
    const dispatchBell = Doorbell.create()
    const syncBell = Doorbell.create()
    const journalDir = join(o.dataDir, 'journal')
    const stages: StageHandle<unknown>[] = []
    let pipeline: Pipeline | null = null
    try {
      // The sequencer opens the journal (recovery), appends and writes; the journal-sync
      // stage fdatasyncs and, in fsync mode, publishes durable. Both threads start at once
      // (a worker takes tens of ms to load its modules); the journal-sync stage waits for
      // the sequencer's journal before it touches a watermark.
      const sequencerData: SequencerWorkerData = {
        arena, layout, wm: wmSab, ingressBell: ingressBell.buffer, dispatchBell: dispatchBell.buffer, syncBell: syncBell.buffer,
        memoryMode: memory, durability: o.durability, dataDir: journalDir, stateDir: join(o.dataDir, 'state'),
        snapshotEvery: o.snapshotEveryMessages, segmentBytes: o.segmentBytes, retention: o.retention,
        batchMaxMessages: o.batchMaxMessages, batchMaxBytes: o.batchMaxBytes, maxGroups: o.maxGroups, dedupeWindow: o.dedupeWindow, idleSpins: o.idleSpins,
        fileIo: o.fileIo, trace: o.stageTrace?.buffer ?? null,
      }
      const report = (m: SequencerReport): void => {
        if (m.type === 'retention') reports.retention(m.report)
        else onJournal(m)
      }
      const sequencing = startStage<SequencerReady, SequencerStopped, SequencerWorkerData, SequencerReport>(
        'sequencer', new URL('./stages/sequencer/sequencer.worker.js', import.meta.url), sequencerData, onFailure,
        { warning, report },
      )
      const syncing = memory ? null : startStage<JournalSyncReady, JournalSyncStopped, JournalSyncWorkerData>(
        'journal-sync', new URL('./stages/journal/journal-sync.worker.js', import.meta.url),
        {
          wm: wmSab, dispatchBell: dispatchBell.buffer, syncBell: syncBell.buffer, ingressBell: ingressBell.buffer, dir: journalDir,
          durability: o.durability === 'fsync' ? 'fsync' : 'async', asyncFsyncIntervalMs: o.asyncFsyncIntervalMs, fileIo: o.fileIo,
          trace: o.stageTrace?.buffer ?? null,
        },
        onFailure, { warning },
      )
      const [seqStarted, syncStarted] = await Promise.allSettled([sequencing, syncing ?? Promise.resolve(null)])
      if (seqStarted.status === 'fulfilled') stages.push(seqStarted.value.handle)
      if (syncStarted.status === 'fulfilled' && syncStarted.value !== null) stages.push(syncStarted.value.handle)
      if (seqStarted.status === 'rejected') throw seqStarted.reason
      if (syncStarted.status === 'rejected') throw syncStarted.reason
      const ready = seqStarted.value.ready
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
      const catchup = memory ? null : (req: CatchupRequest): Promise<CatchupResult> => pipeline!.catchupPool().run(req) as Promise<CatchupResult>
      // A fresh cursor at the dispatcher's released position: while the journal is faulted
      // the dispatcher answers the publishers of what waits beyond its durable cursor.
      const answerCursor = (): RingConsumer => SpmcRing.attachIn(arena, layout.sequencedOffset, dispatcherConsumer(memory))
      const dispatcher = new Dispatcher({
        consumer, lookahead, answerCursor, wm, bell: dispatchBell, catchup, journalDir, nextGsn: ready.nextGsn, trace: o.stageTrace?.writer(TraceWriter.main) ?? null,
      })
      pipeline = new Pipeline(
        wm, registry, arena, layout, ingressBell, new IngressWriter(ring0.producer), dispatcher, stages,
        ready.recovery, memory ? null : ready.scan, reports, memory ? null : new JournalUsageReader(journalDir), memory ? null : journalDir,
      )
      pipeline.replicated = replicated
      pipeline.dispatchBell = dispatchBell
      pipeline.durableFloor = durableFloor
      if (o.retention !== undefined) pipeline.publishRetentionFloor()
      reports.opened(o, readU64(wm, slotIndex(SLOT_DURABLE)), pipeline.recovery, pipeline.recoveryScan)
      dispatcher.start()
      return pipeline
    } catch (err) {
      Atomics.store(wm, slotIndex(SLOT_STATE) + STATE_STOP_REQUEST, 1)
      ingressBell.forceRing()
      for (const st of stages) await st.worker.terminate()
      registry.close()
      throw err
    }
  }

  /** The lowest gsn durable subscriptions still need (Infinity: none), from the engine. */
  private durableFloor: () => number = () => Number.POSITIVE_INFINITY

  /**
   * The journal never deletes a segment a subscriber or a durable subscription still needs
   * (unless a retention cap forces it): the floor is republished every 500 ms.
   */
  private publishRetentionFloor(): void {
    const publish = (): void => storeU64(this.wm, slotIndex(SLOT_RETENTION_FLOOR), Math.min(this.dispatcher.retentionFloor(), this.durableFloor()))
    publish()
    this.floorTimer = setInterval(publish, RETENTION_FLOOR_EVERY_MS)
    this.floorTimer.unref()
  }

  /**
   * The drain, once the ingress is flushed and no more publishes are taken: the stages
   * sequence, journal and sync everything and stop; then the dispatcher hands out the rest
   * (all durable by then), and the threads, the registry and the pool are closed.
   */
  async stop(): Promise<void> {
    Atomics.store(this.wm, slotIndex(SLOT_STATE) + STATE_STOP_REQUEST, 1)
    this.ingressBell.forceRing()
    for (let k = this.stages.length - 1; k >= 0; k--) await this.stages[k]!.stopped
    for (;;) {
      await this.dispatcher.whenIdle()
      if (this.dispatcher.nextGsn > readU64(this.wm, slotIndex(SLOT_SEQUENCED))) break
      // Replicated mode: what the cluster did not commit is never released (the cluster node
      // waited for its commits before it closed the engine, or was deposed).
      if (this.replicated && this.dispatcher.nextGsn > readU64(this.wm, slotIndex(SLOT_DURABLE))) break
      // A journal that closed faulted or failed never makes the rest durable: the
      // dispatcher answered those publishers already (Dispatcher.enterFault).
      const js = Atomics.load(this.wm, slotIndex(SLOT_STATE) + STATE_JOURNAL)
      if ((js === StageState.faulted || js === StageState.failed) && this.dispatcher.nextGsn > readU64(this.wm, slotIndex(SLOT_DURABLE))) break
      await new Promise((r) => setTimeout(r, 1))
    }
    this.dispatcher.stop()
    if (this.floorTimer !== null) clearInterval(this.floorTimer)
    for (const st of this.stages) await st.worker.terminate()
    this.registry.close()
    if (this.pool !== null) await this.pool.destroy()
  }
}
