// The gateway: one uWebSockets.js app on the main thread, one port.
//
//   clients ──WebSocket `/`──▶ frame-handler ──▶ publish-path ──▶ engine.offerPublishFrame
//        ▲                          │ control frames (Hello, ResolveGroups, Subscribe, ...)
//        │                          ▼
//        └──── Deliver frames ◀── SubscriptionSink (FrameSink) ◀── engine fan-out
//        └──── PublishAck     ◀── Connection (PublisherOwner) ◀── PublisherRegistry (AckListener)
//   HTTP: GET /health, GET /metrics, POST /publish (gateway/http-routes.ts)
//
// Shutdown (close()): stop accepting (close the listen socket), answer the
// publishes already handed to the engine, let the caller close the engine
// (drain + fsync), then send every connection Error GOING_AWAY with the durable
// gsn and close it with 1001. The listen socket is exclusive (no SO_REUSEPORT:
// two servers must not share a port by accident) and binds again at once after
// a restart or a kill -9.

import uWS from '@trufflesuite/uws-js-unofficial'
import type { EnginePort } from '../engine/engine-port.js'
import { Authenticator } from './auth/token.js'
import { Connection, type ConnData } from './connection.js'
import { GatewayContext, type Log } from './context.js'
import { handleFrame } from './frame-handler.js'
import { Housekeeping, resumeIfDrained } from './housekeeping.js'
import { installHttpRoutes } from './http-routes.js'
import { gatewayLimits, verifierLimits, type GatewayLimits } from './limits.js'
import { GatewayCounters, renderMetrics, type SubscriberLag } from './metrics.js'
import { CloseCode, ErrorCode } from '../codec/error-codes.js'
import { PublisherRegistry } from './publisher-registry.js'
import { errorFrame } from './wire/control-frames.js'

export interface GatewayOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string
  /** Port. Default 7070; 0 picks a free one (see GatewayServer.port). */
  port?: number
  /** Token secret; omitted or empty: open mode (every client may do everything). */
  secret?: string
  limits?: Partial<GatewayLimits>
  /** Where the gateway logs (one line per call). Default: nothing. */
  log?: Log
  /** More Prometheus text appended to GET /metrics (a relay's own counters). */
  extraMetrics?: () => string
}

export interface CloseOptions {
  /** Closes the engine between answering in-flight publishes and closing connections. */
  closeEngine?: () => Promise<void>
  /** Longest wait for in-flight publishes, ms. Default 5000. */
  timeoutMs?: number
}

export class GatewayServer {
  readonly counters = new GatewayCounters()
  private readonly connections = new Set<Connection>()
  private readonly ctx: GatewayContext
  private readonly app: uWS.TemplatedApp
  private readonly housekeeping: Housekeeping
  private listenSocket: uWS.us_listen_socket | null = null
  private state: 'starting' | 'ready' | 'stopping' | 'stopped' = 'starting'
  private boundPort = 0

  private constructor(
    readonly engine: EnginePort,
    private readonly options: GatewayOptions,
  ) {
    const limits = gatewayLimits({ maxPayload: engine.maxPayload, maxGroups: engine.maxGroups, ...options.limits })
    const auth = new Authenticator(options.secret)
    this.ctx = new GatewayContext(engine, limits, verifierLimits(limits), this.counters, new PublisherRegistry(engine), auth, options.log ?? (() => {}))
    this.app = uWS.App()
    this.installWebSocket(limits)
    installHttpRoutes(this.app, {
      ctx: this.ctx,
      metrics: () => this.metricsText(),
      health: () =>
        this.state === 'ready'
          ? { durableGsn: engine.durableGsn, sequencedGsn: engine.sequencedGsn, connections: this.connections.size, auth: auth.open ? 'open' : 'token' }
          : null,
    })
    this.housekeeping = new Housekeeping(this.ctx, this.connections)
  }

  /** Starts listening; resolves once the port is bound (rejects when it cannot be). */
  static start(engine: EnginePort, options: GatewayOptions = {}): Promise<GatewayServer> {
    const server = new GatewayServer(engine, options)
    return server.listen().then(() => server)
  }

  get port(): number {
    return this.boundPort
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1'
  }

  get url(): string {
    return `ws://${this.host}:${this.boundPort}/`
  }

  get authOpen(): boolean {
    return this.ctx.auth.open
  }

  get limits(): GatewayLimits {
    return this.ctx.limits
  }

  get connectionCount(): number {
    return this.connections.size
  }

  private listen(): Promise<void> {
    const host = this.host
    const port = this.options.port ?? 7070
    return new Promise((resolve, reject) => {
      // uWS.js 20.30 takes (host, port, options, cb); its typings list only (port, options, cb).
      const listen = this.app.listen.bind(this.app) as unknown as (
        host: string,
        port: number,
        options: number,
        cb: (socket: uWS.us_listen_socket | false) => void,
      ) => void
      listen(host, port, LISTEN_EXCLUSIVE_PORT, (socket) => {
        if (socket === false) {
          reject(new Error(`cannot listen: host=${host}, port=${port} (in use, or not an address of this machine)`))
          return
        }
        this.listenSocket = socket
        this.boundPort = uWS.us_socket_local_port(socket as unknown as uWS.us_socket)
        this.state = 'ready'
        this.housekeeping.start()
        resolve()
      })
    })
  }

