// Per-publisher FIFO and idempotence (G4).
//
// A publisher's messages carry pseq 1, 2, 3…; the sequencer takes pseq == last + 1,
// answers a resend (pseq <= last) with the gsn it got the first time, and refuses a
// gap (pseq > last + 1), which only a broken client can produce on an ordered
// connection. A publisher the engine has never seen may start at any pseq (it may have
// been forgotten across a restart, see Sequencer recovery).
//
// Original gsns are kept as runs (firstPseq, firstGsn, count): the messages of one
// ingress record are sequenced back to back, so one run usually covers a whole
// record and the window of the last `window` pseqs costs a few hundred runs, not
// `window` entries. Runs live in a ring of Float64 triples that doubles when full.

export const DedupeVerdict = { fresh: 0, duplicate: 1, gap: 2, outOfWindow: 3 } as const

const RUN = 3 // firstPseq, firstGsn, count

export class PublisherState {
  lastPseq = 0
  /** Gsn of lastPseq (set with it before recordLast()). */
  lastGsn = 0
  runs = new Float64Array(4 * RUN)
  head = 0 // index (in runs) of the oldest run
  size = 0 // number of runs
  constructor(readonly publisher: number) {}
}

export class Dedupe {
  private readonly byPublisher = new Map<number, PublisherState>()
  private cachedPublisher = -1
  private cached: PublisherState | null = null
  /** Set by check(): original gsn (duplicate) or expected pseq (gap). */
  value = 0

  constructor(readonly window: number) {}

  get publisherCount(): number {
    return this.byPublisher.size
  }

  /** State for a publisher, created on first sight. One Map lookup per change of publisher. */
  state(publisher: number): PublisherState {
    if (publisher === this.cachedPublisher && this.cached !== null) return this.cached
    let s = this.byPublisher.get(publisher)
    if (s === undefined) {
      s = new PublisherState(publisher)
      this.byPublisher.set(publisher, s)
    }
    this.cachedPublisher = publisher
    this.cached = s
    return s
  }

  /** Classify pseq for s. On duplicate, this.value = original gsn; on gap, expected pseq. */
  check(s: PublisherState, pseq: number): number {
    const last = s.lastPseq
    if (pseq === last + 1 || last === 0) return DedupeVerdict.fresh
    if (pseq > last) {
      this.value = last + 1
      return DedupeVerdict.gap
    }
    const gsn = this.lookup(s, pseq)
    if (gsn < 0) return DedupeVerdict.outOfWindow
    this.value = gsn
    return DedupeVerdict.duplicate
  }

  /** Record that pseq of s got gsn (pseq is s.lastPseq + 1, or the first seen). */
  record(s: PublisherState, pseq: number, gsn: number): void {
    s.lastPseq = pseq
    s.lastGsn = gsn
    this.recordLast(s)
  }

  /**
   * record() for the sequencer's hot path: the caller has set s.lastPseq and s.lastGsn.
   * Field stores of a double allocate nothing, while a double passed to a call that is not
   * inlined (this one is too big to count on it) is boxed: 16 B per message.
   */
  recordLast(s: PublisherState): void {
    const pseq = s.lastPseq
    const gsn = s.lastGsn
    const runs = s.runs
    const cap = runs.length / RUN
    if (s.size > 0) {
      const t = ((s.head + s.size - 1) % cap) * RUN
      const count = runs[t + 2]!
      if (runs[t]! + count === pseq && runs[t + 1]! + count === gsn) {
        runs[t + 2] = count + 1
        this.trim(s)
        return
      }
    }
    if (s.size === cap) this.grow(s)
    const c = s.runs.length / RUN
    const n = ((s.head + s.size) % c) * RUN
    s.runs[n] = pseq
    s.runs[n + 1] = gsn
    s.runs[n + 2] = 1
    s.size++
    this.trim(s)
  }

  /** Original gsn of pseq, or -1 when it fell out of the window. */
  private lookup(s: PublisherState, pseq: number): number {
    const runs = s.runs
    const cap = runs.length / RUN
    // Newest first: resends are almost always of the last few records.
    for (let k = s.size - 1; k >= 0; k--) {
      const r = ((s.head + k) % cap) * RUN
      const first = runs[r]!
      if (pseq >= first) return pseq < first + runs[r + 2]! ? runs[r + 1]! + (pseq - first) : -1
    }
    return -1
  }

  /** Drop runs wholly older than the window. */
  private trim(s: PublisherState): void {
    const runs = s.runs
    const cap = runs.length / RUN
    const oldest = s.lastPseq - this.window // pseqs <= oldest may be forgotten
    while (s.size > 1) {
      const r = s.head * RUN
      if (runs[r]! + runs[r + 2]! - 1 > oldest) break
      s.head = (s.head + 1) % cap
      s.size--
    }
  }

  private grow(s: PublisherState): void {
    const old = s.runs
    const cap = old.length / RUN
    const next = new Float64Array(old.length * 2)
    for (let k = 0; k < s.size; k++) {
      const from = ((s.head + k) % cap) * RUN
      next[k * RUN] = old[from]!
      next[k * RUN + 1] = old[from + 1]!
      next[k * RUN + 2] = old[from + 2]!
    }
    s.runs = next
    s.head = 0
  }

  /** Snapshot rows for persistence: [publisher, lastPseq, ...] (runs are rebuilt by journal replay). */
  forEach(fn: (s: PublisherState) => void): void {
    for (const s of this.byPublisher.values()) fn(s)
  }
}
