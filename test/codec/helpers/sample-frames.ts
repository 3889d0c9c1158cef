// Valid frames of every body type, made by the Builder helpers and by the fast
// writer, shared by the verifier, cursor and fixture tests.
import * as flatbuffers from 'flatbuffers'
import * as g from '../../../codec/ordo_generated.js'
import { encodeFrame, encodePublish, FrameWriter, type WireFrame, type WireMessage } from '../../../codec/index.js'

export interface Sample {
  name: string
  bytes: Uint8Array
  /** Publish or Deliver message count, else 0. */
  messages: number
  /** Body type number. */
  bodyType: number
}

const enc = new TextEncoder()

export function payloadOf(text: string): Uint8Array {
  return enc.encode(text)
}

export function deliverMessage(gsn: bigint, groups: number[], text: string): WireMessage {
  return {
    gsn,
    publisher: 42n,
    pseq: gsn + 100n,
    groups,
    gseqs: groups.map((g) => BigInt(g) * 10n + gsn),
    time: 1_700_000_000_000_000n + gsn,
    payload: payloadOf(text),
  }
}

/** One Builder-made frame per body type, with non-trivial contents. */
export function builderFrames(): { frame: WireFrame; bytes: Uint8Array }[] {
  const frames: WireFrame[] = [
    { type: 'Hello', token: 'secret-token-é', publisher: 0n },
    { type: 'Welcome', publisher: 123456789012n, maxPayload: 1048576, maxGroups: 16, durableGsn: 77n },
    { type: 'ResolveGroups', names: ['orders', 'audit', 'a.b-c_d'], create: true },
    { type: 'Groups', names: ['orders', 'audit'], ids: [1, 2] },
    {
      type: 'Publish',
      messages: [
        { gsn: 0n, publisher: 9n, pseq: 1n, groups: [1, 2], gseqs: [0n, 0n], time: 0n, payload: payloadOf('first') },
        { gsn: 0n, publisher: 9n, pseq: 2n, groups: [2], gseqs: [0n], time: 0n, payload: payloadOf('') },
        { gsn: 0n, publisher: 9n, pseq: 3n, groups: [3, 1, 7], gseqs: [0n, 0n, 0n], time: 0n, payload: payloadOf('third message, a bit longer') },
      ],
    },
    { type: 'PublishAck', pseqs: [1n, 2n, 3n], gsns: [10n, 11n, 12n] },
    { type: 'Subscribe', id: 5, groups: [1, 2, 3], fromGsn: 1n, tentative: false },
    { type: 'Subscribed', id: 5, nextGsn: 1n },
    { type: 'Deliver', subscription: 5, messages: [deliverMessage(10n, [1, 2], 'one'), deliverMessage(11n, [2], 'two')], durableGsn: 11n },
    { type: 'Unsubscribe', id: 5 },
    { type: 'Ack', subscription: 5, gsn: 11n },
    { type: 'Heartbeat', durableGsn: 99n },
    { type: 'Error', code: 4, message: 'unknown group: name=nope', ref: 3n },
    { type: 'Withdrawn', subscription: 5, fromGsn: 12n, toGsn: 20n },
    // The fields appended for clusters.
    { type: 'Welcome', publisher: 7n, maxPayload: 1024, maxGroups: 4, durableGsn: 5n, node: 'n2', role: 'follower', leaderUrl: 'ws://127.0.0.1:7071/', epoch: 3n },
    { type: 'Error', code: 26, message: 'not the leader', ref: 4n, leaderUrl: 'ws://127.0.0.1:7071/' },
    // Appended later: the subscription an error is about.
    { type: 'Error', code: 14, message: 'retained away: from=3', ref: 9n, subscription: 5 },
  ]
  return frames.map((frame) => ({ frame, bytes: encodeFrame(frame) }))
}

/** A Publish frame from FrameWriter. */
export function fastPublish(count: number, payloadBytes = 100): Uint8Array {
  const buf = new Uint8Array(64 + count * (88 + 12 * 3 + payloadBytes + 8 + 4))
  const w = new FrameWriter(buf)
  if (w.beginPublish(0, count) !== 0) throw new Error('beginPublish failed')
  const payload = new Uint8Array(payloadBytes)
  for (let i = 0; i < payloadBytes; i++) payload[i] = (i * 7 + 3) & 0xff
  const groups = [1, 2, 3]
  for (let i = 0; i < count; i++) {
    const r = w.addMessage(1000 + (i % 3), i + 1, groups, 1 + (i % 3), payload, 0, payloadBytes - (i % 5))
    if (r !== 0) throw new Error(`addMessage failed: ${r}`)
  }
  return buf.slice(0, w.finish())
}

