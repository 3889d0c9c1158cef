// Reads the log from where an interpreter stands to the log's end as it is now, applying every entry: what
// a deposed or refused leader does before deciding whether to follow or take the next epoch, and what a
// candidate does before it fences on its last seq.

import type { ClusterLog } from './cluster-log.js'
import { ClusterError, ClusterErrorCode } from './errors.js'
import type { LogInterpreter, Verdict } from './log-interpreter.js'
import { LogTail, type TailEntry } from './log-tail.js'

/** Entries read. Throws ClusterError(badEntry) from the interpreter, or when the end is not reached in time. */
export async function readToEnd(
  log: ClusterLog,
  interp: LogInterpreter,
  onEntry?: (e: TailEntry, verdict: Verdict) => void,
  timeoutMs = 15_000,
): Promise<number> {
  const end = await log.lastSeq()
  if (interp.lastSeq >= end) return 0
  let count = 0
  let failure: Error | undefined
  let reached!: () => void
  const atEnd = new Promise<void>((r) => (reached = r))
  const tail = await LogTail.start(log, {
    fromSeq: interp.lastSeq + 1,
    onEntry: (e) => {
      if (e.seq > end) return
      const v = interp.apply(e.seq, e.kind, e.epoch, e.data)
      count++
      onEntry?.(e, v)
      if (e.seq >= end) reached()
    },
    onError: (e) => {
      failure = e
      reached()
    },
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))
  try {
    const late = await Promise.race([atEnd.then(() => false), timedOut])
    if (failure !== undefined) throw failure
    if (late) {
      throw new ClusterError(ClusterErrorCode.unreachable, `log not read to its end within ${timeoutMs} ms: at seq=${interp.lastSeq}, end=${end}`)
    }
    return count
  } finally {
    clearTimeout(timer)
    await tail.stop()
  }
}
