// The one place where the engine's offer results become wire errors: what the gateway
// tells a client when EnginePort.offerPublishFrame did not take a Publish frame, so the
// WebSocket and HTTP paths say the same. BACK_PRESSURED is not a refusal (the gateway
// holds the frame and offers it again when the engine reports room), so it never
// reaches this function.

import { ErrorCode } from '../codec/error-codes.js'
import { OfferResult, resultName } from '../codec/results.js'
import type { EnginePort } from '../engine/engine-port.js'

export interface OfferRefusal {
  readonly code: number
  readonly message: string
}

/** The wire error for a negative offerPublishFrame result other than BACK_PRESSURED. */
export function offerRefusal(engine: EnginePort, result: number): OfferRefusal {
  switch (result) {
    case OfferResult.UNAVAILABLE: {
      // The journal cannot write: the engine's status says why and what to do.
      const f = engine.status.fault
      if (f !== null) {
        return { code: f.wireCode, message: `the server takes no publishes now: ${f.code} (errno=${f.errno}, since ${new Date(f.since).toISOString()}); it retries by itself: resend these messages with the same pseqs later (what was stored is deduplicated)` }
      }
      return { code: ErrorCode.JOURNAL_IO, message: 'the server takes no publishes now: its journal cannot write; resend these messages with the same pseqs later' }
    }
    case OfferResult.TOO_LARGE: // the frame's messages exceed one ingress record
      return { code: ErrorCode.FRAME_TOO_LARGE, message: `frame too large for the engine: its messages take more than max=${engine.maxOfferBytes} bytes stored; send fewer or smaller messages per frame` }
    case OfferResult.CLOSED: // the engine is closed, or a stage failed
      return { code: ErrorCode.INTERNAL, message: 'the engine is closed or has failed: nothing of the frame was taken; retry once the server is back' }
    case OfferResult.BAD_PUBLISHER: // checked per message before the offer
    case OfferResult.NOT_MESSAGE_FRAME: // verified as a Publish before the offer
    default:
      return { code: ErrorCode.INTERNAL, message: `engine refused the frame: result=${resultName(result)}; nothing of it was taken` }
  }
}
