// The one place where the engine's offer results become wire error codes: what the
// gateway tells a client when EnginePort.offerPublishFrame did not take a Publish frame.
// BACK_PRESSURED is not a refusal (the gateway holds the frame and offers it again when
// the engine reports room), so it never reaches this function.

import { ErrorCode } from '../codec/error-codes.js'
import { OfferResult } from '../codec/results.js'

/** Wire error code for a negative offer result other than BACK_PRESSURED. */
export function offerRefusalCode(result: number): ErrorCode {
  switch (result) {
    case OfferResult.CLOSED: // the engine is closed, or a stage failed
    case OfferResult.TOO_LARGE: // the frame's messages exceed one ingress record
    case OfferResult.BAD_PUBLISHER: // checked per message before the offer
    case OfferResult.NOT_MESSAGE_FRAME: // verified as a Publish before the offer
    default:
      return ErrorCode.INTERNAL
  }
}
