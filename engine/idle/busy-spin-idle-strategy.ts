// Never gives the core away: lowest latency, one core burnt per stage. JavaScript has no
// spin-wait hint (Java's Thread.onSpinWait / x86 PAUSE), so idling is simply returning
// to the loop. Use it only with a core to spare per spinning thread.

import type { IdleStrategy } from './idle-strategy.js'

export class BusySpinIdleStrategy implements IdleStrategy {
  idle(_workCount: number): void {}
  reset(): void {}
}
