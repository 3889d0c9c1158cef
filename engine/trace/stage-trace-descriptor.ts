// Layout of the stage trace (stage-trace.ts): one SharedArrayBuffer that every thread of
// the engine stamps into, so the main thread can read all of it without messages.
//
//   0            128          256                      128*(1+THREADS)
//   +------------+------------+-----  ...  -----------+----------------------------------------+
//   | control    | writer 0   | writer 1 ... writer T-1 | records of writer 0 | writer 1 | ...  |
//   +------------+------------+-----  ...  -----------+----------------------------------------+
//
//   control slot (i32 words): ENABLED (0/1, set by whoever samples: Atomics), CAPACITY (records
//     per writer, fixed at creation)
//   writer slot w (i32 words): COUNT (records written; only writer w stores it, readers load it
//     with Atomics after the writer's plain stores of the record), DROPPED (records that did not
//     fit). One 128-byte slot per writer: a writer on one core never invalidates the line
//     another writer is counting in.
//   record (4 f64, 32 bytes): stage id, first key, last key, time (monotonic ms). A record
//     covers a run of messages: keys are pseqs before the sequencer and gsns from it on.

export const SLOT_BYTES = 128
export const RECORD_F64 = 4
export const RECORD_BYTES = RECORD_F64 * 8

/** Who writes: one region per thread, so no two threads share a counter. */
export const TraceWriter = { main: 0, sequencer: 1, sync: 2 } as const
export type TraceWriter = (typeof TraceWriter)[keyof typeof TraceWriter]
export const WRITERS = 3

// control slot words
export const ENABLED = 0
export const CAPACITY = 1
// writer slot words, from writerSlotWord(w)
export const COUNT = 0
export const DROPPED = 1

/** i32 index of writer w's slot. */
export function writerSlotWord(w: number): number {
  return ((1 + w) * SLOT_BYTES) >> 2
}

/** f64 index of writer w's first record. */
export function writerRecordsF64(w: number, capacity: number): number {
  return (SLOT_BYTES * (1 + WRITERS) + w * capacity * RECORD_BYTES) >> 3
}

export function traceBytes(capacity: number): number {
  return SLOT_BYTES * (1 + WRITERS) + WRITERS * capacity * RECORD_BYTES
}

// record fields
export const R_STAGE = 0
export const R_FIRST = 1
export const R_LAST = 2
export const R_TIME = 3
