// Watermark block: the monotonic counters every stage reads without locks.
//
// One SharedArrayBuffer of Int32 slots. Every counter written by one thread and read
// by another sits in its own 128-byte slot (32 Int32s), so a writer on one core never
// invalidates the cache line a reader on the other core is spinning on (false sharing;
// 128 rather than 64 because adjacent-line prefetch pairs lines on x86).
//
// u64 counters are kept as two u32 halves (lo, hi) plus a version word, written by
// their single owner under a seqlock and read with a retry loop (see readU64), so no
// BigInt is created on the hot path and no reader ever sees a torn or backward value.
//
//   byte 0     128    256    384    512    640    768    896    1024   1152   1280   1408   1536   1664
//        +------+------+------+------+------+------+------+------+------+------+------+------+------+
//        |SEQ   |DUR   |WRIT  |STATE |MAXGRP|SEQST |JRNST |FLOOR |HEAP  |SEGMNT|SYNCD |CLUSTR|STABLE|
//        +------+------+------+------+------+------+------+------+------+------+------+------+------+
//   SEQ     sequenced gsn      (writer: sequencer)       [lo, hi, version]
//   DUR     durable gsn        (writer: journal-sync stage in fsync mode; the sequencer
//           thread in async mode (journal appender) and in memory mode; in replicated mode
//           the main thread's cluster node: min(committed in the cluster's log, WRIT))
//   WRIT    written-to-OS gsn  (writer: the sequencer thread's journal appender)
//   STATE   lifecycle: per-stage state words (starting, running, stopped, failed; the
//           journal also `faulted`), the stop request, the first fatal error code, and the
//           journal's fault words (code, errno, counts; see STATE_FAULT_*)
//   MAXGRP  highest group id the registry assigned (writer: main thread)
//   SEQST   sequencer counters: messages, batches, duplicates, rejects
//   JRNST   journal counters: fsyncs, fsync µs sum (journal-sync stage), bytes written
//           (appender), fsync latency buckets (journal-sync stage)
//   FLOOR   retention floor gsn: the lowest gsn a subscriber still needs
//           (writer: main thread; the journal never deletes a segment holding it or later)
//   HEAP    allocation probes of the sequencer and journal-sync threads (stages/heap-probe.ts)
//   SEGMNT  first gsn of the journal segment being appended to (writer: appender;
//           stored before WRIT, so a reader of WRIT then SEGMNT finds the file holding it)
//   CLUSTR  replicated mode: the role word (sequencing / applying the log; writer: main thread)
//   SYNCD   gsn the journal-sync stage's last successful fdatasync covered (writer: that
//           stage, both modes); the appender passes it to Journal.confirmSynced
//   STABLE  stability watermark: every durable subscription acknowledged up to it (the
//           durable gsn when there is none); monotonic (writer: main thread,
//           engine/durable/durable-registry.ts). sequenced >= durable >= stable.
// Who wakes whom does not live here: each sleeper has a doorbell of its own
// (engine/ring/doorbell.ts), rung by whoever moves the watermark it waits for.

export const SLOT_INTS = 32 // 128 bytes

export const SLOT_SEQUENCED = 0
export const SLOT_DURABLE = 1
export const SLOT_WRITTEN = 2
export const SLOT_STATE = 3
export const SLOT_MAX_GROUP = 4
export const SLOT_SEQ_STATS = 5
export const SLOT_JOURNAL_STATS = 6
export const SLOT_RETENTION_FLOOR = 7
export const SLOT_HEAP = 8
export const SLOT_ACTIVE_SEGMENT = 9
export const SLOT_SYNCED = 10
export const SLOT_CLUSTER = 11
export const SLOT_STABLE = 12
export const SLOT_COUNT = 13
// Words inside SLOT_CLUSTER (replicated mode; writer: the main thread's cluster node).
/** ROLE_SEQUENCING: the sequencer gives gsns (a leader, or no cluster); ROLE_APPLYING: it only
 *  applies batches read from the cluster's log and refuses publishes with NOT_LEADER. */
export const CLUSTER_ROLE = 0
export const ROLE_SEQUENCING = 0
export const ROLE_APPLYING = 1
// Words inside SLOT_HEAP (stages/heap-probe.ts): sequencer at 0, journal-sync stage at 8.
export const HEAP_SEQUENCER = 0
export const HEAP_JOURNAL = 8

export const WATERMARK_BYTES = SLOT_COUNT * SLOT_INTS * 4

