// Spin, then "yield", then park with a growing timeout. After Agrona's
// BackoffIdleStrategy, adapted to what a JavaScript thread can do:
// - spin: return at once (a spin-then-wait round trip costs about 0.2 µs on a 2-core VM);
// - yield: Node has no sched_yield; Atomics.wait with timeout 0 costs ~0.2-0.3 µs (it
//   takes the futex-emulation lock and returns) — a slower spin that touches no shared
//   line, so the peer thread's stores reach us without our polling their lines;
// - park: Parker.park(timeout), timeout doubling from minParkMs to maxParkMs. A futex
//   wake costs tens of µs here, so parking is for real idleness, not short gaps.
// With a race-free parker (a ring producer/consumer, a doorbell) the timeout only bounds
// how long a missed condition could go unseen; with a plain AtomicsWaitParker it is the
// latency after a missed notify.

import type { IdleStrategy, Parker } from './idle-strategy.js'
import { AtomicsWaitParker } from './atomics-wait-parker.js'

export interface BackoffOptions {
  /** Idle calls that just spin. Default 200. */
  maxSpins?: number
  /** Idle calls after the spins that do a zero-timeout Atomics.wait. Default 50. */
  maxYields?: number
  /** First park timeout, ms. Default 0.05 (50 µs). */
  minParkMs?: number
  /** Largest park timeout, ms. Default 50. */
  maxParkMs?: number
  /** What to park on. Default: a private word (a plain timed sleep). */
  parker?: Parker
}

const NOT_IDLE = 0
const SPINNING = 1
const YIELDING = 2
const PARKING = 3

export class BackoffIdleStrategy implements IdleStrategy {
  readonly maxSpins: number
  readonly maxYields: number
  readonly minParkMs: number
  readonly maxParkMs: number
  readonly parker: Parker
  private state = NOT_IDLE
  private spins = 0
  private yields = 0
  private parkMs: number
  private readonly scratch = new Int32Array(new SharedArrayBuffer(4))
  /** Times park() was called (for tests and metrics). */
  parks = 0

  constructor(opts: BackoffOptions = {}) {
    this.maxSpins = opts.maxSpins ?? 200
    this.maxYields = opts.maxYields ?? 50
    this.minParkMs = opts.minParkMs ?? 0.05
    this.maxParkMs = opts.maxParkMs ?? 50
    this.parker = opts.parker ?? new AtomicsWaitParker()
    this.parkMs = this.minParkMs
  }

  idle(workCount: number): void {
    if (workCount > 0) {
      this.reset()
      return
    }
    switch (this.state) {
      case NOT_IDLE:
        this.state = SPINNING
        this.spins = 1
        break
      case SPINNING:
        if (++this.spins > this.maxSpins) {
          this.state = YIELDING
          this.yields = 0
        }
        break
      case YIELDING:
        if (++this.yields > this.maxYields) {
          this.state = PARKING
          this.parkMs = this.minParkMs
        } else {
          // Value 0 never changes in the private word: this always returns 'timed-out'.
          Atomics.wait(this.scratch, 0, 0, 0)
        }
        break
      default:
        this.parks++
        this.parker.park(this.parkMs)
        this.parkMs = Math.min(this.parkMs * 2, this.maxParkMs)
        break
    }
  }

  reset(): void {
    this.state = NOT_IDLE
    this.spins = 0
    this.yields = 0
    this.parkMs = this.minParkMs
  }
}
