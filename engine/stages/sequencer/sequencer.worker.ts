// Sequencer stage entry: a dedicated worker thread (started by engine/engine.ts).
// Opens the journal (recovery), rebuilds its state from it, then runs one stage loop
// (runUntilFinished, idle/stage.ts): each pass sequences what every ingress ring holds,
// then appends what it committed to the journal and writes it to the OS
// (stages/journal/journal-appender.ts; the fsync runs on the journal-sync stage). Between
// passes with nothing to do it spins briefly, then parks on the shared ingress doorbell.
// When the journal cannot write, the appender says so (events below): the sequencer then
// refuses what comes in, the main thread is told ('journal-fault'), and the appender
// retries on this loop's passes until the disk takes writes again ('journal-resumed').

import { parentPort, workerData } from 'node:worker_threads'
import { SpmcRing } from '../../ring/spmc-ring.js'
import { SpscRing } from '../../ring/spsc-ring.js'
import { Doorbell } from '../../ring/doorbell.js'
import { Sequencer } from './sequencer.js'
import { Dedupe } from './dedupe.js'
import { GseqTable } from './gseq-table.js'
import { ArenaIngressSource, ArenaSequencedSink } from './ring-adapters.js'
import { recoverState } from './recovery-scan.js'
import { HeapProbe } from '../heap-probe.js'
import { BackoffIdleStrategy } from '../../idle/backoff-idle-strategy.js'
import type { Parker } from '../../idle/idle-strategy.js'
import { runUntilFinished, type DrainingStage } from '../../idle/stage.js'
import { writeSnapshot } from './state-snapshot.js'
import { JournalAppender } from '../journal/journal-appender.js'
import { Journal } from '../../journal/journal-writer.js'
import type { RetentionReport } from '../../journal/retention.js'
import { JournalError } from '../../journal/errors.js'
import { loadFileIo } from '../../journal/file-io-module.js'
import { ErrorCode } from '../../../codec/error-codes.js'
import {
  SLOT_DURABLE, SLOT_MAX_GROUP, SLOT_SEQUENCED, SLOT_SEQ_STATS, SLOT_STATE, SS_BATCHES, SS_DUPLICATES,
  SS_MESSAGES, SS_REJECTS, STATE_SEQUENCER, SLOT_HEAP, HEAP_SEQUENCER, STATE_STOP_REQUEST, StageState, addU64, slotIndex, storeU64,
  STATE_JOURNAL, STATE_ERROR_CODE, SLOT_CLUSTER, CLUSTER_ROLE, ROLE_APPLYING,
} from '../../descriptors/watermark-descriptor.js'
import { JOURNAL_CONSUMER } from '../../descriptors/arena-descriptor.js'
import type { SequencerMessage, SequencerWorkerData } from './sequencer-messages.js'
import { StageStamper, TraceStage } from '../../trace/stage-trace.js'
import { TraceWriter } from '../../trace/stage-trace-descriptor.js'
import { monotonicMs } from '../../trace/monotonic-clock.js'


const d = workerData as SequencerWorkerData

/** An error's details as plain values a message can carry. */
function stringDetails(details: Record<string, unknown> | undefined): Record<string, string | number | boolean> | undefined {
  if (details === undefined) return undefined
  const out: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(details)) out[k] = typeof v === 'number' || typeof v === 'boolean' ? v : String(v)
  return out
}
const post = (m: SequencerMessage): void => parentPort!.postMessage(m)
const wm = new Int32Array(d.wm)
const bytes = new Uint8Array(d.arena)
const i32 = new Int32Array(d.arena)
const ingressBell = Doorbell.attach(d.ingressBell)
const dispatchBell = Doorbell.attach(d.dispatchBell)
const trace = d.trace === null ? null : new StageStamper(d.trace, TraceWriter.sequencer)

