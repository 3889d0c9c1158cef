// The main thread's consumer of the sequenced ring in a cluster node (consumer 2, replicated
// mode) and the owner of the durable watermark DUR.
//
//   leader:   batches written locally (≤ WRIT) ─▶ journal records (header + CRC + batch, the bytes the
//             journal stores, back to back) ─▶ FencedAppender ─▶ JetStream ack ─▶ committed(lastGsn) ─▶ DUR
//   follower: batch written locally (≤ WRIT) ─▶ DUR (it came from the log: it is committed)
//
// Only batches the local journal has written are taken, so DUR ≤ WRIT always holds (catch-up
// reads come from the local journal), and the records sent are the records on disk. An entry is
// built only when the appender's window has room, from every written batch waiting (up to the
// largest entry the servers take), records back to back: one batch per entry when idle, many
// under load, so the servers' per-entry cost (a Raft round, an fsync on each replica) is paid
// for many messages exactly when it matters. The entry is a copy: the ring space is released at
// once and the appender keeps the copy until it is committed or the pipeline stops. While the
// window is full the ring is not read on: the sequenced ring fills, the sequencer stops taking
// input, publishers are back-pressured.
// Groups the leader names are appended first, so a follower knows a group before any batch
// that uses it. The ids the leader gives are answered to clients only once their entries are
// committed (groupsCommitted): until then a new leader could give the same id to another name.

import { APPEND_FULL, APPEND_STOPPED, type FencedAppender } from '../fenced-appender.js'
import type { ReplicationHandle } from '../../replication-handle.js'
import { RecordType, batchBlobsAt, batchBytes, batchCount, batchFirstGsn } from '../../descriptors/sequenced-record-descriptor.js'
import { encodeRecord } from '../../journal/record-encoder.js'
import { recordBytes } from '../../journal/segment-descriptor.js'

/** Entries in flight below which a new one is sent at once, however small. */
const EAGER_IN_FLIGHT = 2
/** Otherwise an entry waits until about this much is written (the log's benchmark: ≥ 64 KiB entries carry 500 k msg/s). */
const MIN_ENTRY_BYTES = 64 * 1024

export class Replicator {
  private appender: FencedAppender | null = null
  private readonly groups: Array<{ id: number; name: string }> = []
  /** Group entries sent and not committed: their tickets and ids, in ticket order. */
  private readonly groupTickets: number[] = []
  private readonly groupIds: number[] = []
  /** Every group id up to this one is committed in the log. */
  private committedGroup = 0
  private groupWaiters: Array<{ id: number; resolve: () => void; reject: (e: Error) => void }> = []
  private scheduled = false
  private waiting = false
  private blocked = false
  /** The last pass left written batches waiting for the entry to grow. */
  private deferred = false
  private stopped = false
  /** Entries handed to the appender, by ticket: when they were sent (append latency). */
  private readonly sentAt = new Float64Array(4096)
  /** Append latency samples (µs) since the last drain; read by the node's metrics. */
  readonly latencyUs: number[] = []
  entries = 0
  bytes = 0
  /** Messages in the entries sent. */
  messages = 0

  /** Ring positions of the batches going into the entry being built (reused). */
  private readonly parts: number[] = []

  constructor(
    private readonly port: ReplicationHandle,
    /** Largest entry the log takes (the servers' max_payload minus headers). */
    private readonly maxEntryBytes: number,
    /** A batch the log cannot take (larger than the servers' max_payload): leading stops. */
    private readonly onError: (err: Error) => void,
  ) {}

  /**
   * Leads from now on: every batch the ring holds beyond appender.appendedGsn goes to the log.
   * `knownGroups`: the groups the node knows now, all from the log (committed).
   */
  lead(appender: FencedAppender, knownGroups: number): void {
    this.appender = appender
    this.committedGroup = knownGroups
    this.schedule()
  }

  /** null when every group id up to maxId is committed; else a promise settled once it is (see failGroupWaiters). */
  groupsCommitted(maxId: number): Promise<void> | null {
    if (maxId <= this.committedGroup) return null
    return new Promise((resolve, reject) => this.groupWaiters.push({ id: maxId, resolve, reject }))
  }

