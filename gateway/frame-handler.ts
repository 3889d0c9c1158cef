// Every binary frame a client sends: verify, then dispatch on the body type.
// Publish goes to gateway/publish-path.ts; the control frames are decoded into
// objects here (they are rare) and answered.

import { groupResolveRefusal } from './group-resolve-refusal.js'
import { BodyType, bodyTypeName, decodeFrame, VerifyCode, verifyCodeName, verifyFrame, type WireFrame } from '../codec/index.js'
import { GroupAccessCache, GroupAccess } from './auth/group-access.js'
import { AuthError } from './auth/auth-errors.js'
import type { Connection } from './connection.js'
import { groupNameProblemText } from '../codec/group-name.js'
import { ErrorCode } from '../codec/error-codes.js'
import { handlePublish } from './publish-path.js'
import { holdForLookup, holdUntil, Redispatch } from './group-lookup.js'
import { SubscriptionSink } from './subscription-sink.js'
import { subscribeDurable } from './durable-subscribe.js'
import { groupsFrame, heartbeatFrame, subscribedFrame, welcomeFrame, withdrawnFrame } from './wire/control-frames.js'
import { awaitResume, decideResume, type ResumeDecision } from './withdrawn.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * redispatch: 0 for a frame as it arrives; Redispatch.HELD / LOOKED_UP for a frame held while its groups
 * were looked up (gateway/group-lookup.ts), already counted.
 */
export function handleFrame(conn: Connection, message: ArrayBuffer, isBinary: boolean, redispatch = 0): void {
  const ctx = conn.ctx
  const length = message.byteLength
  if (redispatch === 0) {
    ctx.counters.framesIn++
    ctx.counters.bytesIn += length
  }
  if (!isBinary) {
    conn.fail(ErrorCode.TEXT_FRAME, 'text frames are not part of the protocol: send binary FlatBuffers frames (codec/ordo.fbs)', 0)
    return
  }
  if (length > ctx.limits.maxFrameBytes) {
    conn.fail(ErrorCode.FRAME_TOO_LARGE, `frame too large: size=${length}, max=${ctx.limits.maxFrameBytes}`, 0)
    return
  }
  const bytes = new Uint8Array(message)
  const v = ctx.verdict
  const code = verifyFrame(bytes, 0, length, ctx.verifierLimits, v)
  if (code !== 0) {
    refuseUnverified(conn, code, v.bodyType, v.reason)
    return
  }
  const type = v.bodyType
  if (!conn.helloDone && type !== BodyType.Hello) {
    conn.fail(ErrorCode.HELLO_REQUIRED, `a connection opens with Hello: got ${bodyTypeName(type)} first`, 0)
    return
  }
  // Only a front end whose group table lives elsewhere (a relay) has lookupGroups.
  if (redispatch !== Redispatch.LOOKED_UP && (conn.lookupQueue !== null || ctx.engine.lookupGroups !== undefined) && holdForLookup(conn, type, bytes, length, message, handleFrame)) {
    return
  }
  switch (type) {
    case BodyType.Publish:
      handlePublish(conn, bytes, length)
      return
    case BodyType.Hello:
      handleHello(conn, bytes)
      return
    case BodyType.ResolveGroups:
      handleResolve(conn, bytes)
      return
    case BodyType.Subscribe:
      handleSubscribe(conn, bytes)
      return
    case BodyType.Unsubscribe:
      handleUnsubscribe(conn, bytes)
      return
    case BodyType.Ack:
      handleAck(conn, bytes)
      return
    case BodyType.Heartbeat:
      conn.send(heartbeatFrame(ctx.engine.durableGsn, ctx.engine.stableGsn))
      return
    default:
      conn.sendError(ErrorCode.UNEXPECTED_FRAME, `unexpected frame from a client: body=${bodyTypeName(type)} (server-to-client only)`, 0)
  }
}

