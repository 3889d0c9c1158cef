// Reads every field of a frame through the generated readers (codec/ordo_generated.ts)
// over a ByteBuffer that throws on any read outside the frame. The reference
// decoder of the codec tests: if the verifier accepts a frame, this must not throw.
import * as flatbuffers from 'flatbuffers'
import * as g from '../../../codec/ordo_generated.js'

export class OutOfBoundsRead extends Error {
  constructor(what: string, pos: number, size: number) {
    super(`generated reader read out of bounds: what=${what}, pos=${pos}, size=${size}`)
    this.name = 'OutOfBoundsRead'
  }
}

/** ByteBuffer whose reads fail loudly instead of yielding undefined/0 past the end. */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private check(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && pos + size <= this.capacity())) throw new OutOfBoundsRead(what, pos, this.capacity())
  }
  override readInt8(offset: number): number {
    this.check(offset, 1, 'int8')
    return super.readInt8(offset)
  }
  override readUint8(offset: number): number {
    this.check(offset, 1, 'uint8')
    return super.readUint8(offset)
  }
  override readInt16(offset: number): number {
    this.check(offset, 2, 'int16')
    return super.readInt16(offset)
  }
  override readUint16(offset: number): number {
    this.check(offset, 2, 'uint16')
    return super.readUint16(offset)
  }
  override readInt32(offset: number): number {
    this.check(offset, 4, 'int32')
    return super.readInt32(offset)
  }
  override readUint32(offset: number): number {
    this.check(offset, 4, 'uint32')
    return super.readUint32(offset)
  }
  override __string(offset: number, optionalEncoding?: flatbuffers.Encoding): string | Uint8Array {
    const start = offset + this.readInt32(offset)
    const length = this.readInt32(start)
    this.check(start + 4, length, 'string')
    return super.__string(offset, optionalEncoding)
  }
}

export interface ReadMessage {
  gsn: bigint
  publisher: bigint
  pseq: bigint
  groups: number[]
  gseqs: bigint[]
  time: bigint
  payload: number[]
  hasGsn: boolean
  hasTime: boolean
  hasGseqs: boolean
}

function readMessage(m: g.Message): ReadMessage {
  const groups: number[] = []
  for (let i = 0; i < m.groupsLength(); i++) groups.push(m.groups(i)!)
  const gseqs: bigint[] = []
  for (let i = 0; i < m.gseqsLength(); i++) gseqs.push(m.gseqs(i)!)
  const payload: number[] = []
  for (let i = 0; i < m.payloadLength(); i++) payload.push(m.payload(i)!)
  // The typed-array accessors must agree with the element accessors.
  const ga = m.groupsArray()
  if (ga !== null && ga.length !== groups.length) throw new Error('groupsArray length differs')
  const pa = m.payloadArray()
  if (pa !== null && pa.length !== payload.length) throw new Error('payloadArray length differs')
  return {
    gsn: m.gsn(),
    publisher: m.publisher(),
    pseq: m.pseq(),
    groups,
    gseqs,
    time: m.time(),
    payload,
    hasGsn: m.bb!.__offset(m.bb_pos, 4) !== 0,
    hasTime: m.bb!.__offset(m.bb_pos, 14) !== 0,
    hasGseqs: m.bb!.__offset(m.bb_pos, 12) !== 0,
  }
}

function list<T>(n: number, get: (i: number) => T): T[] {
  const out: T[] = []
  for (let i = 0; i < n; i++) out.push(get(i))
  return out
}

/** Everything in the frame, read with the generated readers over a checked copy of bytes. */
export function readWithGenerated(bytes: Uint8Array): Record<string, unknown> {
  const bb = new CheckedByteBuffer(bytes.slice())
  const f = g.Frame.getRootAsFrame(bb)
  const type = f.bodyType()
  const out: Record<string, unknown> = { type: g.Body[type] }
  switch (type) {
    case g.Body.Hello: {
      const b: g.Hello = f.body(new g.Hello())
      return { ...out, token: b.token(), publisher: b.publisher() }
    }
    case g.Body.Welcome: {
      const b: g.Welcome = f.body(new g.Welcome())
      const base = { ...out, publisher: b.publisher(), maxPayload: b.maxPayload(), maxGroups: b.maxGroups(), durableGsn: b.durableGsn() }
      return b.role() === null ? base : { ...base, node: b.node(), role: b.role(), leaderUrl: b.leaderUrl(), epoch: b.epoch() }
    }
    case g.Body.ResolveGroups: {
      const b: g.ResolveGroups = f.body(new g.ResolveGroups())
      return { ...out, names: list(b.namesLength(), (i) => b.names(i)), create: b.create() }
    }
    case g.Body.Groups: {
      const b: g.Groups = f.body(new g.Groups())
      const ids = list(b.idsLength(), (i) => b.ids(i))
      const arr = b.idsArray()
      if (arr !== null && arr.length !== ids.length) throw new Error('idsArray length differs')
      return { ...out, names: list(b.namesLength(), (i) => b.names(i)), ids }
    }
    case g.Body.Publish: {
      const b: g.Publish = f.body(new g.Publish())
      return { ...out, messages: list(b.messagesLength(), (i) => readMessage(b.messages(i)!)) }
    }
    case g.Body.PublishAck: {
      const b: g.PublishAck = f.body(new g.PublishAck())
      return { ...out, pseqs: list(b.pseqsLength(), (i) => b.pseqs(i)), gsns: list(b.gsnsLength(), (i) => b.gsns(i)) }
    }
    case g.Body.Subscribe: {
      const b: g.Subscribe = f.body(new g.Subscribe())
      return { ...out, id: b.id(), groups: list(b.groupsLength(), (i) => b.groups(i)), fromGsn: b.fromGsn(), tentative: b.tentative() }
    }
    case g.Body.Subscribed: {
      const b: g.Subscribed = f.body(new g.Subscribed())
      return { ...out, id: b.id(), nextGsn: b.nextGsn() }
    }
    case g.Body.Deliver: {
      const b: g.Deliver = f.body(new g.Deliver())
      return {
        ...out,
        subscription: b.subscription(),
        messages: list(b.messagesLength(), (i) => readMessage(b.messages(i)!)),
        durableGsn: b.durableGsn(),
      }
    }
    case g.Body.Unsubscribe: {
      const b: g.Unsubscribe = f.body(new g.Unsubscribe())
      return { ...out, id: b.id() }
    }
    case g.Body.Ack: {
      const b: g.Ack = f.body(new g.Ack())
      return { ...out, subscription: b.subscription(), gsn: b.gsn() }
    }
    case g.Body.Heartbeat: {
      const b: g.Heartbeat = f.body(new g.Heartbeat())
      return { ...out, durableGsn: b.durableGsn() }
    }
    case g.Body.Error: {
      const b: g.Error = f.body(new g.Error())
      const base: Record<string, unknown> = { ...out, code: b.code(), message: b.message(), ref: b.ref() }
      if (b.leaderUrl() !== null) base.leaderUrl = b.leaderUrl()
      if (b.subscription() !== 0) base.subscription = b.subscription()
      return base
    }
    case g.Body.Withdrawn: {
      const b: g.Withdrawn = f.body(new g.Withdrawn())
      return { ...out, subscription: b.subscription(), fromGsn: b.fromGsn(), toGsn: b.toGsn() }
    }
    default:
      return out
  }
}
