// An interest: one distinct set of groups that one or more subscriptions want, seen
// through one group filter (which groups its subscribers may see). The dispatcher
// matches each message once per interest and builds one Deliver frame per interest
// per pass; every live subscription of the interest gets the same frame with its own
// id patched in (fan-out is bound by frames, not messages: one frame, many sends).
//
// Filters: a message whose groups are all visible is copied into the frame as it is
// (the one copy every interest makes); only a message with a group the subscribers
// may not see takes the slower path, a copy with the visible groups and their gseqs
// alone (FrameWriter.addBlobSubset). An interest without a filter checks nothing.

import { FrameWriter } from '../../../codec/frame-writer.js'
import { DELIVER_DURABLE_GSN_POS, DELIVER_SUBSCRIPTION_POS } from '../../../codec/frame-layout.js'
import { GSEQS_LENGTH_POS, GSEQS_POS } from '../../../codec/message-layout.js'
import type { GroupFilter } from '../../engine-port.js'
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

  constructor(
    readonly key: string,
    readonly groups: readonly number[],
    /** Which groups the subscribers may see; null: all of them. */
    readonly filter: GroupFilter | null = null,
  ) {}

  /** Add one message (a canonical blob) to this pass's frame; flushes first when full. */
  add(src: Uint8Array, pos: number, len: number, gsn: number, durableGsn: number): void {
    const keep = this.filter === null ? -1 : visibleMask(this.filter, src, pos)
    if (!this.open) this.begin(durableGsn, len)
    let rc = keep === -1 ? this.writer.addBlob(src, pos, len) : this.writer.addBlobSubset(src, pos, keep)
    if (rc < 0) {
      this.flush(durableGsn)
      this.begin(durableGsn, len)
      rc = keep === -1 ? this.writer.addBlob(src, pos, len) : this.writer.addBlobSubset(src, pos, keep)
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

/**
 * Bit i set when group i of the blob at pos is visible through the filter; -1 when
 * all are (the message goes out as it is). Reads the group ids from the canonical
 * layout directly: this runs per message per filtered interest.
 */
export function visibleMask(filter: GroupFilter, src: Uint8Array, pos: number): number {
  const n = src[pos + GSEQS_LENGTH_POS]! // <= 16: the low byte is the count
  const at = pos + GSEQS_POS + 8 * n + 4
  let keep = 0
  for (let i = 0; i < n; i++) {
    const p = at + 4 * i
    const g = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) >>> 0
    if (filter.visible(g)) keep |= 1 << i
  }
  return keep === (1 << n) - 1 ? -1 : keep
}