/** Maps a verifier refusal to the wire error; limits on groups stay open, broken frames close. */
function refuseUnverified(conn: Connection, code: number, bodyType: number, reason: string): void {
  switch (code) {
    case VerifyCode.FRAME_TOO_LARGE:
      conn.fail(ErrorCode.FRAME_TOO_LARGE, reason, 0)
      return
    case VerifyCode.TOO_MANY_GROUPS:
      conn.sendError(ErrorCode.TOO_MANY_GROUPS, `frame refused, nothing in it was sequenced: ${reason}`, 0)
      return
    case VerifyCode.NO_GROUPS:
    case VerifyCode.DUPLICATE_GROUP:
      conn.sendError(ErrorCode.EMPTY_GROUPS, `frame refused, nothing in it was sequenced: ${reason}`, 0)
      return
    case VerifyCode.NAME_TOO_LONG:
      conn.sendError(ErrorCode.BAD_GROUP_NAME, reason, 0)
      return
    default:
      conn.fail(ErrorCode.BAD_FRAME, `bad frame: code=${verifyCodeName(code)}, body=${bodyTypeName(bodyType)}, ${reason}`, 0)
  }
}

function decode(conn: Connection, bytes: Uint8Array) {
  return decodeFrame(bytes, conn.ctx.verifierLimits)
}

function handleHello(conn: Connection, bytes: Uint8Array): void {
  const ctx = conn.ctx
  const f = decode(conn, bytes)
  if (f.type !== 'Hello') return
  if (conn.helloDone) {
    conn.sendError(ErrorCode.UNEXPECTED_FRAME, 'second Hello on one connection: open a new connection instead', 0)
    return
  }
  try {
    conn.grants = ctx.auth.authenticate(f.token)
    conn.token = f.token
  } catch (err) {
    const why = err instanceof AuthError ? err.message : `bad token: ${String(err)}`
    ctx.counters.authFailures++
    // The reason names what was wrong with the token, never the token itself.
    ctx.logger.warn({ event: 'auth_failed', conn: conn.generation, remote: conn.remote, code: err instanceof AuthError ? err.code : 'BAD_TOKEN', reason: why }, 'authentication failed')
    conn.fail(ErrorCode.BAD_TOKEN, why, 0)
    return
  }
  if (f.publisher > MAX_SAFE) {
    conn.fail(ErrorCode.BAD_PUBLISHER, `publisher id too large: publisher=${f.publisher}, max=${MAX_SAFE}`, 0)
    return
  }
  // A publisher id belongs to one identity (G4): an assigned one is bound to the
  // caller at once; a named one only when it is free or already the caller's.
  const identity = conn.grants.identity
  if (f.publisher === 0n) {
    conn.publisher = ctx.bindings.assign(identity, () => ctx.engine.newPublisherId())
  } else {
    const id = Number(f.publisher)
    if (!ctx.bindings.claim(id, identity)) {
      conn.fail(ErrorCode.PUBLISHER_TAKEN, `publisher id not available to this token: publisher=${id}; connect with publisher 0 to be assigned one`, 0)
      return
    }
    conn.publisher = id
  }
  conn.holdsBinding = true
  conn.access = new GroupAccessCache(conn.grants, (id) => ctx.engine.groupName(id))
  conn.helloDone = true
  ctx.logger.info({ event: 'connection_open', conn: conn.generation, subject: conn.grants.subject, remote: conn.remote, publisher: conn.publisher }, 'client connected')
  const cl = ctx.engine.clusterStatus?.() ?? null
  const cluster = cl === null ? undefined : { node: cl.node, role: cl.role, leaderUrl: cl.leaderUrl ?? '', epoch: cl.epoch }
  conn.send(welcomeFrame(conn.publisher, ctx.limits.maxPayload, ctx.limits.maxGroups, ctx.engine.durableGsn, cluster))
}

