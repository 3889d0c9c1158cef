// Public surface of the ordo client library (package export `ordo/client`).
// Works in Node.js (with the `ws` package) and in browsers.

export { connect, Client, type ConnectOptions } from './client.js'
export { OrdoError, ClientErrorCode } from './errors.js'
export { OrdoBaseError } from '../../codec/ordo-error.js'
export type { ClientPublishResult, PublishItem } from './publish-queue.js'
export type { ClientSubscription, ClientSubscribeOptions, ClientDeliverHandler } from './subscriptions.js'
export type { BackoffOptions } from './backoff.js'
export type { WebSocketCtor, WebSocketLike } from './transport.js'
export type { DeliverBatch } from '../../codec/deliver-batch.js'
export { ErrorCode, ERROR_CODES, errorCodeName, type ErrorCodeInfo } from '../../codec/error-codes.js'
