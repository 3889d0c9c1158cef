// Deliver frames as the relay keeps them: its own copy of each upstream frame,
// in FrameWriter's fixed layout so that the subscription id can be patched in
// place for every client (patchDeliverSubscription), plus the gsn range it
// holds. A frame in any other layout (a valid FlatBuffers encoding from some
// other server) is written again once, on arrival; the root's and every
// relay's frames already have the fixed layout and are only copied.

import { BodyType, copyCanonical, blobLength, FrameWriter, MessageCursor, writerFrameKind, type Verdict } from '../../codec/index.js'
import type { GroupFilter } from '../../engine/engine-port.js'
import { FrameTrimmer } from '../../engine/stages/fanout/frame-trimmer.js'

export interface StoredFrame {
  readonly bytes: Uint8Array
  readonly first: number
  readonly last: number
  readonly count: number
  /** The frame as clients with a group filter see it, by filter key (made on first need; the bytes when nothing is hidden). */
  trimmed?: Map<string, Uint8Array>
}

const cursor = new MessageCursor()
const writer = new FrameWriter()
const trimmer = new FrameTrimmer()

/**
 * The frame with only the groups `filter` lets its client see (a message to groups
 * a token may not see is shown with its visible groups and their gseqs alone, as the
 * root's fan-out does). Computed once per frame and filter key, shared by the
 * clients whose filters answer alike.
 */
export function visibleBytes(f: StoredFrame, filter: GroupFilter): Uint8Array {
  let m = f.trimmed
  const hit = m?.get(filter.key)
  if (hit !== undefined) return hit
  const n = trimmer.trim(f.bytes, 0, f.bytes.length, filter)
  const out = n < 0 ? f.bytes : trimmer.bytes.slice(0, n)
  if (m === undefined) m = f.trimmed = new Map()
  m.set(filter.key, out)
  return out
}

/** The gsn range of a verified Deliver frame; null when it carries no message. */
export function storeDeliver(bytes: Uint8Array, verdict?: Verdict): StoredFrame | null {
  const count = cursor.reset(bytes, 0, bytes.length, verdict)
  if (count <= 0) return null
  cursor.next()
  const first = cursor.gsn
  let last = first
  while (cursor.next()) last = cursor.gsn
  const own = writerFrameKind(bytes, 0, bytes.length) === BodyType.Deliver ? bytes.slice() : rewrite(bytes, first, Number.MAX_SAFE_INTEGER)
  if (own === null) return null
  return { bytes: own, first, last, count }
}

/**
 * A new Deliver frame with the messages of `frame` whose gsn is in [from, until)
 * (a subscription that starts or stops mid-frame); null when none is. Rare:
 * once per resume or switch, never per live frame.
 */
export function sliceDeliver(frame: StoredFrame, from: number, until: number): StoredFrame | null {
  const bytes = rewrite(frame.bytes, from, until)
  if (bytes === null) return null
  const count = cursor.reset(bytes, 0, bytes.length)
  cursor.next()
  const first = cursor.gsn
  let last = first
  while (cursor.next()) last = cursor.gsn
  return { bytes, first, last, count }
}

function rewrite(bytes: Uint8Array, from: number, until: number): Uint8Array | null {
  const n = cursor.reset(bytes, 0, bytes.length)
  const durable = cursor.durableGsn
  const subscription = cursor.subscription
  let keep = 0
  let size = 0
  while (cursor.next()) {
    if (cursor.gsn < from || cursor.gsn >= until) continue
    keep++
    size += blobLength(cursor.groupCount, cursor.payloadLength)
  }
  if (keep === 0 || n <= 0) return null
  const out = new Uint8Array(size + 8 * keep + 256)
  writer.setTarget(out)
  writer.beginDeliver(0, subscription, durable, keep)
  cursor.reset(bytes, 0, bytes.length)
  while (cursor.next()) {
    if (cursor.gsn < from || cursor.gsn >= until) continue
    if (cursor.isCanonical) writer.addBlob(bytes, cursor.blobStart, cursor.blobLength)
    else {
      const tmp = new Uint8Array(blobLength(cursor.groupCount, cursor.payloadLength))
      const len = copyCanonical(bytes, cursor.tablePos, tmp, 0)
      writer.addBlob(tmp, 0, len)
    }
  }
  const length = writer.finish()
  return out.subarray(0, length)
}
