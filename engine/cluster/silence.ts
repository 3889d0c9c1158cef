// When a follower should *try* to take over. Nothing here decides safety — the fenced EPOCH append does, and
// a wrong guess only costs a refused append. The clock only decides when to try, and the ranking keeps two
// followers from trying at the same moment (a duel: both refused or one wins and the other retries forever).
//
//   leader silent for timeoutMs ──▶ rank 0 tries at timeoutMs, rank 1 at timeoutMs + staggerMs, …
//   rank: the candidate that has read furthest (highest applied seq) first — it can win at once, the others
//   would be refused by their stale fence anyway — then node name, so every node computes the same order.
//   Any valid entry (a new EPOCH included) resets the silence, so the later ranks see the winner and stand down.

/** Tracks the time since the last valid entry of the current leader. Times are performance.now() values. */
export class SilenceDetector {
  readonly timeoutMs: number
  #lastHeardAt: number

  constructor(timeoutMs: number, now: number = performance.now()) {
    this.timeoutMs = timeoutMs
    this.#lastHeardAt = now
  }

  /** A valid entry (batch, heartbeat or EPOCH) was read at `now`. */
  heard(now: number = performance.now()): void {
    if (now > this.#lastHeardAt) this.#lastHeardAt = now
  }

  silentForMs(now: number = performance.now()): number {
    return Math.max(0, now - this.#lastHeardAt)
  }

  isSilent(now: number = performance.now()): boolean {
    return this.silentForMs(now) >= this.timeoutMs
  }
}

export interface Candidate {
  readonly node: string
  /** Stream seq of the last entry the node has read; -1 when unknown (ranked last). */
  readonly appliedSeq: number
}

/** Candidates in the order they should try: highest appliedSeq first, then node name (byte order). */
export function rankCandidates(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => (b.appliedSeq - a.appliedSeq) || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
}

export interface TakeoverTiming {
  /** Leader silence before the first candidate tries; default 1000 ms. */
  readonly timeoutMs?: number
  /** Extra wait per rank; default 300 ms (more than one EPOCH append + its delivery to the others). */
  readonly staggerMs?: number
}

/**
 * How long `self` waits, counted from the last entry heard, before it tries to take over: timeoutMs + its
 * rank × staggerMs. A node missing from `candidates` ranks after all of them.
 */
export function takeoverDelayMs(self: string, candidates: readonly Candidate[], t: TakeoverTiming = {}): number {
  const timeoutMs = t.timeoutMs ?? 1000
  const staggerMs = t.staggerMs ?? 300
  const ranked = rankCandidates(candidates)
  const i = ranked.findIndex((c) => c.node === self)
  return timeoutMs + (i < 0 ? ranked.length : i) * staggerMs
}
