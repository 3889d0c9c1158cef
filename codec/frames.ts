// Builder-based encoders for every frame type: clear and typed, for control
// frames (Hello, Welcome, ResolveGroups, Groups, Subscribe, Subscribed,
// Unsubscribe, Ack, Heartbeat, Error, PublishAck) on the gateway and the client
// library, and for Publish/Deliver where speed does not matter (tests, tools).
// The hot path uses FrameWriter instead. Defaults are written explicitly unless
// asked otherwise, as the protocol requires for Publish (stamp fields present,
// docs/protocol.md "Publishing").
import * as flatbuffers from 'flatbuffers'
import { FrameEncodeError } from './errors.js'
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
import type { BodyOf, PublishMessageInit, WireFrame, WireMessage } from './wire-types.js'

export interface EncodeOptions {
  /** Write fields equal to their default too. Default true (required for Publish stamping and Deliver patching). */
  forceDefaults?: boolean
  /** Builder's initial buffer size, bytes. Default 256 (grows as needed). */
  initialSize?: number
}

const U64_MAX = (1n << 64n) - 1n

function u32(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new FrameEncodeError(`not a u32: field=${name}, value=${value}`)
  }
  return value
}

function u64(name: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw new FrameEncodeError(`not a u64 bigint: field=${name}, value=${String(value)}`)
  }
  return value
}

function u32s(name: string, values: readonly number[]): number[] {
  return values.map((v) => u32(name, v))
}

function u64s(name: string, values: readonly bigint[]): bigint[] {
  return values.map((v) => u64(name, v))
}

function buildMessage(b: flatbuffers.Builder, m: WireMessage): number {
  const payload = b.createByteVector(m.payload)
  const gseqs = Message.createGseqsVector(b, u64s('gseqs', m.gseqs))
  const groups = Message.createGroupsVector(b, u32s('groups', m.groups))
  return Message.createMessage(b, u64('gsn', m.gsn), u64('publisher', m.publisher), u64('pseq', m.pseq), groups, gseqs, u64('time', m.time), payload)
}

function buildMessages(b: flatbuffers.Builder, messages: readonly WireMessage[]): number {
  const offsets = messages.map((m) => buildMessage(b, m))
  return Publish.createMessagesVector(b, offsets)
}

function buildNames(b: flatbuffers.Builder, names: readonly string[]): number {
  const offsets = names.map((n) => b.createString(n))
  return ResolveGroups.createNamesVector(b, offsets)
}

function buildBody(b: flatbuffers.Builder, f: WireFrame): number {
  switch (f.type) {
    case 'Hello': {
      const token = b.createString(f.token)
      return Hello.createHello(b, token, u64('publisher', f.publisher))
    }
    case 'Welcome': {
      // Cluster fields only when given: a standalone server's Welcome stays as it was.
      const node = f.node === undefined ? 0 : b.createString(f.node)
      const role = f.role === undefined ? 0 : b.createString(f.role)
      const leaderUrl = f.leaderUrl === undefined ? 0 : b.createString(f.leaderUrl)
      Welcome.startWelcome(b)
      Welcome.addPublisher(b, u64('publisher', f.publisher))
      Welcome.addMaxPayload(b, u32('maxPayload', f.maxPayload))
      Welcome.addMaxGroups(b, u32('maxGroups', f.maxGroups))
      Welcome.addDurableGsn(b, u64('durableGsn', f.durableGsn))
      if (node !== 0) Welcome.addNode(b, node)
      if (role !== 0) Welcome.addRole(b, role)
      if (leaderUrl !== 0) Welcome.addLeaderUrl(b, leaderUrl)
      if (f.epoch !== undefined) Welcome.addEpoch(b, u64('epoch', f.epoch))
      return Welcome.endWelcome(b)
    }
    case 'ResolveGroups': {
      // ids only when given: a frame that asks by name alone stays as it was.
      const names = buildNames(b, f.names)
      const ids = f.ids === undefined || f.ids.length === 0 ? 0 : ResolveGroups.createIdsVector(b, u32s('ids', f.ids))
      ResolveGroups.startResolveGroups(b)
      ResolveGroups.addNames(b, names)
      ResolveGroups.addCreate(b, f.create)
      if (ids !== 0) ResolveGroups.addIds(b, ids)
      return ResolveGroups.endResolveGroups(b)
    }
    case 'Groups': {
      const names = buildNames(b, f.names)
      const ids = Groups.createIdsVector(b, u32s('ids', f.ids))
      return Groups.createGroups(b, names, ids)
    }
    case 'Publish':
      return Publish.createPublish(b, buildMessages(b, f.messages))
    case 'PublishAck': {
      const pseqs = PublishAck.createPseqsVector(b, u64s('pseqs', f.pseqs))
      const gsns = PublishAck.createGsnsVector(b, u64s('gsns', f.gsns))
      return PublishAck.createPublishAck(b, pseqs, gsns)
    }
    case 'Subscribe': {
      const groups = Subscribe.createGroupsVector(b, u32s('groups', f.groups))
      const name = f.name === undefined || f.name === '' ? 0 : b.createString(f.name)
      Subscribe.startSubscribe(b)
      Subscribe.addId(b, u32('id', f.id))
      Subscribe.addGroups(b, groups)
      Subscribe.addFromGsn(b, u64('fromGsn', f.fromGsn))
      Subscribe.addTentative(b, f.tentative)
      if (name !== 0) Subscribe.addName(b, name)
      if (f.ackPolicy !== undefined) Subscribe.addAckPolicy(b, u32('ackPolicy', f.ackPolicy))
      if (f.ackWaitMs !== undefined) Subscribe.addAckWaitMs(b, u32('ackWaitMs', f.ackWaitMs))
      if (f.seenEpoch !== undefined && f.seenEpoch !== 0n) Subscribe.addSeenEpoch(b, u64('seenEpoch', f.seenEpoch))
      return Subscribe.endSubscribe(b)
    }
    case 'Subscribed':
      // The appended fields only when set: frames without them stay byte for byte as before.
      Subscribed.startSubscribed(b)
      Subscribed.addId(b, u32('id', f.id))
      Subscribed.addNextGsn(b, u64('nextGsn', f.nextGsn))
      if (f.ackedGsn !== undefined) Subscribed.addAckedGsn(b, u64('ackedGsn', f.ackedGsn))
      return Subscribed.endSubscribed(b)
    case 'Deliver': {
      const messages = buildMessages(b, f.messages)
      return Deliver.createDeliver(b, u32('subscription', f.subscription), messages, u64('durableGsn', f.durableGsn))
    }
    case 'Unsubscribe':
      return Unsubscribe.createUnsubscribe(b, u32('id', f.id))
    case 'Ack':
      return Ack.createAck(b, u32('subscription', f.subscription), u64('gsn', f.gsn))
    case 'Heartbeat':
      Heartbeat.startHeartbeat(b)
      Heartbeat.addDurableGsn(b, u64('durableGsn', f.durableGsn))
      if (f.stableGsn !== undefined) Heartbeat.addStableGsn(b, u64('stableGsn', f.stableGsn))
      return Heartbeat.endHeartbeat(b)
    case 'Error': {
      const message = b.createString(f.message)
      const leaderUrl = f.leaderUrl === undefined ? 0 : b.createString(f.leaderUrl)
      ErrorTable.startError(b)
      ErrorTable.addCode(b, u32('code', f.code))
      ErrorTable.addMessage(b, message)
      ErrorTable.addRef(b, u64('ref', f.ref))
      if (leaderUrl !== 0) ErrorTable.addLeaderUrl(b, leaderUrl)
      if (f.subscription !== undefined) ErrorTable.addSubscription(b, u32('subscription', f.subscription))
      return ErrorTable.endError(b)
    }
    case 'Withdrawn':
      return Withdrawn.createWithdrawn(b, u32('subscription', f.subscription), u64('fromGsn', f.fromGsn), u64('toGsn', f.toGsn))
    default: {
      const never: never = f
      throw new FrameEncodeError(`unknown frame type: type=${String((never as { type: unknown }).type)}`)
    }
  }
}

