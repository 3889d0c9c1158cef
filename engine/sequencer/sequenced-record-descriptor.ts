// Records the sequencer writes into the sequenced ring (one producer, consumers: the
// journal append on the sequencer thread, and the main-thread dispatcher). Every record payload starts 8-aligned
// (the ring aligns records) and every message blob inside is 8-aligned, so blobs keep
// their FlatBuffers alignment wherever they are copied.
//
// BATCH: `count` messages with gsns firstGsn .. firstGsn+count-1 — exactly the
// "batch bytes" a journal record stores.
//   0        4        8        12       16
//   +--------+--------+--------+--------+------------------------------------+
//   | count  | bytes  |gsn lo  |gsn hi  | canonical message blobs ...        |
//   +--------+--------+--------+--------+------------------------------------+
//   bytes = length of the blob area (from offset 16)
//
// NOTICE (duplicates and refusals, per publisher, in the order they happened):
//   0        4        8
//   +--------+--------+----------------------------------------------------+
//   | count  | 0      | count x entry (32 bytes)                           |
//   +--------+--------+----------------------------------------------------+
//   entry: 0 kind (1 = duplicate, 2 = reject) | 4 code | 8 publisher lo,hi |
//          16 pseq lo,hi | 24 gsn (duplicate: original gsn) or expected pseq (reject) lo,hi
//
// A NOTICE record follows every batch holding earlier messages of the same
// publishers, so consumers that take records in order answer a publisher in pseq order.

export const RecordType = { batch: 1, notice: 2 } as const

export const BATCH_COUNT = 0
export const BATCH_BYTES = 4
export const BATCH_FIRST_GSN_LO = 8
export const BATCH_FIRST_GSN_HI = 12
export const BATCH_HEADER = 16

export const NOTICE_COUNT = 0
export const NOTICE_HEADER = 8
export const NOTICE_ENTRY = 32
export const NE_KIND = 0
export const NE_CODE = 4
export const NE_PUBLISHER = 8
export const NE_PSEQ = 16
export const NE_VALUE = 24

export const NoticeKind = { duplicate: 1, reject: 2 } as const

// Ingress records (producers -> sequencer, one SPSC ring per producer):
//   0        4        8
//   +--------+--------+----------------------------------------------------+
//   | count  | 0      | count canonical message blobs, back to back        |
//   +--------+--------+----------------------------------------------------+
export const IngressType = { blobs: 1 } as const
export const INGRESS_COUNT = 0
export const INGRESS_HEADER = 8
