// The shapes of the publishing side: what publish() resolves with, what publishBatch takes, the queue's
// options and how it reaches the server.

export interface ClientPublishResult {
  /** The message's place in the total order. */
  gsn: bigint
  /** The pseq it was (last) sent with. */
  pseq: bigint
}

export interface PublishItem {
  groups: readonly string[]
  payload: Uint8Array | string
}

export interface PublishQueueOptions {
  /** Most messages sent and not yet acknowledged. */
  maxInFlight: number
  /** Most messages per Publish frame. */
  maxFrameMessages: number
  /** Target Publish frame size, bytes (a larger single message gets a frame of its own). */
  maxFrameBytes: number
}

/** How the queue reaches the server. */
export interface PublishLink {
  readonly open: boolean
  /** Sends a Publish frame; `onWritten` runs once the transport no longer reads the bytes. */
  sendFrame(frame: Uint8Array, onWritten: () => void): void
}