const out = SpmcRing.attachIn(d.arena, d.layout.sequencedOffset)
const sink = new ArenaSequencedSink(out.producer, out.dataOffset, out.maxPayloadLength)
const sources = d.layout.ingressOffsets.map((off) => {
  const ring = SpscRing.attach(d.arena, off)
  return new ArenaIngressSource(ring.consumer, ring.dataOffset)
})

// The journal: opened here (recovery cuts a torn tail and reports it), appended to here.
let journal: Journal | null = null
let firstGsn = 0 // oldest gsn in the journal (0: empty)
let nextGsn = 1
if (!d.memoryMode) {
  try {
    const io = await loadFileIo(d.fileIo)
    journal = Journal.open({ dir: d.dataDir, segmentBytes: d.segmentBytes, retention: d.retention, io })
  } catch (err) {
    Atomics.store(wm, slotIndex(SLOT_STATE) + STATE_JOURNAL, StageState.failed)
    const e = err as { code?: string; message: string; details?: Record<string, string | number | boolean> }
    post({ type: 'failed', code: e.code ?? 'JOURNAL_OPEN', message: e.message, details: stringDetails(e.details) })
    process.exit(1)
  }
  nextGsn = journal.nextGsn
  firstGsn = nextGsn > 1 ? journal.firstGsn : 0
}

const gseqs = new GseqTable()
const dedupe = new Dedupe(d.dedupeWindow)
let scan = { fromGsn: 0, toGsn: 0, messages: 0, ms: 0, snapshotGsn: 0 }
try {
  if (!d.memoryMode) scan = recoverState(d.dataDir, d.stateDir, firstGsn, nextGsn - 1, gseqs, dedupe)
} catch (err) {
  Atomics.store(wm, slotIndex(SLOT_STATE) + STATE_SEQUENCER, StageState.failed)
  post({ type: 'failed', message: `sequencer recovery scan failed: ${(err as Error).message}`, code: (err as { code?: string }).code ?? 'SEQUENCER_RECOVERY' })
  process.exit(1)
}

const SEQ = slotIndex(SLOT_SEQUENCED)
const DUR = slotIndex(SLOT_DURABLE)
const STATS = slotIndex(SLOT_SEQ_STATS)
const MAXG = slotIndex(SLOT_MAX_GROUP)
const STATE = slotIndex(SLOT_STATE)
const origin = performance.timeOrigin
let lastDup = 0
let lastRej = 0
let lastSnapshot = nextGsn - 1

function snapshot(gsn: number): void {
  if (d.memoryMode || gsn === lastSnapshot) return
  lastSnapshot = gsn
  try {
    writeSnapshot(d.stateDir, gsn, gseqs, dedupe)
  } catch (err) {
    // A snapshot is only a hint for a faster restart: losing one costs a longer scan.
    post({ type: 'warning', message: `sequencer snapshot failed: ${(err as Error).message}` })
  }
}

const seq: Sequencer = new Sequencer({
  bytes,
  i32,
  ingress: sources,
  out: sink,
  dedupe,
  gseqs,
  nextGsn,
  batchMaxMessages: d.batchMaxMessages,
  batchMaxBytes: d.batchMaxBytes,
  maxGroups: d.maxGroups,
  maxGroupId: () => Atomics.load(wm, MAXG),
  clockUs: () => Math.floor((origin + performance.now()) * 1000),
  onCommit: (lastGsn, messages, batches) => {
    storeU64(wm, SEQ, lastGsn)
    if (trace !== null) stages.committed(lastGsn)
    addU64(wm, STATS + SS_MESSAGES, messages)
    addU64(wm, STATS + SS_BATCHES, batches)
    if (seq.duplicates !== lastDup) {
      addU64(wm, STATS + SS_DUPLICATES, seq.duplicates - lastDup)
      lastDup = seq.duplicates
    }
    if (seq.rejects !== lastRej) {
      addU64(wm, STATS + SS_REJECTS, seq.rejects - lastRej)
      lastRej = seq.rejects
    }
    if (d.memoryMode) storeU64(wm, DUR, lastGsn) // nothing to wait for: sequenced is final
    else if (lastGsn - lastSnapshot >= d.snapshotEvery) snapshot(lastGsn)
    // The dispatcher may sleep on its doorbell: in memory mode nobody else will wake it;
    // with a journal it also takes notices (duplicates) as soon as they are sequenced.
    dispatchBell.ring()
  },
})