function handleResolve(conn: Connection, bytes: Uint8Array): void {
  const f = decode(conn, bytes)
  if (f.type !== 'ResolveGroups') return
  const grants = conn.grants!
  for (const name of f.names) {
    const problem = groupNameProblemText(name)
    if (problem !== '') {
      conn.sendError(ErrorCode.BAD_GROUP_NAME, problem, 0)
      return
    }
    // Decided by the name alone (the client chose it), so it says nothing about whether the group exists.
    if (!grants.canResolve(name)) {
      conn.ctx.logger.debug({ event: 'forbidden', conn: conn.generation, subject: grants.subject, what: 'resolve' }, 'group refused to a token')
      conn.sendError(ErrorCode.FORBIDDEN_GROUP, `forbidden group: group=${name}, the token allows neither publishing nor subscribing to it`, 0)
      return
    }
  }
  let ids: number[]
  try {
    ids = conn.ctx.engine.resolveGroupIds(f.names, false)
    if (f.create && ids.some((id) => id < 0)) {
      // Creating a group takes the right to publish to that very name.
      for (let i = 0; i < ids.length; i++) {
        if (ids[i]! < 0 && !grants.canPublish(f.names[i]!)) {
          conn.sendError(ErrorCode.UNKNOWN_GROUP, `unknown group: group=${f.names[i]}; the token may not create it (creating a group needs the right to publish to it)`, 0)
          return
        }
      }
      ids = conn.ctx.engine.resolveGroupIds(f.names, true)
    }
  } catch (err) {
    const refusal = groupResolveRefusal(err)
    conn.sendError(refusal.code, refusal.message, 0)
    return
  }
  // Unknown names (create = false) answer id 0: group ids count from 1.
  const names = [...f.names]
  const out = ids.map((id) => (id < 0 ? 0 : id))
  // Names asked for by id follow: '' and 0 for an id unknown or not visible to
  // the token, so a client learns nothing about groups it may not see (G7).
  for (const id of f.ids ?? []) {
    const name = conn.ctx.engine.groupName(id)
    const visible = name !== undefined && grants.canResolve(name)
    names.push(visible ? name : '')
    out.push(visible ? id : 0)
  }
  // A cluster leader gives out ids only once the log entries naming them are committed.
  let maxId = 0
  for (const id of out) if (id > maxId) maxId = id
  const wait = maxId === 0 ? null : (conn.ctx.engine.groupsCommitted?.(maxId) ?? null)
  if (wait === null) {
    conn.send(groupsFrame(names, out))
    return
  }
  holdUntil(
    conn,
    wait,
    (err) => {
      if (err === undefined) conn.send(groupsFrame(names, out))
      else conn.sendError(ErrorCode.NOT_LEADER, err instanceof Error ? err.message : `not the leader: ${String(err)}`, 0)
    },
    handleFrame,
  )
}

function handleSubscribe(conn: Connection, bytes: Uint8Array): void {
  const ctx = conn.ctx
  const f = decode(conn, bytes)
  if (f.type !== 'Subscribe') return
  const id = f.id
  const subs = (conn.subs ??= new Map())
  if (subs.has(id)) {
    conn.sendError(ErrorCode.DUPLICATE_SUBSCRIPTION_ID, `subscription id already in use on this connection: id=${id}`, id, id)
    return
  }
  if (subs.size >= ctx.limits.maxSubscriptionsPerConnection) {
    conn.sendError(ErrorCode.TOO_MANY_SUBSCRIPTIONS, `too many subscriptions: id=${id}, max=${ctx.limits.maxSubscriptionsPerConnection}`, id, id)
    return
  }
  if (f.groups.length === 0 || new Set(f.groups).size !== f.groups.length) {
    conn.sendError(ErrorCode.EMPTY_GROUPS, `subscription needs distinct groups: id=${id}, groups=${f.groups.length}`, id, id)
    return
  }
  for (const g of f.groups) {
    const bits = conn.access!.get(g)
    // An id the token may not see is answered exactly like an id that does not exist (G7).
    if ((bits & GroupAccess.EXISTS) === 0 || (bits & GroupAccess.VISIBLE) === 0) {
      conn.sendError(ErrorCode.UNKNOWN_GROUP, `unknown group: subscription=${id}, group_id=${g} (resolve names with ResolveGroups)`, id, id)
      return
    }
    if ((bits & GroupAccess.SUBSCRIBE) === 0) {
      conn.sendError(ErrorCode.FORBIDDEN_GROUP, `forbidden group: subscription=${id}, group_id=${g}, token does not allow subscribing to it`, id, id)
      return
    }
  }
  const fromGsn = f.fromGsn > MAX_SAFE ? Number.MAX_SAFE_INTEGER : Number(f.fromGsn)
  if ((f.name !== undefined && f.name !== '') || (f.ackPolicy ?? 0) !== 0) {
    subscribeDurable(conn, f, fromGsn)
    return
  }
  const seenEpoch = f.tentative && f.seenEpoch !== undefined && f.seenEpoch <= MAX_SAFE ? Number(f.seenEpoch) : 0
  if (seenEpoch > 0) {
    // A tentative subscription resuming in a cluster: first, whether a failover withdrew what it saw (withdrawn.ts).
    const d = decideResume(ctx.engine, seenEpoch, fromGsn)
    if (!d.wait) {
      resumeTentative(conn, f, d)
      return
    }
    // Until this node can tell, the connection's later frames wait behind this one (their answers stay in order).
    let decided: ResumeDecision | null = null
    const wait = awaitResume(ctx.engine, seenEpoch, fromGsn, () => conn.closed).then((r) => {
      decided = r
    })
    holdUntil(conn, wait, () => {
      if (decided !== null) resumeTentative(conn, f, decided)
    }, handleFrame)
    return
  }
  subscribeOrdinary(conn, f, fromGsn)
}