  /** The node stops leading: group ids not committed yet never will be by this node. */
  failGroupWaiters(err: Error): void {
    const w = this.groupWaiters
    this.groupWaiters = []
    for (const x of w) x.reject(err)
  }

  /** Follows (or stops leading): batches only move DUR. */
  follow(): void {
    this.appender = null
    this.groups.length = 0
    this.groupTickets.length = 0
    this.groupIds.length = 0
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
    if (this.groupTickets.length > 0 && this.groupTickets[0]! <= ticket) this.groupsUpTo(ticket)
    const t = this.sentAt[ticket & 4095]!
    if (t > 0 && this.latencyUs.length < 65536) this.latencyUs.push((performance.now() - t) * 1000)
    this.port.setDurable(lastGsn)
    this.schedule() // an entry that waited to grow may go now
  }

  private groupsUpTo(ticket: number): void {
    while (this.groupTickets.length > 0 && this.groupTickets[0]! <= ticket) {
      this.groupTickets.shift()
      this.committedGroup = this.groupIds.shift()!
    }
    if (this.groupWaiters.length === 0) return
    const still: typeof this.groupWaiters = []
    for (const w of this.groupWaiters) {
      if (w.id <= this.committedGroup) w.resolve()
      else still.push(w)
    }
    this.groupWaiters = still
  }

  /** Mean bytes a message takes in the entries sent so far (a guess of 128 before the first). */
  private bytesPerMessage(): number {
    return this.messages > 0 ? this.bytes / this.messages : 128
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
    // Deferred (an entry waiting to grow): sleep until the next write; a commit schedules a pass too.
    if (!this.deferred && this.ready()) {
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
        this.groupTickets.push(t)
        this.groupIds.push(g.id)
        this.groups.shift()
        n++
      }
    }
    const c = this.port.consumer
    const i32 = c.i32
    const bytes = c.bytes
    const written = this.port.writtenGsn
    // Leader: a new entry only when the window has room; it takes every written batch waiting, up
    // to maxEntryBytes, so entries grow with the load (one batch when idle, many under back-pressure).
    if (a !== null && a.inFlight >= a.window) {
      this.waitWritable(a)
      return n
    }
    // With entries already in flight, a new one waits until enough is written to make it large
    // (or until a commit or a write wakes us again): the servers' cost is per entry, so many small
    // entries in flight carry less than a few large ones. Idle or nearly idle, it goes at once.
    this.deferred = a !== null && a.inFlight >= EAGER_IN_FLIGHT && (written - a.appendedGsn) * this.bytesPerMessage() < MIN_ENTRY_BYTES
    if (this.deferred) return n
    const parts = this.parts
    parts.length = 0
    let size = 0
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
            const rb = recordBytes(batchBytes(i32, at))
            if (parts.length > 0 && size + rb > this.maxEntryBytes) break // this entry is full: the batch opens the next
            parts.push(at)
            size += rb
          } else released = last // applied from the log before this node led: committed
        }
      }
      c.advance()
    }
    if (a !== null && parts.length > 0) {
      const firstOf = batchFirstGsn(i32, parts[0]!) - 1
      // One entry: the records exactly as the journal wrote them, back to back (encoded before the ring space is released).
      const entry = new Uint8Array(size)
      const view = new DataView(entry.buffer)
      let p = 0
      for (const at of parts) {
        const blobBytes = batchBytes(i32, at)
        p += encodeRecord(entry, view, p, bytes, batchBlobsAt(at), blobBytes, batchFirstGsn(i32, at), batchCount(i32, at))
      }
      let t = APPEND_STOPPED
      try {
        t = a.appendBatch(entry)
      } catch (err) {
        this.appender = null
        this.onError(err instanceof Error ? err : new Error(String(err)))
      }
      if (t >= 0) {
        this.sentAt[t & 4095] = performance.now()
        this.entries++
        this.bytes += entry.length
        this.messages += a.appendedGsn - firstOf
      }
    }
    if (taken > 0) c.releaseAll()
    if (released > 0) this.port.setDurable(released) // follower: what the log gave is committed
    return n + taken
  }
}
