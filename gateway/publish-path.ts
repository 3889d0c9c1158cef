// A verified Publish frame from a connection, on its way to the engine:
//
//   check each message (publisher id, pseq, payload size, group count, each
//   group known and allowed)  ->  fence  ->  offer the accepted prefix  ->  Error
//
// Checks stop at the first refused message p: the messages before p are
// offered (a copy of them as a new frame when the frame is cut), p gets an
// Error naming it, and the messages after p are not sequenced; the client
// resends them numbered from p (README "Refused messages"; the fence in
// gateway/publisher-registry.ts holds back frames that skip p). Nothing here
// allocates per message; a refusal builds its text once.

import { blobLength, copyCanonical } from '../codec/index.js'
import { offerRefusal } from './offer-refusal.js'
import { BACK_PRESSURED, CLOSED, UNAVAILABLE } from '../codec/results.js'
import { GroupAccess } from './auth/group-access.js'
import type { Connection } from './connection.js'
import { PendingPublishes } from './pending-publishes.js'
import { ErrorCode } from '../codec/error-codes.js'
import { monotonicMs } from '../engine/trace/monotonic-clock.js'
import { TraceStage } from '../engine/trace/stage-trace.js'

/** Handles a Publish frame that verifyFrame accepted, held in bytes[0, length). */
export function handlePublish(conn: Connection, bytes: Uint8Array, length: number): void {
  const ctx = conn.ctx
  const arrived = performance.now()
  const stamper = ctx.engine.stageStamper
  const tracedAt = stamper != null && stamper.on ? monotonicMs() : 0
  // Shutting down: take nothing more. The frame is not acknowledged, so the
  // client resends it after reconnecting (deduplicated if it got through).
  if (ctx.draining) return
  let entry = conn.entry
  if (entry === null) {
    // The binding of the publisher id to this identity is on disk before anything is
    // sequenced under it: the engine's dedupe state for the id outlives restarts.
    try {
      ctx.bindings.persist(conn.publisher)
    } catch (err) {
      conn.sendError(ErrorCode.INTERNAL, `cannot record the publisher id's owner, nothing of the frame was taken: publisher=${conn.publisher}, ${err instanceof Error ? err.message : String(err)}`, 0)
      return
    }
    const claim = ctx.registry.claim(conn.publisher, conn)
    entry = claim.entry
    conn.entry = entry
    claim.previous?.takenOver()
    if (conn.closed) return
  }
  const cursor = ctx.cursor
  // The verdict of this frame's verification lets the cursor skip re-checking canonical blobs.
  const count = cursor.reset(bytes, 0, length, ctx.verdict)
  if (count <= 0) return
  const lim = ctx.limits
  const access = conn.access!
  let k = 0
  let code = 0
  let badPseq = 0
  let firstPseq = 0
  let lastPseq = 0
  let detail = 0
  // Bytes the accepted messages take stored (canonical form): what the engine's ingress must hold at once.
  let stored = 0
  while (cursor.next()) {
    const pseq = cursor.pseq
    if (k === 0) firstPseq = pseq
    if (cursor.publisher !== conn.publisher) code = ErrorCode.BAD_PUBLISHER
    else if (pseq === 0) code = ErrorCode.PSEQ_GAP
    else if (cursor.payloadLength > lim.maxPayload) code = ErrorCode.PAYLOAD_TOO_LARGE
    else if (cursor.groupCount > lim.maxGroups) code = ErrorCode.TOO_MANY_GROUPS
    else {
      for (let i = 0, n = cursor.groupCount; i < n; i++) {
        const g = cursor.group(i)
        const bits = access.get(g)
        // An id the token may not see is answered exactly like an id that does not exist (G7).
        if ((bits & GroupAccess.EXISTS) === 0 || (bits & GroupAccess.VISIBLE) === 0) code = ErrorCode.UNKNOWN_GROUP
        else if ((bits & GroupAccess.PUBLISH) === 0) code = ErrorCode.FORBIDDEN_GROUP
        if (code !== 0) {
          detail = g
          break
        }
      }
    }
    if (code !== 0) {
      badPseq = pseq
      if (code === ErrorCode.BAD_PUBLISHER) detail = cursor.publisher
      else if (code === ErrorCode.PAYLOAD_TOO_LARGE) detail = cursor.payloadLength
      else if (code === ErrorCode.TOO_MANY_GROUPS) detail = cursor.groupCount
      break
    }
    lastPseq = pseq
    stored += cursor.isCanonical ? cursor.blobLength : blobLength(cursor.groupCount, cursor.payloadLength)
    k++
  }
  if (stored > ctx.engine.maxOfferBytes) {
    conn.fail(ErrorCode.FRAME_TOO_LARGE, `frame too large for the engine: its messages take bytes=${stored} stored, max=${ctx.engine.maxOfferBytes}; send fewer or smaller messages per frame`, 0)
    return
  }
  if (!ctx.engine.accepting) {
    // The engine takes no publishes (its journal cannot write): the whole frame gets the
    // reason, which also tells the client to resend these pseqs later.
    const refusal = offerRefusal(ctx.engine, ctx.engine.status.state === 'journal-failed' ? UNAVAILABLE : CLOSED)
    conn.sendError(refusal.code, refusal.message, firstPseq)
    return
  }
  if (entry.fence !== 0) {
    if (firstPseq > entry.fence) {
      conn.sendError(ErrorCode.PSEQ_GAP, `pseq gap: frame starts at pseq=${firstPseq}, expected=${entry.fence} (resend from the refused message)`, firstPseq)
      return
    }
    if (k > 0 && lastPseq >= entry.fence) entry.fence = 0
  }
  if (k < count && (entry.fence === 0 || badPseq < entry.fence)) entry.fence = badPseq
  if (k > 0) {
    conn.publishFrames++
    conn.messagesIn += k
    conn.timing.received(lastPseq, arrived)
    if (tracedAt > 0) stamper!.stampAt(TraceStage.gatewayReceived, firstPseq, lastPseq, tracedAt)
  }
  if (k === count) offer(conn, bytes, length, count, firstPseq)
  else if (k > 0) {
    const prefixLength = prefixFrame(conn, bytes, length, k) // may grow the scratch buffer: read it after
    offer(conn, ctx.scratchBuffer(0), prefixLength, k, firstPseq)
  }
  if (k < count) conn.sendError(code, refusalText(conn, code, badPseq, detail), badPseq)
}

