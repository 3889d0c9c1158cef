// One message as an async-iterator subscription hands it out: an object of its
// own (unlike the zero-copy DeliverBatch cursor), safe to keep. The payload is a
// view of the frame it arrived in, which the client never reuses, so keeping the
// message keeps that frame's bytes alive and nothing is copied.

const decoder = new TextDecoder()

export class ClientMessage {
  constructor(
    readonly subscription: number,
    /** The message's place in the total order. */
    readonly gsn: bigint,
    readonly publisher: bigint,
    readonly pseq: bigint,
    /** When the sequencer stamped it, µs since the Unix epoch. */
    readonly time: number,
    /** Group ids (client.groupName(id) names them), with the message's place in each group's order. */
    readonly groupIds: readonly number[],
    readonly gseqs: readonly bigint[],
    readonly payload: Uint8Array,
  ) {}

  /** Payload as UTF-8 text. */
  text(): string {
    return decoder.decode(this.payload)
  }

  /** Payload parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T
  }
}