storeU64(wm, SEQ, nextGsn - 1)
if (d.memoryMode) storeU64(wm, DUR, nextGsn - 1)
const appender = journal === null ? null : new JournalAppender({
  journal,
  consumer: SpmcRing.attachIn(d.arena, d.layout.sequencedOffset, JOURNAL_CONSUMER),
  wm,
  durability: d.durability === 'async' || d.durability === 'replicated' ? d.durability : 'fsync',
  syncBell: Doorbell.attach(d.syncBell),
  dispatchBell,
  retention: d.retention !== undefined,
  events: {
    onFault(code, errno, op, message) {
      seq.refuseAll(code) // commits what was sequenced; from now on nothing gets a gsn
      post({ type: 'journal-fault', code, errno, op, message, sequencedGsn: seq.nextGsn - 1, writtenGsn: journal!.writtenGsn })
    },
    onRetryFailed(attempt, errno, message, nextInMs) {
      post({ type: 'journal-retry-failed', attempt, errno, message, nextInMs })
    },
    onResume(retries, faultMs) {
      seq.refuseAll(role === ROLE_APPLYING ? ErrorCode.NOT_LEADER : 0)
      post({ type: 'journal-resumed', retries, faultMs, writtenGsn: journal!.writtenGsn })
    },
  },
})
// Replicated mode: a cluster node's role (the main thread switches it; the role word is read
// every pass). Applying: only batches from the cluster's log are taken, publishes are refused
// with NOT_LEADER (a NOTICE each, so every publisher in flight gets an answer).
const ROLE = slotIndex(SLOT_CLUSTER) + CLUSTER_ROLE
let role = d.durability === 'replicated' ? Atomics.load(wm, ROLE) : 0
if (role === ROLE_APPLYING) seq.refuseAll(ErrorCode.NOT_LEADER)
function followRole(): void {
  const r = Atomics.load(wm, ROLE)
  if (r === role) return
  role = r
  if (appender === null || !appender.isFaulted) seq.refuseAll(r === ROLE_APPLYING ? ErrorCode.NOT_LEADER : 0)
}
Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.running)
if (journal !== null) Atomics.store(wm, STATE + STATE_JOURNAL, StageState.running)
post({ type: 'ready', scan, firstGsn, nextGsn, recovery: journal?.recovery ?? null })

/**
 * An error the appender cannot retry (records the device lost, a bug) stops the pipeline:
 * nothing may be acknowledged past it. (A full disk or an I/O error is a fault the appender
 * retries, not this.) The files are left as they are: the next open's recovery keeps every
 * intact record.
 */
function journalFailed(err: unknown): never {
  const e = err as { code?: string; message: string }
  Atomics.store(wm, STATE + STATE_ERROR_CODE, err instanceof JournalError ? ErrorCode.JOURNAL_IO : ErrorCode.INTERNAL)
  Atomics.store(wm, STATE + STATE_JOURNAL, StageState.failed)
  Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.failed)
  dispatchBell.forceRing()
  post({ type: 'failed', code: e.code ?? 'JOURNAL_FAILED', message: e.message })
  try {
    journal?.abandon()
  } catch {
    // already failed: the next open recovers from what reached the disk
  }
  process.exit(1)
}

/** Segments deleted by retention: the main thread counts them (metrics) and logs them. */
function reportRetention(r: RetentionReport | null): void {
  if (r !== null) post({ type: 'retention', report: r })
}

function anyInput(): boolean {
  for (let k = 0; k < sources.length; k++) if (sources[k]!.hasData()) return true
  return false
}

