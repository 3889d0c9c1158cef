// The HTTP side of the one port: GET|HEAD /health, GET /metrics, POST /publish and
// POST /publish/<groups> (gateway/http-publish-route.ts), and a JSON 404 for
// everything else (WebSocket upgrades are served at `/`; the admin API and the
// dashboard install their own routes: gateway/admin/, gateway/ui/).

import type * as uWS from './transport/uws-api.js'
import { BodyType, FrameWriter, verifyFrame } from '../codec/index.js'
import { GroupAccess, GroupAccessCache } from './auth/group-access.js'
import { AuthError } from './auth/auth-errors.js'
import type { Grants } from './auth/token.js'
import type { GatewayContext } from './context.js'
import { HttpPublishRoute, type HttpReplyPort } from './http-publish-route.js'
import { ErrorCode, errorCodeName } from '../codec/error-codes.js'
import { writeCorsHeaders, type Cors } from './http-cors.js'

export interface HttpDeps {
  ctx: GatewayContext
  /** Cross-origin policy: marks each response (gateway/http-cors.ts). */
  cors: Cors
  /** Text of /metrics. */
  metrics(): string
  /** /health: null while starting/stopping; ok false (503, with the reason) while the engine takes no publishes. */
  health(): { ok: boolean; body: Record<string, unknown> } | null
}

const STATUS: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  422: '422 Unprocessable Content',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  507: '507 Insufficient Storage',
}

function statusFor(code: number): number {
  switch (code) {
    case ErrorCode.BAD_TOKEN:
      return 401
    case ErrorCode.FORBIDDEN_GROUP:
    case ErrorCode.PUBLISHER_TAKEN:
      return 403
    case ErrorCode.UNKNOWN_GROUP:
      return 404
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.FRAME_TOO_LARGE:
      return 413
    case ErrorCode.BAD_PUBLISHER:
      return 409
    case ErrorCode.IDEMPOTENCY_KEY_REUSED:
      return 422
    case ErrorCode.DISK_FULL:
      return 507
    case ErrorCode.OVERLOADED:
    case ErrorCode.GOING_AWAY:
    case ErrorCode.JOURNAL_IO:
      return 503
    case ErrorCode.INTERNAL:
      return 500
    default:
      return 400
  }
}

class Reply {
  aborted = false
  done = false
  constructor(
    private readonly res: uWS.HttpResponse,
    /** A HEAD request: status and headers only (uWS would write a body given to end() even then). */
    private readonly head = false,
    /** The gateway is shutting down: every answer closes its keep-alive connection. */
    private readonly draining: () => boolean = () => false,
  ) {
    res.onAborted(() => {
      this.aborted = true
    })
  }

  /** closeConnection: end the keep-alive connection after this response (a server that is going away). */
  send(status: number, body: string, contentType = 'application/json', closeConnection = false): void {
    if (this.aborted || this.done) return
    this.done = true
    this.res.cork(() => {
      this.res.writeStatus(STATUS[status] ?? `${status} Status`).writeHeader('content-type', contentType)
      writeCorsHeaders(this.res)
      this.res.end(this.head ? undefined : body, closeConnection || this.draining())
    })
  }

  json(status: number, body: unknown, closeConnection = false): void {
    this.send(status, JSON.stringify(body) + '\n', 'application/json', closeConnection)
  }

  error(ctx: GatewayContext, code: number, message: string, status = statusFor(code)): void {
    ctx.counters.countError(code)
    this.json(status, { error: { code, name: errorCodeName(code), message } })
  }
}

type Handler = (res: uWS.HttpResponse, req: uWS.HttpRequest) => void

