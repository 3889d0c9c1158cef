// The dispatcher: the main thread's consumer of the sequenced ring (fan-out).
//
//   sequenced ring ──peek──▶ durable? ──▶ acks to publishers (AckListener)
//                                    └──▶ match groups ▶ Interest frames ▶ live Subs (FrameSink)
//
// It takes records in ring order and stops at the first batch above the durable
// watermark (G5: nothing is shown before it is durable), so every gsn below
// `nextGsn` has been dispatched, is durable, and can be read back from the journal:
// that is what lets a subscription that catches up from the journal join the live
// stream with no gap and no duplicate (it joins once its nextGsn >= ours; frames
// are filtered by each subscription's nextGsn).
// Tentative subscriptions (delivered before durable, the subscriber corrects later) are fed by a look-ahead
// cursor on the same ring consumer: it walks records as soon as they are sequenced and
// never releases (the durable cursor releases), so the bytes it reads cannot be
// overwritten; the durable cursor never passes it. Their frames carry the durable gsn
// of the moment, below their own gsns. A tentative message may be lost by a crash
// before it became durable, and its gsn then reused. A tentative subscription that
// starts behind catches up durable-only and turns tentative once nothing is pending
// between the two cursors.
// While the journal cannot write (enterFault) it answers the publishers of what waits
// beyond its durable cursor at once (fault-answers.ts) and keeps delivering what is durable.
// It runs a pass per event-loop turn while there is work (setImmediate, so sockets
// are served between passes) and sleeps on the dispatch doorbell (Atomics.waitAsync)
// when there is none; whoever moves the durable watermark (the journal-sync stage in fsync mode,
// sequencer otherwise) rings it.

import type { RingConsumer } from '../../ring/ring-consumer.js'
import type { Doorbell } from '../../ring/doorbell.js'
import type { AckListener, FrameSink, GroupFilter } from '../../engine-port.js'
import {
  NoticeKind, RecordType, batchBlobsAt, batchCount, batchFirstGsn, noticeCode, noticeCount, noticeEntryAt,
  noticeKind, noticePseq, noticePublisher, noticeValue,
} from '../../descriptors/sequenced-record-descriptor.js'
import { SLOT_DURABLE, SLOT_SEQUENCED, readU64, slotIndex } from '../../descriptors/watermark-descriptor.js'
import { blobGroup, blobGroupCount, blobPseq, canonicalBlobLength } from '../../../codec/blob.js'
import { PUBLISHER_POS } from '../../../codec/message-layout.js'
import { Interest } from './interest.js'
import { FrameTrimmer } from './frame-trimmer.js'
import { FaultAnswers, type AnswerTarget } from './fault-answers.js'
import { Sub, type SubOwner } from './sub.js'
import { GroupStats } from './group-stats.js'
import { patchDeliverSubscription } from '../../../codec/frame-writer.js'
import { ErrorCode } from '../../../codec/error-codes.js'
import type { CatchupRequest, CatchupResult } from '../catchup/catchup-messages.js'
import { TraceStage, type StageStamper } from '../../trace/stage-trace.js'
import { monotonicMs } from '../../trace/monotonic-clock.js'

const TWO_32 = 4294967296
const RECORDS_PER_PASS = 512

/** Optional richer ack for the embedded API (reads gseqs from the blob). */
export interface BlobAckListener extends AckListener {
  onAckBlob(pseq: number, gsn: number, bytes: Uint8Array, blobPos: number): void
}

export interface DispatcherOptions {
  consumer: RingConsumer
  /** A second consumer object on the same consumer index (look-ahead for tentative delivery). */
  lookahead: RingConsumer
  /** A new consumer object on the same index, at its released position (answers ahead while the journal is faulted). */
  answerCursor: () => RingConsumer
  wm: Int32Array
  bell: Doorbell
  /** Read a range from the journal off the main thread; null in memory mode. */
  catchup: ((req: CatchupRequest) => Promise<CatchupResult>) | null
  journalDir: string
  nextGsn: number
  /** Where passes are stamped (EngineOptions.stageTrace), or null. */
  trace?: StageStamper | null
}

