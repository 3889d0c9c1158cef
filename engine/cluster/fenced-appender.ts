// The leader's writer: appends entries to the log with the fence set, several in flight, and reports them
// committed strictly in order.
//
//   ticket:      t0        t1        t2        t3   ...  (at most `window` not yet committed)
//   expects:     S         S+1       S+2       S+3       (Nats-Expected-Last-Sequence; S = seq the first follows)
//   stored at:   S+1       S+2       S+3       S+4
//   Msg-Id:      e.g0      e.g1      e.g2      e.h<S+4> (batch: <epoch>.<first gsn>; heartbeat: <epoch>.h<seq>)
//
//   nc.publish(entry, reply=<inbox>.<ticket>.<attempt>) ──▶ stream leader: Msg-Id known? → "duplicate, seq N"
//                                                                 last seq ≠ expected? → 10071 (the fence)
//                                                                 else propose to Raft, store, fsync, ack
//   <inbox>.* ◀── acks, in any order ── handler.committed(ticket, seq, lastGsn) in ticket order
//
// Resends: an entry with no answer after `resendAfterMs`, or answered "no responders / not ready / in
// process", is sent again with the same headers — from the oldest entry not yet stored, in order, so each
// resend expects exactly what its original expected. The Msg-Id makes a resend of a stored entry answer with
// the original's seq (JetStream checks the Msg-Id before the fence), so nothing is stored twice.
//
// The fence: a 10071 answer counts only for a send made while everything before the entry was known stored
// (the entry was the oldest unstored one when it was sent: the stream's last seq had to be its expected one).
// Then someone else appended: the pipeline stops, handler.stopped() gets an AppendFencedError, and every
// entry from that one on is lost — including later ones the server may have stored (they are stale by the
// log's rule, log-interpreter.ts). Any other 10071 is not yet a verdict (the predecessor may still have been
// on its way, e.g. across a stream leader change): the entry is sent again once it is the oldest. Each send
// has its own reply subject <inbox>.<ticket>.<attempt>, so a late answer to an early send is told apart.

import { createInbox, headers, type Msg, type MsgHdrs, type Subscription } from '@nats-io/transport-node'
import { checkRecords, entryLastGsn, recordCheckReason, recordFirstGsn } from './batch-record.js'
import type { ClusterLog } from './cluster-log.js'
import {
  EntryKind,
  HEADER_EPOCH,
  HEADER_EXPECTED_LAST_SEQ,
  HEADER_KIND,
  HEADER_MSG_ID,
  batchMsgId,
  groupMsgId,
  heartbeatMsgId,
} from './entry-descriptor.js'
import { AppendFailedError, AppendFencedError, ClusterError, ClusterErrorCode } from './errors.js'
import { AckClass, emptyPubAck, readPubAck } from './pub-ack.js'

/** appendBatch/appendHeartbeat results below 0. */
export const APPEND_FULL = -1
export const APPEND_STOPPED = -2

export interface AppendHandler {
  /** Entry `ticket` is stored at `seq`; every gsn up to `lastGsn` is committed. Called in ticket order. */
  committed(ticket: number, seq: number, lastGsn: number): void
  /** The pipeline stopped (once): entries from `firstLostTicket` on are not committed and never will be. */
  stopped(error: ClusterError, firstLostTicket: number): void
}

export interface AppenderOptions {
  /** The leader's epoch (its EPOCH entry's). */
  readonly epoch: number
  /** Stream seq of the entry the first append follows: the leader's EPOCH entry. */
  readonly afterSeq: number
  /** Last gsn committed at afterSeq (the EPOCH's committedGsn): the first batch starts at lastGsn + 1. */
  readonly lastGsn: number
  readonly handler: AppendHandler
  /** Entries in flight at most; default 32. */
  readonly window?: number
  /** Resend an entry with no answer after this long; default 2000 ms. */
  readonly resendAfterMs?: number
  /** Give up (stop with AppendFailedError) when an entry is not stored this long after its first send; default 30 000 ms. */
  readonly giveUpAfterMs?: number
  /** Append a heartbeat when nothing was appended for this long and nothing is in flight; 0 = never (default). */
  readonly heartbeatMs?: number
  /** Check each batch's record (magic, length, CRC) before sending; default true. */
  readonly verifyRecords?: boolean
}

const SLOT_FREE = 0
const SLOT_SENT = 1
/** Answered "not now" or refused while an earlier entry was still unstored: send again in turn. */
const SLOT_RESEND = 2
const SLOT_STORED = 3
const RETRY_BACKOFF_MS = 100

