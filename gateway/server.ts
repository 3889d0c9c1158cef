// The gateway: one uWebSockets.js app on the main thread, one port (or the
// same app on the `ws` fallback where no uWS build runs: gateway/transport/).
//
//   clients ──WebSocket `/`──▶ frame-handler ──▶ publish-path ──▶ engine.offerPublishFrame
//        ▲                          │ control frames (Hello, ResolveGroups, Subscribe, ...)
//        │                          ▼
//        └──── Deliver frames ◀── SubscriptionSink (FrameSink) ◀── engine fan-out
//        └──── PublishAck     ◀── Connection (PublisherOwner) ◀── PublisherRegistry (AckListener)
//   HTTP: GET|HEAD /health, GET /metrics, POST /publish (gateway/http-routes.ts),
//         GET /api/* (gateway/admin/), GET /ui (gateway/ui/), CORS (gateway/http-cors.ts)
//
// The engine's state (engine/engine-state.ts) shows in three places: GET /health
// answers 503 with the reason while the engine takes no publishes (its journal cannot
// write, or it failed), /metrics has ordo_engine_state, and the engine's logger
// (EngineOptions.logger, the same pino logger `ordo start` gives the gateway) gets one
// line per change (journal_failed, journal_retry_failed, journal_resumed, engine_failed).
//
// Shutdown (close()): stop accepting (close the listen socket), answer the
// publishes already handed to the engine, let the caller close the engine
// (drain + fsync), then send every connection Error GOING_AWAY with the durable
// gsn and close it with 1001. The listen socket is exclusive (no SO_REUSEPORT:
// two servers must not share a port by accident) and binds again at once after
// a restart or a kill -9.

import { installDurableRoutes } from './admin/durable-routes.js'
import type { EnginePort } from '../engine/engine-port.js'
import { EngineState } from '../engine/engine-state.js'
import { Authenticator } from './auth/token.js'
import { Connection, type ConnData } from './connection.js'
import { GatewayContext } from './context.js'
import { SILENT_LOGGER, type Logger } from '../engine/logger.js'
import { ORDO_VERSION } from '../engine/version.js'
import { gauge, type MetricFamily } from '../engine/metric-family.js'
import type { EngineMetrics } from '../engine/engine-port.js'
import { RuntimeMetrics } from './metrics/runtime-metrics.js'
import { installAdminRoutes } from './admin/admin-routes.js'
import { AdminView } from './admin/admin-view.js'
import { installUiRoutes } from './ui/ui-routes.js'
import { Cors } from './http-cors.js'
import { handleFrame } from './frame-handler.js'
import { Housekeeping, resumeIfDrained } from './housekeeping.js'
import { installHttpRoutes } from './http-routes.js'
import { gatewayLimits, verifierLimits, type GatewayLimits } from './limits.js'
import { GatewayCounters, renderMetrics, type GatewayGauges, type SubscriberLag } from './metrics.js'
import { clusterFamilies } from './metrics/cluster-metrics.js'
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
  /**
   * Where the gateway logs (pino-style: gateway/log/create-logger.ts). Default: nothing.
   * The engine's own events (open, recovery, retention, journal faults) go to the
   * engine's logger (EngineOptions.logger): give both the same one.
   */
  logger?: Logger
  /**
   * 'uws': uWebSockets.js or fail; 'ws': the `ws` package on node:http (slower);
   * 'auto': uWS when a build works on this Node and libc, else ws with a notice
   * (see `warn`). Default: env ORDO_TRANSPORT, else 'auto'.
   */
  transport?: TransportChoice
  /**
   * Where the slower-transport notice goes (several lines in one call; it is also
   * logged as a warning). Default: stderr.
   */
  warn?: (text: string) => void
  /**
   * Origins allowed to call the HTTP endpoints from a browser page on another origin
   * (CORS): '*' or exact origins like 'https://ops.example.com'. Default: none (same origin only).
   */
  corsOrigins?: readonly string[]
  /** Serve the dashboard at /ui. Default true. */
  ui?: boolean
}

/** An engine as the gateway takes it: its port (EnginePort), or something that has one (Engine). */
export type EngineHandle = EnginePort | { readonly port: EnginePort }

export interface CloseOptions {
  /** Closes the engine between answering in-flight publishes and closing connections. */
  closeEngine?: () => Promise<void>
  /** Longest wait for in-flight publishes, ms. Default 5000. */
  timeoutMs?: number
}

export class GatewayServer {
  readonly counters = new GatewayCounters()
  readonly runtime = new RuntimeMetrics()
  readonly startedAt = Date.now()
  private readonly connections = new Set<Connection>()
  private readonly ctx: GatewayContext
  private readonly app: uWS.TemplatedApp
  private readonly housekeeping: Housekeeping
  private listenSocket: uWS.us_listen_socket | null = null
  private state: 'starting' | 'ready' | 'stopping' | 'stopped' = 'starting'
  private boundPort = 0
  readonly engine: EnginePort