function offer(conn: Connection, bytes: Uint8Array, length: number, count: number, firstPseq: number): void {
  const ctx = conn.ctx
  let pending = conn.pending
  if (pending === null || pending.size === 0) {
    const r = ctx.engine.offerPublishFrame(bytes, 0, length, conn.publisher, ctx.verdict)
    if (r >= 0) {
      conn.entry!.offered(conn.generation, r)
      ctx.counters.messagesIn += r
      const stamper = ctx.engine.stageStamper
      // The engine publishes the ring's tail in a microtask queued by the offer; one queued after it runs once that is done.
      if (stamper != null && r > 0 && stamper.on) queueMicrotask(() => stamper.stamp(TraceStage.ingressCommitted, firstPseq, firstPseq + r - 1))
      return
    }
    if (r !== BACK_PRESSURED) {
      const why = offerRefusal(ctx.engine, r)
      conn.sendError(why.code, why.message, firstPseq)
      return
    }
    ctx.counters.ingressBackPressured++
    ctx.waitForIngress(conn)
  }
  if (pending === null) pending = conn.pending = new PendingPublishes()
  pending.hold(bytes, 0, length, count)
  if (pending.bytes > ctx.limits.pendingPublishBytes) {
    conn.fail(
      ErrorCode.OVERLOADED,
      `overloaded: publish frames held for a full ingress: bytes=${pending.bytes}, max=${ctx.limits.pendingPublishBytes}; reconnect and resend`,
      firstPseq,
    )
  }
}

/** Writes the first k messages of the frame as a new Publish frame in the context's scratch buffer; returns its length. */
function prefixFrame(conn: Connection, bytes: Uint8Array, length: number, k: number): number {
  const ctx = conn.ctx
  const cursor = ctx.cursor
  // Canonical blobs can be a little larger than a Builder's shared-vtable encoding.
  const buf = ctx.scratchBuffer(length + 64 * k + 1024)
  const w = ctx.scratchWriter
  if (w.target !== buf) w.setTarget(buf)
  w.beginPublish(0, k)
  cursor.reset(bytes, 0, length)
  for (let i = 0; i < k && cursor.next(); i++) {
    if (cursor.isCanonical) {
      w.addBlob(bytes, cursor.blobStart, cursor.blobLength)
    } else {
      const tmp = new Uint8Array(blobLength(cursor.groupCount, cursor.payloadLength))
      const n = copyCanonical(bytes, cursor.tablePos, tmp, 0)
      w.addBlob(tmp, 0, n)
    }
  }
  return w.finish()
}

function refusalText(conn: Connection, code: number, pseq: number, detail: number): string {
  const lim = conn.ctx.limits
  const tail = `; messages before it were taken, resend the later ones numbered from pseq=${pseq}`
  switch (code) {
    case ErrorCode.BAD_PUBLISHER:
      return `message publisher differs from the connection's: pseq=${pseq}, publisher=${detail}, expected=${conn.publisher}${tail}`
    case ErrorCode.PSEQ_GAP:
      return `pseq 0 is not a pseq: pseqs count from 1${tail}`
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return `payload too large: pseq=${pseq}, size=${detail}, max=${lim.maxPayload}${tail}`
    case ErrorCode.TOO_MANY_GROUPS:
      return `too many groups: pseq=${pseq}, groups=${detail}, max=${lim.maxGroups}${tail}`
    case ErrorCode.UNKNOWN_GROUP:
      return `unknown group: pseq=${pseq}, group_id=${detail} (resolve names with ResolveGroups)${tail}`
    case ErrorCode.FORBIDDEN_GROUP:
      return `forbidden group: pseq=${pseq}, group_id=${detail}, token does not allow publishing to it${tail}`
    default:
      return `message refused: pseq=${pseq}${tail}`
  }
}
