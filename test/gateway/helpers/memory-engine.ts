// A small in-memory EnginePort for the gateway's own tests: sequences Publish
// frames synchronously (dedupe, gaps, gsn and gseqs stamped into canonical
// copies), answers in a later "dispatch pass" (setImmediate), and fans out
// Deliver frames with pause/resume like the real engine's contract says. It
// can simulate a full ingress (BACK_PRESSURED) to test the held-frame path.
// Not a model of the real engine's performance; a model of its contract.

import {
  blobLength,
  copyCanonical,
  FrameWriter,
  MessageCursor,
  stampBlob,
  stampBlobGseq,
  blobGroupCount,
  blobGroup,
} from '../../../codec/index.js'
import { BACK_PRESSURED, UNAVAILABLE } from '../../../codec/results.js'
import {
  type AckListener,
  type EngineMetrics,
  type EnginePort,
  type FrameSink,
  type GroupFilter,
  type RawSubscription,
  type SubscribeFramesOptions,
} from '../../../engine/engine-port.js'
import { visibleMask } from '../../../engine/stages/fanout/interest.js'
import { ErrorCode } from '../../../codec/error-codes.js'
import { EngineStateMachine, type EngineListener, type EngineStatus } from '../../../engine/engine-state.js'

interface Pub {
  last: number
  gsnOf: Map<number, number>
}

export interface MemoryEngineOptions {
  /** Messages the fake ingress holds before a dispatch pass; beyond: BACK_PRESSURED. Default Infinity. */
  ingressCapacity?: number
  maxPayload?: number
  maxGroups?: number
  /** Messages per Deliver frame. Default 256. */
  deliverBatch?: number
}

class MemorySubscription implements RawSubscription {
  nextGsn: number
  paused = false
  closed = false
  live = false
  readonly groups: Set<number>

  constructor(
    private readonly engine: MemoryEngine,
    readonly id: number,
    groups: readonly number[],
    fromGsn: number,
    readonly sink: FrameSink,
    readonly visible: GroupFilter | null = null,
  ) {
    this.groups = new Set(groups)
    this.nextGsn = fromGsn === 0 ? engine.sequencedGsn + 1 : fromGsn
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.engine.schedule()
  }

  close(): void {
    this.closed = true
  }
}

export class MemoryEngine implements EnginePort {
  readonly log: Uint8Array[] = []
  private readonly names = new Map<string, number>()
  private readonly ids: string[] = ['']
  private readonly pubs = new Map<number, Pub>()
  private readonly listeners = new Map<number, AckListener>()
  private readonly touched = new Set<number>()
  private readonly gseqs = new Map<number, number>()
  private readonly subs = new Set<MemorySubscription>()
  private readonly drainCallbacks: (() => void)[] = []
  private readonly cursor = new MessageCursor()
  private readonly writer = new FrameWriter(new Uint8Array(4 * 1024 * 1024))
  private queued = 0
  private scheduled = false
  private nextPublisher = 1000
  private readonly notices: { publisher: number; pseq: number; gsn: number; code: number; expected: number }[] = []
  readonly maxPayload: number
  readonly maxGroups: number
  readonly dataDir = null
  readonly dedupeWindow = 100_000
  readonly maxOfferBytes = 8 * 1024 * 1024
  private readonly capacity: number
  private readonly batch: number
  metrics = { duplicates: 0, rejects: 0 }
  /** Always running (the fake has no journal to fail). */
  private readonly state = new EngineStateMachine('(memory)')

  constructor(o: MemoryEngineOptions = {}) {
    this.maxPayload = o.maxPayload ?? 1024 * 1024
    this.maxGroups = o.maxGroups ?? 16
    this.capacity = o.ingressCapacity ?? Infinity
    this.batch = o.deliverBatch ?? 256
    this.state.started()
  }

  get sequencedGsn(): number {
    return this.log.length
  }

  get status(): EngineStatus {
    return this.state.status
  }

  get accepting(): boolean {
    return this.state.accepting
  }

  onStatusChange(listener: EngineListener): () => void {
    return this.state.onChange(listener)
  }

  get durableGsn(): number {
    return this.log.length
  }

  newPublisherId(): number {
    return this.nextPublisher++
  }

  registerPublisher(publisher: number, listener: AckListener): void {
    this.listeners.set(publisher, listener)
  }

  unregisterPublisher(publisher: number): void {
    this.listeners.delete(publisher)
  }

  /** Acts as if the journal could not write (ENOSPC) until journalWorks(). */
  journalFails(): void {
    this.state.journalFailed(ErrorCode.DISK_FULL, 'ENOSPC', 'write', 'injected: no space left', { durable: this.durableGsn, sequenced: this.sequencedGsn }, 100)
  }

  journalWorks(): void {
    this.state.journalResumed(0, 0, this.durableGsn)
  }

