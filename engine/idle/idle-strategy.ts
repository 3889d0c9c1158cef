// How a stage waits when it found no work. Modelled on Agrona's IdleStrategy: a stage is
// a loop `n = doWork(); idle.idle(n)`, and the strategy decides between spinning,
// yielding and parking, resetting itself as soon as work shows up.

export interface IdleStrategy {
  /** Called after each unit of work; workCount 0 means nothing was done. */
  idle(workCount: number): void
  /** Forget accumulated backoff (call after doing work outside idle()). */
  reset(): void
}

/**
 * Something a thread can sleep on until a condition may have changed or a timeout passes.
 * Implementations re-check their condition after registering as a sleeper, so a wake
 * that races with going to sleep is not lost (see engine/ring/doorbell.ts).
 * Blocks the calling thread: worker threads only.
 */
export interface Parker {
  /** Returns true when woken or the condition already held, false on timeout. */
  park(timeoutMs: number): boolean
}