/** Int32 index of the first word of a slot. */
export function slotIndex(slot: number): number {
  return slot * SLOT_INTS
}

// Words inside a u64 counter: [lo, hi, version]. Counter pairs inside the stats slots
// use 4 words each for the same reason.
export const W_LO = 0
export const W_HI = 1
export const W_VER = 2

// Words inside SLOT_STATE.
export const STATE_SEQUENCER = 0
export const STATE_JOURNAL = 1
export const STATE_STOP_REQUEST = 2 // main thread sets 1: stages drain and stop
export const STATE_ERROR_CODE = 3 // first fatal error code seen (a wire error code, codec/error-codes.ts)
// The journal's fault words. The thread that hits an I/O error stores the errno (index in
// FAULT_ERRNOS), then moves STATE_JOURNAL running -> faulted (compareExchange: a stopped or
// failed journal stays so). Only the sequencer thread, which owns the Journal and retries,
// moves it back to running, after a retry succeeded; it also keeps the counts.
export const STATE_FAULT_CODE = 4 // wire code of the current fault (DISK_FULL, JOURNAL_IO); 0 when none
export const STATE_FAULT_ERRNO = 5 // index in FAULT_ERRNOS of the last I/O error
export const STATE_FAULTS = 6 // journal faults since the engine started
export const STATE_RETRY_FAILURES = 7 // retries that failed since the engine started

/** journal `faulted`: an I/O error stopped appends; the sequencer thread retries (journal-appender.ts). */
export const StageState = { starting: 0, running: 1, stopped: 2, failed: 3, faulted: 4 } as const

/** errno names the fault words can carry (index 0: any other). */
export const FAULT_ERRNOS = ['UNKNOWN', 'ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG', 'ENOENT', 'EBADF', 'EACCES', 'EPERM', 'EEXIST'] as const

export function faultErrnoIndex(errno: string): number {
  const i = (FAULT_ERRNOS as readonly string[]).indexOf(errno)
  return i < 0 ? 0 : i
}

// Words inside SLOT_SEQ_STATS (each a u64 counter of 4 words, owner: sequencer).
export const SS_MESSAGES = 0
export const SS_BATCHES = 4
export const SS_DUPLICATES = 8
export const SS_REJECTS = 12

// Words inside SLOT_JOURNAL_STATS (owners: journal-sync stage for fsync counters, the appender for bytes).
export const JS_FSYNCS = 0
export const JS_FSYNC_US_SUM = 4
export const JS_BYTES = 8
export const JS_BUCKETS = 12 // FSYNC_BUCKETS_US.length u32 counts from here (fits: 12 + 17 <= 32)
/**
 * fsync latency histogram bucket upper bounds, microseconds (last is +Inf). Up to 10 s:
 * a disk that stalls for seconds (a saturated or failing device, a full thin pool) is
 * exactly what an operator needs to see, and it must not vanish into +Inf.
 */
export const FSYNC_BUCKETS_US = [
  100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, Infinity,
] as const

const TWO_32 = 4294967296

/**
 * Store a u64 counter owned by the calling thread (single writer). Seqlock: the
 * version is odd while the halves change. Atomics.store is sequentially consistent,
 * so the final version store also publishes every plain write made before it (the
 * bytes of the batch the watermark covers) to a reader that Atomics.loads it.
 */
export function storeU64(i32: Int32Array, index: number, value: number): void {
  const v = i32[index + W_VER]! // owner thread: its own last write
  Atomics.store(i32, index + W_VER, (v + 1) | 0)
  Atomics.store(i32, index + W_HI, Math.floor(value / TWO_32) | 0)
  Atomics.store(i32, index + W_LO, value >>> 0)
  Atomics.store(i32, index + W_VER, (v + 2) | 0)
}

/** Read a u64 counter written by another thread with storeU64 (retries while a write is in progress). */
export function readU64(i32: Int32Array, index: number): number {
  for (;;) {
    const v1 = Atomics.load(i32, index + W_VER)
    if ((v1 & 1) !== 0) continue
    const hi = Atomics.load(i32, index + W_HI) >>> 0
    const lo = Atomics.load(i32, index + W_LO) >>> 0
    if (Atomics.load(i32, index + W_VER) === v1) return hi * TWO_32 + lo
  }
}

/** Owner-thread add to a u64 counter; readers use readU64. */
export function addU64(i32: Int32Array, index: number, delta: number): void {
  const cur = (i32[index + W_HI]! >>> 0) * TWO_32 + (i32[index + W_LO]! >>> 0)
  storeU64(i32, index, cur + delta)
}
