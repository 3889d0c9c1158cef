// Frames held while their groups are looked up elsewhere. A front end whose
// group table lives in another server (a relay, gateway/relay/relay-engine.ts) cannot
// answer a ResolveGroups for a name it has never seen, or check a Subscribe or
// Publish naming an id it has never seen (a client that moved here from
// another relay keeps its cached ids), until it has asked its upstream. Such a
// frame, and every later frame of the connection, is copied and held until the
// answer is in; then they are handled in arrival order, so the conversation's
// order holds (ResolveGroups answered in order, Publish frames in pseq order).
// A server with a local group table holds frames only behind a ResolveGroups
// answer that waits for its group ids to be committed (a cluster leader: holdUntil).

import { BodyType, decodeFrame } from '../codec/index.js'
import { ErrorCode } from '../codec/error-codes.js'
import { groupNameProblemText } from '../codec/group-name.js'
import type { Connection } from './connection.js'

export const Redispatch = {
  /** A held frame whose groups were not looked up yet (it may be held again). */
  HELD: 1,
  /** The held frame whose lookup finished: handle it whatever the answer. */
  LOOKED_UP: 2,
} as const

/** Handles one frame again (gateway/frame-handler.ts handleFrame; passed in to keep the imports one-way). */
export type Redispatcher = (conn: Connection, message: ArrayBuffer, isBinary: boolean, redispatch: number) => void

/** Holds the frame (returns true) when the connection already holds frames or the frame names groups not held locally. */
export function holdForLookup(conn: Connection, type: number, bytes: Uint8Array, length: number, message: ArrayBuffer, handleFrame: Redispatcher): boolean {
  if (conn.lookupQueue !== null) {
    hold(conn, message)
    return true
  }
  const wait = startLookup(conn, type, bytes, length)
  if (wait === null) return false
  conn.lookupQueue = []
  hold(conn, message)
  const drain = () => drainHeld(conn, handleFrame, Redispatch.LOOKED_UP)
  wait.then(drain, drain)
  return true
}

/**
 * Holds the connection's later frames until `wait` settles, then calls `answer` (with the rejection, if
 * any) and handles the held frames in arrival order. A cluster leader answers a ResolveGroups only once
 * the ids in it are committed: the answers after it must not overtake it.
 */
export function holdUntil(conn: Connection, wait: Promise<void>, answer: (err: unknown) => void, handleFrame: Redispatcher): void {
  conn.lookupQueue ??= []
  const settle = (err: unknown): void => {
    if (!conn.closed) answer(err)
    drainHeld(conn, handleFrame, Redispatch.HELD)
  }
  wait.then(() => settle(undefined), settle)
}

function startLookup(conn: Connection, type: number, bytes: Uint8Array, length: number): Promise<void> | null {
  const ctx = conn.ctx
  const lookup = ctx.engine.lookupGroups
  if (lookup === undefined) return null
  switch (type) {
    case BodyType.ResolveGroups: {
      const f = decodeFrame(bytes, ctx.verifierLimits, 0, length)
      if (f.type !== 'ResolveGroups') return null
      // Only names this client may resolve are looked up, and created only when it may
      // publish to every one of them (the handler refuses the frame otherwise): the
      // relay's own rights upstream never stand in for the client's.
      const grants = conn.grants!
      const names = f.names.filter((n) => groupNameProblemText(n) === '' && grants.canResolve(n))
      const create = f.create && names.length === f.names.length && names.every((n) => grants.canPublish(n))
      return lookup.call(ctx.engine, names, f.ids ?? [], create)
    }
    case BodyType.Subscribe: {
      const f = decodeFrame(bytes, ctx.verifierLimits, 0, length)
      return f.type === 'Subscribe' ? lookup.call(ctx.engine, [], f.groups, false) : null
    }
    case BodyType.Publish: {
      // The gateway's access cache knows every id it has seen: an unknown one is rare.
      const access = conn.access
      if (access === null) return null
      const cursor = ctx.cursor
      if (cursor.reset(bytes, 0, length) <= 0) return null
      let unknown: number[] | null = null
      while (cursor.next()) {
        for (let i = 0, n = cursor.groupCount; i < n; i++) {
          const g = cursor.group(i)
          if (ctx.engine.groupName(g) === undefined) (unknown ??= []).push(g)
        }
      }
      return unknown === null ? null : lookup.call(ctx.engine, [], unknown, false)
    }
    default:
      return null
  }
}

function hold(conn: Connection, message: ArrayBuffer): void {
  // uWS's ArrayBuffer is valid only during its callback: keep a copy.
  conn.lookupQueue!.push(message.slice(0))
  conn.lookupHeldBytes += message.byteLength
  const max = conn.ctx.limits.pendingPublishBytes
  if (conn.lookupHeldBytes > max) {
    conn.fail(ErrorCode.OVERLOADED, `overloaded: frames held while group names are looked up upstream: bytes=${conn.lookupHeldBytes}, max=${max}; reconnect and resend`, 0)
  }
}

/** first: how the first held frame is handled again (LOOKED_UP when it is the frame whose lookup finished). */
function drainHeld(conn: Connection, handleFrame: Redispatcher, first: number): void {
  const held = conn.lookupQueue
  conn.lookupQueue = null
  conn.lookupHeldBytes = 0
  if (held === null || conn.closed) return
  for (let i = 0; i < held.length; i++) {
    if (conn.closed) return
    if (conn.lookupQueue !== null) {
      // A later frame started another lookup: the rest waits behind it, in order.
      for (let j = i; j < held.length; j++) hold(conn, held[j]!)
      return
    }
    try {
      handleFrame(conn, held[i]!, true, i === 0 ? first : Redispatch.HELD)
    } catch (err) {
      conn.ctx.logger.error({ event: 'internal_error', conn: conn.generation, subject: conn.subject, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'internal error on a connection')
      conn.fail(ErrorCode.INTERNAL, `internal error: ${err instanceof Error ? err.message : String(err)}`, 0)
    }
  }
}
