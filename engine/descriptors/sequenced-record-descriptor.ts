// Records the sequencer writes into the sequenced ring (one producer; consumers: the
// journal appender on the sequencer thread, and the main-thread dispatcher). Every record
// payload starts 8-aligned (the ring aligns records) and every message blob inside is
// 8-aligned, so blobs keep their FlatBuffers alignment wherever they are copied.
// Callers read and write the headers only through the functions below; `at` is the byte
// index of the record's payload in the Int32Array's buffer (a multiple of 8).
//
// BATCH: `count` messages with gsns firstGsn .. firstGsn+count-1 — exactly the
// "batch bytes" a journal record stores.
//   0        4        8        12       16
//   +--------+--------+--------+--------+------------------------------------+
//   | count  | bytes  |gsn lo  |gsn hi  | canonical message blobs ...        |
//   +--------+--------+--------+--------+------------------------------------+
//   bytes = length of the blob area (from offset 16). count 0: a batch that held only
//   duplicates (consumers skip it).
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
//
// u64 values are stored as lo, hi u32 words and read as JS Numbers (below 2^53).

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

const TWO_32 = 4294967296

function u64(i32: Int32Array, word: number): number {
  return (i32[word + 1]! >>> 0) * TWO_32 + (i32[word]! >>> 0)
}

function putU64(i32: Int32Array, word: number, v: number): void {
  i32[word] = v >>> 0
  i32[word + 1] = Math.floor(v / TWO_32)
}

// ---- BATCH --------------------------------------------------------------------------

/** Messages in the batch at `at` (0: only duplicates, skip it). */
export function batchCount(i32: Int32Array, at: number): number {
  return i32[(at + BATCH_COUNT) >> 2]! >>> 0
}

/** Length of the batch's blob area, which starts at batchBlobsAt(at). */
export function batchBytes(i32: Int32Array, at: number): number {
  return i32[(at + BATCH_BYTES) >> 2]! >>> 0
}

/** Gsn of the batch's first message. */
export function batchFirstGsn(i32: Int32Array, at: number): number {
  return u64(i32, (at + BATCH_FIRST_GSN_LO) >> 2)
}

/** Byte index of the batch's first message blob. */
export function batchBlobsAt(at: number): number {
  return at + BATCH_HEADER
}

/** Writes the header of the batch at `at` (the blobs are written after it first). */
export function writeBatchHeader(i32: Int32Array, at: number, count: number, bytes: number, firstGsn: number): void {
  const w = at >> 2
  i32[w + (BATCH_COUNT >> 2)] = count
  i32[w + (BATCH_BYTES >> 2)] = bytes
  putU64(i32, w + (BATCH_FIRST_GSN_LO >> 2), firstGsn)
}

// ---- NOTICE -------------------------------------------------------------------------

/** Bytes of a notice record holding `count` entries. */
export function noticeRecordBytes(count: number): number {
  return NOTICE_HEADER + count * NOTICE_ENTRY
}

export function noticeCount(i32: Int32Array, at: number): number {
  return i32[(at + NOTICE_COUNT) >> 2]! >>> 0
}

/**
 * Marks a committed NOTICE record as answered (count 0): the dispatcher answers notices
 * ahead of its durable cursor while the journal is faulted, and its durable cursor, when
 * it reaches the record later, must not answer them twice. Only the dispatcher (main
 * thread) reads notices, so a plain store is enough.
 */
export function markNoticeAnswered(i32: Int32Array, at: number): void {
  i32[(at + NOTICE_COUNT) >> 2] = 0
}

export function writeNoticeHeader(i32: Int32Array, at: number, count: number): void {
  i32[(at + NOTICE_COUNT) >> 2] = count
  i32[(at + NOTICE_COUNT + 4) >> 2] = 0
}

/** Byte index of entry `k` of the notice record at `at`; pass it to the accessors below. */
export function noticeEntryAt(at: number, k: number): number {
  return at + NOTICE_HEADER + k * NOTICE_ENTRY
}

/** NoticeKind of the entry at `e`. */
export function noticeKind(i32: Int32Array, e: number): number {
  return i32[(e + NE_KIND) >> 2]!
}

/** Wire error code of a reject (0 for a duplicate). */
export function noticeCode(i32: Int32Array, e: number): number {
  return i32[(e + NE_CODE) >> 2]!
}

export function noticePublisher(i32: Int32Array, e: number): number {
  return u64(i32, (e + NE_PUBLISHER) >> 2)
}

export function noticePseq(i32: Int32Array, e: number): number {
  return u64(i32, (e + NE_PSEQ) >> 2)
}

/** Duplicate: the original gsn. Reject: the pseq the sequencer expected. */
export function noticeValue(i32: Int32Array, e: number): number {
  return u64(i32, (e + NE_VALUE) >> 2)
}

export function writeNoticeEntry(i32: Int32Array, e: number, kind: number, code: number, publisher: number, pseq: number, value: number): void {
  const w = e >> 2
  i32[w + (NE_KIND >> 2)] = kind
  i32[w + (NE_CODE >> 2)] = code
  putU64(i32, w + (NE_PUBLISHER >> 2), publisher)
  putU64(i32, w + (NE_PSEQ >> 2), pseq)
  putU64(i32, w + (NE_VALUE >> 2), value)
}
