// Deliver frames read back from the journal (catch-up) carry every group of each
// message. For a subscriber that may not see all of them, this writes a copy of
// such a frame whose messages carry only the visible groups and their gseqs.
// Frames with nothing to hide are left alone (trim() answers -1) and go out as
// they are. Main thread only; one buffer, reused.

import { FrameWriter } from '../../../codec/frame-writer.js'
import { MessageCursor } from '../../../codec/frame-reader.js'
import type { GroupFilter } from '../../engine-port.js'
import { visibleMask } from './interest.js'

export class FrameTrimmer {
  /** Holds the last trimmed frame at [0, length). */
  bytes = new Uint8Array(64 * 1024)
  private readonly writer = new FrameWriter()
  private readonly cursor = new MessageCursor()

  /**
   * Trims the Deliver frame at frame[offset, offset + length) (FrameWriter's
   * layout, canonical blobs). Returns the trimmed frame's length in `bytes`, or
   * -1 when every group of every message is visible.
   */
  trim(frame: Uint8Array, offset: number, length: number, filter: GroupFilter): number {
    const c = this.cursor
    const count = c.reset(frame, offset, length)
    if (count <= 0) return -1
    let hidden = false
    while (!hidden && c.next()) hidden = visibleMask(filter, frame, c.blobStart) !== -1
    if (!hidden) return -1
    if (this.bytes.length < length + 1024) this.bytes = new Uint8Array(length * 2 + 1024)
    const w = this.writer
    if (w.target !== this.bytes) w.setTarget(this.bytes)
    w.beginDeliver(0, c.subscription, c.durableGsn, count)
    c.reset(frame, offset, length)
    while (c.next()) {
      const keep = visibleMask(filter, frame, c.blobStart)
      const rc = keep === -1 ? w.addBlob(frame, c.blobStart, c.blobLength) : w.addBlobSubset(frame, c.blobStart, keep)
      if (rc < 0) throw new Error(`trimmed Deliver frame does not fit: gsn=${c.gsn}, result=${rc}`)
    }
    return w.finish()
  }
}