export class Dispatcher implements SubOwner, AnswerTarget {
  nextGsn = 0 // a number from the start: a field first set to undefined stays tagged and boxes every store past 2^31
  messages = 0
  /** Messages and latest gseq per group (admin API). */
  readonly groupStats = new GroupStats()
  stopped = false
  private readonly consumer: RingConsumer
  private readonly bytes: Uint8Array
  private readonly i32: Int32Array
  private readonly wm: Int32Array
  private readonly DUR = slotIndex(SLOT_DURABLE)
  private readonly listeners = new Map<number, AckListener>()
  private readonly touched: AckListener[] = []
  // The last publisher seen, as its two u32 words read as int32 (small integers): a
  // publisher id is above 2^31, so holding or returning it as a number would box a heap
  // number per message whenever the JIT leaves a helper out of line.
  private lastPubLo = -1
  private lastPubHi = -1
  private lastListener: AckListener | undefined = undefined
  private readonly interests = new Map<string, Interest>()
  private byGroup: Interest[][] = []
  private byGroupT: Interest[][] = []
  private tentativeInterests = 0
  private readonly active: Interest[] = []
  private readonly activeT: Interest[] = []
  private readonly look: RingConsumer
  private readonly SEQ = slotIndex(SLOT_SEQUENCED)
  /** Next gsn the look-ahead cursor will see. */
  lookNextGsn = 0
  private readonly promote = new Set<Sub>()
  private readonly subs = new Set<Sub>()
  private scheduled = false
  private waiting = false
  private readonly trimmer = new FrameTrimmer()
  private idleResolvers: (() => void)[] = []
  /** Answers publishers while the journal cannot write (fault-answers.ts). */
  private readonly faults: FaultAnswers
  private readonly trace: StageStamper | null
  /** When the doorbell woke this thread (monotonic ms) while tracing; 0 when the pass did not follow a wait. */
  private wokenAt = 0

  constructor(private readonly o: DispatcherOptions) {
    this.consumer = o.consumer
    this.bytes = o.consumer.bytes
    this.i32 = o.consumer.i32
    this.wm = o.wm
    this.nextGsn = o.nextGsn
    this.look = o.lookahead
    this.lookNextGsn = o.nextGsn
    this.faults = new FaultAnswers(o.answerCursor, o.wm)
    this.trace = o.trace ?? null
  }

  // ---- publishers -------------------------------------------------------------------

  registerPublisher(publisher: number, listener: AckListener): void {
    this.listeners.set(publisher, listener)
    this.lastPubHi = -1
  }

  unregisterPublisher(publisher: number): void {
    this.listeners.delete(publisher)
    this.lastPubHi = -1
  }

  // ---- subscriptions ----------------------------------------------------------------

  /** visible: which groups of a message the subscriber may see (null: all); see engine-port GroupFilter. */
  subscribe(groupIds: readonly number[], id: number, fromGsn: number, sink: FrameSink, tentative = false, visible: GroupFilter | null = null): Sub {
    const groups = [...new Set(groupIds)].sort((a, b) => a - b)
    const fromNow = fromGsn <= 0
    const start = fromNow ? (tentative ? this.lookNextGsn : this.nextGsn) : fromGsn
    // From now, tentative: straight onto the look-ahead stream; else durable first.
    const interest = this.interestFor(groups, tentative && start >= this.lookNextGsn, visible)
    const s = new Sub(id, groups, interest, sink, this, start, tentative, visible)
    interest.subs.push(s)
    this.subs.add(s)
    // Defer: the caller gets its handle before the first delivery or error.
    queueMicrotask(() => this.startCatchup(s))
    return s
  }

  private interestFor(groups: number[], tentative: boolean, filter: GroupFilter | null): Interest {
    // Subscriptions share an interest (and its frames) only when they may see the same groups.
    const key = (tentative ? 't:' : '') + groups.join(',') + (filter === null ? '' : `|${filter.key}`)
    let interest = this.interests.get(key)
    if (interest === undefined) {
      interest = new Interest(key, groups, filter)
      this.interests.set(key, interest)
      const index = tentative ? this.byGroupT : this.byGroup
      if (tentative) this.tentativeInterests++
      for (const g of groups) {
        while (index.length <= g) index.push([])
        index[g]!.push(interest)
      }
    }
    return interest
  }

  removeSub(s: Sub): void {
    this.subs.delete(s)
    this.promote.delete(s)
    this.leaveInterest(s)
  }

  private leaveInterest(s: Sub): void {
    const interest = s.interest
    const k = interest.subs.indexOf(s)
    if (k >= 0) interest.subs.splice(k, 1)
    if (interest.subs.length === 0) {
      this.interests.delete(interest.key)
      const tentative = interest.key.startsWith('t:')
      if (tentative) this.tentativeInterests--
      const index = tentative ? this.byGroupT : this.byGroup
      for (const g of interest.groups) {
        const list = index[g]
        if (list === undefined) continue
        const j = list.indexOf(interest)
        if (j >= 0) list.splice(j, 1)
      }
    }
  }

