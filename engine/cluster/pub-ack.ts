// Reading JetStream's answer to a publish, and sorting it into what the appender does next.
//
//   {"stream":"ORDO_x","seq":42}                          stored at 42
//   {"stream":"ORDO_x","seq":42,"duplicate":true}         the Msg-Id was already stored, at 42
//   {"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 41"},"stream":"ORDO_x","seq":0}
//   (no body, header status 503)                          no responders: no stream leader reachable right now
//
// err_codes (nats-server errors.json): 10071 wrong last sequence (the fence), 10164 the same without a
// number, 10158 the Msg-Id is being stored right now (an earlier send of the same entry is in flight),
// 10009 / 10023 / 10008 cluster not ready / resources / JetStream temporarily unavailable.

export const AckClass = {
  stored: 1,
  /** The fence refused the entry. */
  fenced: 2,
  /** No answer worth acting on yet (in flight elsewhere, no leader for now): resend later. */
  retry: 3,
  /** Refused for another reason: the entry will never be stored as sent. */
  failed: 4,
} as const
export type AckClass = (typeof AckClass)[keyof typeof AckClass]

import { JetStreamApiError } from '@nats-io/jetstream'

export const JsErrCode = {
  wrongLastSequence: 10071,
  wrongLastSequenceConstant: 10164,
  duplicateInProcess: 10158,
  clusterNotLeader: 10009,
  insufficientResources: 10023,
  jetStreamNotAvailable: 10008,
  clusterNotAvailable: 10006,
  clusterNoPeers: 10005,
  streamNotFound: 10059,
} as const

/** One parsed answer; fields not applicable are 0 / ''. Reused by the caller (no allocation but the parse). */
export interface PubAck {
  cls: AckClass
  seq: number
  duplicate: boolean
  errCode: number
  description: string
  /** For a fence refusal: the stream's last sequence the server reported, 0 if it did not say. */
  actualLastSeq: number
}

export function emptyPubAck(): PubAck {
  return { cls: AckClass.retry, seq: 0, duplicate: false, errCode: 0, description: '', actualLastSeq: 0 }
}

const decoder = new TextDecoder()
const WRONG_LAST_RE = /wrong last sequence: (\d+)/

/** Fills `out` from an answer; `status503` is true for a no-responders status message. */
export function readPubAck(data: Uint8Array, status503: boolean, out: PubAck): PubAck {
  out.seq = 0
  out.duplicate = false
  out.errCode = 0
  out.description = ''
  out.actualLastSeq = 0
  if (status503 || data.length === 0) {
    out.cls = AckClass.retry
    out.description = status503 ? 'no responders (no stream leader reachable)' : 'empty answer'
    return out
  }
  let v: { seq?: unknown; duplicate?: unknown; error?: { err_code?: unknown; description?: unknown } }
  try {
    v = JSON.parse(decoder.decode(data)) as typeof v
  } catch {
    out.cls = AckClass.failed
    out.description = 'answer is not JSON'
    return out
  }
  if (v.error !== undefined && v.error !== null) {
    out.errCode = typeof v.error.err_code === 'number' ? v.error.err_code : 0
    out.description = typeof v.error.description === 'string' ? v.error.description : 'unknown error'
    switch (out.errCode) {
      case JsErrCode.wrongLastSequence:
      case JsErrCode.wrongLastSequenceConstant: {
        out.cls = AckClass.fenced
        const m = WRONG_LAST_RE.exec(out.description)
        out.actualLastSeq = m === null ? 0 : Number(m[1])
        return out
      }
      case JsErrCode.duplicateInProcess:
      case JsErrCode.clusterNotLeader:
      case JsErrCode.insufficientResources:
      case JsErrCode.jetStreamNotAvailable:
      case JsErrCode.clusterNotAvailable:
      case JsErrCode.clusterNoPeers:
        out.cls = AckClass.retry
        return out
      default:
        out.cls = AckClass.failed
        return out
    }
  }
  if (typeof v.seq === 'number' && Number.isSafeInteger(v.seq) && v.seq > 0) {
    out.cls = AckClass.stored
    out.seq = v.seq
    out.duplicate = v.duplicate === true
    return out
  }
  out.cls = AckClass.failed
  out.description = 'answer has neither a sequence nor an error'
  return out
}

/** JetStream API errors that mean "not now" (a server lost, a leader being elected), not "never". */
export function isTransientJsError(e: unknown): boolean {
  if (e instanceof JetStreamApiError) {
    const c = e.code
    return c === JsErrCode.jetStreamNotAvailable || c === JsErrCode.clusterNotAvailable || c === JsErrCode.clusterNotLeader ||
      c === JsErrCode.clusterNoPeers || c === JsErrCode.insufficientResources
  }
  const name = e instanceof Error ? e.name : ''
  // JetStreamNotEnabled: what nats.js makes of "no responders" to a JetStream request, which in a cluster means
  // no leader for the stream (or the API) right now, not that JetStream is off.
  return name === 'TimeoutError' || name === 'NoRespondersError' || name === 'RequestError' || name === 'JetStreamNotEnabled'
}
