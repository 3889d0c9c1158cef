// Taking over leadership: append EPOCH e+1 fenced on the last entry the candidate has read. The append
// succeeding *is* the election — the stream leader stores at most one entry after any given sequence, so of
// two candidates fenced on the same entry exactly one wins, and a candidate that has not read everything
// (its fence is behind the log's end) cannot win at all. No clock is involved.
//
//   candidate A: EPOCH 5, expects seq 41 ─┐
//                                         ├─▶ stream leader: first one stored at 42, the other: 10071
//   candidate B: EPOCH 5, expects seq 41 ─┘
//
// The EPOCH's Msg-Id names the candidate and a nonce (entry-descriptor.ts): JetStream answers a known Msg-Id
// with "duplicate" before it looks at the fence, so a shared id would tell the loser it had won.

import { randomBytes } from 'node:crypto'
import { headers, type Msg } from '@nats-io/transport-node'
import type { ClusterLog } from './cluster-log.js'
import { EntryKind, HEADER_EPOCH, HEADER_EXPECTED_LAST_SEQ, HEADER_KIND, HEADER_MSG_ID, epochMsgId } from './entry-descriptor.js'
import { type EpochRecord, encodeEpochRecord } from './epoch-entry.js'
import { ClusterError, ClusterErrorCode } from './errors.js'
import type { LogInterpreter } from './log-interpreter.js'
import { AckClass, emptyPubAck, readPubAck } from './pub-ack.js'

export interface TakeOverRequest extends EpochRecord {
  /** Stream seq of the last entry the candidate has read (valid or stale): the fence. */
  readonly fenceSeq: number
  /** Keep resending (same Msg-Id) while no stream leader answers, up to this long; default 10 000 ms. */
  readonly deadlineMs?: number
  /** Wait for an answer this long before resending; default 1000 ms. */
  readonly resendAfterMs?: number
}

export type TakeOverResult =
  /** The EPOCH is stored at `seq`: the candidate leads epoch `epoch` from here. */
  | { readonly outcome: 'won'; readonly seq: number; readonly msgId: string }
  /** Someone appended after fenceSeq: read the log again (there may be a new leader). */
  | { readonly outcome: 'lost'; readonly actualLastSeq: number; readonly msgId: string }
  /**
   * No answer before the deadline: the EPOCH may or may not be in the log. Read the log; if it holds an
   * EPOCH with `msgId`, this candidate won after all.
   */
  | { readonly outcome: 'unknown'; readonly reason: string; readonly msgId: string }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function tryTakeOver(log: ClusterLog, req: TakeOverRequest): Promise<TakeOverResult> {
  if (!Number.isSafeInteger(req.fenceSeq) || req.fenceSeq < 0) {
    throw new ClusterError(ClusterErrorCode.badArgument, `bad fence: fenceSeq=${String(req.fenceSeq)}`)
  }
  const body = encodeEpochRecord(req)
  const msgId = epochMsgId(req.epoch, req.node, randomBytes(6).toString('hex'))
  const h = headers()
  h.set(HEADER_KIND, EntryKind.epoch)
  h.set(HEADER_EPOCH, String(req.epoch))
  h.set(HEADER_MSG_ID, msgId)
  h.set(HEADER_EXPECTED_LAST_SEQ, String(req.fenceSeq))
  const deadline = performance.now() + (req.deadlineMs ?? 10_000)
  const resendAfterMs = req.resendAfterMs ?? 1000
  const ack = emptyPubAck()
  let lastReason = 'no answer'
  while (performance.now() < deadline) {
    let answer: Msg
    try {
      answer = await log.nc.request(log.names.epochSubject, body, {
        headers: h,
        timeout: Math.max(1, Math.min(resendAfterMs, deadline - performance.now())),
      })
    } catch (e) {
      // Timeout or no responders: the stream leader is changing. Resend with the same Msg-Id: if the first
      // send was stored, the answer is "duplicate" with its seq.
      lastReason = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
      if (log.closed) break
      await sleep(100)
      continue
    }
    const a = readPubAck(answer.data, answer.data.length === 0 && answer.headers?.code === 503, ack)
    if (a.cls === AckClass.stored) {
      if (a.seq !== req.fenceSeq + 1) {
        throw new ClusterError(ClusterErrorCode.badEntry, `EPOCH stored at an unexpected position: seq=${a.seq}, fenceSeq=${req.fenceSeq}, msgId=${msgId}`)
      }
      return { outcome: 'won', seq: a.seq, msgId }
    }
    if (a.cls === AckClass.fenced) return { outcome: 'lost', actualLastSeq: a.actualLastSeq, msgId }
    if (a.cls === AckClass.failed) {
      throw new ClusterError(ClusterErrorCode.appendFailed, `EPOCH append refused: err_code=${a.errCode}, ${a.description}`)
    }
    lastReason = a.description
    await sleep(100)
  }
  return { outcome: 'unknown', reason: lastReason, msgId }
}

/** tryTakeOver from what an interpreter has read: epoch + 1, fenced on its last seq, its last gsn. */
export function takeOverFrom(log: ClusterLog, interp: LogInterpreter, node: string, url: string, deadlineMs?: number): Promise<TakeOverResult> {
  return tryTakeOver(log, {
    epoch: interp.epoch + 1,
    node,
    url,
    committedGsn: interp.lastGsn,
    fenceSeq: interp.lastSeq,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  })
}