  /** Move caught-up tentative subscriptions onto the look-ahead stream when no gap can open. */
  private promoteTentative(): void {
    if (this.promote.size === 0 || this.nextGsn !== this.lookNextGsn) return
    for (const s of this.promote) {
      if (s.closed || !s.live || s.nextGsn !== this.nextGsn) continue
      this.promote.delete(s)
      this.leaveInterest(s)
      s.interest = this.interestFor(s.groups as number[], true, s.filter)
      s.interest.subs.push(s)
    }
  }

  /** Lowest gsn a subscription still needs from the journal (retention must keep it). */
  retentionFloor(): number {
    let floor = this.nextGsn
    for (const s of this.subs) if (!s.live && s.nextGsn < floor) floor = s.nextGsn
    return floor
  }

  get subscriptionCount(): number {
    return this.subs.size
  }

  /** Live if caught up, else one catch-up read from the journal (repeats until caught up). */
  startCatchup(s: Sub): void {
    if (s.closed || s.paused || s.live || s.catchingUp) return
    const liveFrom = s.interest.key.startsWith('t:') ? this.lookNextGsn : this.nextGsn
    if (s.nextGsn >= liveFrom) {
      s.live = true
      if (s.tentative && !s.interest.key.startsWith('t:')) this.promote.add(s)
      s.sink.onLive?.(s.nextGsn)
      return
    }
    const catchup = this.o.catchup
    if (catchup === null) {
      // memory mode keeps no history: what the dispatcher passed is gone
      s.close()
      s.sink.onError(ErrorCode.RETAINED_AWAY, `no journal in memory mode: gsn ${s.nextGsn} is gone, oldest available=${this.nextGsn}`, this.nextGsn)
      return
    }
    s.catchingUp = true
    const limit = this.nextGsn - 1 // dispatched, so durable and in the journal
    catchup({ dir: this.o.journalDir, fromGsn: s.nextGsn, limitGsn: limit, groups: s.groups as number[], maxBytes: 4 * 1024 * 1024, maxMessagesPerFrame: 1024 }).then(
      (r) => {
        s.catchingUp = false
        if (s.closed) return
        if (r.retainedAway !== undefined) {
          s.close()
          s.sink.onError(ErrorCode.RETAINED_AWAY, r.retainedAway.message, r.retainedAway.oldestGsn)
          return
        }
        const buf = new Uint8Array(r.buffer)
        for (let k = 0; k < r.offsets.length; k++) {
          if (r.lastGsns[k]! < s.nextGsn) continue
          let frame = buf
          let at = r.offsets[k]!
          let length = r.lengths[k]!
          if (s.filter !== null) {
            // The journal holds every group of a message: trim what this subscriber may not see.
            const trimmed = this.trimmer.trim(buf, at, length, s.filter)
            if (trimmed >= 0) {
              frame = this.trimmer.bytes
              at = 0
              length = trimmed
            }
          }
          patchDeliverSubscription(frame, at, s.id)
          if (!s.deliverFrame(frame, at, length, r.lastGsns[k]!)) return // paused: resume() goes on
        }
        if (r.scannedTo + 1 > s.nextGsn) s.nextGsn = r.scannedTo + 1
        this.startCatchup(s)
      },
      (err: Error) => {
        s.catchingUp = false
        if (s.closed) return
        s.close()
        s.sink.onError(ErrorCode.INTERNAL, `catch-up read failed: ${err.message}`, s.nextGsn)
      },
    )
  }

  // ---- journal faults (fault-answers.ts) ----------------------------------------------

  /**
   * The journal cannot write (`code`: DISK_FULL or JOURNAL_IO); nothing above
   * `sequencedGsn` was sequenced before. Answers the publishers of everything beyond the
   * durable cursor from the next pass on, and keeps doing so until leaveFault().
   */
  enterFault(code: number, sequencedGsn: number): void {
    this.faults.enter(code, sequencedGsn)
    this.schedule()
  }

  /** The journal writes again: what is left becomes durable and is dispatched as usual. */
  leaveFault(): void {
    this.faults.leave()
    this.schedule()
  }

  get inFault(): boolean {
    return this.faults.active
  }

  // AnswerTarget: what FaultAnswers needs of the dispatcher.
  listenerOf(publisher: number): AckListener | undefined {
    return this.listeners.get(publisher)
  }

  answerNotices(at: number, durable: number): void {
    this.notices(at, durable)
  }

  flushTouched(): void {
    const t = this.touched
    for (let k = 0; k < t.length; k++) t[k]!.onAckFlush()
    t.length = 0
  }

  requestPass(): void {
    this.schedule()
  }

  // ---- the loop -------------------------------------------------------------------

  start(): void {
    this.schedule()
  }

