// The leader's append latency (entry handed to the log → JetStream acknowledgement) as a
// cumulative histogram for /metrics, fed with the replicator's samples.

/** Bounds, seconds; the last is +Inf. */
const BUCKETS_S = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, Number.POSITIVE_INFINITY]

export class AppendLatency {
  private readonly counts = new Array<number>(BUCKETS_S.length).fill(0)
  private sumS = 0

  /** Takes the samples (µs) and empties the array. */
  drain(samplesUs: number[]): void {
    for (const us of samplesUs) {
      const s = us / 1e6
      this.sumS += s
      for (let i = 0; i < BUCKETS_S.length; i++) if (s <= BUCKETS_S[i]!) this.counts[i]!++
    }
    samplesUs.length = 0
  }

  snapshot(): { buckets: { le: number; count: number }[]; sum: number; count: number } {
    return { buckets: BUCKETS_S.map((le, i) => ({ le, count: this.counts[i]! })), sum: this.sumS, count: this.counts[this.counts.length - 1]! }
  }
}
