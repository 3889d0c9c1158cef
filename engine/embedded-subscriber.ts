// Subscriptions made through Engine.subscribe(): the dispatcher's Deliver frames become
// DeliverBatch cursors for the handler, and its errors become SubscriptionErrors (the
// `live` promise rejects, and onError, or a process warning, reports it).
//
// A handler that throws does not end anything: the error goes to onError (HANDLER_FAILED,
// the handler's error as `cause`), the batch counts as delivered and the next one comes as
// usual, as in the client library (gateway/client/subscriptions.ts). An exception must
// not escape into the dispatcher, which serves every other subscriber and publisher.

import { CursorDeliverBatch } from './stages/fanout/deliver-batch.js'
import { EngineArgumentError, EngineErrorCode, SubscriptionError, wireCodeName } from './errors.js'
import { errorCodeInfo } from '../codec/error-codes.js'
import type { DurableHandle, FrameSink, RawSubscription } from './engine-port.js'
import type { DeliverHandler, Subscription } from './types.js'

export interface EmbeddedSubscriber {
  /** What the dispatcher delivers to. */
  readonly sink: FrameSink
  /** Resolves when replay caught up and the subscription is live. */
  readonly live: Promise<void>
}

/** afterHandler: called with the batch's last gsn when the handler returned without throwing (durable 'afterHandler' acks). */
export function embeddedSubscriber(id: number, handler: DeliverHandler, onError: ((err: SubscriptionError) => void) | undefined, afterHandler?: (lastGsn: number) => void): EmbeddedSubscriber {
  const batch = new CursorDeliverBatch()
  let resolveLive!: () => void
  let rejectLive!: (e: Error) => void
  const live = new Promise<void>((res, rej) => {
    resolveLive = res
    rejectLive = rej
  })
  live.catch(() => {}) // observed through onError too
  const warn = (e: SubscriptionError): void => {
    process.emitWarning(e.message, { code: `ORDO_${e.code}` })
  }
  const report = (e: SubscriptionError): void => {
    if (onError === undefined) return warn(e)
    try {
      onError(e)
    } catch (err) {
      warn(new SubscriptionError(EngineErrorCode.handlerFailed, `subscription onError threw: subscription=${id}, error=${err instanceof Error ? err.message : String(err)}`, BigInt(id), { cause: err }))
    }
  }
  const sink: FrameSink = {
    onFrame(bytes, offset, length, lastGsn) {
      batch.reset(bytes, offset, length)
      try {
        handler(batch)
        afterHandler?.(lastGsn)
      } catch (err) {
        report(new SubscriptionError(
          EngineErrorCode.handlerFailed,
          `subscription handler threw: subscription=${id}, error=${err instanceof Error ? err.message : String(err)}; the subscription goes on with the next delivery`,
          BigInt(id),
          { cause: err, details: { subscription: id } },
        ))
      }
      return true
    },
    onLive() {
      resolveLive()
    },
    onError(code, message, ref) {
      const err = new SubscriptionError(wireCodeName(code), message, BigInt(ref), { wireCode: code, retryable: errorCodeInfo(code)?.retryable ?? false })
      rejectLive(err)
      report(err)
    },
  }
  return { sink, live }
}

/** The embedding API's view of a dispatcher subscription (durable: the consumer of a durable one). */
export function subscriptionHandle(raw: RawSubscription, live: Promise<void>, durable?: DurableHandle & { rec: { ackedGsn: number } }): Subscription {
  return {
    id: raw.id,
    get nextGsn() {
      return BigInt(raw.nextGsn)
    },
    live,
    ack(gsn: bigint): bigint {
      if (durable === undefined) throw new EngineArgumentError('ack() is for durable subscriptions: subscribe with { durable: name }', { subscription: raw.id })
      if (typeof gsn !== 'bigint' || gsn < 0n) throw new EngineArgumentError('ack needs a gsn (bigint >= 0n)', { gsn: String(gsn) })
      return BigInt(durable.ack(gsn > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(gsn)))
    },
    get ackedGsn() {
      return durable === undefined ? 0n : BigInt(durable.rec.ackedGsn)
    },
    close: () => raw.close(),
  }
}
