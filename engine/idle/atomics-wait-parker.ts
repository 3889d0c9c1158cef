// Parks on one Int32 word: sleeps until someone Atomics.notify()s that index or the
// timeout passes. It knows no condition, so a notify sent just before it sleeps is missed
// and costs one timeout: use it for a plain bounded sleep, or with short timeouts. Ring
// producers and consumers are parkers with a race-free re-check (see doorbell.ts).

import type { Parker } from './idle-strategy.js'

export class AtomicsWaitParker implements Parker {
  readonly i32: Int32Array
  readonly index: number

  /** Without arguments: a private word nobody notifies, i.e. a timed sleep. */
  constructor(i32: Int32Array = new Int32Array(new SharedArrayBuffer(4)), index = 0) {
    this.i32 = i32
    this.index = index
  }

  park(timeoutMs: number): boolean {
    // Expect the current value: a notify, or a change made before the wait starts
    // ('not-equal'), ends the sleep early.
    return Atomics.wait(this.i32, this.index, Atomics.load(this.i32, this.index), timeoutMs) !== 'timed-out'
  }
}