interface Slot {
  state: number
  ticket: number
  subject: string
  data: Uint8Array
  hdrs: MsgHdrs | undefined
  attempt: number
  /** First attempt sent while this entry was the oldest unstored one; its 10071 is a verdict. */
  headAttempt: number
  expectedLastSeq: number
  lastGsn: number
  storedSeq: number
  firstSentAt: number
  resendAt: number
}

export class FencedAppender {
  readonly epoch: number
  readonly window: number
  readonly #log: ClusterLog
  readonly #handler: AppendHandler
  readonly #slots: Slot[]
  readonly #inbox: string
  readonly #sub: Subscription
  readonly #resendAfterMs: number
  readonly #giveUpAfterMs: number
  readonly #heartbeatMs: number
  readonly #verify: boolean
  readonly #ack = emptyPubAck()
  readonly #timer: NodeJS.Timeout
  #nextTicket = 0
  /** Oldest ticket not yet reported committed. */
  #deliverTicket = 0
  #tailSeq: number
  #tailGsn: number
  #committedSeq: number
  #committedGsn: number
  #lastAppendAt = performance.now()
  #stopped: ClusterError | undefined
  #waiters: (() => void)[] = []

  constructor(log: ClusterLog, o: AppenderOptions) {
    if (!Number.isSafeInteger(o.epoch) || o.epoch < 1 || !Number.isSafeInteger(o.afterSeq) || o.afterSeq < 0 || !Number.isSafeInteger(o.lastGsn) || o.lastGsn < 0) {
      throw new ClusterError(ClusterErrorCode.badArgument, `bad appender start: epoch=${o.epoch}, afterSeq=${o.afterSeq}, lastGsn=${o.lastGsn}`)
    }
    this.epoch = o.epoch
    this.window = o.window ?? 32
    if (!Number.isInteger(this.window) || this.window < 1 || this.window > 4096) {
      throw new ClusterError(ClusterErrorCode.badArgument, `window must be 1..4096: window=${String(o.window)}`)
    }
    this.#log = log
    this.#handler = o.handler
    this.#resendAfterMs = o.resendAfterMs ?? 2000
    this.#giveUpAfterMs = o.giveUpAfterMs ?? 30_000
    this.#heartbeatMs = o.heartbeatMs ?? 0
    this.#verify = o.verifyRecords ?? true
    this.#tailSeq = o.afterSeq
    this.#tailGsn = o.lastGsn
    this.#committedSeq = o.afterSeq
    this.#committedGsn = o.lastGsn
    this.#slots = Array.from({ length: this.window }, () => ({
      state: SLOT_FREE, ticket: -1, subject: '', data: new Uint8Array(0), hdrs: undefined, attempt: 0, headAttempt: 0,
      expectedLastSeq: 0, lastGsn: 0, storedSeq: 0, firstSentAt: 0, resendAt: 0,
    }))
    this.#inbox = createInbox()
    this.#sub = log.nc.subscribe(`${this.#inbox}.*.*`, { callback: (err, msg) => { if (err === null) this.#onAnswer(msg) } })
    const tick = Math.max(10, Math.min(100, Math.floor(this.#resendAfterMs / 4), this.#heartbeatMs > 0 ? Math.floor(this.#heartbeatMs / 4) : 100))
    this.#timer = setInterval(() => this.#onTick(), tick)
    // The timer alone does not keep a process alive: whoever waits for an entry holds it open.
    this.#timer.unref()
  }

  /** Entries sent and not yet reported committed. */
  get inFlight(): number {
    return this.#nextTicket - this.#deliverTicket
  }

  /** Stream seq of the last committed entry. */
  get committedSeq(): number {
    return this.#committedSeq
  }

  /** Highest committed gsn: the committed watermark. */
  get committedGsn(): number {
    return this.#committedGsn
  }

  /** Last gsn handed to appendBatch (committed or not). */
  get appendedGsn(): number {
    return this.#tailGsn
  }

  get stoppedBy(): ClusterError | undefined {
    return this.#stopped
  }

  /**
   * Appends one or more journal records back to back (exactly the bytes the journal stores). Its first gsn must follow the previous
   * batch's last. Returns the ticket, APPEND_FULL when `window` entries are in flight, APPEND_STOPPED after
   * the pipeline stopped. The appender keeps `record` (for resends) until the entry is committed or the
   * pipeline stops: do not modify it before.
   */
  appendBatch(record: Uint8Array): number {
    if (this.#stopped !== undefined) return APPEND_STOPPED
    if (this.inFlight >= this.window) return APPEND_FULL
    if (this.#verify) {
      const check = checkRecords(record)
      if (check !== 0) throw new ClusterError(ClusterErrorCode.badArgument, `not journal records: reason=${recordCheckReason(check)}`)
    }
    if (record.length > this.#log.maxEntryBytes) {
      throw new ClusterError(
        ClusterErrorCode.entryTooLarge,
        `entry larger than the servers accept: size=${record.length}, max=${this.#log.maxEntryBytes} (nats-server max_payload minus headers); cut batches smaller`,
      )
    }
    const first = recordFirstGsn(record)
    if (first !== this.#tailGsn + 1) {
      throw new ClusterError(ClusterErrorCode.badArgument, `batch does not follow the previous one: firstGsn=${first}, expected=${this.#tailGsn + 1}`)
    }
    return this.#append(EntryKind.batch, this.#log.names.logSubject, record, batchMsgId(this.epoch, first), entryLastGsn(record))
  }

  /** Appends a heartbeat (tells followers the leader is alive; refused by the fence if it is not the leader). */
  appendHeartbeat(): number {
    if (this.#stopped !== undefined) return APPEND_STOPPED
    if (this.inFlight >= this.window) return APPEND_FULL
    return this.#append(EntryKind.heartbeat, this.#log.names.logSubject, EMPTY, heartbeatMsgId(this.epoch, this.#tailSeq + 1), this.#tailGsn)
  }

  /**
   * Appends a group entry (JSON {id, name}: the leader gave `name` the id): ordered with the
   * batches, so a follower knows a group before the first batch that uses it.
   */
  appendGroup(id: number, name: string): number {
    if (this.#stopped !== undefined) return APPEND_STOPPED
    if (this.inFlight >= this.window) return APPEND_FULL
    const data = new TextEncoder().encode(JSON.stringify({ id, name }))
    return this.#append(EntryKind.group, this.#log.names.logSubject, data, groupMsgId(this.epoch, id, this.#tailSeq + 1), this.#tailGsn)
  }

  /** Resolves when an append would not return APPEND_FULL (or the pipeline stopped). */
  whenWritable(): Promise<void> {
    if (this.#stopped !== undefined || this.inFlight < this.window) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Stops the pipeline: in-flight entries are reported lost with `error`. */
  stop(error: ClusterError = new ClusterError(ClusterErrorCode.closed, 'appender closed')): void {
    if (this.#stopped !== undefined) return
    this.#stopped = error
    clearInterval(this.#timer)
    this.#sub.unsubscribe()
    const firstLost = this.#deliverTicket
    for (const s of this.#slots) {
      s.state = SLOT_FREE
      s.data = EMPTY
      s.hdrs = undefined
    }
    this.#deliverTicket = this.#nextTicket
    for (const w of this.#waiters.splice(0)) w()
    this.#handler.stopped(error, firstLost)
  }

  #append(kind: EntryKind, subject: string, data: Uint8Array, msgId: string, lastGsn: number): number {
    const ticket = this.#nextTicket++
    const s = this.#slots[ticket % this.window]!
    const h = headers()
    h.set(HEADER_KIND, kind)
    h.set(HEADER_EPOCH, String(this.epoch))
    h.set(HEADER_MSG_ID, msgId)
    h.set(HEADER_EXPECTED_LAST_SEQ, String(this.#tailSeq))
    s.state = SLOT_SENT
    s.ticket = ticket
    s.subject = subject
    s.data = data
    s.hdrs = h
    s.attempt = 0
    s.headAttempt = ticket === this.#deliverTicket ? 1 : Number.MAX_SAFE_INTEGER
    s.expectedLastSeq = this.#tailSeq
    s.lastGsn = lastGsn
    s.storedSeq = 0
    const now = performance.now()
    s.firstSentAt = now
    s.resendAt = now + this.#resendAfterMs
    this.#tailSeq++
    this.#tailGsn = lastGsn
    this.#lastAppendAt = now
    this.#send(s)
    return ticket
  }

  #send(s: Slot): void {
    s.attempt++
    try {
      this.#log.nc.publish(s.subject, s.data, { reply: `${this.#inbox}.${s.ticket}.${s.attempt}`, headers: s.hdrs })
    } catch (e) {
      this.stop(new AppendFailedError(`append could not be sent: ${e instanceof Error ? e.message : String(e)}`, 0, { cause: e }))
    }
  }

  #slotOf(ticket: number): Slot | undefined {
    if (ticket < this.#deliverTicket || ticket >= this.#nextTicket) return undefined
    const s = this.#slots[ticket % this.window]!
    return s.ticket === ticket && s.state !== SLOT_FREE ? s : undefined
  }

  #onAnswer(msg: Msg): void {
    if (this.#stopped !== undefined) return
    const dot = msg.subject.lastIndexOf('.')
    const dot2 = msg.subject.lastIndexOf('.', dot - 1)
    const s = this.#slotOf(Number(msg.subject.slice(dot2 + 1, dot)))
    if (s === undefined || s.state === SLOT_STORED) return // late answer to a resend, or for a delivered entry
    const attempt = Number(msg.subject.slice(dot + 1))
    const a = readPubAck(msg.data, msg.data.length === 0 && msg.headers?.code === 503, this.#ack)
    switch (a.cls) {
      case AckClass.stored:
        if (a.seq !== s.expectedLastSeq + 1) {
          this.stop(new AppendFencedError(s.expectedLastSeq, a.seq - 1, `entry stored at seq=${a.seq} instead of ${s.expectedLastSeq + 1} (duplicate=${a.duplicate})`))
          return
        }
        s.state = SLOT_STORED
        s.storedSeq = a.seq
        this.#deliver()
        return
      case AckClass.fenced:
        if (s.ticket === this.#deliverTicket && attempt >= s.headAttempt) {
          this.stop(new AppendFencedError(s.expectedLastSeq, a.actualLastSeq, `epoch=${this.epoch}`))
        } else {
          s.state = SLOT_RESEND // judged on a send made once everything before it is stored
          if (s.ticket === this.#deliverTicket) this.#resendFrom(this.#deliverTicket)
        }
        return
      case AckClass.retry:
        s.state = SLOT_RESEND
        // The oldest entry is sent again soon (and those after it, in order); a later one waits for its turn.
        if (s.ticket === this.#deliverTicket) s.resendAt = Math.min(s.resendAt, performance.now() + RETRY_BACKOFF_MS)
        return
      default:
        this.stop(new AppendFailedError(`append refused: err_code=${a.errCode}, ${a.description}`, a.errCode))
    }
  }

  /** Reports the stored prefix, then resends the new oldest entry (and those after it) if it waits for that. */
  #deliver(): void {
    let advanced = false
    for (;;) {
      const s = this.#slotOf(this.#deliverTicket)
      if (s === undefined || s.state !== SLOT_STORED) break
      this.#deliverTicket++
      this.#committedSeq = s.storedSeq
      this.#committedGsn = s.lastGsn
      s.state = SLOT_FREE
      s.data = EMPTY
      s.hdrs = undefined
      advanced = true
      this.#handler.committed(s.ticket, s.storedSeq, s.lastGsn)
      if (this.#stopped !== undefined) return
    }
    if (!advanced) return
    const head = this.#slotOf(this.#deliverTicket)
    if (head !== undefined && head.state === SLOT_RESEND) this.#resendFrom(this.#deliverTicket)
    for (const w of this.#waiters.splice(0)) w()
  }

  /** Sends every entry not yet stored from `ticket` on again, in order, with its original headers. */
  #resendFrom(ticket: number): void {
    const now = performance.now()
    for (let t = ticket; t < this.#nextTicket && this.#stopped === undefined; t++) {
      const s = this.#slotOf(t)
      if (s === undefined || s.state === SLOT_STORED) continue
      s.state = SLOT_SENT
      s.resendAt = now + this.#resendAfterMs
      if (t === this.#deliverTicket && s.headAttempt === Number.MAX_SAFE_INTEGER) s.headAttempt = s.attempt + 1
      this.#send(s)
    }
  }

  #onTick(): void {
    if (this.#stopped !== undefined) return
    if (this.#log.closed) {
      this.stop(new ClusterError(ClusterErrorCode.closed, 'the log connection was closed'))
      return
    }
    const now = performance.now()
    const head = this.#slotOf(this.#deliverTicket)
    if (head !== undefined) {
      if (now - head.firstSentAt >= this.#giveUpAfterMs) {
        this.stop(new AppendFailedError(
          `entry not stored within ${this.#giveUpAfterMs} ms (no stream leader reachable?): expectedLastSeq=${head.expectedLastSeq}, ticket=${head.ticket}`,
          0,
        ))
        return
      }
      if (now >= head.resendAt) this.#resendFrom(this.#deliverTicket)
      return
    }
    if (this.#heartbeatMs > 0 && now - this.#lastAppendAt >= this.#heartbeatMs) this.appendHeartbeat()
  }
}

const EMPTY = new Uint8Array(0)
