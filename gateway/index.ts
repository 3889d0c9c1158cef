// Public surface of the gateway (package export `ordo/gateway`): the server,
// its limits, tokens, and the wire error table. The client library is
// `ordo/client` (gateway/client/index.ts).

export { GatewayServer, type GatewayOptions, type CloseOptions } from './server.js'
export { TransportError, TRANSPORT_CHOICES, type TransportChoice, type TransportInfo, type TransportName, type TransportErrorCode } from './transport/select-transport.js'
export { DEFAULT_GATEWAY_LIMITS, gatewayLimits, type GatewayLimits } from './limits.js'
export { mintToken, verifyToken, Authenticator, Grants, type TokenClaims, type MintOptions } from './auth/token.js'
export { AuthError, type AuthErrorCode } from './auth/auth-errors.js'
export { GroupPattern, PatternSet } from './auth/group-pattern.js'
export { ErrorCode, ERROR_CODES, CloseCode, closeCodeFor, errorCodeName, errorCodeInfo, RefKind, type ErrorCodeInfo, type ErrorCodeName } from '../codec/error-codes.js'
export { isValidGroupName, groupNameProblem, groupNameProblemText, GroupNameProblem, MAX_GROUP_NAME_BYTES } from '../codec/group-name.js'
export { createLogger, LOG_LEVELS, LOG_FORMATS, type CreateLoggerOptions, type LogLevel, type LogFormat, type ServerLogger } from './log/create-logger.js'
export { registerGatewayMetrics } from './metrics/prom-client-gateway.js'
export type { StatsDoc, GroupDoc, SubscriberDoc, ConnectionDoc, PageDoc, HistogramDoc, ClusterDoc } from './admin/admin-types.js'
