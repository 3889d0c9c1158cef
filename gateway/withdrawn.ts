// A tentative subscription resuming on a cluster node. Its client saw messages
// from the leader of epoch E (Subscribe.seen_epoch) up to from_gsn - 1, some of
// them perhaps above the committed point. If a failover happened since, the new
// leader's EPOCH record names the committed gsn B it started from: the old
// leader committed nothing above B, so what the client saw in (B, from_gsn - 1]
// was withdrawn. The server says so first (Withdrawn{from: B + 1, to:
// from_gsn - 1}) and the subscription goes on from B + 1 with the messages that
// now hold those gsns: a correction, never a silently different history.
//
//   a later epoch known here                        → Withdrawn if from_gsn - 1 > B, resume from min(from_gsn, B + 1)
//   none, and this node leads (it is E's leader)     → as asked: it showed those messages itself
//   none, and this node has committed from_gsn - 1   → as asked: the messages the client saw are committed
//   none otherwise (a follower behind the client)    → wait: until it commits that far, or a new epoch shows up
//
// The last case is the usual one after the leader dies: the client reconnects
// to a follower before another node has taken over.

import type { EnginePort } from '../engine/engine-port.js'

export type ResumeDecision = { readonly wait: true } | { readonly wait: false; readonly fromGsn: number; readonly withdrawnTo: number }

/** withdrawnTo > 0: send Withdrawn{fromGsn, withdrawnTo} before subscribing from fromGsn. */
export function decideResume(engine: EnginePort, seenEpoch: number, fromGsn: number): ResumeDecision {
  const status = engine.clusterStatus?.() ?? null
  if (status === null || seenEpoch <= 0 || fromGsn <= 1) return { wait: false, fromGsn, withdrawnTo: 0 }
  const bound = engine.withdrawnAbove?.(seenEpoch) ?? -1
  if (bound >= 0) return fromGsn - 1 > bound ? { wait: false, fromGsn: bound + 1, withdrawnTo: fromGsn - 1 } : { wait: false, fromGsn, withdrawnTo: 0 }
  if (status.role === 'leader' || engine.durableGsn >= fromGsn - 1) return { wait: false, fromGsn, withdrawnTo: 0 }
  return { wait: true }
}

const POLL_MS = 20

/** Resolves with the decision once it is not 'wait' (polled; rare: only after a failover), or null once `gone()`. */
export function awaitResume(engine: EnginePort, seenEpoch: number, fromGsn: number, gone: () => boolean): Promise<ResumeDecision | null> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (gone()) {
        clearInterval(timer)
        resolve(null)
        return
      }
      const d = decideResume(engine, seenEpoch, fromGsn)
      if (d.wait) return
      clearInterval(timer)
      resolve(d)
    }, POLL_MS)
  })
}