  private constructor(
    handle: EngineHandle,
    private readonly options: GatewayOptions,
    readonly transport: TransportInfo,
  ) {
    const engine = 'port' in handle ? handle.port : handle
    this.engine = engine
    const limits = gatewayLimits({ maxPayload: engine.maxPayload, maxGroups: engine.maxGroups, ...options.limits })
    const auth = new Authenticator(options.secret)
    // Publisher bindings and idempotency keys live beside the engine's data (the
    // dedupe state they protect outlives restarts); in memory mode, in memory.
    const bindings = PublisherBindings.open(engine.dataDir)
    const keys = IdempotencyKeys.open(engine.dataDir, engine.dedupeWindow, (p) => bindings.ownerOf(p))
    this.ctx = new GatewayContext(engine, limits, verifierLimits(limits), this.counters, new PublisherRegistry(engine), auth, options.logger ?? SILENT_LOGGER, bindings, keys)
    this.app = transport.module.App()
    this.installWebSocket(limits)
    const cors = new Cors(options.corsOrigins ?? [])
    cors.install(this.app)
    installAdminRoutes(this.app, this.ctx, new AdminView(this), cors)
    installDurableRoutes(this.app, this.ctx, cors)
    if (options.ui !== false) installUiRoutes(this.app, cors)
    installHttpRoutes(this.app, {
      ctx: this.ctx,
      cors,
      metrics: () => this.metricsText(),
      health: () => {
        if (this.state !== 'ready') return null
        const s = engine.status
        const cl = engine.clusterStatus?.() ?? null
        const body: Record<string, unknown> = { durableGsn: engine.durableGsn, sequencedGsn: engine.sequencedGsn, stableGsn: engine.stableGsn ?? engine.durableGsn, connections: this.connections.size, auth: auth.open ? 'open' : 'token', transport: transport.name, node: process.versions.node }
        if (cl !== null) {
          body.cluster = {
            node: cl.node, role: cl.role, epoch: cl.epoch, leader: cl.leader ?? '', leaderUrl: cl.leaderUrl ?? '', committedGsn: cl.committedGsn,
            lagGsns: cl.lagGsns ?? 0, failovers: cl.failovers ?? 0,
          }
        }
        if (s.state === EngineState.running) return { ok: true, body }
        const f = s.fault
        return {
          ok: false,
          body: {
            ...body,
            state: s.state,
            reason: f === null ? null : { code: f.code, errno: f.errno, op: f.op, message: f.message, action: f.action, since: new Date(f.since).toISOString(), retries: f.retries, nextRetryInMs: Math.max(0, f.nextRetryAt - Date.now()) },
          },
        }
      },
    })
    this.housekeeping = new Housekeeping(this.ctx, this.connections)
  }