/** Encodes any frame with a flatbuffers Builder; returns a compact copy. Throws FrameEncodeError on out-of-range values. */
export function encodeFrame(frame: WireFrame, options: EncodeOptions = {}): Uint8Array {
  const b = new flatbuffers.Builder(options.initialSize ?? 256)
  b.forceDefaults(options.forceDefaults ?? true)
  const body = buildBody(b, frame)
  const type = Body[frame.type]
  Frame.finishFrameBuffer(b, Frame.createFrame(b, type, body))
  return b.asUint8Array().slice()
}

export const encodeHello = (body: BodyOf<'Hello'>): Uint8Array => encodeFrame({ type: 'Hello', ...body })
export const encodeWelcome = (body: BodyOf<'Welcome'>): Uint8Array => encodeFrame({ type: 'Welcome', ...body })
export const encodeResolveGroups = (body: BodyOf<'ResolveGroups'>): Uint8Array => encodeFrame({ type: 'ResolveGroups', ...body })
export const encodeGroups = (body: BodyOf<'Groups'>): Uint8Array => encodeFrame({ type: 'Groups', ...body })
export const encodePublishAck = (body: BodyOf<'PublishAck'>): Uint8Array => encodeFrame({ type: 'PublishAck', ...body })
export const encodeSubscribe = (body: BodyOf<'Subscribe'>): Uint8Array => encodeFrame({ type: 'Subscribe', ...body })
export const encodeSubscribed = (body: BodyOf<'Subscribed'>): Uint8Array => encodeFrame({ type: 'Subscribed', ...body })
export const encodeUnsubscribe = (body: BodyOf<'Unsubscribe'>): Uint8Array => encodeFrame({ type: 'Unsubscribe', ...body })
export const encodeAck = (body: BodyOf<'Ack'>): Uint8Array => encodeFrame({ type: 'Ack', ...body })
export const encodeHeartbeat = (body: BodyOf<'Heartbeat'>): Uint8Array => encodeFrame({ type: 'Heartbeat', ...body })
export const encodeError = (body: BodyOf<'Error'>): Uint8Array => encodeFrame({ type: 'Error', ...body })
export const encodeWithdrawn = (body: BodyOf<'Withdrawn'>): Uint8Array => encodeFrame({ type: 'Withdrawn', ...body })
export const encodeDeliver = (body: BodyOf<'Deliver'>): Uint8Array => encodeFrame({ type: 'Deliver', ...body })

/** A Publish message with gsn, time and one gseq per group as explicit zeros. */
export function publishMessage(init: PublishMessageInit): WireMessage {
  return {
    gsn: 0n,
    publisher: init.publisher,
    pseq: init.pseq,
    groups: [...init.groups],
    gseqs: init.groups.map(() => 0n),
    time: 0n,
    payload: init.payload,
  }
}

/** A Publish frame encoded with the Builder (not canonical: shared vtables, vectors before tables). */
export function encodePublish(messages: readonly PublishMessageInit[], options?: EncodeOptions): Uint8Array {
  return encodeFrame({ type: 'Publish', messages: messages.map(publishMessage) }, options)
}
