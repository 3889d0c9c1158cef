// The publishing side of a client: automatic pseq numbering, an in-flight
// window, batching into Publish frames, resend after reconnect, and the
// renumbering rule for refused messages.
//
//   publish() ──▶ waiting (FIFO, until its group names are resolved)
//                    │ window has room: pseq = next++
//                    ▼
//                 inFlight (pseq order) ──Publish frames──▶ server
//                    │ PublishAck (pseq, gsn): resolve     │ reconnect: resend all, same pseqs
//                    ▼                                       (the server deduplicates)
//
// Refused message p (an Error naming pseq p: forbidden group, payload too
// large...): p is rejected; the messages after it were not sequenced, so they
// take the pseqs from p on and are sent again (README "Refused messages").
// PSEQ_GAP errors are the server's answer to frames that were already on the way
// when p was refused; they need nothing.

import { blobLength, FrameWriter } from '../../codec/index.js'
import { PUBLISH_EMPTY_LENGTH, publishBlobsPos } from '../../codec/frame-layout.js'
import { ErrorCode } from '../../codec/error-codes.js'
import type { AckPairSink } from '../../codec/publish-ack.js'
import { ClientErrorCode, OrdoError } from './errors.js'
import type { GroupResolver, Link } from './group-resolver.js'

export interface ClientPublishResult {
  /** The message's place in the total order. */
  gsn: bigint
  /** The pseq it was (last) sent with. */
  pseq: bigint
}

export interface PublishItem {
  groups: readonly string[]
  payload: Uint8Array | string
}

interface OutMessage {
  groups: readonly string[]
  ids: number[] | null
  error: OrdoError | null
  payload: Uint8Array
  pseq: number
  resolve: (r: ClientPublishResult) => void
  reject: (e: Error) => void
}

export interface PublishQueueOptions {
  /** Most messages sent and not yet acknowledged. Default 16 384. */
  maxInFlight: number
  /** Most messages per Publish frame. Default 1024. */
  maxFrameMessages: number
  /** Target Publish frame size, bytes (a larger single message gets a frame of its own). Default 256 KiB. */
  maxFrameBytes: number
}

const encoder = new TextEncoder()

export class PublishQueue implements AckPairSink {
  private readonly waiting: OutMessage[] = []
  private head = 0
  private readonly inFlight = new Map<number, OutMessage>()
  private flushScheduled = false
  private idleWaiters: (() => void)[] = []
  private buf: Uint8Array
  private readonly writer: FrameWriter
  nextPseq = 1
  publisher = 0
  maxPayload = 1024 * 1024
  maxGroups = 16
  /** PSEQ_GAP errors seen (expected after a refusal; counted for diagnostics). */
  gapErrors = 0

  constructor(
    private readonly link: Link,
    private readonly resolver: GroupResolver,
    private readonly o: PublishQueueOptions,
  ) {
    this.buf = new Uint8Array(o.maxFrameBytes + 4 * o.maxFrameMessages + 64)
    this.writer = new FrameWriter(this.buf)
  }

  get inFlightCount(): number {
    return this.inFlight.size
  }

  get waitingCount(): number {
    return this.waiting.length - this.head
  }

  publish(groups: readonly string[], payload: Uint8Array | string): Promise<ClientPublishResult> {
    return new Promise((resolve, reject) => this.enqueue(groups, payload, resolve, reject))
  }

  private enqueue(groups: readonly string[], payload: Uint8Array | string, resolve: (r: ClientPublishResult) => void, reject: (e: Error) => void): void {
    const bytes = typeof payload === 'string' ? encoder.encode(payload) : payload
    const problem = this.problem(groups, bytes)
    if (problem !== null) {
      reject(problem)
      return
    }
    const m: OutMessage = { groups, ids: null, error: null, payload: bytes, pseq: 0, resolve, reject }
    const ids: number[] = []
    for (const g of groups) {
      const id = this.resolver.idOf(g)
      if (id === undefined) break
      ids.push(id)
    }
    if (ids.length === groups.length) m.ids = ids
    else {
      this.resolver.resolve(groups).then(
        (r) => {
          m.ids = r
          this.scheduleFlush()
        },
        (e: Error) => {
          m.error = e instanceof OrdoError ? e : new OrdoError(ErrorCode.INTERNAL, e.message)
          this.scheduleFlush()
        },
      )
    }
    this.waiting.push(m)
    this.scheduleFlush()
  }

