// Verifies and decodes any frame into a plain object (codec/wire-types.ts)
// through the generated readers. For control frames and tools; message frames
// on the hot path are read with MessageCursor instead.
import * as flatbuffers from 'flatbuffers'
import { FrameDecodeError } from './errors.js'
import { DEFAULT_LIMITS, type Limits } from './limits.js'
import {
  Ack,
  Body,
  Deliver,
  Error as ErrorTable,
  Frame,
  Groups,
  Heartbeat,
  Hello,
  Message,
  Publish,
  PublishAck,
  ResolveGroups,
  Subscribe,
  Subscribed,
  Unsubscribe,
  Welcome,
  Withdrawn,
} from './ordo_generated.js'
import { Verdict } from './verdict.js'
import { verifyFrame } from './verifier.js'
import { VerifyCode } from './verify-codes.js'
import type { ErrorFrame, WireFrame, WireMessage } from './wire-types.js'

function decodeMessage(m: Message): WireMessage {
  const groups: number[] = []
  for (let i = 0, n = m.groupsLength(); i < n; i++) groups.push(m.groups(i)!)
  const gseqs: bigint[] = []
  for (let i = 0, n = m.gseqsLength(); i < n; i++) gseqs.push(m.gseqs(i)!)
  const payload = m.payloadArray()
  return {
    gsn: m.gsn(),
    publisher: m.publisher(),
    pseq: m.pseq(),
    groups,
    gseqs,
    time: m.time(),
    payload: payload === null ? new Uint8Array(0) : payload.slice(),
  }
}

function decodeMessages(length: number, get: (i: number, obj: Message) => Message | null): WireMessage[] {
  const out: WireMessage[] = []
  const m = new Message()
  for (let i = 0; i < length; i++) out.push(decodeMessage(get(i, m)!))
  return out
}

function strings(length: number, get: (i: number) => string): string[] {
  const out: string[] = []
  for (let i = 0; i < length; i++) out.push(get(i))
  return out
}

function numbers<T>(length: number, get: (i: number) => T | null): T[] {
  const out: T[] = []
  for (let i = 0; i < length; i++) out.push(get(i)!)
  return out
}

/**
 * Verifies bytes[offset, offset + length) as a frame and decodes it. Throws
 * FrameDecodeError (code BAD_FRAME, verifyCode = the VerifyCode) when the
 * verifier refuses it.
 */
