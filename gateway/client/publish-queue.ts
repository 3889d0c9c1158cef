// The publishing side of a client: pseq numbering, an in-flight window, Publish
// frames, resend after reconnect, and the renumbering rule for refused messages.
//
//   publish()/send()/publishBatch() ──names cached──▶ encoded at once into the open frame (ticket, pseq)
//        │ a name not resolved yet (or such a message waits before it): the slow lane, in order
//        ▼
//   open frame ──end of the turn / full──▶ ready ──window has room──▶ sent ──PublishAck──▶ settled
//                                                                      │ reconnect: everything unsettled is
//                                                                      │ sent again, same pseqs (deduplicated)
//
// Nothing is allocated per message on the way out but what the caller gets back
// (the promise of publish()): the payload is copied into the frame that is sent,
// the bookkeeping is a ring of typed arrays (publish-ring.ts), frames are pooled
// (out-frames.ts), and an ack settles its message by slot, in pseq order.
//
// Refused message p (an Error naming pseq p: forbidden group, payload too large...):
// p fails; the later messages were not sequenced, so they take the pseqs from p on
// and are sent again (gateway/README.md, "Refused messages"). PSEQ_GAP errors answer
// frames that were already on the way when p was refused; they need nothing.

import { blobLength, blobLengthAt } from '../../codec/index.js'
import type { AckPairSink } from '../../codec/publish-ack.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import type { GroupResolver } from './group-resolver.js'
import { blobPosIn, FramePool, FrameState, patchPseq, patchPublisher, type OutFrame } from './out-frames.js'
import { BatchWaiter, type PublishBatchResult } from './publish-batch.js'
import { PublishRing, SETTLED, type Settler } from './publish-ring.js'
import { SlowLane } from './slow-lane.js'
import { PayloadEncoder } from './payload-encoder.js'
import { PublishChecks } from './publish-checks.js'
import type { ClientPublishResult, PublishItem, PublishLink, PublishQueueOptions } from './publish-types.js'

export type { ClientPublishResult, PublishItem, PublishLink, PublishQueueOptions } from './publish-types.js'

/** pseq of a message waiting in the slow lane (not encoded yet). */
const UNASSIGNED = 0


// One executor for every publish() promise: it hands out the resolving functions
// through these two variables, so no closure is made per call.
let capturedResolve: (r: ClientPublishResult) => void = () => {}
let capturedReject: (e: Error) => void = () => {}
function capture(resolve: (r: ClientPublishResult) => void, reject: (e: Error) => void): void {
  capturedResolve = resolve
  capturedReject = reject
}

export class PublishQueue implements AckPairSink {
  private readonly ring = new PublishRing(4096)
  private readonly pool: FramePool
  private readonly text = new PayloadEncoder()
  /** Local checks, with the server's limits (set from its Welcome). */
  readonly checks = new PublishChecks(this.text)
  private openFrame: OutFrame | null = null
  private ready: OutFrame[] = []
  private readyHead = 0
  /** Messages sent on this connection and not settled. */
  private inFlight = 0
  /** First ticket not encoded yet (the slow lane starts here). */
  private encodedEnd = 1
  private readonly slow: SlowLane
  private flushScheduled = false
  private readonly flushTask = (): void => {
    this.flushScheduled = false
    this.finishOpen()
    this.pump()
  }
  /** flush() callers: each waits until every message up to its seq is settled. */
  private idleWaiters: { seq: number; resolve: () => void }[] = []
  private readonly ids: number[] = new Array<number>(16).fill(0)
  nextPseq = 1
  publisher = 0
  /** PSEQ_GAP errors seen (expected after a refusal; counted for diagnostics). */
  gapErrors = 0

