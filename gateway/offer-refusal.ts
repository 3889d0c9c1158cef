// What the gateway tells a client when the engine refuses a Publish frame
// outright (offerPublishFrame below zero, other than BACK_PRESSURED, which is
// not a refusal): one place, so the WebSocket and HTTP paths say the same.

import { CLOSED } from '../engine/engine-port.js'
import { TOO_LARGE } from '../engine/ingress-writer.js'
import { ErrorCode } from './protocol-errors.js'

export interface OfferRefusal {
  readonly code: number
  readonly message: string
}

/** The wire error for a negative offerPublishFrame result. */
export function offerRefusal(result: number, maxOfferBytes: number): OfferRefusal {
  switch (result) {
    case TOO_LARGE:
      return { code: ErrorCode.FRAME_TOO_LARGE, message: `frame too large for the engine: its messages take more than max=${maxOfferBytes} bytes stored; send fewer or smaller messages per frame` }
    case CLOSED:
      return { code: ErrorCode.INTERNAL, message: 'the engine is closed or has failed: nothing of the frame was taken; retry once the server is back' }
    default:
      return { code: ErrorCode.INTERNAL, message: `engine refused the frame: result=${result}; nothing of it was taken` }
  }
}
