// Removing the log's old entries once every node has them in its own journal (below the stability watermark).
// Only the batch/heartbeat subject is purged; EPOCH entries stay (one per leadership change, tiny), so the
// history of who led when remains readable and the newest EPOCH can always be fetched.
//
// The log is indexed by stream seq, the engine by gsn: GsnSeqIndex keeps, for each valid batch the node
// applied, (first gsn, seq), so "everything below gsn g" maps to "every entry before the seq of the batch
// that holds g".

import type { ClusterLog } from './cluster-log.js'
import { ClusterError, ClusterErrorCode } from './errors.js'

export class GsnSeqIndex {
  #firstGsn: number[] = []
  #seq: number[] = []
  #start = 0

  /** Records a valid batch (gsns firstGsn..) stored at `seq`. Calls come in log order. */
  add(firstGsn: number, seq: number): void {
    const n = this.#firstGsn.length
    if (n > this.#start && (firstGsn <= this.#firstGsn[n - 1]! || seq <= this.#seq[n - 1]!)) {
      throw new ClusterError(ClusterErrorCode.badArgument, `index entries out of order: firstGsn=${firstGsn}, seq=${seq}`)
    }
    this.#firstGsn.push(firstGsn)
    this.#seq.push(seq)
  }

  get size(): number {
    return this.#firstGsn.length - this.#start
  }

  /** Seq of the batch holding `gsn` (the last batch whose first gsn <= gsn); 0 when gsn is below the index. */
  seqHolding(gsn: number): number {
    let lo = this.#start
    let hi = this.#firstGsn.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.#firstGsn[mid]! <= gsn) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found < 0 ? 0 : this.#seq[found]!
  }

  /** Forgets batches stored before `seq`. */
  dropBefore(seq: number): void {
    while (this.#start < this.#seq.length && this.#seq[this.#start]! < seq) this.#start++
    if (this.#start > 4096 && this.#start * 2 > this.#seq.length) {
      this.#firstGsn = this.#firstGsn.slice(this.#start)
      this.#seq = this.#seq.slice(this.#start)
      this.#start = 0
    }
  }
}

/** Purges batch and heartbeat entries with stream seq < `seq`. Returns how many were removed. */
export async function purgeLogBefore(log: ClusterLog, seq: number): Promise<number> {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new ClusterError(ClusterErrorCode.badArgument, `purge seq must be >= 1: seq=${String(seq)}`)
  const r = await log.jsm.streams.purge(log.names.logStream, { filter: log.names.logSubject, seq })
  return r.purged
}

/**
 * Purges the entries below `gsn`: every batch/heartbeat stored before the batch that holds `gsn` (that batch
 * and everything after it stay). Returns the entries removed; 0 when the index does not reach `gsn`.
 */
export async function purgeLogBelowGsn(log: ClusterLog, index: GsnSeqIndex, gsn: number): Promise<number> {
  const seq = index.seqHolding(gsn)
  if (seq === 0) return 0
  const n = await purgeLogBefore(log, seq)
  index.dropBefore(seq)
  return n
}