  constructor(
    private readonly link: PublishLink,
    private readonly resolver: GroupResolver,
    private readonly o: PublishQueueOptions,
    /** Failures of messages nobody waits for (send()), with their seq. */
    private readonly onSendError: (err: OrdoError, seq: number) => void,
  ) {
    this.pool = new FramePool(o.maxFrameMessages, o.maxFrameBytes)
    this.slow = new SlowLane(resolver, {
      encode: (ticket, ids, n, payload) => {
        for (let k = 0; k < n; k++) this.ids[k] = ids[k]!
        if (typeof payload === 'string') this.encode(ticket, n, this.text.bytes, this.text.encode(payload))
        else this.encode(ticket, n, payload, payload.length)
      },
      fail: (ticket, err) => {
        this.encodedEnd = ticket + 1
        this.settleFailed(ticket, err)
      },
      settled: (ticket) => this.ring.pseq[this.ring.slot(ticket)] === SETTLED,
      drained: () => this.checkIdle(),
    })
  }

  /** Messages sent and not yet acknowledged. */
  get inFlightCount(): number {
    return this.inFlight
  }

  /** Messages not settled yet (in flight, waiting for the window or for their group names). */
  get unsettled(): number {
    return this.ring.tail - this.ring.head
  }

  /** Every message with seq <= acked is settled (acknowledged, or refused and reported). */
  get acked(): number {
    return this.ring.head - 1
  }

  /** The seq the next message will get. */
  get nextSeq(): number {
    return this.ring.tail
  }

  publish(groups: readonly string[], payload: Uint8Array | string): Promise<ClientPublishResult> {
    const p = new Promise<ClientPublishResult>(capture)
    const resolve = capturedResolve
    const reject = capturedReject
    const problem = this.checks.problem(groups, payload)
    if (problem !== null) reject(problem)
    else this.add(groups, payload, resolve as Settler, reject, 0)
    return p
  }

  /** Queues a message nobody waits for; returns its seq. Throws OrdoError on a local problem. */
  send(groups: readonly string[], payload: Uint8Array | string): number {
    const problem = this.checks.problem(groups, payload)
    if (problem !== null) throw problem
    return this.add(groups, payload, null, null, 0)
  }