  private problem(groups: readonly string[], payload: Uint8Array): OrdoError | null {
    if (!Array.isArray(groups) || groups.length === 0) return new OrdoError(ErrorCode.EMPTY_GROUPS, 'a message needs at least one group')
    if (groups.length > this.maxGroups) return new OrdoError(ErrorCode.TOO_MANY_GROUPS, `too many groups: groups=${groups.length}, max=${this.maxGroups}`)
    if (new Set(groups).size !== groups.length) return new OrdoError(ErrorCode.EMPTY_GROUPS, `a group is named twice: groups=${groups.join(',')}`)
    if (!(payload instanceof Uint8Array)) return new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'payload must be a Uint8Array or a string')
    if (payload.length > this.maxPayload) return new OrdoError(ErrorCode.PAYLOAD_TOO_LARGE, `payload too large: size=${payload.length}, max=${this.maxPayload}`)
    return null
  }

  scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    queueMicrotask(() => {
      this.flushScheduled = false
      this.flush()
    })
  }

  /** Moves waiting messages into the window and sends them. */
  flush(): void {
    if (!this.link.open) return
    let open = false
    while (this.head < this.waiting.length) {
      const m = this.waiting[this.head]!
      if (m.error !== null) {
        this.shift()
        m.reject(m.error)
        continue
      }
      if (m.ids === null || this.inFlight.size >= this.o.maxInFlight) break
      this.shift()
      m.pseq = this.nextPseq++
      this.inFlight.set(m.pseq, m)
      open = this.write(m, open)
    }
    if (open) this.sendFrame()
    this.checkIdle()
  }

  private shift(): void {
    this.waiting[this.head] = undefined as unknown as OutMessage
    this.head++
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head)
      this.head = 0
    }
  }

  /** Adds m to the open frame (opening or sending frames as needed); returns whether a frame is open. */
  private write(m: OutMessage, open: boolean): boolean {
    const w = this.writer
    const need = blobLength(m.ids!.length, m.payload.length)
    if (open && (w.count >= this.o.maxFrameMessages || w.position + need > this.buf.length)) {
      this.sendFrame()
      open = false
    }
    if (!open) {
      const room = publishBlobsPos(this.o.maxFrameMessages) + need
      if (room > this.buf.length) {
        this.buf = new Uint8Array(room)
        w.setTarget(this.buf)
      }
      w.beginPublish(0, this.o.maxFrameMessages)
    }
    w.addMessage(this.publisher, m.pseq, m.ids!, m.ids!.length, m.payload, 0, m.payload.length)
    return true
  }

  private sendFrame(): void {
    const length = this.writer.finish()
    if (length > PUBLISH_EMPTY_LENGTH) this.link.send(this.buf.subarray(0, length))
  }

  /** After a reconnect: everything unacknowledged again, same pseqs, then what waits. */
  resendAll(): void {
    if (!this.link.open) return
    let open = false
    for (const m of this.inFlight.values()) open = this.write(m, open)
    if (open) this.sendFrame()
    this.flush()
  }

  onAckPair(pseq: number, gsn: number): void {
    const m = this.inFlight.get(pseq)
    if (m === undefined) return // an answer to a resend already answered
    this.inFlight.delete(pseq)
    m.resolve({ gsn: BigInt(gsn), pseq: BigInt(pseq) })
  }

  /** After a batch of acks: the window may have room. */
  afterAcks(): void {
    if (this.head < this.waiting.length) this.flush()
    else this.checkIdle()
  }

  /**
   * The server refused pseq p. Returns false when p is not in flight. With
   * renumber, the messages after p move down one pseq each and are sent again.
   */
  onRefused(p: number, err: OrdoError, renumber: boolean): boolean {
    const m = this.inFlight.get(p)
    if (m === undefined) return false
    this.inFlight.delete(p)
    m.reject(err)
    if (renumber) {
      const later: OutMessage[] = []
      for (const [q, x] of this.inFlight) if (q > p) later.push(x)
      for (const x of later) this.inFlight.delete(x.pseq)
      let q = p
      for (const x of later) {
        x.pseq = q++
        this.inFlight.set(x.pseq, x)
      }
      this.nextPseq = q
      if (this.link.open && later.length > 0) {
        let open = false
        for (const x of later) open = this.write(x, open)
        if (open) this.sendFrame()
      }
    }
    this.flush()
    return true
  }

  hasInFlight(pseq: number): boolean {
    return this.inFlight.has(pseq)
  }

  /** Resolves when nothing waits and nothing is in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0 && this.head >= this.waiting.length) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || this.inFlight.size > 0 || this.head < this.waiting.length) return
    const w = this.idleWaiters
    this.idleWaiters = []
    for (const f of w) f()
  }

  failAll(err: Error): void {
    for (const m of this.inFlight.values()) m.reject(err)
    this.inFlight.clear()
    while (this.head < this.waiting.length) {
      const m = this.waiting[this.head]!
      this.shift()
      m.reject(err)
    }
    this.waiting.length = 0
    this.head = 0
    const w = this.idleWaiters
    this.idleWaiters = []
    for (const f of w) f()
  }
}