  stop(): void {
    this.stopped = true
  }

  /** Resolves once the dispatcher has nothing left it may dispatch (used by close and tests). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleResolvers.push(resolve)
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    setImmediate(this.runBound)
  }

  private readonly runBound = (): void => this.run()

  private run(): void {
    this.scheduled = false
    if (this.stopped) return
    const trace = this.trace
    const tracing = trace !== null && trace.on
    const t0 = tracing ? monotonicMs() : 0
    const before = this.nextGsn
    const n = this.pass()
    if (tracing && this.nextGsn > before) this.stampPass(trace, before, t0)
    this.wokenAt = 0
    this.promoteTentative()
    if (n > 0) {
      this.schedule()
      return
    }
    if (this.idleResolvers.length > 0) {
      const r = this.idleResolvers
      this.idleResolvers = []
      for (const f of r) f()
    }
    if (this.waiting) return
    const seq = this.o.bell.prepare()
    if (this.dispatchable()) {
      this.o.bell.cancel()
      this.schedule()
      return
    }
    this.waiting = true
    void this.o.bell.awaitAsync(seq, 200).then(this.wokenBound)
  }

  /**
   * The doorbell rang (or the wait timed out): run the pass now, in this microtask, rather
   * than one event-loop turn later (setImmediate): whoever rang has just made something
   * durable, and the turn in between is where the socket events and timers of the whole
   * server run first. Later passes of a busy stretch still go through setImmediate (run),
   * so sockets are served between them.
   */
  private readonly wokenBound = (): void => {
    this.waiting = false
    if (this.trace !== null && this.trace.on) this.wokenAt = monotonicMs()
    if (this.scheduled || this.stopped) return
    this.run()
  }

  /** Stamps the pass that dispatched before..nextGsn-1: woken (if it followed a wait), started at t0, done now. */
  private stampPass(trace: StageStamper, before: number, t0: number): void {
    const last = this.nextGsn - 1
    if (this.wokenAt > 0) trace.stampAt(TraceStage.dispatcherWoken, before, last, this.wokenAt)
    trace.stampAt(TraceStage.dispatcherPass, before, last, t0)
    trace.stamp(TraceStage.deliverSent, before, last)
  }

  /** Whether the next record may be dispatched now. */
  dispatchable(): boolean {
    if (this.look.peek() >= 0 && this.lookReady()) return true
    const at = this.consumer.peek()
    if (at < 0) return false
    if (this.consumer.recordType !== RecordType.batch) return true
    const count = batchCount(this.i32, at)
    if (count === 0) return true
    return batchFirstGsn(this.i32, at) + count - 1 <= readU64(this.wm, this.DUR)
  }

  /** One pass: take what is durable, ack publishers, build and send frames. Returns records taken. */
  pass(): number {
    const durable = readU64(this.wm, this.DUR)
    const ahead = this.lookPass(durable)
    const c = this.consumer
    const i32 = this.i32
    const look = this.look
    let n = 0
    while (n < RECORDS_PER_PASS) {
      const at = c.peek()
      if (at < 0) break
      // Never pass the look-ahead cursor (after peek, readPosition is this record's start,
      // padding skipped): what we release, the producer may overwrite.
      if (c.readPosition === look.readPosition) break
      if (c.recordType === RecordType.batch) {
        const count = batchCount(i32, at)
        if (count > 0) {
          const first = batchFirstGsn(i32, at)
          if (first + count - 1 > durable) break // not durable yet
          this.batch(batchBlobsAt(at), at + c.recordLength, first, count, durable)
        }
      } else if (c.recordType === RecordType.notice) {
        this.notices(at)
      }
      c.advance()
      n++
    }
    if (n > 0) {
      const active = this.active
      for (let k = 0; k < active.length; k++) active[k]!.flush(durable)
      active.length = 0
      const t = this.touched
      for (let k = 0; k < t.length; k++) t[k]!.onAckFlush()
      t.length = 0
      c.releaseAll()
    }
    // After releaseAll: a cursor attached now starts where this one stopped.
    const answered = this.faults.active ? this.faults.answer(this) : 0
    return n + ahead + answered
  }

  /** Whether the look-ahead's next record is sequenced (its gsns published). */
  private lookReady(): boolean {
    const l = this.look
    if (l.recordType !== RecordType.batch) return true
    const at = l.peek()
    const count = batchCount(this.i32, at)
    if (count === 0) return true
    return batchFirstGsn(this.i32, at) + count - 1 <= readU64(this.wm, this.SEQ)
  }

