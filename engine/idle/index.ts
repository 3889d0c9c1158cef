// Public surface of engine/idle: idle strategies and the stage loop.
export type { IdleStrategy, Parker } from './idle-strategy.js'
export { BusySpinIdleStrategy } from './busy-spin-idle-strategy.js'
export { NoOpIdleStrategy } from './no-op-idle-strategy.js'
export { BackoffIdleStrategy, type BackoffOptions } from './backoff-idle-strategy.js'
export { AtomicsWaitParker } from './atomics-wait-parker.js'
export { runStage, runUntilFinished, type Stage, type DrainingStage } from './stage.js'
