// Who answers for each publisher id, and which answers belong to whom.
//
// The engine reports one outcome per offered message (onAck with the gsn, or
// onReject) to the AckListener registered for the publisher, in the order the
// messages were offered. A publisher id outlives connections: a client that
// reconnects claims its id again while answers for frames offered by its old
// connection may still be on the way. Each entry therefore keeps a FIFO of
// offered runs (owner generation, message count) and pops one message per
// outcome, so it knows which connection offered the message being answered:
//   - an ack for a frame of an older connection is still passed to the current
//     owner (the gsn is true whoever asks; the client resolves or ignores it);
//   - a reject for a frame of an older connection is dropped: the client
//     resends those messages on its new connection and gets their real outcome.
// Without this, a stale PSEQ_GAP for the old frame would reach the new
// connection and be mistaken for an answer to a resend with the same pseq.
//
// The entry also holds the publisher's *fence*: after a refusal of pseq p
// (gateway checks or a sequencer reject other than a gap), the messages after p
// can no longer be sequenced under their pseqs, and the client resends them
// numbered from p (protocol rule, README "Refused messages"). Until a frame
// that reaches p arrives, frames that start beyond p are refused with PSEQ_GAP
// at the gateway instead of piling up gap rejects in the sequencer.

import type { AckListener, EnginePort } from '../engine/engine-port.js'
import { ErrorCode } from '../codec/error-codes.js'

/** A connection (or the HTTP publisher) that publishes under an id. */
export interface PublisherOwner {
  /** Unique per owner for the life of the server (connection number). */
  readonly generation: number
  onPublishAck(pseq: number, gsn: number): void
  onPublishReject(pseq: number, code: number, expected: number): void
  onPublishFlush(): void
  /** Another owner claimed the publisher id (a reconnect whose old connection is still open). */
  takenOver(): void
}

const INITIAL_RUNS = 8

export class PublisherEntry implements AckListener {
  owner: PublisherOwner | null = null
  /** 0 = none; else the pseq the next frame must reach (see the file comment). */
  fence = 0
  /** Messages offered to the engine and not yet answered. */
  outstanding = 0
  private runGen = new Float64Array(INITIAL_RUNS)
  private runCount = new Float64Array(INITIAL_RUNS)
  private head = 0
  private size = 0
  private touched = false

  constructor(
    readonly publisher: number,
    private readonly registry: PublisherRegistry,
  ) {}

  /** Records `count` messages offered by `generation`, in offer order. */
  offered(generation: number, count: number): void {
    if (count <= 0) return
    this.outstanding += count
    const cap = this.runGen.length
    if (this.size > 0) {
      const t = (this.head + this.size - 1) % cap
      if (this.runGen[t] === generation) {
        this.runCount[t]! += count
        return
      }
    }
    if (this.size === cap) this.grow()
    const slot = (this.head + this.size) % this.runGen.length
    this.runGen[slot] = generation
    this.runCount[slot] = count
    this.size++
  }

  /** Generation that offered the message being answered now (-1 when the count ran dry). */
  private pop(): number {
    if (this.size === 0) return -1
    const h = this.head
    const gen = this.runGen[h]!
    this.outstanding--
    if (--this.runCount[h]! === 0) {
      this.head = (h + 1) % this.runGen.length
      this.size--
    }
    return gen
  }

  onAck(pseq: number, gsn: number): void {
    this.pop()
    const o = this.owner
    if (o !== null) {
      o.onPublishAck(pseq, gsn)
      this.touched = true
    }
  }

  onReject(pseq: number, code: number, expected: number): void {
    const gen = this.pop()
    const o = this.owner
    // -1: an outcome the FIFO did not expect; pass it on rather than lose it.
    if (o === null || (gen !== -1 && gen !== o.generation)) return
    if (code !== ErrorCode.PSEQ_GAP && code !== ErrorCode.DUPLICATE_OUTSIDE_WINDOW && (this.fence === 0 || pseq < this.fence)) {
      this.fence = pseq
    }
    o.onPublishReject(pseq, code, expected)
    this.touched = true
  }

  onAckFlush(): void {
    if (this.touched) {
      this.touched = false
      this.owner?.onPublishFlush()
    }
    if (this.owner === null && this.outstanding <= 0) this.registry.forget(this)
  }

  private grow(): void {
    const cap = this.runGen.length
    const g = new Float64Array(cap * 2)
    const c = new Float64Array(cap * 2)
    for (let i = 0; i < this.size; i++) {
      g[i] = this.runGen[(this.head + i) % cap]!
      c[i] = this.runCount[(this.head + i) % cap]!
    }
    this.runGen = g
    this.runCount = c
    this.head = 0
  }
}

export class PublisherRegistry {
  private readonly entries = new Map<number, PublisherEntry>()

  constructor(private readonly engine: EnginePort) {}

  get size(): number {
    return this.entries.size
  }

  get(publisher: number): PublisherEntry | undefined {
    return this.entries.get(publisher)
  }

  /**
   * Makes `owner` the one answered for `publisher`. Returns the previous live
   * owner when another owner held it (the caller tells that one it was taken
   * over), else null.
   */
  claim(publisher: number, owner: PublisherOwner): { entry: PublisherEntry; previous: PublisherOwner | null } {
    let entry = this.entries.get(publisher)
    if (entry === undefined) {
      entry = new PublisherEntry(publisher, this)
      this.entries.set(publisher, entry)
      this.engine.registerPublisher(publisher, entry)
    }
    const previous = entry.owner !== null && entry.owner !== owner ? entry.owner : null
    entry.owner = owner
    return { entry, previous }
  }

  /** The owner is gone; the entry stays until its offered messages are answered. */
  release(publisher: number, owner: PublisherOwner): void {
    const entry = this.entries.get(publisher)
    if (entry === undefined || entry.owner !== owner) return
    entry.owner = null
    if (entry.outstanding <= 0) this.forget(entry)
  }

  /** Messages offered and not yet answered, over all publishers (shutdown waits for 0). */
  get outstanding(): number {
    let n = 0
    for (const e of this.entries.values()) n += Math.max(0, e.outstanding)
    return n
  }

  forget(entry: PublisherEntry): void {
    if (this.entries.get(entry.publisher) !== entry) return
    this.entries.delete(entry.publisher)
    this.engine.unregisterPublisher(entry.publisher)
  }
}