const probe = new HeapProbe(wm, slotIndex(SLOT_HEAP) + HEAP_SEQUENCER)
const stopRequested = (): boolean => Atomics.load(wm, STATE + STATE_STOP_REQUEST) !== 0

/** One pass of the sequencer thread: sequence what the ingress rings hold, then journal it. */
class SequencerStage implements DrainingStage {
  private passes = 0
  // Last gsns committed and written, kept while a trace is given (fields, not module-level
  // lets: those would box a double per store), so a stamp covers exactly the gsns that moved.
  private tracedCommitted = seq.nextGsn - 1
  private tracedWritten = appender === null ? 0 : appender.journal.writtenGsn

  doWork(): number {
    if (d.durability === 'replicated') followRole()
    const tracing = trace !== null && trace.on
    const t0 = tracing ? monotonicMs() : 0
    const before = seq.nextGsn
    let n = seq.doWork()
    if (tracing && seq.nextGsn > before) trace.stampAt(TraceStage.sequencerTook, before, seq.nextGsn - 1, t0)
    if (appender !== null) {
      try {
        n += appender.pump()
        if (trace !== null && appender.journal.writtenGsn > this.tracedWritten) this.stampWritten(appender.journal.writtenGsn)
        if ((this.passes & 255) === 0) reportRetention(appender.maybeRetain(Date.now()))
      } catch (err) {
        journalFailed(err)
      }
    }
    if ((++this.passes & 1023) === 0) probe.sample(performance.now())
    return n
  }

  finished(): boolean {
    return stopRequested() && !anyInput()
  }

  committed(lastGsn: number): void {
    const from = this.tracedCommitted + 1
    this.tracedCommitted = lastGsn
    if (lastGsn >= from) trace!.stamp(TraceStage.sequenced, from, lastGsn)
  }

  private stampWritten(written: number): void {
    const from = this.tracedWritten + 1
    this.tracedWritten = written
    trace!.stamp(TraceStage.journalWritten, from, written)
  }
}
const stages = new SequencerStage()

/**
 * Sleeps on the ingress doorbell that every ingress producer rings (race-free: the
 * condition is re-checked after registering, see ring/doorbell.ts). While idle it also
 * samples the heap and applies retention, so both run every few seconds (the timeout
 * brings it back) when no message arrives.
 */
const ingressParker: Parker = {
  park(timeoutMs: number): boolean {
    const s = ingressBell.prepare()
    if (anyInput() || stopRequested()) {
      ingressBell.cancel()
      // Input waits but the sequenced ring is full: sleep until the dispatcher releases.
      if (anyInput()) out.producer.park(1)
      return true
    }
    probe.sample(performance.now())
    if (appender !== null) {
      try {
        reportRetention(appender.maybeRetain(Date.now()))
      } catch (err) {
        ingressBell.cancel()
        journalFailed(err)
      }
    }
    return ingressBell.await(s, timeoutMs)
  },
}

// Spin idleSpins empty passes (EngineOptions.idleSpins: a wake-up costs tens of µs, a spin
// holds a core), then park on the doorbell for up to 100 ms at a time until work shows up.
runUntilFinished(
  stages,
  new BackoffIdleStrategy({ maxSpins: d.idleSpins, maxYields: 0, minParkMs: 100, maxParkMs: 100, parker: ingressParker }),
)
seq.flush()
if (appender !== null) {
  try {
    appender.close()
  } catch (err) {
    journalFailed(err)
  }
}
// Only a state the journal holds is worth a snapshot (a journal that closed faulted lacks
// the last sequenced messages).
if (journal === null || journal.writtenGsn === seq.nextGsn - 1) snapshot(seq.nextGsn - 1)
Atomics.store(wm, STATE + STATE_SEQUENCER, StageState.stopped)
dispatchBell.forceRing()
post({ type: 'stopped', nextGsn: seq.nextGsn, malformed: seq.malformed })
