// One subscription inside the engine (RawSubscription). States:
//   catching up  – fed from the journal by piscina tasks (catch-up), not live
//   live         – fed by the dispatcher's frames of its interest
//   paused       – its sink declined a frame (slow consumer); waits for resume()
// nextGsn only grows; everything below it was handed to the sink, exactly once.

import type { FrameSink, GroupFilter, RawSubscription } from '../../engine-port.js'
import type { Interest } from './interest.js'
import { FrameWriter, patchDeliverSubscription } from '../../../codec/frame-writer.js'
import { MessageCursor } from '../../../codec/frame-reader.js'

export interface SubOwner {
  startCatchup(s: Sub): void
  removeSub(s: Sub): void
}

export class Sub implements RawSubscription {
  live = false
  paused = false
  closed = false
  catchingUp = false
  private tmp: Uint8Array | null = null

  constructor(
    readonly id: number,
    readonly groups: readonly number[],
    public interest: Interest,
    readonly sink: FrameSink,
    private readonly owner: SubOwner,
    public nextGsn: number,
    /** Asked for delivery before durable (Deliver.durable_gsn below its gsns). */
    readonly tentative = false,
    /** Which groups of a message it may see (null: all). */
    readonly filter: GroupFilter | null = null,
  ) {}

  /** Hand a frame (subscription id already patched) to the sink. false: declined, now paused. */
  deliverFrame(buf: Uint8Array, off: number, len: number, lastGsn: number): boolean {
    if (!this.sink.onFrame(buf, off, len, lastGsn)) {
      this.live = false
      this.paused = true
      return false
    }
    this.nextGsn = lastGsn + 1
    return true
  }

  /** Deliver only the messages of a frame with gsn >= fromGsn (the switch to live landed mid-frame). */
  deliverTail(frame: Uint8Array, len: number, fromGsn: number, durableGsn: number): void {
    const c = new MessageCursor()
    const n = c.reset(frame, 0, len)
    if (n <= 0) return
    const out = (this.tmp = this.tmp !== null && this.tmp.length >= len ? this.tmp : new Uint8Array(len))
    const w = new FrameWriter(out)
    w.beginDeliver(0, this.id, durableGsn, n)
    let last = 0
    while (c.next()) {
      if (c.gsn < fromGsn) continue
      w.addBlob(frame, c.blobStart, c.blobLength)
      last = c.gsn
    }
    const flen = w.finish()
    if (last === 0) return
    patchDeliverSubscription(out, 0, this.id)
    this.deliverFrame(out, 0, flen, last)
  }

  pause(): void {
    if (this.closed) return
    this.live = false
    this.paused = true
  }

  resume(): void {
    if (this.closed || !this.paused) return
    this.paused = false
    this.owner.startCatchup(this)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.live = false
    this.owner.removeSub(this)
  }
}
