// The gateway's limits and thresholds, each with its default. Every refusal they
// cause is an Error frame with a code (codec/error-codes.ts). Build a full
// set once with gatewayLimits(); the frame verifier gets its share through
// verifierLimits().

import { MAX_GROUPS, makeLimits, type Limits } from '../codec/index.js'

export interface GatewayLimits {
  /** Largest message payload, bytes. Default: the engine's (1 MiB). */
  readonly maxPayload: number
  /** Most destination groups per message. Default: the engine's (16). */
  readonly maxGroups: number
  /** Largest WebSocket frame (and POST /publish body), bytes. Default 8 MiB. */
  readonly maxFrameBytes: number
  /** Most messages in one Publish frame. Default 65 536. */
  readonly maxMessagesPerFrame: number
  /** Most subscriptions one connection may hold. Default 64. */
  readonly maxSubscriptionsPerConnection: number
  /** Most groups in one Subscribe or ResolveGroups. Default 1024. */
  readonly maxGroupsPerRequest: number
  /** Most open WebSocket connections. Default 100 000. */
  readonly maxConnections: number
  /**
   * Slow consumer, first limit: when a connection's send buffer holds more than
   * this, its subscriptions stop taking live frames (they pause and later
   * resume with catch-up reads from the journal). Default 1 MiB.
   */
  readonly sendBufferHighBytes: number
  /** Paused subscriptions resume once the send buffer drains below this. Default 256 KiB. */
  readonly sendBufferLowBytes: number
  /**
   * Slow consumer, second limit: a connection whose send buffer stays above
   * sendBufferHighBytes for this long gets Error SLOW_CONSUMER (ref = gsn to
   * resume from) and is closed. Default 30 s.
   */
  readonly slowConsumerTimeoutMs: number
  /**
   * A connection closed as a slow consumer keeps its socket this long for the
   * client to read what was queued, the SLOW_CONSUMER Error last, before the close
   * (4015); a client that reads nothing in that time is cut off. Default 60 s.
   */
  readonly slowConsumerLingerMs: number
  /** Hard cap on a connection's send buffer (acks and errors included): past it, SLOW_CONSUMER at once. Default 64 MiB. */
  readonly sendBufferMaxBytes: number
  /**
   * Publish frames held while the engine's ingress is full, per connection,
   * bytes. Past it, or after overloadTimeoutMs, the connection gets OVERLOADED. Default 16 MiB.
   */
  readonly pendingPublishBytes: number
  readonly overloadTimeoutMs: number
  /** Idle timeout of a WebSocket without any frame or pong, seconds (uWS granularity ~4 s). Default 120. */
  readonly idleTimeoutSeconds: number
  /** Period of the server's Heartbeat frames (durable gsn) to every connection, ms. Default 5000. */
  readonly heartbeatMs: number
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = Object.freeze({
  maxPayload: 1024 * 1024,
  maxGroups: 16,
  maxFrameBytes: 8 * 1024 * 1024,
  maxMessagesPerFrame: 65536,
  maxSubscriptionsPerConnection: 64,
  maxGroupsPerRequest: 1024,
  maxConnections: 100_000,
  sendBufferHighBytes: 1024 * 1024,
  sendBufferLowBytes: 256 * 1024,
  slowConsumerTimeoutMs: 30_000,
  slowConsumerLingerMs: 60_000,
  sendBufferMaxBytes: 64 * 1024 * 1024,
  pendingPublishBytes: 16 * 1024 * 1024,
  overloadTimeoutMs: 10_000,
  idleTimeoutSeconds: 120,
  heartbeatMs: 5000,
})

/** Full limits from overrides; checks that they make sense (throws RangeError naming the field). */
export function gatewayLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  const l = { ...DEFAULT_GATEWAY_LIMITS, ...overrides }
  for (const [k, v] of Object.entries(l)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`bad gateway limit: ${k}=${String(v)}`)
  }
  if (l.maxGroups < 1 || l.maxGroups > 16) throw new RangeError(`bad gateway limit: maxGroups=${l.maxGroups}, allowed=1..16`)
  if (l.sendBufferLowBytes > l.sendBufferHighBytes) {
    throw new RangeError(`bad gateway limits: sendBufferLowBytes=${l.sendBufferLowBytes} > sendBufferHighBytes=${l.sendBufferHighBytes}`)
  }
  if (l.sendBufferMaxBytes < l.sendBufferHighBytes) {
    throw new RangeError(`bad gateway limits: sendBufferMaxBytes=${l.sendBufferMaxBytes} < sendBufferHighBytes=${l.sendBufferHighBytes}`)
  }
  return Object.freeze(l)
}

/**
 * Limits for codec's verifyFrame on frames from clients. Payload size and group
 * count are left at the protocol's bounds here: the gateway checks its own
 * limits while it walks the messages, so the Error can name the pseq concerned.
 */
export function verifierLimits(l: GatewayLimits): Limits {
  return makeLimits({
    maxFrameBytes: l.maxFrameBytes,
    maxMessages: l.maxMessagesPerFrame,
    maxGroups: MAX_GROUPS,
    maxPayload: l.maxFrameBytes,
    maxNames: l.maxGroupsPerRequest,
  })
}
