// Reconnect delays: exponential from initialMs up to maxMs, with full jitter
// (a random delay in [delay/2, delay]) so that clients cut off together do not
// come back together.

export interface BackoffOptions {
  /** First delay, ms. Default 50. */
  initialMs?: number
  /** Largest delay, ms. Default 2000. */
  maxMs?: number
}

export class Backoff {
  private attempt = 0
  private readonly initial: number
  private readonly max: number

  constructor(o: BackoffOptions = {}) {
    this.initial = o.initialMs ?? 50
    this.max = o.maxMs ?? 2000
  }

  next(): number {
    const d = Math.min(this.max, this.initial * 2 ** Math.min(this.attempt, 20))
    this.attempt++
    return d / 2 + Math.random() * (d / 2)
  }

  reset(): void {
    this.attempt = 0
  }

  get attempts(): number {
    return this.attempt
  }
}
