// How a receiver reads one Deliver frame: a cursor over its messages in gsn order, with
// no object per message. The engine hands these to embedded subscribers and the client
// library to its subscribers (the same interface, two implementations over the same
// bytes). No node: imports (browsers use it).
//
// Sequence numbers and ids are bigints, as everywhere in the public API (the protocol's
// u64). A bigint is an object: reading `gsn` allocates one. Hot loops that need no more
// than 2^53 can read the *Number forms instead (the same values, nothing allocated).

/**
 * One delivery: a Deliver frame (FlatBuffers) holding messages in gsn order, read through
 * a cursor. Valid only during the handler call: copy what you keep.
 */
export interface DeliverBatch {
  readonly subscription: number
  readonly count: number
  /** The durable gsn when the frame was made (below the frame's gsns: tentative delivery). */
  readonly durableGsn: bigint
  /** The Deliver frame bytes [frameOffset, frameOffset + frameLength). */
  readonly frame: Uint8Array
  readonly frameOffset: number
  readonly frameLength: number
  /** Cursor: call next() before reading the first message. */
  next(): boolean
  readonly gsn: bigint
  readonly publisher: bigint
  readonly pseq: bigint
  /** Microseconds since the Unix epoch, stamped by the sequencer. */
  readonly time: number
  readonly groupCount: number
  group(i: number): number
  /** The message's gseq in group(i). */
  gseq(i: number): bigint
  /** Payload view (no copy), valid during the handler call. */
  payload(): Uint8Array
  readonly payloadOffset: number
  readonly payloadLength: number
  // Number forms: exact up to 2^53-1, allocate nothing.
  readonly durableGsnNumber: number
  readonly gsnNumber: number
  readonly publisherNumber: number
  readonly pseqNumber: number
  gseqNumber(i: number): number
}
