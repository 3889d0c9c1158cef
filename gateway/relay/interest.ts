// One interest: a set of groups and a tentative flag that some of the relay's
// clients subscribe to. It holds ONE upstream subscription, whatever the number
// of clients, and a cache of the Deliver frames that came through it: every
// message of the interest with gsn in [cacheStart, nextGsn), in gsn order, as
// the upstream sent it. Clients are served from here: live frames as they
// arrive, a resume from any gsn the cache holds by replay; a resume from before
// cacheStart is fetched upstream first (relay/relay-engine.ts).
//
//   upstream Deliver ──▶ append (drop what is already held) ──▶ each live client:
//                                                            patch id, send

import { sliceDeliver, type StoredFrame } from './deliver-frames.js'
import type { RelaySubscription } from './relay-subscription.js'

export class Interest {
  /** Upstream subscription id (0 while not subscribed upstream). */
  upstreamId = 0
  /** Held frames; frames[head..] are live entries (the front is dropped by moving head). */
  private frames: StoredFrame[] = []
  private head = 0
  /** Bytes held in frames. */
  bytes = 0
  readonly subs = new Set<RelaySubscription>()
  /** When the last client left (0 while some are subscribed). */
  idleSince = 0
  /** The upstream subscription is a durable one (the relay acknowledges its durables' minimum on it). */
  durable = false
  /** Tentative: the upstream leader epoch of the connection that brought the last frame (0n: none yet). */
  seenEpoch = 0n

  constructor(
    readonly key: string,
    readonly groups: readonly number[],
    readonly tentative: boolean,
    /** First gsn the cache covers; everything of the interest from here to nextGsn is held. */
    public cacheStart: number,
  ) {
    this.nextGsn = cacheStart
  }

  /** Next gsn expected from upstream. */
  nextGsn: number

  get frameCount(): number {
    return this.frames.length - this.head
  }

  /** gsn of the oldest held frame's first message, or nextGsn when nothing is held. */
  get oldestGsn(): number {
    return this.head < this.frames.length ? this.frames[this.head]!.first : this.nextGsn
  }

  /** A frame from the upstream subscription; returns the frame stored (null: all of it was held already). */
  append(frame: StoredFrame): StoredFrame | null {
    if (frame.last < this.nextGsn) return null
    const f = frame.first < this.nextGsn ? sliceDeliver(frame, this.nextGsn, Number.MAX_SAFE_INTEGER) : frame
    if (f === null) return null
    this.frames.push(f)
    this.bytes += f.bytes.length
    this.nextGsn = f.last + 1
    return f
  }

  /** Sends a stored live frame to every live client that has not had it. */
  fanOut(f: StoredFrame): void {
    for (const s of this.subs) {
      if (!s.live || s.nextGsn > f.last) continue
      s.deliver(f.first >= s.nextGsn ? f : sliceDeliver(f, s.nextGsn, Number.MAX_SAFE_INTEGER))
    }
  }

  /** Drops the oldest frame (the relay's cache is over its budget); returns the bytes freed. */
  evictOldest(): number {
    if (this.head >= this.frames.length) return 0
    const f = this.frames[this.head]!
    this.frames[this.head] = undefined as unknown as StoredFrame
    this.head++
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head)
      this.head = 0
    }
    this.bytes -= f.bytes.length
    this.cacheStart = f.last + 1
    return f.bytes.length
  }

  /**
   * A failover withdrew the gsns from `from` on (tentative interests): what is held from there is dropped
   * and the interest continues from `from`. Returns the bytes freed.
   */
  withdraw(from: number): number {
    let freed = 0
    while (this.frames.length > this.head && this.frames[this.frames.length - 1]!.last >= from) {
      const f = this.frames.pop()!
      freed += f.bytes.length
      this.bytes -= f.bytes.length
      const kept = f.first < from ? sliceDeliver(f, f.first, from) : null
      if (kept !== null) {
        this.frames.push(kept)
        this.bytes += kept.bytes.length
        freed -= kept.bytes.length
        break
      }
    }
    if (this.nextGsn > from) this.nextGsn = from
    if (this.cacheStart > from) this.cacheStart = from
    return freed
  }

  /** Drops everything held (the interest is closing, or the upstream lost its range). */
  clear(): void {
    this.frames = []
    this.head = 0
    this.bytes = 0
    this.cacheStart = this.nextGsn
  }

  /**
   * Replays held frames to `s` from s.nextGsn (>= cacheStart) on. Returns false
   * when the client's sink declined a frame (it is paused and resumes later).
   */
  replay(s: RelaySubscription): boolean {
    const from = s.nextGsn
    let i = this.firstFrameWith(from)
    for (; i < this.frames.length; i++) {
      const f = this.frames[i]!
      if (f.last < s.nextGsn) continue
      if (!s.deliver(f.first >= s.nextGsn ? f : sliceDeliver(f, s.nextGsn, Number.MAX_SAFE_INTEGER))) return false
    }
    return true
  }

  /** Index of the first held frame whose last gsn is >= gsn (binary search: frames are in gsn order). */
  private firstFrameWith(gsn: number): number {
    let lo = this.head
    let hi = this.frames.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.frames[mid]!.last < gsn) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
