// A follower's intake: entries of the log, judged by the LogInterpreter, into the local engine.
//
//   LogTail ─▶ LogInterpreter.apply ─▶ batch   ─▶ APPLY record in ingress ring 0 ─▶ sequencer (replicated-mode apply)
//                                   ├▶ group   ─▶ the group registry (same id, same name)
//                                   ├▶ epoch   ─▶ who leads now (url for NOT_LEADER)
//                                   └▶ stale / foreign: skipped
//
// Every counted entry tells the SilenceDetector the leader is alive. Batches the local journal
// already holds (gsn ≤ skipUpTo, re-read after a restart) are skipped. When the ingress ring is
// full, batches wait in a queue (copies: the tail's buffers are reused) and are offered again as
// it drains; the tail is paused meanwhile (onEntry's promise), so the queue stays short.

import type { LogInterpreter } from '../log-interpreter.js'
import { Verdict } from '../log-interpreter.js'
import type { TailEntry } from '../log-tail.js'
import type { SilenceDetector } from '../silence.js'
import type { ReplicationHandle } from '../../replication-handle.js'
import { RECORD_HEADER_BYTES, RecordHeader, readU64, recordBytes } from '../../journal/segment-descriptor.js'
import { ClusterError, ClusterErrorCode } from '../errors.js'

interface Pending {
  data: Uint8Array
  length: number
  firstGsn: number
  count: number
}

export class LogApplier {
  private readonly queue: Pending[] = []
  private draining: Promise<void> | null = null
  /** Batches handed to the sequencer. */
  applied = 0

  constructor(
    private readonly port: ReplicationHandle,
    readonly interp: LogInterpreter,
    private readonly silence: SilenceDetector,
    /** Gsns the local journal already holds. */
    private skipUpTo: number,
    private readonly onEpoch: () => void,
  ) {}

  /** LogTail's onEntry: judge the entry, then apply it. */
  onEntry(e: TailEntry): void | Promise<void> {
    const v = this.interp.apply(e.seq, e.kind, e.epoch, e.data)
    return this.handle(e, v)
  }

  /** Applies an entry the interpreter has judged `v` (also used with readToEnd). */
  handle(e: TailEntry, v: Verdict): void | Promise<void> {
    if (v === Verdict.stale || v === Verdict.foreign) return
    this.silence.heard()
    if (v === Verdict.epoch) this.onEpoch()
    else if (v === Verdict.group) {
      const g = this.interp.group
      if (!this.port.applyGroup(g.id, g.name)) {
        throw new ClusterError(ClusterErrorCode.badEntry, `group entry disagrees with this node's groups: seq=${e.seq}, id=${g.id}, name=${g.name}; start this node with an empty data directory`)
      }
    } else if (v === Verdict.batch) {
      const first = this.interp.batchFirstGsn
      const count = this.interp.batchCount
      if (first + count - 1 <= this.skipUpTo) return
      // The entry holds one or more records back to back (checked by the interpreter): each goes in as it is.
      const data = e.data
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
      let queued = false
      for (let p = 0; p < data.length; ) {
        const length = view.getUint32(p + RecordHeader.length, true)
        const rFirst = readU64(view, p + RecordHeader.firstGsnLo)
        const rCount = view.getUint32(p + RecordHeader.count, true)
        const body = p + RECORD_HEADER_BYTES
        p += recordBytes(length)
        if (rFirst + rCount - 1 <= this.skipUpTo) continue
        if (rFirst <= this.skipUpTo) {
          throw new ClusterError(ClusterErrorCode.badEntry, `a batch of the log straddles this node's journal end: seq=${e.seq}, firstGsn=${rFirst}, count=${rCount}, localLastGsn=${this.skipUpTo}`)
        }
        if (!queued && this.queue.length === 0 && this.port.offerApply(data, body, length, rFirst, rCount) === 0) {
          this.applied++
          continue
        }
        queued = true
        this.queue.push({ data: data.slice(body, body + length), length, firstGsn: rFirst, count: rCount })
      }
      if (queued) return this.drain()
    }
  }

  /** Whether everything received was handed to the sequencer. */
  get idle(): boolean {
    return this.queue.length === 0
  }

  /** Offers the queued batches until the queue is empty. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (this.queue.length > 0) {
          const p = this.queue[0]!
          if (this.port.offerApply(p.data, 0, p.length, p.firstGsn, p.count) === 0) {
            this.queue.shift()
            this.applied++
            continue
          }
          await this.port.whenIngressSpace(20)
        }
      } finally {
        this.draining = null
      }
    })()
    return this.draining
  }
}
