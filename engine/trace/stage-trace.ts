// Per-stage timestamps of the publish -> deliver path, for finding where latency comes
// from. Each stage stamps a record when a run of messages passes it (a Publish frame, a
// sequencer batch, a journal write, a dispatcher pass, a Deliver frame): the stage, the
// first and last key of the run and the time on the machine's monotonic clock
// (monotonic-clock.ts). A benchmark joins the records with the client's own stamps by key:
// pseqs up to the ingress ring, gsns from the sequencer on.
//
//   gateway received ─▶ ingress committed ─▶ sequencer took ─▶ sequenced ─▶ journal written
//     (pseq)              (pseq)               (gsn)             (gsn)        (gsn)
//   ─▶ durable (fsync mode) ─▶ dispatcher woken ─▶ dispatcher pass ─▶ deliver sent
//        (gsn)                  (gsn)                (gsn)              (gsn)
//
// Cost: off (no trace given, or sampling switched off) a stage pays one null check or one
// Atomics.load per run of messages; on, a clock read and four stores. Nothing per message,
// nothing allocated. Layout and who writes what: stage-trace-descriptor.ts.

import {
  CAPACITY, COUNT, DROPPED, ENABLED, RECORD_F64, R_FIRST, R_LAST, R_STAGE, R_TIME, WRITERS, traceBytes, writerRecordsF64,
  writerSlotWord, type TraceWriter,
} from './stage-trace-descriptor.js'
import { monotonicMs } from './monotonic-clock.js'

export const TraceStage = {
  gatewayReceived: 1,
  ingressCommitted: 2,
  sequencerTook: 3,
  sequenced: 4,
  journalWritten: 5,
  durable: 6,
  dispatcherWoken: 7,
  dispatcherPass: 8,
  deliverSent: 9,
  ackSent: 10,
} as const
export type TraceStage = (typeof TraceStage)[keyof typeof TraceStage]

export const TRACE_STAGE_NAMES: Record<number, string> = {
  1: 'gateway received',
  2: 'ingress committed',
  3: 'sequencer took',
  4: 'sequenced',
  5: 'journal written',
  6: 'durable',
  7: 'dispatcher woken',
  8: 'dispatcher pass',
  9: 'deliver sent',
  10: 'ack sent',
}

/** One thread's writer into the trace (make one per thread with StageTrace.writer). */
export class StageStamper {
  private readonly i32: Int32Array
  private readonly f64: Float64Array
  private readonly slot: number
  private readonly base: number
  private readonly capacity: number

  constructor(sab: SharedArrayBuffer, writer: TraceWriter) {
    this.i32 = new Int32Array(sab)
    this.f64 = new Float64Array(sab)
    this.capacity = this.i32[CAPACITY]!
    this.slot = writerSlotWord(writer)
    this.base = writerRecordsF64(writer, this.capacity)
  }

  /** Whether sampling is on (switched by the reader at any time). */
  get on(): boolean {
    return Atomics.load(this.i32, ENABLED) !== 0
  }

  /** Stamps now for keys first..last, when sampling is on. */
  stamp(stage: TraceStage, first: number, last: number): void {
    if (Atomics.load(this.i32, ENABLED) === 0) return
    this.write(stage, first, last, monotonicMs())
  }

  /** Stamps a time taken earlier (monotonicMs()), when sampling is on. */
  stampAt(stage: TraceStage, first: number, last: number, t: number): void {
    if (Atomics.load(this.i32, ENABLED) === 0) return
    this.write(stage, first, last, t)
  }

  private write(stage: number, first: number, last: number, t: number): void {
    // This thread is COUNT's only writer; the reader may reset it to 0 between runs.
    const n = Atomics.load(this.i32, this.slot + COUNT)
    if (n >= this.capacity) {
      Atomics.add(this.i32, this.slot + DROPPED, 1)
      return
    }
    const at = this.base + n * RECORD_F64
    const f = this.f64
    f[at + R_STAGE] = stage
    f[at + R_FIRST] = first
    f[at + R_LAST] = last
    f[at + R_TIME] = t
    // Publishes the record: a reader that loads COUNT sees the stores above (SC atomics order them).
    Atomics.store(this.i32, this.slot + COUNT, n + 1)
  }
}

/** The trace buffer, owned by whoever samples (a benchmark): switch on, run, read, reset. */
export class StageTrace {
  readonly buffer: SharedArrayBuffer
  private readonly i32: Int32Array

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer
    this.i32 = new Int32Array(buffer)
  }

  /** A trace with room for `capacity` records per writer thread (32 bytes each). */
  static create(capacity = 1 << 19): StageTrace {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new RangeError(`bad trace capacity: value=${capacity}, expected an integer in 1..${1 << 24}`)
    }
    const t = new StageTrace(new SharedArrayBuffer(traceBytes(capacity)))
    t.i32[CAPACITY] = capacity
    return t
  }

  /** Opens a trace made by create() (in another thread). */
  static attach(buffer: SharedArrayBuffer): StageTrace {
    return new StageTrace(buffer)
  }

  writer(w: TraceWriter): StageStamper {
    return new StageStamper(this.buffer, w)
  }

  enable(on: boolean): void {
    Atomics.store(this.i32, ENABLED, on ? 1 : 0)
  }

  /** Forgets every record (switch sampling off first, or records written meanwhile may be lost). */
  reset(): void {
    for (let w = 0; w < WRITERS; w++) {
      Atomics.store(this.i32, writerSlotWord(w) + COUNT, 0)
      Atomics.store(this.i32, writerSlotWord(w) + DROPPED, 0)
    }
  }

  /** Records so far, every writer's, as [stage, first, last, time] rows in one array; and how many did not fit. */
  read(): { records: Float64Array; dropped: number } {
    const capacity = this.i32[CAPACITY]!
    const f64 = new Float64Array(this.buffer)
    let total = 0
    let dropped = 0
    for (let w = 0; w < WRITERS; w++) {
      total += Atomics.load(this.i32, writerSlotWord(w) + COUNT)
      dropped += Atomics.load(this.i32, writerSlotWord(w) + DROPPED)
    }
    const out = new Float64Array(total * RECORD_F64)
    let at = 0
    for (let w = 0; w < WRITERS; w++) {
      const n = Math.min(Atomics.load(this.i32, writerSlotWord(w) + COUNT), capacity)
      const base = writerRecordsF64(w, capacity)
      out.set(f64.subarray(base, base + n * RECORD_F64), at)
      at += n * RECORD_F64
    }
    return { records: out.subarray(0, at), dropped }
  }
}
