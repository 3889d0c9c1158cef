// Subscribe with a name: attach the connection to the durable subscription (token
// identity, name), which the engine keeps (engine/durable/). It resumes right after the
// acknowledged gsn (from_gsn 0), or from from_gsn; Subscribed.acked_gsn says where the
// acknowledgements stand. Names are per identity: another token's durable subscriptions
// of the same name are other subscriptions, never visible from here. One consumer per
// name: a second one gets DURABLE_BUSY (acknowledgements are cumulative in gsn order, so
// splitting one stream between consumers would let one consumer's ack cover messages
// another has not processed).

import { AckPolicy } from '../codec/ack-policy.js'
import { ErrorCode } from '../codec/error-codes.js'
import type { SubscribeFrame } from '../codec/index.js'
import type { Connection } from './connection.js'
import { SubscriptionSink } from './subscription-sink.js'
import { subscribedFrame } from './wire/control-frames.js'

export function subscribeDurable(conn: Connection, f: SubscribeFrame, fromGsn: number): void {
  const ctx = conn.ctx
  const id = f.id
  const name = f.name ?? ''
  const engine = ctx.engine
  if (engine.subscribeDurable === undefined) {
    conn.sendError(ErrorCode.DURABLE_MISMATCH, `durable subscriptions are not kept by this server: subscription=${id}, name=${name}`, id, id)
    return
  }
  if (name === '') {
    conn.sendError(ErrorCode.DURABLE_MISMATCH, `ack_policy needs a durable subscription name: subscription=${id}, ack_policy=${f.ackPolicy ?? 0}`, id, id)
    return
  }
  const grants = conn.grants!
  const sink = new SubscriptionSink(conn, id, f.groups, false)
  sink.durableName = name
  conn.subs!.set(id, sink)
  let r
  try {
    const visible = grants.open ? undefined : conn.access!
    // A name with ack_policy 0 asks for a durable subscription: explicit acks.
    const ackPolicy = (f.ackPolicy ?? 0) === AckPolicy.none ? AckPolicy.explicit : f.ackPolicy!
    r = engine.subscribeDurable(f.groups, { id, fromGsn, tentative: f.tentative, visible, identity: grants.identity, name, ackPolicy, ackWaitMs: f.ackWaitMs ?? 0 }, sink)
  } catch (err) {
    conn.subs!.delete(id)
    sink.closed = true
    conn.sendError(ErrorCode.INTERNAL, `subscribe failed: id=${id}, ${err instanceof Error ? err.message : String(err)}`, id, id)
    return
  }
  if (!r.ok) {
    conn.subs!.delete(id)
    sink.closed = true
    conn.sendError(r.code, `subscription=${id}: ${r.message}`, id, id)
    return
  }
  sink.raw = r.handle
  sink.durable = r.handle
  sink.lastAckedGsn = r.ackedGsn
  ctx.logger.debug({ event: 'durable_attached', conn: conn.generation, subject: grants.subject, subscription: id, name, ackedGsn: r.ackedGsn, created: r.created }, 'durable subscription attached')
  if (!sink.announced && !sink.closed) {
    sink.announced = true
    conn.send(subscribedFrame(id, r.handle.nextGsn, r.ackedGsn))
  }
}
