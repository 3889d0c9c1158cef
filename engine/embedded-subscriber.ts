// Subscriptions made through Engine.subscribe(): the dispatcher's Deliver frames become
// DeliverBatch cursors for the handler, and its errors become SubscriptionErrors (the
// `live` promise rejects, and onError, or a process warning, reports it).

import { CursorDeliverBatch } from './stages/fanout/deliver-batch.js'
import { SubscriptionError, wireCodeName } from './errors.js'
import type { FrameSink, RawSubscription } from './engine-port.js'
import type { DeliverHandler, Subscription } from './types.js'

export interface EmbeddedSubscriber {
  /** What the dispatcher delivers to. */
  readonly sink: FrameSink
  /** Resolves when replay caught up and the subscription is live. */
  readonly live: Promise<void>
}

export function embeddedSubscriber(handler: DeliverHandler, onError: ((err: SubscriptionError) => void) | undefined): EmbeddedSubscriber {
  const batch = new CursorDeliverBatch()
  let resolveLive!: () => void
  let rejectLive!: (e: Error) => void
  const live = new Promise<void>((res, rej) => {
    resolveLive = res
    rejectLive = rej
  })
  live.catch(() => {}) // observed through onError too
  const report = onError ?? ((e: SubscriptionError) => process.emitWarning(e.message, { code: `ORDO_${e.code}` }))
  const sink: FrameSink = {
    onFrame(bytes, offset, length) {
      batch.reset(bytes, offset, length)
      handler(batch)
      return true
    },
    onLive() {
      resolveLive()
    },
    onError(code, message, ref) {
      const err = new SubscriptionError(wireCodeName(code), message, BigInt(ref))
      rejectLive(err)
      report(err)
    },
  }
  return { sink, live }
}

/** The embedding API's view of a dispatcher subscription. */
export function subscriptionHandle(raw: RawSubscription, live: Promise<void>): Subscription {
  return {
    id: raw.id,
    get nextGsn() {
      return BigInt(raw.nextGsn)
    },
    live,
    close: () => raw.close(),
  }
}
