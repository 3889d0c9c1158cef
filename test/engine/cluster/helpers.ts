// Shared helpers for the replicated-log tests: a real 3-server JetStream cluster per test file, journal
// records with content that can be recomputed from (first gsn, length), and a promise-based driver around
// FencedAppender.

import { randomBytes } from 'node:crypto'
import { encodeRecord } from '../../../engine/journal/record-encoder.js'
import { recordBytes } from '../../../engine/journal/segment-descriptor.js'
import {
  type ClusterError,
  type ClusterLog,
  FencedAppender,
  APPEND_FULL,
  type AppenderOptions,
  openLog,
  type OpenLogOptions,
} from '../../../engine/cluster/index.js'
import { startLocalNatsCluster, type LocalNatsCluster } from '../../../tools/nats/local-nats-cluster.js'

export { startLocalNatsCluster, type LocalNatsCluster }

/** A cluster name no other test uses: each test gets its own stream. */
export function uniqueClusterName(tag: string): string {
  return `${tag}-${randomBytes(4).toString('hex')}`
}

export function startTestNats(): Promise<LocalNatsCluster> {
  return startLocalNatsCluster({ readyTimeoutMs: 60_000 })
}

export function openTestLog(nats: LocalNatsCluster, cluster: string, extra: Partial<OpenLogOptions> = {}): Promise<ClusterLog> {
  return openLog({ urls: nats.urls, cluster, connectTimeoutMs: 2000, ...extra })
}

/** Record bytes whose batch content depends only on (firstGsn, length). */
export function makeRecord(firstGsn: number, count: number, batchLength: number): Uint8Array {
  const batch = new Uint8Array(batchLength)
  let x = (firstGsn * 2654435761) >>> 0 || 1
  for (let i = 0; i < batchLength; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    batch[i] = x & 255
  }
  const out = new Uint8Array(recordBytes(batchLength))
  encodeRecord(out, new DataView(out.buffer), 0, batch, 0, batchLength, firstGsn, count)
  return out
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export interface Committed {
  ticket: number
  seq: number
  lastGsn: number
}

/** An appender plus what it reported, in order. */
export class RecordingAppender {
  readonly appender: FencedAppender
  readonly committed: Committed[] = []
  stoppedWith: ClusterError | undefined
  firstLostTicket = -1

  /** What stopped the pipeline (a method, so that a test's earlier check does not narrow its type). */
  error(): ClusterError | undefined {
    return this.stoppedWith
  }
  #waiters: (() => void)[] = []

  constructor(log: ClusterLog, o: Omit<AppenderOptions, 'handler'>) {
    this.appender = new FencedAppender(log, {
      ...o,
      handler: {
        committed: (ticket, seq, lastGsn) => {
          this.committed.push({ ticket, seq, lastGsn })
          this.#wake()
        },
        stopped: (error, firstLost) => {
          this.stoppedWith = error
          this.firstLostTicket = firstLost
          this.#wake()
        },
      },
    })
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w()
  }

  /** Resolves after the next committed/stopped report. */
  changed(): Promise<void> {
    return new Promise((r) => this.#waiters.push(r))
  }

  /** Appends every record (waiting for room in the window), then waits until all are committed or it stopped. */
  async appendAll(records: readonly Uint8Array[], onEach?: (i: number) => void | Promise<void>): Promise<number> {
    let sent = 0
    for (const r of records) {
      for (;;) {
        if (this.stoppedWith !== undefined) return sent
        const t = this.appender.appendBatch(r)
        if (t !== APPEND_FULL) break
        await this.appender.whenWritable()
      }
      sent++
      if (onEach !== undefined) await onEach(sent)
    }
    await this.drained()
    return sent
  }

  /** Waits until nothing is in flight or the pipeline stopped. */
  async drained(): Promise<void> {
    while (this.appender.inFlight > 0 && this.stoppedWith === undefined) await this.changed()
  }
}

/** Runs `fn` with a deadline; rejects naming `what` when it takes longer. */
export async function within<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      fn(),
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