export function decodeFrame(bytes: Uint8Array, limits: Limits = DEFAULT_LIMITS, offset = 0, length = bytes.length - offset): WireFrame {
  const verdict = new Verdict()
  if (verifyFrame(bytes, offset, length, limits, verdict) !== 0) throw new FrameDecodeError(verdict.code, verdict.reason, verdict.position)
  // A copy: the generated readers index from the start of their array, and
  // their typed-array accessors need the frame to start on an aligned address.
  const bb = new flatbuffers.ByteBuffer(bytes.slice(offset, offset + length))
  const frame = Frame.getRootAsFrame(bb)
  switch (frame.bodyType()) {
    case Body.Hello: {
      const h: Hello = frame.body(new Hello())
      return { type: 'Hello', token: h.token() ?? '', publisher: h.publisher() }
    }
    case Body.Welcome: {
      const w: Welcome = frame.body(new Welcome())
      const welcome: WireFrame = { type: 'Welcome', publisher: w.publisher(), maxPayload: w.maxPayload(), maxGroups: w.maxGroups(), durableGsn: w.durableGsn() }
      // Cluster fields only when the server sent them (a standalone server does not).
      const role = w.role()
      if (role !== null) Object.assign(welcome, { node: w.node() ?? '', role, leaderUrl: w.leaderUrl() ?? '', epoch: w.epoch() })
      return welcome
    }
    case Body.ResolveGroups: {
      const r: ResolveGroups = frame.body(new ResolveGroups())
      const names = strings(r.namesLength(), (i) => r.names(i))
      // ids only when present: a frame that asks by name alone decodes as it always did.
      return r.idsLength() > 0 ? { type: 'ResolveGroups', names, create: r.create(), ids: numbers(r.idsLength(), (i) => r.ids(i)) } : { type: 'ResolveGroups', names, create: r.create() }
    }
    case Body.Groups: {
      const g: Groups = frame.body(new Groups())
      return { type: 'Groups', names: strings(g.namesLength(), (i) => g.names(i)), ids: numbers(g.idsLength(), (i) => g.ids(i)) }
    }
    case Body.Publish: {
      const p: Publish = frame.body(new Publish())
      return { type: 'Publish', messages: decodeMessages(p.messagesLength(), (i, m) => p.messages(i, m)) }
    }
    case Body.PublishAck: {
      const a: PublishAck = frame.body(new PublishAck())
      return { type: 'PublishAck', pseqs: numbers(a.pseqsLength(), (i) => a.pseqs(i)), gsns: numbers(a.gsnsLength(), (i) => a.gsns(i)) }
    }
    case Body.Subscribe: {
      const s: Subscribe = frame.body(new Subscribe())
      const sub: WireFrame = { type: 'Subscribe', id: s.id(), groups: numbers(s.groupsLength(), (i) => s.groups(i)), fromGsn: s.fromGsn(), tentative: s.tentative() }
      // Durable fields only when the frame names a durable subscription (or sets its options).
      const name = s.name()
      const policy = s.ackPolicy()
      const wait = s.ackWaitMs()
      if (name !== null || policy !== 0 || wait !== 0) Object.assign(sub, { name: name ?? '', ackPolicy: policy, ackWaitMs: wait })
      const seen = s.seenEpoch()
      if (seen !== 0n) Object.assign(sub, { seenEpoch: seen })
      return sub
    }
    case Body.Subscribed: {
      const s: Subscribed = frame.body(new Subscribed())
      const acked = s.ackedGsn()
      return acked === 0n ? { type: 'Subscribed', id: s.id(), nextGsn: s.nextGsn() } : { type: 'Subscribed', id: s.id(), nextGsn: s.nextGsn(), ackedGsn: acked }
    }
    case Body.Deliver: {
      const d: Deliver = frame.body(new Deliver())
      return {
        type: 'Deliver',
        subscription: d.subscription(),
        messages: decodeMessages(d.messagesLength(), (i, m) => d.messages(i, m)),
        durableGsn: d.durableGsn(),
      }
    }
    case Body.Unsubscribe: {
      const u: Unsubscribe = frame.body(new Unsubscribe())
      return { type: 'Unsubscribe', id: u.id() }
    }
    case Body.Ack: {
      const a: Ack = frame.body(new Ack())
      return { type: 'Ack', subscription: a.subscription(), gsn: a.gsn() }
    }
    case Body.Heartbeat: {
      const h: Heartbeat = frame.body(new Heartbeat())
      const stable = h.stableGsn()
      return stable === 0n ? { type: 'Heartbeat', durableGsn: h.durableGsn() } : { type: 'Heartbeat', durableGsn: h.durableGsn(), stableGsn: stable }
    }
    case Body.Error: {
      const e: ErrorTable = frame.body(new ErrorTable())
      const leaderUrl = e.leaderUrl()
      const error: ErrorFrame = { type: 'Error', code: e.code(), message: e.message() ?? '', ref: e.ref() }
      if (leaderUrl !== null) error.leaderUrl = leaderUrl
      // Only when sent (a FlatBuffers scalar equal to its default 0 is not stored).
      const subscription = e.subscription()
      if (subscription !== 0) error.subscription = subscription
      return error
    }
    case Body.Withdrawn: {
      const w: Withdrawn = frame.body(new Withdrawn())
      return { type: 'Withdrawn', subscription: w.subscription(), fromGsn: w.fromGsn(), toGsn: w.toGsn() }
    }
    default:
      // verifyFrame refuses NONE and unknown members.
      throw new FrameDecodeError(VerifyCode.UNKNOWN_BODY, `unknown body type: body_type=${frame.bodyType()}`, -1)
  }
}
