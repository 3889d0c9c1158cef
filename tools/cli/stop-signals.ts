// SIGINT and SIGTERM for the long-running commands: the first asks for a clean stop, a later one
// (a second Ctrl-C) for leaving at once. Ctrl-C in a terminal signals the whole foreground process
// group, so a command run through `npm start` or `npx` gets that SIGINT twice within milliseconds:
// once from the terminal and once forwarded by npm. The same signal again within REPEAT_MS of the
// first is that one delivery, not a second request.

/** A repeat of the first signal sooner than this is the same request delivered twice. */
export const REPEAT_MS = 500

/**
 * Calls `first(signal)` on the first SIGINT or SIGTERM and `again(signal)` on any later one, except
 * the first signal repeated within REPEAT_MS. Returns a function that removes the handlers.
 */
export function onStopSignals(first: (signal: NodeJS.Signals) => void, again: (signal: NodeJS.Signals) => void): () => void {
  let firstSignal: NodeJS.Signals | null = null
  let firstAt = 0
  const handle = (signal: NodeJS.Signals): void => {
    const now = performance.now()
    if (firstSignal === null) {
      firstSignal = signal
      firstAt = now
      first(signal)
    } else if (signal !== firstSignal || now - firstAt >= REPEAT_MS) {
      again(signal)
    }
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
  return () => {
    process.off('SIGINT', handle)
    process.off('SIGTERM', handle)
  }
}