  offerPublishFrame(bytes: Uint8Array, offset: number, length: number, publisher: number): number {
    if (!this.state.accepting) return UNAVAILABLE
    if (this.queued >= this.capacity) return BACK_PRESSURED
    const c = this.cursor
    const n = c.reset(bytes, offset, length)
    let pub = this.pubs.get(publisher)
    if (pub === undefined) {
      pub = { last: 0, gsnOf: new Map() }
      this.pubs.set(publisher, pub)
    }
    while (c.next()) {
      const pseq = c.pseq
      if (pseq <= pub.last) {
        this.metrics.duplicates++
        this.notices.push({ publisher, pseq, gsn: pub.gsnOf.get(pseq) ?? 0, code: 0, expected: 0 })
        continue
      }
      if (pub.last !== 0 && pseq !== pub.last + 1) {
        this.metrics.rejects++
        this.notices.push({ publisher, pseq, gsn: 0, code: ErrorCode.PSEQ_GAP, expected: pub.last + 1 })
        continue
      }
      const blob = new Uint8Array(blobLength(c.groupCount, c.payloadLength))
      copyCanonical(bytes, c.tablePos, blob, 0)
      const gsn = this.log.length + 1
      stampBlob(blob, 0, gsn, Date.now() * 1000)
      for (let i = 0; i < blobGroupCount(blob, 0); i++) {
        const g = blobGroup(blob, 0, i)
        const s = (this.gseqs.get(g) ?? 0) + 1
        this.gseqs.set(g, s)
        stampBlobGseq(blob, 0, i, s)
      }
      this.log.push(blob)
      pub.last = pseq
      pub.gsnOf.set(pseq, gsn)
      this.notices.push({ publisher, pseq, gsn, code: 0, expected: 0 })
    }
    this.queued += n
    this.schedule()
    return n
  }

  onIngressDrain(cb: () => void): void {
    this.drainCallbacks.push(cb)
  }

  resolveGroupIds(names: readonly string[], create: boolean): number[] {
    return names.map((name) => {
      let id = this.names.get(name)
      if (id === undefined && create) {
        id = this.ids.length
        this.ids.push(name)
        this.names.set(name, id)
      }
      return id ?? -1
    })
  }

  groupName(id: number): string | undefined {
    return id > 0 && id < this.ids.length ? this.ids[id] : undefined
  }

  subscribeFrames(groupIds: readonly number[], opts: SubscribeFramesOptions, sink: FrameSink): RawSubscription {
    const s = new MemorySubscription(this, opts.id, groupIds, opts.fromGsn, sink, opts.visible ?? null)
    this.subs.add(s)
    this.schedule()
    return s
  }

  metricsSnapshot(): EngineMetrics {
    return {
      state: this.state.state,
      journalFaults: 0,
      journalRetryFailures: 0,
      sequencedGsn: this.sequencedGsn,
      durableGsn: this.durableGsn,
      messagesSequenced: this.log.length,
      batchesSequenced: 0,
      duplicates: this.metrics.duplicates,
      rejects: this.metrics.rejects,
      fsyncs: 0,
      fsyncLatencyBuckets: [{ le: 0.001, count: 0 }],
      fsyncLatencySumSeconds: 0,
      ringOccupancy: [],
      meanBatchMessages: 0,
    }
  }

  schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.dispatch())
  }

  private dispatch(): void {
    this.scheduled = false
    const notices = this.notices.splice(0)
    for (const n of notices) {
      const l = this.listeners.get(n.publisher)
      if (l === undefined) continue
      if (n.code === 0) l.onAck(n.pseq, n.gsn)
      else l.onReject(n.pseq, n.code, n.expected)
      this.touched.add(n.publisher)
    }
    for (const p of this.touched) this.listeners.get(p)?.onAckFlush()
    this.touched.clear()
    const wasFull = this.queued >= this.capacity
    this.queued = 0
    if (wasFull) for (const cb of this.drainCallbacks.splice(0)) cb()
    for (const s of this.subs) {
      if (s.closed) {
        this.subs.delete(s)
        continue
      }
      this.deliver(s)
    }
  }

  private deliver(s: MemorySubscription): void {
    const w = this.writer
    const buf = w.target
    while (!s.paused && !s.closed && s.nextGsn <= this.log.length) {
      w.beginDeliver(0, s.id, this.durableGsn, this.batch)
      let last = 0
      let gsn = s.nextGsn
      for (; gsn <= this.log.length && w.count < this.batch; gsn++) {
        const blob = this.log[gsn - 1]!
        let match = false
        for (let i = 0; i < blobGroupCount(blob, 0); i++) if (s.groups.has(blobGroup(blob, 0, i))) match = true
        if (!match) continue
        if (w.position + blob.length > buf.length) break
        const keep = s.visible === null ? -1 : visibleMask(s.visible, blob, 0)
        if (keep === -1) w.addBlob(blob, 0, blob.length)
        else w.addBlobSubset(blob, 0, keep)
        last = gsn
      }
      const len = w.finish()
      if (last === 0) {
        s.nextGsn = gsn
        continue
      }
      if (!s.sink.onFrame(buf, 0, len, last)) {
        s.paused = true
        return
      }
      s.nextGsn = last + 1
    }
    if (!s.live && !s.paused && !s.closed) {
      s.live = true
      s.sink.onLive?.(s.nextGsn)
    }
  }
}