function resumeTentative(conn: Connection, f: Extract<WireFrame, { type: 'Subscribe' }>, d: ResumeDecision): void {
  if (d.wait) return
  if (d.withdrawnTo > 0) {
    conn.ctx.counters.withdrawn++
    conn.send(withdrawnFrame(f.id, d.fromGsn, d.withdrawnTo))
  }
  subscribeOrdinary(conn, f, d.fromGsn)
}

function subscribeOrdinary(conn: Connection, f: Extract<WireFrame, { type: 'Subscribe' }>, fromGsn: number): void {
  const ctx = conn.ctx
  const id = f.id
  const subs = (conn.subs ??= new Map())
  if (subs.has(id)) {
    conn.sendError(ErrorCode.DUPLICATE_SUBSCRIPTION_ID, `subscription id already in use on this connection: id=${id}`, id, id)
    return
  }
  const sink = new SubscriptionSink(conn, id, f.groups, f.tentative)
  subs.set(id, sink)
  try {
    // Deliver frames show only the groups the token may subscribe to (open mode: all).
    const visible = conn.grants!.open ? undefined : conn.access!
    sink.raw = ctx.engine.subscribeFrames(f.groups, { id, fromGsn, tentative: f.tentative, visible }, sink)
  } catch (err) {
    subs.delete(id)
    sink.closed = true
    conn.sendError(ErrorCode.INTERNAL, `subscribe failed: id=${id}, ${err instanceof Error ? err.message : String(err)}`, id, id)
    return
  }
  if (!sink.announced && !sink.closed) {
    sink.announced = true
    conn.send(subscribedFrame(id, sink.raw.nextGsn))
  }
}

function handleUnsubscribe(conn: Connection, bytes: Uint8Array): void {
  const f = decode(conn, bytes)
  if (f.type !== 'Unsubscribe') return
  const sink = conn.subs?.get(f.id)
  if (sink === undefined) {
    conn.sendError(ErrorCode.UNKNOWN_SUBSCRIPTION, `unknown subscription: id=${f.id}`, f.id, f.id)
    return
  }
  conn.subs!.delete(f.id)
  if (sink.paused) conn.pausedCount--
  sink.paused = false
  sink.close()
}

function handleAck(conn: Connection, bytes: Uint8Array): void {
  const f = decode(conn, bytes)
  if (f.type !== 'Ack') return
  const sink = conn.subs?.get(f.subscription)
  if (sink === undefined) {
    conn.sendError(ErrorCode.UNKNOWN_SUBSCRIPTION, `ack for an unknown subscription: id=${f.subscription}`, f.subscription, f.subscription)
    return
  }
  const gsn = f.gsn > MAX_SAFE ? Number.MAX_SAFE_INTEGER : Number(f.gsn)
  // A durable subscription stores it (cumulative, never backwards, never past what was
  // delivered); an ordinary one only reports it (lag in the admin API).
  if (sink.durable !== null) sink.lastAckedGsn = sink.durable.ack(gsn)
  else if (gsn > sink.lastAckedGsn) sink.lastAckedGsn = gsn
}
