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
    readonly pooled: boolean,
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

/** At most this many free frames are kept; more go to the garbage collector. */
const POOL_MAX = 16

export class FramePool {
  private readonly free: OutFrame[] = []
  readonly writer = new FrameWriter()
  /** Bytes of a pooled frame: maxFrameMessages slots plus maxFrameBytes of messages. */
  readonly frameBytes: number

  constructor(readonly maxFrameMessages: number, maxFrameBytes: number) {
    this.frameBytes = publishBlobsPos(maxFrameMessages) + maxFrameBytes
  }

  /** A frame with room for at least `need` bytes of messages, open for writing (writer bound to it). */
  open(need: number): OutFrame {
    let f: OutFrame
    if (publishBlobsPos(this.maxFrameMessages) + need > this.frameBytes) {
      // One message larger than a pooled frame: a frame of its own, not pooled.
      f = new OutFrame(new Uint8Array(publishBlobsPos(1) + need), false, this)
      this.writer.setTarget(f.buf)
      this.writer.beginPublish(0, 1)
    } else {
      f = this.free.pop() ?? new OutFrame(new Uint8Array(this.frameBytes), true, this)
      this.writer.setTarget(f.buf)
      this.writer.beginPublish(0, this.maxFrameMessages)
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
    if (f.pooled && this.free.length < POOL_MAX) this.free.push(f)
  }

  /** A ready frame whose messages all moved elsewhere (rebuilt): it will never be sent. */
  drop(f: OutFrame): void {
    f.state = FrameState.SENT
    this.maybeRelease(f)
  }
}
