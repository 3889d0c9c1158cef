// What the gateway (and other in-process front ends) use of the engine beyond the
// public embedding API: the raw paths that move FlatBuffers bytes without decoding
// them into objects. Implemented by Engine (engine/engine.ts).
//
// All callbacks run on the main thread, inside the engine's dispatch pass. Byte
// arguments are valid only during the call: copy what you keep.

import type { Verdict } from '../codec/verdict.js'

export interface AckListener {
  /** One durable message of this publisher (or a resend answered with its original gsn). In pseq order. */
  onAck(pseq: number, gsn: number): void
  /** The sequencer refused pseq (wire error code from codec/error-codes.ts, e.g. PSEQ_GAP). */
  onReject(pseq: number, code: number, expected: number): void
  /** End of a dispatch pass in which onAck/onReject was called: flush a PublishAck frame now. */
  onAckFlush(): void
}

/** Receives Deliver frames for one subscription. */
export interface FrameSink {
  /**
   * A Deliver frame whose subscription field already holds this subscription's id.
   * lastGsn is the gsn of its last message. Return false when the sink could not take it
   * (e.g. socket buffer over its limit): the engine then holds this subscription back
   * and the caller must call RawSubscription.resume() later (catch-up from the journal).
   */
  onFrame(bytes: Uint8Array, offset: number, length: number, lastGsn: number): boolean
  /** Replay finished: from now on frames come from the live stream. */
  onLive?(nextGsn: number): void
  /** The subscription cannot go on (retention removed its range, journal failure…). wire error code from codec/error-codes.ts. */
  onError(code: number, message: string, ref: number): void
}

export interface RawSubscription {
  readonly id: number
  /** Next gsn to deliver (everything below it was handed to the sink). */
  readonly nextGsn: number
  /** Stop live delivery (slow consumer); nextGsn is kept. */
  pause(): void
  /** Go on from nextGsn: catch-up reads from the journal off the main thread, then live. */
  resume(): void
  close(): void
}

export interface EnginePort {
  readonly durableGsn: number
  readonly sequencedGsn: number
  readonly maxPayload: number
  readonly maxGroups: number
  /** A new publisher id, unique for this data directory (random 48-bit, never 0). */
  newPublisherId(): number
  registerPublisher(publisher: number, listener: AckListener): void
  /**
   * Only for front ends that publish elsewhere (a relay): the token the client
   * now publishing under `publisher` presented in Hello, called when it claims
   * the id. The relay forwards it upstream, where the token is checked and the
   * publisher id bound to its identity.
   */
  publisherToken?(publisher: number, token: string): void
  unregisterPublisher(publisher: number): void
  /**
   * Sequence the messages of a Publish frame that verifyFrame() accepted and whose
   * groups the caller checked (exist, allowed). Every message's publisher field must
   * equal `publisher`. Returns the count enqueued, or one of OfferResult (codec/results.ts):
   * BACK_PRESSURED when the ingress ring is full (nothing enqueued: retry after
   * onIngressDrain fires), CLOSED when the engine is closed or a stage failed,
   * BAD_PUBLISHER when a message names another publisher, TOO_LARGE when the frame's
   * messages exceed one ingress record, NOT_MESSAGE_FRAME when the body is not a
   * Publish (nothing enqueued in each of these cases). verdict: the
   * Verdict that verifyFrame() filled for exactly these bytes, if the caller has it
   * (lets the engine skip re-checking each message's layout; ignored if it is for other bytes).
   */
  offerPublishFrame(bytes: Uint8Array, offset: number, length: number, publisher: number, verdict?: Verdict): number
  /** Called once when ingress space frees up after a BACK_PRESSURED. */
  onIngressDrain(cb: () => void): void
  /** Group ids for names (-1 where unknown and create is false). Throws GroupNameError on a bad name. */
  resolveGroupIds(names: readonly string[], create: boolean): number[]
  groupName(id: number): string | undefined
  /**
   * Only for front ends whose group table lives in another server (a relay,
   * relay/relay-engine.ts). Starts fetching the names and ids among these that
   * are not held locally and returns a promise settled once they are (or the
   * fetch failed); null when every one is held already. The gateway holds the
   * connection's frames meanwhile, in order (gateway/group-lookup.ts).
   */
  lookupGroups?(names: readonly string[], ids: readonly number[], create: boolean): Promise<void> | null
  subscribeFrames(groupIds: readonly number[], opts: { id: number; fromGsn: number; tentative: boolean }, sink: FrameSink): RawSubscription
  /** Counters and watermarks for /metrics (read without locks). */
  metricsSnapshot(): EngineMetrics
}

export interface EngineMetrics {
  sequencedGsn: number
  durableGsn: number
  messagesSequenced: number
  batchesSequenced: number
  duplicates: number
  rejects: number
  fsyncs: number
  /** fsync latency histogram: upper bounds in seconds and cumulative counts (Prometheus style). */
  fsyncLatencyBuckets: { le: number; count: number }[]
  fsyncLatencySumSeconds: number
  ringOccupancy: { name: string; usedBytes: number; capacityBytes: number }[]
  meanBatchMessages: number
}
