// Publish frames on their way out: each message is encoded once, at the call,
// straight into the frame that will be sent, and the frame is kept until every
// message in it is settled (acknowledged or refused), because a reconnect or a
// refusal sends those messages again. Frames are reused from a small pool, so a
// steady stream of publishes allocates no frame memory.
//
//   open ──finish (compact)──▶ ready ──send──▶ sent ──all settled + written──▶ pool
//     ▲                                                                          │
//     └──────────────────────────────────────────────────────────────────────────┘
//
// Two sizes of pooled frame: a turn of the event loop starts in a small one (64 messages,
// 8 KB of them), and only a turn that fills it goes on in full-size frames
// (maxFrameMessages, maxFrameBytes: ~260 KB by default). A paced publisher sending a few
// messages per turn has many frames unacknowledged at once; were each full-size, the frames
// past the pool's would be 260 KB buffers made and dropped at that rate, and V8 answers
// such external-memory churn with a mark-compact every few tens of milliseconds.
//
// A frame's buffer is handed to the transport without a copy where it allows
// (the `ws` package with an unmasked key); it goes back to the pool only after
// the transport reported the bytes written, so it is never overwritten while a
// socket still reads it.

import { FrameWriter, PSEQ_POS, PUBLISHER_POS, TABLE_POS, publishBlobsPos } from '../../codec/index.js'
import { PUBLISH_SLOTS_POS } from '../../codec/frame-layout.js'

export const FrameState = { OPEN: 0, READY: 1, SENT: 2, FREE: 3 } as const

export class OutFrame {
  /** Finished frame bytes [0, length) (set by finish). */
  length = 0
  /** The frame as sent: buf[0, length). */
  bytes: Uint8Array
  /** Ticket (client-side message number) of its first message; its messages have consecutive tickets. */
  firstTicket = 0
  count = 0
  /** Messages whose only copy is in this frame and that are not settled yet. */
  live = 0
  /** Sends of this frame whose bytes the transport has not reported written. */
  writing = 0
  state: number = FrameState.OPEN
  /** Ticket of its last message (its messages' tickets increase; a ticket refused before encoding is skipped). */
  lastTicket = 0
  /** Called by the transport once the bytes are written (bound once, reused with the frame). */
  readonly onWritten: () => void
  readonly view: DataView

  constructor(
    readonly buf: Uint8Array,
    /** FrameSize: which free list it returns to (OWN: none). */
    readonly size: number,
    private readonly pool: FramePool,
  ) {
    this.bytes = buf.subarray(0, 0)
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.onWritten = () => {
      this.writing--
      this.pool.maybeRelease(this)
    }
  }
}

/** Position of message k's blob in a Publish frame written by FrameWriter (read from its slot). */
export function blobPosIn(f: OutFrame, k: number): number {
  const slot = PUBLISH_SLOTS_POS + 4 * k
  return slot + f.view.getUint32(slot, true) - TABLE_POS
}

/** Rewrites the publisher of the blob at `pos` (an integer below 2^53). */
export function patchPublisher(f: OutFrame, pos: number, publisher: number): void {
  f.view.setUint32(pos + PUBLISHER_POS, publisher >>> 0, true)
  f.view.setUint32(pos + PUBLISHER_POS + 4, Math.floor(publisher / 4294967296), true)
}

/** Rewrites the pseq of the blob at `pos` (an integer below 2^53). */
export function patchPseq(f: OutFrame, pos: number, pseq: number): void {
  f.view.setUint32(pos + PSEQ_POS, pseq >>> 0, true)
  f.view.setUint32(pos + PSEQ_POS + 4, Math.floor(pseq / 4294967296), true)
}

/** Pooled frame sizes, and OWN: a frame made for one message larger than a pooled frame. */
export const FrameSize = { SMALL: 0, LARGE: 1, OWN: 2 } as const

/** A small frame: room for this many messages and bytes of them (or maxFrameMessages / maxFrameBytes if lower). */
const SMALL_MESSAGES = 64
const SMALL_BYTES = 8 * 1024
/** At most this many free frames of each size are kept; more go to the garbage collector. */
const POOL_MAX = [64, 16]

export class FramePool {
  private readonly free: OutFrame[][] = [[], []]
  readonly writer = new FrameWriter()
  /** Slots of a frame of each pooled size. */
  private readonly slots: number[]
  /** Bytes of a frame of each pooled size: its slots plus its bytes of messages. */
  private readonly frameBytes: number[]
  /** Buffers made so far (pooled or not) and their bytes, for tests and diagnostics. */
  buffersMade = 0
  bytesMade = 0

  constructor(maxFrameMessages: number, maxFrameBytes: number) {
    const small = Math.min(SMALL_MESSAGES, maxFrameMessages)
    this.slots = [small, maxFrameMessages]
    this.frameBytes = [publishBlobsPos(small) + Math.min(SMALL_BYTES, maxFrameBytes), publishBlobsPos(maxFrameMessages) + maxFrameBytes]
  }

  /**
   * A frame with room for at least `need` bytes of messages, open for writing (writer bound to it):
   * small unless `large` (the turn's previous frame filled up) or `need` does not fit a small one.
   */
  open(need: number, large: boolean): OutFrame {
    let size: number = large ? FrameSize.LARGE : FrameSize.SMALL
    if (size === FrameSize.SMALL && publishBlobsPos(this.slots[0]!) + need > this.frameBytes[0]!) size = FrameSize.LARGE
    if (size === FrameSize.LARGE && publishBlobsPos(this.slots[1]!) + need > this.frameBytes[1]!) size = FrameSize.OWN
    let f: OutFrame
    if (size === FrameSize.OWN) {
      f = new OutFrame(this.made(publishBlobsPos(1) + need), FrameSize.OWN, this)
      this.writer.setTarget(f.buf)
      this.writer.beginPublish(0, 1)
    } else {
      f = this.free[size]!.pop() ?? new OutFrame(this.made(this.frameBytes[size]!), size, this)
      this.writer.setTarget(f.buf)
      this.writer.beginPublish(0, this.slots[size]!)
    }
    f.state = FrameState.OPEN
    f.count = 0
    f.live = 0
    f.length = 0
    return f
  }

  /** Returns a frame to the pool once nothing refers to it any more. */
  maybeRelease(f: OutFrame): void {
    if (f.live > 0 || f.writing > 0 || f.state === FrameState.OPEN || f.state === FrameState.FREE || f.state === FrameState.READY) return
    f.state = FrameState.FREE
    if (f.size !== FrameSize.OWN && this.free[f.size]!.length < POOL_MAX[f.size]!) this.free[f.size]!.push(f)
  }

  /** A ready frame whose messages all moved elsewhere (rebuilt): it will never be sent. */
  drop(f: OutFrame): void {
    f.state = FrameState.SENT
    this.maybeRelease(f)
  }

  private made(bytes: number): Uint8Array {
    this.buffersMade++
    this.bytesMade += bytes
    return new Uint8Array(bytes)
  }
}
