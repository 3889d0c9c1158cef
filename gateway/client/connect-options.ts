// What connect() takes. Every option has a default; the README's client section says the same in prose.

import type { BackoffOptions } from './backoff.js'
import type { OrdoError } from './errors.js'
import type { WebSocketCtor } from './transport.js'

export interface ConnectOptions {
  /** Access token (ordo token); omit for a server in open mode. */
  token?: string
  /** Called before every connection attempt for the token to present (refresh it here); wins over `token`. */
  getToken?: () => string | Promise<string>
  /** Publisher id to use; 0 or omitted: the server assigns one, kept across reconnects. */
  publisher?: bigint | number
  /** WebSocket constructor; default: in Node.js the `ws` package, else globalThis.WebSocket. */
  WebSocket?: WebSocketCtor
  /**
   * With the `ws` package: mask every frame with a random key, as RFC 6455 asks of clients (true, the default),
   * or with a zero key (false), which makes masking the identity so `ws` sends the client's frame buffer without
   * copying it. false saves that copy per frame (bench/RESULTS.md has the figures) but gives up what masking is
   * for: an intermediary (a proxy, a load balancer) between client and server that reads the traffic as
   * something else sees the bytes as the client wrote them. Use it only on connections that no such
   * intermediary reads, or under TLS (wss://). Browsers always mask with random keys.
   */
  maskFrames?: boolean
  /** Reconnect delays. */
  backoff?: BackoffOptions
  /** connect() fails if no Welcome arrives within this time, ms (retrying meanwhile). Default 15000. */
  connectTimeoutMs?: number
  /** false: connect() fails at once when the first attempt cannot connect (command-line tools). Default true. */
  retryFirstConnect?: boolean
  /** The connection is considered dead after this long without any frame, ms. Default 20000 (server heartbeats every 5 s). */
  livenessMs?: number
  /** In-flight publish window, messages. Default 16 384. */
  maxInFlight?: number
  /** Most messages per Publish frame. Default 1024. (A turn's publishing starts in a frame of at most 64 messages and 8 KiB; it goes on in full-size frames once that one is full.) */
  maxFrameMessages?: number
  /** Target Publish frame size, bytes. Default 256 KiB. */
  maxFrameBytes?: number
  /** Errors not tied to a call (server errors, subscription errors without onError, reconnects). */
  onError?: (err: OrdoError) => void
  /** Failures of messages published with send(), with the seq send() returned; default: onError. */
  onSendError?: (err: OrdoError, seq: number) => void
  /** Connection state changes ('connected' after each Welcome, 'disconnected', 'closed'). */
  onState?: (state: 'connected' | 'disconnected' | 'closed') => void
}
