// Records the producers write into their ingress ring (one SPSC ring per producer:
// ring 0 for the main thread, one per publisher thread), read by the sequencer. Like
// every ring record it starts 8-aligned, and so does each blob in it.
//
//   0        4        8
//   +--------+--------+----------------------------------------------------+
//   | count  | 0      | count canonical message blobs, back to back        |
//   +--------+--------+----------------------------------------------------+
//
// `at` is the byte index of the record's payload in the Int32Array's buffer.
//
// APPLY (a cluster follower's main thread; engine/cluster/node/log-applier.ts): one batch the
// cluster's log committed, already sequenced by the leader, in the sequenced ring's BATCH
// layout (descriptors/sequenced-record-descriptor.ts: count, blob bytes, first gsn, blobs).
// The sequencer copies it unchanged into the sequenced ring and brings its dedupe table and
// gseq counters up to it; the journal appender then writes the same record the leader wrote.

export const IngressType = { blobs: 1, apply: 2 } as const
export const INGRESS_COUNT = 0
export const INGRESS_HEADER = 8

/** Messages in the ingress record at `at`. */
export function ingressCount(i32: Int32Array, at: number): number {
  return i32[(at + INGRESS_COUNT) >> 2]! >>> 0
}

/** Byte index of the record's first message blob. */
export function ingressBlobsAt(at: number): number {
  return at + INGRESS_HEADER
}

/** Writes the header of the ingress record at `at` holding `count` messages. */
export function writeIngressHeader(i32: Int32Array, at: number, count: number): void {
  i32[(at + INGRESS_COUNT) >> 2] = count
  i32[(at + INGRESS_COUNT + 4) >> 2] = 0
}
