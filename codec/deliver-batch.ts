// How a receiver reads one Deliver frame: a cursor over its messages in gsn order, with
// no object per message. The engine hands these to embedded subscribers and the client
// library to its subscribers (the same interface, two implementations over the same
// bytes). No node: imports (browsers use it).

/**
 * One delivery: a Deliver frame (FlatBuffers) holding messages in gsn order, read through
 * a cursor. Valid only during the handler call: copy what you keep.
 */
export interface DeliverBatch {
  readonly subscription: number
  readonly count: number
  readonly durableGsn: number
  /** The Deliver frame bytes [frameOffset, frameOffset + frameLength). */
  readonly frame: Uint8Array
  readonly frameOffset: number
  readonly frameLength: number
  /** Cursor: call next() before reading the first message. */
  next(): boolean
  readonly gsn: number
  readonly publisher: number
  readonly pseq: number
  readonly time: number
  readonly groupCount: number
  group(i: number): number
  gseq(i: number): number
  /** Payload view (no copy), valid during the handler call. */
  payload(): Uint8Array
  readonly payloadOffset: number
  readonly payloadLength: number
}
