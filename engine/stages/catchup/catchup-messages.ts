// Main thread ↔ catch-up task (run by piscina, catchup-task.ts): the request the
// dispatcher sends for a subscription behind the live stream and the frames it gets back.
// Its own module so the main thread never loads the task's code to learn its shapes.

export interface CatchupRequest {
  dir: string
  fromGsn: number
  /** Read no further than this gsn (the durable watermark when asked). */
  limitGsn: number
  groups: number[]
  /** Stop after about this many bytes of frames. */
  maxBytes: number
  maxMessagesPerFrame: number
}

export interface CatchupResult {
  /** Frames, back to back; frame k is [offsets[k], offsets[k] + lengths[k]). */
  buffer: ArrayBuffer
  offsets: number[]
  lengths: number[]
  lastGsns: number[]
  /** Every gsn <= scannedTo was examined (delivered or not matching). fromGsn - 1 if nothing. */
  scannedTo: number
  /** Set when fromGsn was removed by retention. */
  retainedAway?: { oldestGsn: number; message: string }
}

/** The gseqs of the message at one gsn (gseq-lookup-task.ts): a resend's original answer. */
export interface GseqLookupRequest {
  dir: string
  gsn: number
}

export interface GseqLookupResult {
  /** One per group of the message, in its order; null when the journal no longer holds the gsn. */
  gseqs: number[] | null
}