export function installHttpRoutes(app: uWS.TemplatedApp, deps: HttpDeps): void {
  const { ctx } = deps
  /** A bug in a route costs one response (500), never the server. */
  const guard =
    (h: Handler): Handler =>
    (res, req) => {
      try {
        deps.cors.mark(res, req)
        h(res, req)
      } catch (err) {
        ctx.logger.error({ event: 'internal_error', where: 'http', err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'internal error in an HTTP route')
        try {
          res.cork(() => res.writeStatus('500 Internal Server Error').end(JSON.stringify({ error: { code: ErrorCode.INTERNAL, name: 'INTERNAL', message: String(err) } })))
        } catch {
          /* the response was already ended or aborted */
        }
      }
    }
  const isDraining = (): boolean => deps.ctx.draining
  app.get('/health', guard((res) => {
    const r = new Reply(res, false, isDraining)
    const h = deps.health()
    // Starting or stopping: the connection is closed after the answer, so that a client keeping
    // connections alive reaches whatever serves this port next (a cluster node restarting in place).
    if (h === null) r.json(503, { status: 'unavailable' }, true)
    else if (h.ok) r.json(200, { status: 'ok', ...h.body })
    else r.json(503, { status: String(h.body.state), ...h.body })
  }))

  // HEAD /health: the same status and headers as GET, no body (load balancers, curl -I).
  app.head('/health', guard((res) => {
    const ok = deps.health()?.ok === true
    res.cork(() => {
      res.writeStatus(ok ? STATUS[200]! : STATUS[503]!).writeHeader('content-type', 'application/json')
      writeCorsHeaders(res)
      res.end()
    })
  }))

  app.get('/metrics', guard((res) => {
    new Reply(res, false, isDraining).send(200, deps.metrics(), 'text/plain; version=0.0.4; charset=utf-8')
  }))

  const publish = new HttpPublishRoute(ctx)
  const publishRoute = (res: uWS.HttpResponse, req: uWS.HttpRequest, pathGroups: string | null): void => {
    const r = new Reply(res, false, isDraining)
    const reply: HttpReplyPort = {
      get aborted() {
        return r.aborted
      },
      json: (status, body) => r.json(status, body),
      error: (code, message, status) => r.error(ctx, code, message, status),
    }
    // uWS request headers are valid only during this call: read them now.
    const call = publish.begin(
      { authorization: req.getHeader('authorization'), contentType: req.getHeader('content-type'), idempotencyKey: req.getHeader('idempotency-key'), pathGroups },
      reply,
    )
    if (call === null) return
    readBody(res, call.maxBody, (body) => {
      if (r.aborted) return
      if (body === null) {
        r.error(ctx, call.tooLargeCode, `request body too large: max=${call.maxBody} bytes`)
        return
      }
      try {
        publish.finish(call, body, reply)
      } catch (err) {
        r.error(ctx, ErrorCode.INTERNAL, `publish failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    })
  }
  app.post('/publish', guard((res, req) => publishRoute(res, req, null)))
  app.post('/publish/*', guard((res, req) => publishRoute(res, req, req.getUrl().slice('/publish/'.length))))

  app.any('/*', guard((res, req) => {
    const r = new Reply(res, req.getMethod() === 'head', isDraining)
    r.error(ctx, ErrorCode.BAD_REQUEST, `no such endpoint: ${req.getMethod().toUpperCase()} ${req.getUrl()} (WebSocket at /, GET /health, GET /metrics, POST /publish, POST /publish/<group>, GET /api/stats|groups|subscribers|connections, GET /ui)`, 404)
  }))
}

/** Collects a request body (uWS chunks are only valid during the callback: copied). null when over max. */
function readBody(res: uWS.HttpResponse, max: number, done: (body: Uint8Array | null) => void): void {
  const chunks: Uint8Array[] = []
  let size = 0
  let over = false
  res.onData((chunk, isLast) => {
    if (!over) {
      size += chunk.byteLength
      if (size > max) over = true
      else chunks.push(new Uint8Array(chunk.slice(0)))
    }
    if (!isLast) return
    if (over) return done(null)
    if (chunks.length === 1) return done(chunks[0]!)
    const body = new Uint8Array(size)
    let p = 0
    for (const c of chunks) {
      body.set(c, p)
      p += c.length
    }
    done(body)
  })
}
