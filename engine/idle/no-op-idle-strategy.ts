// Does nothing and keeps no state: for tests that drive a stage step by step, and for
// loops whose caller decides what to do between calls. Same behaviour as busy spinning,
// different intent (a stage configured with it is not expected to idle at all).

import type { IdleStrategy } from './idle-strategy.js'

export class NoOpIdleStrategy implements IdleStrategy {
  idle(_workCount: number): void {}
  reset(): void {}
}
