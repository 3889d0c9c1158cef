// An interest: one distinct set of groups that one or more subscriptions want. The
// dispatcher matches each message once per interest and builds one Deliver frame per
// interest per pass; every live subscription of the interest gets the same frame with
// its own id patched in (fan-out costs per frame sent, not per byte: one frame, many sends).

import { FrameWriter } from '../../../codec/frame-writer.js'
import { DELIVER_DURABLE_GSN_POS, DELIVER_SUBSCRIPTION_POS } from '../../../codec/frame-layout.js'
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
  // The interest's own view for the two patches: with many interests the shared view cache
  // (codec/byte-view.ts, four entries) would miss and build a DataView per interest per pass.
  private view = new DataView(this.buf.buffer)
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
    const view = this.view
    view.setUint32(DELIVER_DURABLE_GSN_POS, durableGsn >>> 0, true)
    view.setUint32(DELIVER_DURABLE_GSN_POS + 4, Math.floor(durableGsn / 4294967296), true)
    const subs = this.subs
    for (let k = 0; k < subs.length; k++) {
      const s = subs[k]!
      if (!s.live || s.nextGsn > last) continue
      if (s.nextGsn > first) {
        s.deliverTail(buf, len, s.nextGsn, durableGsn) // just switched to live mid-frame (rare)
        continue
      }
      view.setUint32(DELIVER_SUBSCRIPTION_POS, s.id >>> 0, true)
      s.deliverFrame(buf, 0, len, last)
    }
  }

  private begin(durableGsn: number, len: number): void {
    if (this.buf.length < len * 2 + 8192) {
      this.buf = new Uint8Array(Math.max(this.buf.length * 2, len * 2 + 8192))
      this.view = new DataView(this.buf.buffer)
      this.writer.setTarget(this.buf)
    }
    this.writer.beginDeliver(0, 0, durableGsn, MAX_MESSAGES_PER_FRAME)
    this.open = true
  }
}
