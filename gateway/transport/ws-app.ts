// The `ws` fallback transport: the uWS App surface the gateway uses
// (uws-api.ts) on node:http and the `ws` package, for runtimes where no
// uWebSockets.js build loads. Same routes, same WebSocket behaviour, same
// listen semantics (no SO_REUSEPORT: a second server on the port fails; the
// port binds again at once after a restart, SO_REUSEADDR as libuv sets it).
//
//   node:http ──request──▶ RouteTable ──▶ RouteHandler(WsHttpResponse, WsHttpRequest)
//             ──upgrade──▶ WebSocketBehavior.upgrade ──res.upgrade()──▶ ws.handleUpgrade ──▶ WsSocket ──▶ open/message/drain/close

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { RouteTable, type Method } from './route-table.js'
import type { RouteHandler, TemplatedApp, us_listen_socket, us_socket, UwsModule, WebSocketBehavior } from './uws-api.js'
import { WsHttpRequest, WsHttpResponse, WsUpgradeResponse, type UpgradeContext } from './ws-http.js'
import { WsSocket } from './ws-socket.js'

/** The listen-socket handle of the fallback: the node:http server. */
class WsListenSocket implements us_listen_socket, us_socket {
  readonly __listenSocket?: true
  readonly __socket?: true
  constructor(readonly app: WsApp) {}
}

interface WsRoute {
  readonly behavior: WebSocketBehavior<unknown>
  readonly wss: WebSocketServer
  readonly sockets: Set<WsSocket<unknown>>
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?')
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) }
}

class WsApp implements TemplatedApp {
  private readonly http = new RouteTable<RouteHandler>()
  private readonly sockets = new RouteTable<WsRoute>()
  private server: Server | null = null
  private sweepTimer: ReturnType<typeof setInterval> | null = null
  private readonly wsRoutes: WsRoute[] = []

  ws<UserData>(pattern: string, behavior: WebSocketBehavior<UserData>): this {
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // ws closes with 1009 above this, as uWS does.
      maxPayload: behavior.maxPayloadLength ?? 16 * 1024,
    })
    const route: WsRoute = { behavior: behavior as WebSocketBehavior<unknown>, wss, sockets: new Set() }
    this.wsRoutes.push(route)
    this.sockets.add('any', pattern, route)
    return this
  }

  private route(method: Method, pattern: string, handler: RouteHandler): this {
    this.http.add(method, pattern, handler)
    return this
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.route('get', pattern, handler)
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.route('post', pattern, handler)
  }

  put(pattern: string, handler: RouteHandler): this {
    return this.route('put', pattern, handler)
  }

  del(pattern: string, handler: RouteHandler): this {
    return this.route('del', pattern, handler)
  }

  head(pattern: string, handler: RouteHandler): this {
    return this.route('head', pattern, handler)
  }

  options(pattern: string, handler: RouteHandler): this {
    return this.route('options', pattern, handler)
  }

  any(pattern: string, handler: RouteHandler): this {
    return this.route('any', pattern, handler)
  }

  listen(host: string, port: number, _options: number, cb: (listenSocket: us_listen_socket | false) => void): this {
    const server = createServer({ noDelay: true })
    server.on('request', (req, res) => this.onRequest(req, res))
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head))
    const failed = () => cb(false)
    server.once('error', failed)
    // exclusive: no handle sharing with cluster workers; node sets no SO_REUSEPORT unless asked.
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', failed)
      this.server = server
      this.startSweep()
      cb(new WsListenSocket(this))
    })
    return this
  }

  /** us_listen_socket_close: stop accepting; open connections stay, as with uWS. */
  closeListen(): void {
    this.server?.close()
    this.server = null
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer)
    this.sweepTimer = null
  }

  localPort(): number {
    const a = this.server?.address()
    return typeof a === 'object' && a !== null ? a.port : 0
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitUrl(req.url ?? '/')
    const method = (req.method ?? 'GET').toLowerCase()
    const m = this.http.match(method === 'delete' ? 'del' : method, path)
    if (m === null) {
      // uWS closes the connection of a request no route takes.
      res.destroy()
      return
    }
    m.handler(new WsHttpResponse(req, res), new WsHttpRequest(req, path, query, m.parameters))
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    const { path, query } = splitUrl(req.url ?? '/')
    const m = this.sockets.match('get', path)
    if (m === null) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')
      return
    }
    const route = m.handler
    const res = new WsUpgradeResponse(req, socket, head)
    const request = new WsHttpRequest(req, path, query, m.parameters)
    const context: UpgradeContext = {
      accept: (rq, sock, hd, userData, protocol, headers) => this.accept(route, rq, sock, hd, userData, protocol, headers),
    }
    if (route.behavior.upgrade !== undefined) route.behavior.upgrade(res, request, context)
    else res.upgrade({}, request.getHeader('sec-websocket-key'), request.getHeader('sec-websocket-protocol'), request.getHeader('sec-websocket-extensions'), context)
  }

  private accept(route: WsRoute, req: IncomingMessage, socket: Duplex, head: Buffer, userData: unknown, protocol: string, headers: [string, string][]): void {
    if (socket.destroyed) return
    const addHeaders = (out: string[], r: IncomingMessage) => {
      if (r !== req) return
      for (const [k, v] of headers) out.push(`${k}: ${v}`)
      if (protocol !== '' && !out.some((l) => l.toLowerCase().startsWith('sec-websocket-protocol:'))) out.push(`Sec-WebSocket-Protocol: ${protocol}`)
    }
    route.wss.once('headers', addHeaders)
    route.wss.handleUpgrade(req, socket, head, (impl) => {
      route.wss.off('headers', addHeaders)
      const ws = new WsSocket(impl, socket, route.behavior, userData, (s) => route.sockets.delete(s))
      route.sockets.add(ws)
      route.behavior.open?.(ws)
    })
    // handleUpgrade may refuse synchronously (bad key or version) without a 'headers' event.
    route.wss.off('headers', addHeaders)
  }

  /** uWS's idleTimeout and sendPingsAutomatically, checked four times per timeout. */
  private startSweep(): void {
    let shortest = Infinity
    for (const r of this.wsRoutes) if ((r.behavior.idleTimeout ?? 120) > 0) shortest = Math.min(shortest, r.behavior.idleTimeout ?? 120)
    if (shortest === Infinity) return
    this.sweepTimer = setInterval(() => {
      const now = Date.now()
      for (const r of this.wsRoutes) {
        const idle = r.behavior.idleTimeout ?? 120
        if (idle <= 0) continue
        for (const s of r.sockets) s.sweep(now, idle * 1000, r.behavior.sendPingsAutomatically !== false)
      }
    }, Math.max(250, (shortest * 1000) / 4))
    this.sweepTimer.unref()
  }
}

/** The fallback as a module with the same members as a loaded uWS build. */
export const wsTransportModule: UwsModule = {
  App: () => new WsApp(),
  us_listen_socket_close: (s) => (s as WsListenSocket).app.closeListen(),
  us_socket_local_port: (s) => (s as WsListenSocket).app.localPort(),
  DISABLED: 0,
  LIBUS_LISTEN_EXCLUSIVE_PORT: 1,
}