  /** Look-ahead: feed tentative interests with what is sequenced (not yet durable). */
  private lookPass(durable: number): number {
    const l = this.look
    const i32 = this.i32
    const sequenced = readU64(this.wm, this.SEQ)
    let n = 0
    while (n < RECORDS_PER_PASS) {
      const at = l.peek()
      if (at < 0) break
      if (l.recordType === RecordType.batch) {
        const count = batchCount(i32, at)
        if (count > 0) {
          const first = batchFirstGsn(i32, at)
          if (first + count - 1 > sequenced) break
          if (this.tentativeInterests > 0) this.fanout(this.byGroupT, this.activeT, batchBlobsAt(at), at + l.recordLength, first, count, durable)
          this.lookNextGsn = first + count
        }
      }
      l.advance()
      n++
    }
    const active = this.activeT
    for (let k = 0; k < active.length; k++) active[k]!.flush(durable)
    active.length = 0
    return n
  }

  private fanout(index: Interest[][], active: Interest[], pos: number, end: number, firstGsn: number, count: number, durable: number): void {
    const bytes = this.bytes
    let p = pos
    for (let i = 0; i < count; i++) {
      const len = canonicalBlobLength(bytes, p, end)
      if (len < 0) throw new Error(`sequenced batch does not frame: firstGsn=${firstGsn}, index=${i}`)
      this.match(index, active, p, len, firstGsn + i, durable)
      p += len
    }
  }

  /** Add one message to each interest of each of its groups, once (markGsn). */
  private match(index: Interest[][], active: Interest[], p: number, len: number, gsn: number, durable: number): void {
    const bytes = this.bytes
    const groups = blobGroupCount(bytes, p)
    for (let g = 0; g < groups; g++) {
      const list = index[blobGroup(bytes, p, g)]
      if (list === undefined) continue
      for (let k = 0; k < list.length; k++) {
        const it = list[k]!
        if (it.markGsn === gsn) continue
        it.markGsn = gsn
        if (it.firstGsn === 0 && it.lastGsn === 0) active.push(it)
        it.add(bytes, p, len, gsn, durable)
      }
    }
  }

  private batch(pos: number, end: number, firstGsn: number, count: number, durable: number): void {
    const bytes = this.bytes
    const i32 = this.i32
    const answeredThrough = this.faults.answeredThrough
    let p = pos
    for (let i = 0; i < count; i++) {
      const len = canonicalBlobLength(bytes, p, end)
      if (len < 0) throw new Error(`sequenced batch does not frame: firstGsn=${firstGsn}, index=${i}`)
      const gsn = firstGsn + i
      // Acks (a Map lookup only when the publisher changes).
      const w = (p + PUBLISHER_POS) >> 2
      const lo = i32[w]!
      const hi = i32[w + 1]!
      if (lo !== this.lastPubLo || hi !== this.lastPubHi) {
        this.lastPubLo = lo
        this.lastPubHi = hi
        this.lastListener = this.listeners.get((hi >>> 0) * TWO_32 + (lo >>> 0))
      }
      const l = this.lastListener
      // gsn <= answeredThrough: its publisher was answered while the journal was faulted.
      if (l !== undefined && gsn > answeredThrough) {
        if ((l as BlobAckListener).onAckBlob !== undefined) (l as BlobAckListener).onAckBlob(blobPseq(bytes, p), gsn, bytes, p)
        else l.onAck(blobPseq(bytes, p), gsn)
        this.touch(l)
      }
      this.match(this.byGroup, this.active, p, len, gsn, durable)
      this.groupStats.record(bytes, p)
      p += len
    }
    this.nextGsn = firstGsn + count
    this.messages += count
  }

  /**
   * Answers a NOTICE record's entries. durable >= 0: answered ahead while the journal is
   * faulted, so a duplicate whose original is not durable yet is answered with the fault's
   * code instead of its gsn.
   */
  private notices(at: number, durable = -1): void {
    const i32 = this.i32
    const count = noticeCount(i32, at)
    for (let k = 0; k < count; k++) {
      const e = noticeEntryAt(at, k)
      const l = this.listeners.get(noticePublisher(i32, e))
      if (l === undefined) continue
      const pseq = noticePseq(i32, e)
      const value = noticeValue(i32, e)
      if (noticeKind(i32, e) === NoticeKind.duplicate) {
        if (durable >= 0 && value > durable) l.onReject(pseq, this.faults.code, 0)
        else l.onAck(pseq, value)
      } else l.onReject(pseq, noticeCode(i32, e), value)
      this.touch(l)
    }
  }

  touch(l: AckListener): void {
    const t = this.touched
    if (t.length === 0 || t[t.length - 1] !== l) {
      if (t.indexOf(l) < 0) t.push(l)
    }
  }
}
