// An interest: one distinct set of groups that one or more subscriptions want. The
// dispatcher matches each message once per interest and builds one Deliver frame per
// interest per pass; every live subscription of the interest gets the same frame with
// its own id patched in (REFERENCE.md: fan-out is frame-bound, so one frame, many sends).

import { FrameWriter, patchDeliverDurableGsn, patchDeliverSubscription } from '../../codec/frame-writer.js'
import type { Sub } from './sub.js'

const MAX_MESSAGES_PER_FRAME = 1024
const INITIAL_BYTES = 512 * 1024

export class Interest {
  readonly subs: Sub[] = []
  /** Last gsn matched (a message with several of our groups is added once). */
  markGsn = 0
  firstGsn = 0
  lastGsn = 0
  private buf = new Uint8Array(INITIAL_BYTES)
  private readonly writer = new FrameWriter(this.buf)
  private open = false

  constructor(readonly key: string, readonly groups: readonly number[]) {}

  /** Add one message (a canonical blob) to this pass's frame; flushes first when full. */
  add(src: Uint8Array, pos: number, len: number, gsn: number, durableGsn: number): void {
    if (!this.open) this.begin(durableGsn, len)
    let rc = this.writer.addBlob(src, pos, len)
    if (rc < 0) {
      this.flush(durableGsn)
      this.begin(durableGsn, len)
      rc = this.writer.addBlob(src, pos, len)
      if (rc < 0) throw new Error(`message does not fit a Deliver frame: gsn=${gsn}, bytes=${len}`)
    }
    if (this.firstGsn === 0) this.firstGsn = gsn
    this.lastGsn = gsn
  }

  /** Finish the frame and hand it to every live subscription. */
  flush(durableGsn: number): void {
    if (!this.open) return
    this.open = false
    const len = this.writer.finish()
    const first = this.firstGsn
    const last = this.lastGsn
    this.firstGsn = 0
    this.lastGsn = 0
    if (first === 0) return
    const buf = this.buf
    patchDeliverDurableGsn(buf, 0, durableGsn)
    const subs = this.subs
    for (let k = 0; k < subs.length; k++) {
      const s = subs[k]!
      if (!s.live || s.nextGsn > last) continue
      if (s.nextGsn > first) {
        s.deliverTail(buf, len, s.nextGsn, durableGsn) // just switched to live mid-frame (rare)
        continue
      }
      patchDeliverSubscription(buf, 0, s.id)
      s.deliverFrame(buf, 0, len, last)
    }
  }

  private begin(durableGsn: number, len: number): void {
    if (this.buf.length < len * 2 + 8192) {
      this.buf = new Uint8Array(Math.max(this.buf.length * 2, len * 2 + 8192))
      this.writer.setTarget(this.buf)
    }
    this.writer.beginDeliver(0, 0, durableGsn, MAX_MESSAGES_PER_FRAME)
    this.open = true
  }
}