  private installWebSocket(limits: GatewayLimits): void {
    const ctx = this.ctx
    this.app.ws<ConnData>('/', {
      compression: uWS.DISABLED,
      // Frames up to twice the limit reach the handler, which answers
      // FRAME_TOO_LARGE with an Error; larger ones are cut by uWS (close 1009).
      maxPayloadLength: Math.min(limits.maxFrameBytes * 2, 0x7fffffff),
      // Sends are never dropped by uWS: the gateway's own limits act first.
      maxBackpressure: limits.sendBufferMaxBytes + limits.maxFrameBytes * 2,
      idleTimeout: limits.idleTimeoutSeconds,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        res.upgrade<ConnData>(
          { conn: null },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        )
      },
      open: (ws) => {
        const conn = new Connection(ctx, ws)
        ws.getUserData().conn = conn
        this.counters.connectionsOpened++
        if (this.state !== 'ready') {
          conn.fail(ErrorCode.GOING_AWAY, 'server is shutting down: reconnect to the restarted server', this.engine.durableGsn)
          return
        }
        if (this.connections.size >= limits.maxConnections) {
          conn.fail(ErrorCode.TOO_MANY_CONNECTIONS, `too many connections: max=${limits.maxConnections}`, 0)
          return
        }
        this.connections.add(conn)
      },
      message: (ws, message, isBinary) => {
        const conn = ws.getUserData().conn
        if (conn === null || conn.closed) return
        try {
          handleFrame(conn, message, isBinary)
        } catch (err) {
          // A bug must cost one connection, never the server (G7).
          this.ctx.log(`internal error on connection ${conn.generation}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
          conn.fail(ErrorCode.INTERNAL, `internal error: ${err instanceof Error ? err.message : String(err)}`, 0)
        }
      },
      drain: (ws) => {
        const conn = ws.getUserData().conn
        if (conn !== null) resumeIfDrained(conn)
      },
      close: (ws) => {
        const data = ws.getUserData()
        const conn = data.conn
        if (conn === null) return
        data.conn = null
        this.connections.delete(conn)
        conn.onClosed()
      },
    })
  }

  metricsText(): string {
    let subscriptions = 0
    let paused = 0
    const lags: SubscriberLag[] = []
    const head = this.engine.sequencedGsn
    for (const c of this.connections) {
      if (c.subs === null) continue
      for (const s of c.subs.values()) {
        subscriptions++
        if (s.paused) paused++
        lags.push({ connection: c.generation, subscription: s.id, lag: Math.max(0, head - (s.nextGsn - 1)), paused: s.paused })
      }
    }
    lags.sort((a, b) => b.lag - a.lag)
    let engineMetrics = null
    try {
      engineMetrics = this.engine.metricsSnapshot()
    } catch {
      engineMetrics = null
    }
    const text = renderMetrics(this.counters, { connections: this.connections.size, subscriptions, pausedSubscriptions: paused, lags }, engineMetrics)
    return this.options.extraMetrics === undefined ? text : text + this.options.extraMetrics()
  }

  /** Stops accepting connections (the port is free again right after). */
  stopAccepting(): void {
    if (this.listenSocket !== null) {
      uWS.us_listen_socket_close(this.listenSocket)
      this.listenSocket = null
    }
  }

  /** Graceful shutdown; see the file comment. Idempotent. */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return
    this.state = 'stopping'
    this.ctx.draining = true
    this.stopAccepting()
    const deadline = Date.now() + (options.timeoutMs ?? 5000)
    while (this.ctx.registry.outstanding > 0 && Date.now() < deadline) await sleep(5)
    if (options.closeEngine !== undefined) {
      try {
        await options.closeEngine()
      } catch (err) {
        this.ctx.log(`engine close failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    this.housekeeping.stop()
    const durable = this.engine.durableGsn
    const bye = errorFrame(ErrorCode.GOING_AWAY, `server shutting down: durable_gsn=${durable}; reconnect and resume`, durable)
    for (const conn of [...this.connections]) {
      this.counters.countError(ErrorCode.GOING_AWAY)
      conn.send(bye)
      conn.end(CloseCode.GOING_AWAY, 'GOING_AWAY')
    }
    this.state = 'stopped'
  }

  /** Immediate stop without goodbyes (tests): closes the listen socket and every connection. */
  closeNow(): void {
    this.state = 'stopped'
    this.housekeeping.stop()
    this.stopAccepting()
    for (const conn of [...this.connections]) conn.ws.close()
  }
}

/** No SO_REUSEPORT: a second server on the same port fails instead of sharing it. */
const LISTEN_EXCLUSIVE_PORT = (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