  /**
   * Picks and checks the transport (once per process), then listens; resolves
   * once the port is bound (rejects when it cannot be, or when no transport fits).
   */
  static async start(engine: EngineHandle, options: GatewayOptions = {}): Promise<GatewayServer> {
    const choice = options.transport ?? parseTransportChoice(process.env.ORDO_TRANSPORT, 'ORDO_TRANSPORT')
    const transport = await selectTransport(choice)
    const log = options.logger ?? SILENT_LOGGER
    if (transport.notice !== null) {
      ;(options.warn ?? ((text) => process.stderr.write(text + '\n')))(transport.notice)
      log.warn({ event: 'transport_fallback', transport: transport.name, implementation: transport.implementation, skipped: transport.skipped }, 'slower transport: no uWebSockets.js build works here')
    }
    log.info({ event: 'transport', transport: transport.name, implementation: transport.implementation, reason: transport.reason }, `transport: ${transport.implementation}`)
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

  get stateName(): string {
    return this.state
  }

  /** The transport serving the port: 'uws' or 'ws' (as /health and ordo_build_info say). */
  get transportName(): string {
    return this.transport.name
  }

  /** What runs, with its version: 'uWebSockets.js 20.57.0 (@btc-vision/uwebsockets.js)', 'ws 8.18.3 on node:http'. */
  get transportImplementation(): string {
    return this.transport.implementation
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
        this.runtime.start()
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
        ctx.logger.debug({ event: 'connection_accept', conn: conn.generation, remote: conn.remote }, 'connection accepted')
        if (this.state !== 'ready') {
          conn.fail(ErrorCode.GOING_AWAY, 'server is shutting down: reconnect to the restarted server', this.engine.durableGsn)
          return
        }
        if (this.connections.size >= limits.maxConnections) {
          ctx.logger.warn({ event: 'connection_refused', conn: conn.generation, remote: conn.remote, max: limits.maxConnections }, 'too many connections: refused one')
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
          this.ctx.logger.error({ event: 'internal_error', conn: conn.generation, subject: conn.subject, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'internal error on a connection')
          conn.fail(ErrorCode.INTERNAL, `internal error: ${err instanceof Error ? err.message : String(err)}`, 0)
        }
      },
      drain: (ws) => {
        const conn = ws.getUserData().conn
        if (conn !== null) resumeIfDrained(conn)
      },
      close: (ws, code, message) => {
        const data = ws.getUserData()
        const conn = data.conn
        if (conn === null) return
        data.conn = null
        this.connections.delete(conn)
        conn.onClosed(code, message.byteLength > 0 ? Buffer.from(message).toString('utf8').slice(0, 120) : '')
      },
    })
  }

  /** Open connections (admin API). */
  connectionList(): IterableIterator<Connection> {
    return this.connections.values()
  }

  /** Subscription counts and per-subscriber lag (worst first), for /metrics and the admin API. */
  gauges(): GatewayGauges {
    let subscriptions = 0
    let paused = 0
    const bySubscriber = new Map<string, SubscriberLag>()
    const head = this.engine.sequencedGsn
    for (const c of this.connections) {
      if (c.subs === null) continue
      for (const s of c.subs.values()) {
        subscriptions++
        if (s.paused) paused++
        const name = c.subject
        let l = bySubscriber.get(name)
        if (l === undefined) bySubscriber.set(name, (l = { subscriber: name, subscriptions: 0, maxLag: 0, paused: 0 }))
        l.subscriptions++
        if (s.paused) l.paused++
        const lag = Math.max(0, head - (s.nextGsn - 1))
        if (lag > l.maxLag) l.maxLag = lag
      }
    }
    const lags = [...bySubscriber.values()].sort((a, b) => b.maxLag - a.maxLag)
    return { connections: this.connections.size, subscriptions, pausedSubscriptions: paused, lags }
  }

  /** The engine's figures, or null when it cannot answer (closed, failed). */
  engineMetrics(): EngineMetrics | null {
    try {
      return this.engine.metricsSnapshot()
    } catch {
      return null
    }
  }

  /** Build information and what is not a counter elsewhere (families for /metrics). */
  buildFamilies(): MetricFamily[] {
    return [
      gauge('ordo_build_info', 'Always 1; the labels say which build serves: ordo version, Node.js version, transport (uws or ws).', 1, {
        version: ORDO_VERSION, node: process.version, transport: this.transport.name,
      }),
      gauge('ordo_up_seconds', 'Seconds since the gateway started.', Math.round((Date.now() - this.startedAt) / 1000)),
      ...clusterFamilies(this.engine.clusterStatus?.() ?? null),
    ]
  }

  metricsText(): string {
    return renderMetrics(this.counters, this.gauges(), this.engineMetrics(), [...this.buildFamilies(), ...this.runtime.families()])
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
    const log = this.ctx.logger
    this.ctx.draining = true
    this.stopAccepting()
    log.info({ event: 'shutdown_step', step: 'stopped_accepting', connections: this.connections.size }, 'shutdown: stopped accepting connections; new publishes are refused')
    const deadline = Date.now() + (options.timeoutMs ?? 5000)
    while (this.ctx.registry.outstanding > 0 && Date.now() < deadline) await sleep(5)
    const left = this.ctx.registry.outstanding
    if (left > 0) log.warn({ event: 'shutdown_step', step: 'publishes_unanswered', outstanding: left }, 'shutdown: gave up waiting for in-flight publishes (their clients resend after reconnecting)')
    else log.info({ event: 'shutdown_step', step: 'publishes_answered' }, 'shutdown: in-flight publishes answered')
    if (options.closeEngine !== undefined) {
      try {
        await options.closeEngine()
        log.info({ event: 'shutdown_step', step: 'engine_closed', durableGsn: this.engine.durableGsn }, 'shutdown: engine closed, journal synced')
      } catch (err) {
        log.error({ event: 'shutdown_step', step: 'engine_close_failed', err: err instanceof Error ? err.message : String(err) }, 'shutdown: engine close failed')
      }
    }
    this.housekeeping.stop()
    this.runtime.stop()
    const durable = this.engine.durableGsn
    const bye = errorFrame(ErrorCode.GOING_AWAY, `server shutting down: durable_gsn=${durable}; reconnect and resume`, durable)
    const open = this.connections.size
    for (const conn of [...this.connections]) {
      this.counters.countError(ErrorCode.GOING_AWAY)
      conn.send(bye)
      conn.closeReason = 'server shutting down'
      conn.end(CloseCode.GOING_AWAY, 'GOING_AWAY')
    }
    log.info({ event: 'shutdown_step', step: 'connections_closed', connections: open, durableGsn: durable }, 'shutdown: connections told GOING_AWAY and closed')
    this.ctx.keys.close()
    this.ctx.bindings.close()
    this.state = 'stopped'
  }

  /** Immediate stop without goodbyes (tests): closes the listen socket and every connection. */
  closeNow(): void {
    this.state = 'stopped'
    this.housekeeping.stop()
    this.runtime.stop()
    this.stopAccepting()
    for (const conn of [...this.connections]) conn.ws.close()
    this.ctx.keys.close()
    this.ctx.bindings.close()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
