// The one place where the engine's offer results become wire errors: what the gateway
// tells a client when EnginePort.offerPublishFrame did not take a Publish frame.
// BACK_PRESSURED is not a refusal (the gateway holds the frame and offers it again when
// the engine reports room), so it never reaches this function.

import { ErrorCode } from '../codec/error-codes.js'
import { OfferResult, resultName } from '../codec/results.js'
import type { EnginePort } from '../engine/engine-port.js'

export interface Refusal {
  code: number
  message: string
}

/** Wire error code and text for a negative offer result other than BACK_PRESSURED. */
export function offerRefusal(engine: EnginePort, result: number): Refusal {
  switch (result) {
    case OfferResult.UNAVAILABLE: {
      // The journal cannot write: the engine's status says why and what to do.
      const f = engine.status.fault
      if (f !== null) {
        return { code: f.wireCode, message: `the server takes no publishes now: ${f.code} (errno=${f.errno}, since ${new Date(f.since).toISOString()}); it retries by itself: resend these messages with the same pseqs later (what was stored is deduplicated)` }
      }
      return { code: ErrorCode.JOURNAL_IO, message: 'the server takes no publishes now: its journal cannot write; resend these messages with the same pseqs later' }
    }
    case OfferResult.CLOSED: // the engine is closed, or a stage failed
      return { code: ErrorCode.INTERNAL, message: `engine refused the frame: result=${resultName(result)} (the engine is closed or failed)` }
    case OfferResult.TOO_LARGE: // the frame's messages exceed one ingress record
    case OfferResult.BAD_PUBLISHER: // checked per message before the offer
    case OfferResult.NOT_MESSAGE_FRAME: // verified as a Publish before the offer
    default:
      return { code: ErrorCode.INTERNAL, message: `engine refused the frame: result=${resultName(result)}` }
  }
}

/**
 * Wire error for a failed EnginePort.resolveGroupIds: a bad name (BAD_GROUP_NAME), a disk
 * that refused to record a new group (DISK_FULL / JOURNAL_IO: retry later), or INTERNAL.
 */
export function groupResolveRefusal(err: unknown): Refusal {
  const e = err as { code?: unknown; errno?: unknown; message?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  if (e?.code === 'GROUP_NAME_INVALID') return { code: ErrorCode.BAD_GROUP_NAME, message }
  if (e?.code === 'JOURNAL_IO') {
    const full = e.errno === 'ENOSPC' || e.errno === 'EDQUOT'
    return { code: full ? ErrorCode.DISK_FULL : ErrorCode.JOURNAL_IO, message: `cannot record new groups now: ${message}; retry later` }
  }
  return { code: ErrorCode.INTERNAL, message }
}
