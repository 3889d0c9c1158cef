// The gateway: one uWebSockets.js app on the main thread, one port (or the
// same app on the `ws` fallback where no uWS build runs: gateway/transport/).
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
import { IdempotencyKeys } from './state/idempotency-keys.js'
import { PublisherBindings } from './state/publisher-bindings.js'
import { parseTransportChoice, selectTransport, type TransportChoice, type TransportInfo } from './transport/select-transport.js'
import type * as uWS from './transport/uws-api.js'
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
  /**
   * 'uws': uWebSockets.js or fail; 'ws': the `ws` package on node:http (slower);
   * 'auto': uWS when a build works on this Node and libc, else ws with a notice
   * (on stderr when no log is given). Default: env ORDO_TRANSPORT, else 'auto'.
   */
  transport?: TransportChoice
  /** Where warnings go (the slower-transport notice, several lines in one call). Default: stderr. */
  warn?: Log
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
    readonly transport: TransportInfo,
  ) {
    const limits = gatewayLimits({ maxPayload: engine.maxPayload, maxGroups: engine.maxGroups, ...options.limits })
    const auth = new Authenticator(options.secret)
    // Publisher bindings and idempotency keys live beside the engine's data (the
    // dedupe state they protect outlives restarts); in memory mode, in memory.
    const bindings = PublisherBindings.open(engine.dataDir)
    const keys = IdempotencyKeys.open(engine.dataDir, engine.dedupeWindow, (p) => bindings.ownerOf(p))
    this.ctx = new GatewayContext(engine, limits, verifierLimits(limits), this.counters, new PublisherRegistry(engine), auth, options.log ?? (() => {}), bindings, keys)
    this.app = transport.module.App()
    this.installWebSocket(limits)
    installHttpRoutes(this.app, {
      ctx: this.ctx,
      metrics: () => this.metricsText(),
      health: () =>
        this.state === 'ready'
          ? { durableGsn: engine.durableGsn, sequencedGsn: engine.sequencedGsn, connections: this.connections.size, auth: auth.open ? 'open' : 'token', transport: transport.name, node: process.versions.node }
          : null,
    })
    this.housekeeping = new Housekeeping(this.ctx, this.connections)
  }

  /**
   * Picks and checks the transport (once per process), then listens; resolves
   * once the port is bound (rejects when it cannot be, or when no transport fits).
   */
  static async start(engine: EnginePort, options: GatewayOptions = {}): Promise<GatewayServer> {
    const choice = options.transport ?? parseTransportChoice(process.env.ORDO_TRANSPORT, 'ORDO_TRANSPORT')
    const transport = await selectTransport(choice)
    const log = options.log
    if (transport.notice !== null) (options.warn ?? ((text) => process.stderr.write(text + '\n')))(transport.notice)
    log?.(`transport: ${transport.name}, ${transport.implementation} (${transport.reason})`)
    const server = new GatewayServer(engine, options, transport)
    await server.listen()
    return server
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
      // No SO_REUSEPORT: a second server on the same port fails instead of sharing it.
      const exclusive = this.transport.module.LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1
      this.app.listen(host, port, exclusive, (socket) => {
        if (socket === false) {
          reject(new Error(`cannot listen: host=${host}, port=${port} (in use, or not an address of this machine)`))
          return
        }
        this.listenSocket = socket
        this.boundPort = this.transport.module.us_socket_local_port(socket)
        this.state = 'ready'
        this.housekeeping.start()
        resolve()
      })
    })
  }

  private installWebSocket(limits: GatewayLimits): void {
    const ctx = this.ctx
    this.app.ws<ConnData>('/', {
      compression: this.transport.module.DISABLED,
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
        // Closing as a slow consumer: nothing it sends is taken any more.
        if (conn === null || conn.closed || conn.lingerSince !== 0) return
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
    return renderMetrics(this.counters, { connections: this.connections.size, subscriptions, pausedSubscriptions: paused, lags }, engineMetrics)
  }

  /** Stops accepting connections (the port is free again right after). */
  stopAccepting(): void {
    if (this.listenSocket !== null) {
      this.transport.module.us_listen_socket_close(this.listenSocket)
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
    this.ctx.keys.close()
    this.ctx.bindings.close()
    this.state = 'stopped'
  }

  /** Immediate stop without goodbyes (tests): closes the listen socket and every connection. */
  closeNow(): void {
    this.state = 'stopped'
    this.housekeeping.stop()
    this.stopAccepting()
    for (const conn of [...this.connections]) conn.ws.close()
    this.ctx.keys.close()
    this.ctx.bindings.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
