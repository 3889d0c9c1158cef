// Shared control words between engine-bench.ts and its publisher threads (one Int32Array
// over a SharedArrayBuffer; each word is written by the main thread only).
//
//   [0] CTL_START    0 → 1: publishers begin (notified)
//   [1] CTL_STOP     0 → 1: publishers finish their batch, flush and report
//   [2] CTL_MEASURE  0 → 1 → 2: allocation window open / closed

export const CTL_START = 0
export const CTL_STOP = 1
export const CTL_MEASURE = 2
export const CONTROL_BYTES = 64
