// A pipeline stage: a loop around doWork(), idling through a pluggable strategy when a
// pass found nothing to do (Agrona's Agent / AgentRunner, reduced to a function).

import type { IdleStrategy } from './idle-strategy.js'

export interface Stage {
  /** Does one bounded pass of work; returns how much was done (0 = nothing). */
  doWork(): number
}

/**
 * Runs stage until the word stop[stopIndex] becomes non-zero (set from any thread; notify
 * that index too if the stage may be parked on it). Returns the total work done.
 * Blocks the thread: worker threads only.
 */
export function runStage(stage: Stage, idle: IdleStrategy, stop: Int32Array, stopIndex: number): number {
  let total = 0
  idle.reset()
  // The stop flag is read with Atomics.load so the loop cannot be optimised into never
  // re-reading it; one load per pass is noise next to a pass of work.
  while (Atomics.load(stop, stopIndex) === 0) {
    const n = stage.doWork()
    total += n
    idle.idle(n)
  }
  return total
}

/** A stage that drains before it stops: the loop ends at a pass with no work once finished() says so. */
export interface DrainingStage extends Stage {
  /** Asked only after a pass that found nothing: true when the stage is to stop (stop requested, input drained). */
  finished(): boolean
}

/**
 * Runs stage until a pass finds no work and stage.finished() is true; idles through the
 * strategy between passes. Blocks the thread: worker threads only. The pipeline's worker
 * stages run this way (stages/sequencer, stages/journal).
 */
export function runUntilFinished(stage: DrainingStage, idle: IdleStrategy): void {
  idle.reset()
  for (;;) {
    const n = stage.doWork()
    if (n === 0 && stage.finished()) return
    idle.idle(n)
  }
}