/** A Deliver frame from FrameWriter, stamped like a sequenced batch. */
export function fastDeliver(count: number, subscription = 7): Uint8Array {
  const buf = new Uint8Array(128 + count * 256)
  const w = new FrameWriter(buf)
  if (w.beginDeliver(0, subscription, 500 + count, count + 2) !== 0) throw new Error('beginDeliver failed')
  for (let i = 0; i < count; i++) {
    const text = payloadOf(`message ${i}`)
    if (w.addMessage(77, i + 1, [4, 9], 2, text, 0, text.length) !== 0) throw new Error('addMessage failed')
  }
  return buf.slice(0, w.finish())
}

/** Every valid sample: Builder-made of each body type, plus fast-made and variants. */
export function validSamples(): Sample[] {
  const out: Sample[] = builderFrames().map(({ frame, bytes }) => ({
    name: `builder ${frame.type}`,
    bytes,
    messages: frame.type === 'Publish' || frame.type === 'Deliver' ? frame.messages.length : 0,
    bodyType: bodyTypeOf(frame.type),
  }))
  out.push({ name: 'fast Publish x5', bytes: fastPublish(5), messages: 5, bodyType: 5 })
  out.push({ name: 'fast Publish x0', bytes: fastPublish(0), messages: 0, bodyType: 5 })
  out.push({ name: 'fast Deliver x4', bytes: fastDeliver(4), messages: 4, bodyType: 9 })
  out.push({ name: 'fast Deliver x0', bytes: fastDeliver(0), messages: 0, bodyType: 9 })
  out.push({
    name: 'builder Publish (many, shared vtables)',
    bytes: encodePublish(
      Array.from({ length: 6 }, (_, i) => ({ publisher: 3n, pseq: BigInt(i + 1), groups: [i + 1, i + 20], payload: payloadOf('x'.repeat(i * 3)) })),
    ),
    messages: 6,
    bodyType: 5,
  })
  out.push({
    name: 'builder Deliver without defaults',
    bytes: encodeFrame(
      { type: 'Deliver', subscription: 0, messages: [{ gsn: 3n, publisher: 0n, pseq: 0n, groups: [1], gseqs: [1n], time: 0n, payload: new Uint8Array(0) }], durableGsn: 0n },
      { forceDefaults: false },
    ),
    messages: 1,
    bodyType: 9,
  })
  out.push({
    name: 'builder Hello without defaults',
    bytes: encodeFrame({ type: 'Hello', token: '', publisher: 0n }, { forceDefaults: false }),
    messages: 0,
    bodyType: 1,
  })
  return out
}

const TYPES = ['NONE', 'Hello', 'Welcome', 'ResolveGroups', 'Groups', 'Publish', 'PublishAck', 'Subscribe', 'Subscribed', 'Deliver', 'Unsubscribe', 'Ack', 'Heartbeat', 'Error', 'Withdrawn']

export function bodyTypeOf(name: string): number {
  return TYPES.indexOf(name)
}

/**
 * A Deliver frame whose single message has only groups and payload (no gsn,
 * publisher, pseq, gseqs or time fields at all), as a minimal foreign encoder
 * might write it. Built with the generated API directly.
 */
export function deliverWithBareMessage(groups: number[], payload: Uint8Array): Uint8Array {
  const b = new flatbuffers.Builder(64)
  const p = b.createByteVector(payload)
  const gv = g.Message.createGroupsVector(b, groups)
  g.Message.startMessage(b)
  g.Message.addPayload(b, p)
  g.Message.addGroups(b, gv)
  const m = g.Message.endMessage(b)
  const vec = g.Deliver.createMessagesVector(b, [m])
  g.Deliver.startDeliver(b)
  g.Deliver.addMessages(b, vec)
  const d = g.Deliver.endDeliver(b)
  g.Frame.finishFrameBuffer(b, g.Frame.createFrame(b, g.Body.Deliver, d))
  return b.asUint8Array().slice()
}
