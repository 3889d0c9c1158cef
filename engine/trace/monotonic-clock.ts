// The machine's monotonic clock (CLOCK_MONOTONIC) in milliseconds, as a plain double, in
// any thread of any process: the clock per-stage timestamps are taken on, so a time
// stamped by a worker thread of the server can be subtracted from one stamped by a client
// process.
//
// Why not performance.timeOrigin + performance.now(): each thread and process pairs its
// origin with the wall clock once at start-up, and those pairings disagree by tens of µs
// between processes on a loaded VM, the size of what is being measured. process.hrtime
// reads CLOCK_MONOTONIC, one clock for the whole machine, but allocates a bigint per read;
// performance.now() runs on the same clock from a per-thread origin and allocates nothing.
// So one offset between the two, taken once per thread from the tightest of several
// bracketed reads (a first read can be slow, and a preemption between two reads would shift
// this thread's clock), turns performance.now() into the machine-wide clock.

function offsetMs(): number {
  let best = Infinity
  let offset = 0
  for (let i = 0; i < 25; i++) {
    const before = performance.now()
    const mono = Number(process.hrtime.bigint()) / 1e6
    const after = performance.now()
    if (after - before < best) {
      best = after - before
      offset = mono - (before + after) / 2
    }
  }
  return offset
}

const OFFSET_MS = offsetMs()

/** CLOCK_MONOTONIC in ms (fractional: µs resolution), comparable between threads and processes of one machine. */
export function monotonicMs(): number {
  return performance.now() + OFFSET_MS
}
