// A fixed-bucket latency histogram for hot paths: observe() is a short loop
// over a frozen array of bounds and two typed-array writes, no allocation.
// Buckets follow a 1-2.5-5 series from 50 µs to 10 s, so a page of quantiles
// read from bucket deltas (the dashboard, or histogram_quantile in PromQL) is
// within a bucket's width of the truth from sub-millisecond acks to stalls.

/** Upper bounds in seconds (the +Inf bucket is implicit). */
export const LATENCY_BOUNDS_SECONDS: readonly number[] = Object.freeze([
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
])

export interface HistogramSnapshot {
  /** Cumulative counts per upper bound (seconds), Prometheus style; the last bound is +Inf. */
  buckets: { le: number; count: number }[]
  sumSeconds: number
  count: number
}

export class LatencyHistogram {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is +Inf. */
  private readonly counts: Float64Array
  private sum = 0
  private n = 0

  constructor(readonly bounds: readonly number[] = LATENCY_BOUNDS_SECONDS) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(seconds: number): void {
    const b = this.bounds
    let i = 0
    while (i < b.length && seconds > b[i]!) i++
    this.counts[i]!++
    this.sum += seconds
    this.n++
  }

  get count(): number {
    return this.n
  }

  /** Cumulative buckets for scrapes and the admin API (allocates: scrape time only). */
  snapshot(): HistogramSnapshot {
    const buckets: { le: number; count: number }[] = []
    let cum = 0
    for (let i = 0; i < this.counts.length; i++) {
      cum += this.counts[i]!
      buckets.push({ le: i < this.bounds.length ? this.bounds[i]! : Infinity, count: cum })
    }
    return { buckets, sumSeconds: this.sum, count: this.n }
  }
}