  publishBatch(items: readonly PublishItem[]): Promise<PublishBatchResult> {
    if (!Array.isArray(items)) return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'publishBatch takes an array of { groups, payload }'))
    return this.batch(items.length, (i) => {
      const it = items[i]
      return it === null || typeof it !== 'object' ? null : it
    })
  }

  /** publishBatch with one group list for every payload. */
  publishBatchTo(groups: readonly string[], payloads: readonly (Uint8Array | string)[]): Promise<PublishBatchResult> {
    if (!Array.isArray(payloads)) return Promise.reject(new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'publishBatch(groups, payloads) takes an array of payloads'))
    const item = { groups, payload: '' as Uint8Array | string }
    return this.batch(payloads.length, (i) => {
      item.payload = payloads[i]!
      return item
    })
  }

  /** Checks every message first (a local problem refuses the whole batch, nothing sent), then queues them. */
  private batch(n: number, itemAt: (i: number) => PublishItem | null): Promise<PublishBatchResult> {
    for (let i = 0; i < n; i++) {
      const it = itemAt(i)
      const problem = it === null ? new OrdoError(ClientErrorCode.BAD_ARGUMENT, `publishBatch item ${i} is not { groups, payload }`) : this.checks.problem(it.groups, it.payload)
      if (problem !== null) return Promise.reject(problem)
    }
    return new Promise((resolve, reject) => {
      const w = new BatchWaiter(n, resolve, reject)
      for (let i = 0; i < n; i++) {
        const it = itemAt(i)!
        this.add(it.groups, it.payload, w, null, i)
      }
      if (n === 0) w.done()
    })
  }

  /** Queues a checked message; returns its ticket (seq). */
  private add(groups: readonly string[], payload: Uint8Array | string, settler: Settler, reject: ((e: Error) => void) | null, index: number): number {
    const r = this.ring
    const ticket = r.take()
    const i = r.slot(ticket)
    r.settler[i] = settler
    r.reject[i] = reject
    r.index[i] = index
    const n = groups.length
    let cached = this.slow.empty
    if (cached) {
      const ids = this.ids
      for (let k = 0; k < n; k++) {
        const id = this.resolver.idOf(groups[k]!)
        if (id === undefined) {
          cached = false
          break
        }
        ids[k] = id
      }
    }
    if (cached) {
      if (typeof payload === 'string') {
        const len = this.text.encode(payload)
        this.encode(ticket, n, this.text.bytes, len)
      } else {
        this.encode(ticket, n, payload, payload.length)
      }
    } else {
      r.pseq[i] = UNASSIGNED
      r.frame[i] = null
      this.slow.push(ticket, groups, payload)
    }
    return ticket
  }

  /** Encodes message `ticket` (group ids in this.ids[0, n)) into the open frame. */
  private encode(ticket: number, n: number, payload: Uint8Array, length: number): void {
    const w = this.pool.writer
    const pseq = this.nextPseq
    let f = this.openFrame
    if (f === null || w.addMessage(this.publisher, pseq, this.ids, n, payload, 0, length) !== 0) {
      // A frame that filled up: the rest of this turn goes into full-size frames.
      const filled = f !== null
      if (filled) this.finishOpen()
      f = this.openNew(blobLength(n, length), filled)
      w.addMessage(this.publisher, pseq, this.ids, n, payload, 0, length)
    }
    this.nextPseq = pseq + 1
    const r = this.ring
    const i = r.slot(ticket)
    r.pseq[i] = pseq
    r.frame[i] = f
    r.blobAt[i] = w.count - 1
    f.count++
    f.live++
    f.lastTicket = ticket
    this.encodedEnd = ticket + 1
  }

  /** Opens a frame: a small one unless the previous frame of this turn filled up (`large`). */
  private openNew(need: number, large: boolean): OutFrame {
    const f = this.pool.open(need, large)
    this.openFrame = f
    if (!this.flushScheduled) {
      // Everything published in this turn of the event loop shares frames; they go out at its end.
      this.flushScheduled = true
      queueMicrotask(this.flushTask)
    }
    return f
  }

  private finishOpen(): void {
    const f = this.openFrame
    if (f === null) return
    this.openFrame = null
    f.length = this.pool.writer.finishCompact()
    f.bytes = f.buf.subarray(0, f.length)
    f.state = FrameState.READY
    this.ready.push(f)
  }

  /** Sends ready frames while the window has room. */
  private pump(): void {
    if (!this.link.open) return
    const r = this.ring
    while (this.readyHead < this.ready.length) {
      const f = this.ready[this.readyHead]!
      if (this.inFlight > 0 && this.inFlight + f.live > this.o.maxInFlight) break
      this.readyHead++
      f.state = FrameState.SENT
      f.writing++
      this.inFlight += f.live
      r.sentEnd = f.lastTicket + 1
      this.link.sendFrame(f.bytes, f.onWritten)
    }
    if (this.readyHead === this.ready.length) {
      this.ready.length = 0
      this.readyHead = 0
    }
  }

  onAckPair(pseq: number, gsn: number): void {
    const r = this.ring
    let t = r.head
    if (t >= r.sentEnd || r.pseq[r.slot(t)] !== pseq) {
      t = r.find(pseq, r.head, r.sentEnd)
      if (t === 0) return // an answer to a resend already answered
    }
    const i = r.slot(t)
    const settler = r.settler[i]!
    const index = r.index[i]!
    this.release(t, i)
    if (typeof settler === 'function') (settler as unknown as (v: ClientPublishResult) => void)({ gsn: BigInt(gsn), pseq: BigInt(pseq) })
    else if (settler !== null) settler.ack(index, gsn)
  }

  /** After a PublishAck: the window may have room, waiters may be done. */
  afterAcks(): void {
    this.pump()
    this.checkIdle()
  }

  /** Frees slot i (ticket t): settled. */
  private release(t: number, i: number): void {
    const r = this.ring
    const f = r.frame[i]
    r.frame[i] = null
    r.settler[i] = null
    r.reject[i] = null
    r.pseq[i] = SETTLED
    if (f !== null) {
      if (t < r.sentEnd) this.inFlight--
      f.live--
      if (f.live === 0) this.pool.maybeRelease(f)
    }
    if (t === r.head) r.advance()
  }

  private settleFailed(t: number, err: OrdoError): void {
    const r = this.ring
    const i = r.slot(t)
    if (r.pseq[i] === SETTLED) return
    const settler = r.settler[i]!
    const reject = r.reject[i]
    const index = r.index[i]!
    this.release(t, i)
    if (reject !== null) reject(err)
    else if (settler !== null && typeof settler !== 'function') settler.fail(index, err)
    else this.onSendError(err, t)
  }

  /**
   * The server refused pseq p. Returns false when p is not in flight. With renumber, the messages after p
   * take the pseqs from p on and are sent again.
   */
  onRefused(p: number, err: OrdoError, renumber: boolean): boolean {
    const r = this.ring
    const t = r.find(p, r.head, r.sentEnd)
    if (t === 0) return false
    this.settleFailed(t, err)
    if (renumber) this.rebuild(t + 1, p)
    this.pump()
    this.checkIdle()
    return true
  }

  /** Whether pseq p was sent and is not settled yet. */
  hasInFlight(p: number): boolean {
    const r = this.ring
    return r.find(p, r.head, r.sentEnd) !== 0
  }

  /** After a reconnect: everything unsettled is sent again with its pseq (the server answers resends with their gsn). */
  resendAll(): void {
    this.rebuild(this.ring.head, 0)
    this.pump()
  }

  /** Under a new publisher id: everything unsettled is sent again, numbered from pseq 1. */
  renumberAll(): void {
    this.nextPseq = 1
    this.rebuild(this.ring.head, 1)
    this.pump()
  }

  /**
   * Copies every encoded, unsettled message from ticket `from` on into fresh frames (ready, not sent),
   * renumbering them from pseq `renumberFrom` when it is not 0. The frames they were in are released.
   */
  private rebuild(from: number, renumberFrom: number): void {
    this.finishOpen()
    const old = this.ready.slice(this.readyHead)
    this.ready = []
    this.readyHead = 0
    const r = this.ring
    const w = this.pool.writer
    let q = renumberFrom
    for (let t = from; t < this.encodedEnd; t++) {
      const i = r.slot(t)
      const p = r.pseq[i]!
      if (p === SETTLED || p === UNASSIGNED) continue
      const of = r.frame[i]!
      const pos = blobPosIn(of, r.blobAt[i]!)
      const len = blobLengthAt(of.buf, pos)
      if (t < r.sentEnd) this.inFlight--
      let f = this.openFrame
      if (f === null || w.addBlob(of.buf, pos, len) !== 0) {
        const filled = f !== null
        if (filled) this.finishOpen()
        f = this.openNew(len, filled)
        w.addBlob(of.buf, pos, len)
      }
      const pseq = renumberFrom !== 0 ? q++ : p
      const at = w.blobPos(w.count - 1)
      patchPseq(f, at, pseq)
      // The server keeps the publisher id a client asks for; should one ever differ, resends carry the new one.
      patchPublisher(f, at, this.publisher)
      r.pseq[i] = pseq
      r.frame[i] = f
      r.blobAt[i] = w.count - 1
      f.count++
      f.live++
      f.lastTicket = t
      of.live--
      this.pool.maybeRelease(of)
    }
    for (const f of old) this.pool.drop(f)
    this.finishOpen()
    if (r.sentEnd > from) r.sentEnd = from
    if (renumberFrom !== 0) this.nextPseq = q
  }

  /** Resolves when every message up to seq (default: every message so far) is settled. */
  idle(seq = this.ring.tail - 1): Promise<void> {
    if (this.ring.head > seq) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push({ seq, resolve }))
  }

  private checkIdle(): void {
    const w = this.idleWaiters
    if (w.length === 0) return
    const acked = this.ring.head - 1
    let kept = 0
    for (let i = 0; i < w.length; i++) {
      const x = w[i]!
      if (x.seq <= acked) x.resolve()
      else w[kept++] = x
    }
    w.length = kept
  }

  /** Fails every unsettled message (the client closed or cannot go on). */
  failAll(err: OrdoError): void {
    const r = this.ring
    this.finishOpen()
    for (let t = r.head; t < r.tail; t++) this.settleFailed(t, err)
    for (const f of this.ready.slice(this.readyHead)) this.pool.drop(f)
    this.ready = []
    this.readyHead = 0
    this.slow.clear()
    this.encodedEnd = r.tail
    this.inFlight = 0
    const w = this.idleWaiters
    this.idleWaiters = []
    for (const x of w) x.resolve()
  }
}
