// Public surface of the ordo client library (package export `ordo/client`).
// Works in Node.js (with the `ws` package) and in browsers.

export { connect, Client, type ConnectOptions } from './client.js'
export { OrdoError, ClientErrorCode, type OrdoErrorDetails } from './errors.js'
export { OrdoBaseError } from '../../codec/ordo-error.js'
export type { ClientPublishResult, PublishItem } from './publish-queue.js'
export type { PublishBatchResult } from './publish-batch.js'
export type { ClientSubscription, ClientSubscribeOptions, ClientDeliverHandler } from './subscriptions.js'
export type { SubscriptionStream, SubscriptionStreamOptions } from './subscription-stream.js'
export type { ClientMessage } from './client-message.js'
export type { DeliverBatch } from './deliver-batch.js'
export type { Role } from './endpoints.js'
export type { BackoffOptions } from './backoff.js'
export type { WebSocketCtor, WebSocketLike } from './transport.js'
export { ErrorCode, ERROR_CODES, errorCodeName, type ErrorCodeInfo } from '../../codec/error-codes.js'
