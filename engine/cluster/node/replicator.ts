// The main thread's consumer of the sequenced ring in a cluster node (consumer 2, replicated
// mode) and the owner of the durable watermark DUR.
//
//   leader:   batch written locally (≤ WRIT) ─▶ journal record (header + CRC + batch, the bytes the
//             journal stores) ─▶ FencedAppender ─▶ JetStream ack ─▶ committed(lastGsn) ─▶ DUR
//   follower: batch written locally (≤ WRIT) ─▶ DUR (it came from the log: it is committed)
//
// Only batches the local journal has written are taken, so DUR ≤ WRIT always holds (catch-up
// reads come from the local journal) and the record sent is the record on disk. The record is
// a copy: the ring space is released at once and the appender keeps the copy until the entry
// is committed or the pipeline stops. When the appender's window is full the ring is not read
// on: the sequenced ring fills, the sequencer stops taking input, publishers are back-pressured.
// Groups the leader names are appended first, so a follower knows a group before any batch
// that uses it.

import { APPEND_FULL, APPEND_STOPPED, type FencedAppender } from '../fenced-appender.js'
import type { ReplicationPort } from '../../replication-port.js'
import { RecordType, batchBlobsAt, batchBytes, batchCount, batchFirstGsn } from '../../descriptors/sequenced-record-descriptor.js'
import { encodeRecord } from '../../journal/record-encoder.js'
import { recordBytes } from '../../journal/segment-descriptor.js'

export class Replicator {
  private appender: FencedAppender | null = null
  private readonly groups: Array<{ id: number; name: string }> = []
  private scheduled = false
  private waiting = false
  private blocked = false
  private stopped = false
  /** Entries handed to the appender, by ticket: when they were sent (append latency). */
  private readonly sentAt = new Float64Array(4096)
  /** Append latency samples (µs) since the last drain; read by the node's metrics. */
  readonly latencyUs: number[] = []
  entries = 0
  bytes = 0

  constructor(
    private readonly port: ReplicationPort,
    /** A batch the log cannot take (larger than the servers' max_payload): leading stops. */
    private readonly onError: (err: Error) => void,
  ) {}

  /** Leads from now on: every batch the ring holds beyond appender.appendedGsn goes to the log. */
  lead(appender: FencedAppender): void {
    this.appender = appender
    this.schedule()
  }

  /** Follows (or stops leading): batches only move DUR. */
  follow(): void {
    this.appender = null
    this.groups.length = 0
    this.blocked = false
    this.schedule()
  }

  get leading(): boolean {
    return this.appender !== null
  }

  /** A group the leader just named: appended before the next batch. */
  enqueueGroup(id: number, name: string): void {
    this.groups.push({ id, name })
    this.schedule()
  }

  /** The appender reported entries committed up to `lastGsn` (called in order). */
  committed(ticket: number, lastGsn: number): void {
    const t = this.sentAt[ticket & 4095]!
    if (t > 0 && this.latencyUs.length < 65536) this.latencyUs.push((performance.now() - t) * 1000)
    this.port.setDurable(lastGsn)
  }

  start(): void {
    this.schedule()
  }

  stop(): void {
    this.stopped = true
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    setImmediate(this.runBound)
  }

  private readonly runBound = (): void => this.run()

  private run(): void {
    this.scheduled = false
    if (this.stopped) return
    if (this.pump() > 0) {
      this.schedule()
      return
    }
    if (this.waiting || this.blocked) return
    const bell = this.port.dispatchBell
    const seq = bell.prepare()
    if (this.ready()) {
      bell.cancel()
      this.schedule()
      return
    }
    this.waiting = true
    void bell.awaitAsync(seq, 100).then(() => {
      this.waiting = false
      this.schedule()
    })
  }

  /** Whether the next record could be taken now. */
  private ready(): boolean {
    if (this.appender !== null && this.groups.length > 0) return true
    const c = this.port.consumer
    const at = c.peek()
    if (at < 0) return false
    if (c.recordType !== RecordType.batch) return true
    const count = batchCount(c.i32, at)
    return count === 0 || batchFirstGsn(c.i32, at) + count - 1 <= this.port.writtenGsn
  }

  private waitWritable(a: FencedAppender): void {
    this.blocked = true
    void a.whenWritable().then(() => {
      this.blocked = false
      this.schedule()
    })
  }

  /** Takes what may be taken; returns records consumed (plus group entries sent). */
  private pump(): number {
    const a = this.appender
    let n = 0
    if (a !== null) {
      while (this.groups.length > 0) {
        const g = this.groups[0]!
        const t = a.appendGroup(g.id, g.name)
        if (t === APPEND_FULL) {
          this.waitWritable(a)
          return n
        }
        if (t === APPEND_STOPPED) return n
        this.groups.shift()
        n++
      }
    }
    const c = this.port.consumer
    const i32 = c.i32
    const bytes = c.bytes
    const written = this.port.writtenGsn
    let released = 0
    let taken = 0
    for (; taken < 256; taken++) {
      const at = c.peek()
      if (at < 0) break
      if (c.recordType === RecordType.batch) {
        const count = batchCount(i32, at)
        if (count > 0) {
          const first = batchFirstGsn(i32, at)
          const last = first + count - 1
          if (last > written) break // not on local disk yet: DUR must never pass WRIT
          if (a !== null && last > a.appendedGsn) {
            const blobBytes = batchBytes(i32, at)
            const record = new Uint8Array(recordBytes(blobBytes))
            encodeRecord(record, new DataView(record.buffer), 0, bytes, batchBlobsAt(at), blobBytes, first, count)
            let t: number
            try {
              t = a.appendBatch(record)
            } catch (err) {
              this.appender = null
              this.onError(err instanceof Error ? err : new Error(String(err)))
              break
            }
            if (t === APPEND_FULL) {
              this.waitWritable(a)
              break
            }
            if (t === APPEND_STOPPED) break
            this.sentAt[t & 4095] = performance.now()
            this.entries++
            this.bytes += record.length
          } else released = last // applied from the log before this node led: committed
        }
      }
      c.advance()
    }
    if (taken > 0) c.releaseAll()
    if (released > 0) this.port.setDurable(released) // follower: what the log gave is committed
    return n + taken
  }
}
