// The HTTP side of the one port: GET /health, GET /metrics, POST /publish, and
// a JSON 404 for everything else (WebSocket upgrades are served at `/`).

import type uWS from '@trufflesuite/uws-js-unofficial'
import { BodyType, FrameWriter, verifyFrame } from '../codec/index.js'
import { GroupAccess, GroupAccessCache } from './auth/group-access.js'
import { AuthError } from './auth/auth-errors.js'
import type { Grants } from './auth/token.js'
import type { GatewayContext } from './context.js'
import { groupNameProblemText } from '../codec/group-name.js'
import { HttpPublisher, type HttpAnswer } from './http-publisher.js'
import { groupResolveRefusal } from './engine-refusal.js'
import { ErrorCode, errorCodeName } from '../codec/error-codes.js'

export interface HttpDeps {
  ctx: GatewayContext
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
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  507: '507 Insufficient Storage',
}

function statusFor(code: number): number {
  switch (code) {
    case ErrorCode.BAD_TOKEN:
      return 401
    case ErrorCode.FORBIDDEN_GROUP:
      return 403
    case ErrorCode.UNKNOWN_GROUP:
      return 404
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.FRAME_TOO_LARGE:
      return 413
    case ErrorCode.BAD_PUBLISHER:
      return 409
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
  constructor(private readonly res: uWS.HttpResponse) {
    res.onAborted(() => {
      this.aborted = true
    })
  }

  send(status: number, body: string, contentType = 'application/json'): void {
    if (this.aborted || this.done) return
    this.done = true
    this.res.cork(() => {
      this.res.writeStatus(STATUS[status] ?? `${status} Status`).writeHeader('content-type', contentType).end(body)
    })
  }

  json(status: number, body: unknown): void {
    this.send(status, JSON.stringify(body) + '\n')
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
        h(res, req)
      } catch (err) {
        ctx.log(`internal error in an HTTP route: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
        try {
          res.cork(() => res.writeStatus('500 Internal Server Error').end(JSON.stringify({ error: { code: ErrorCode.INTERNAL, name: 'INTERNAL', message: String(err) } })))
        } catch {
          /* the response was already ended or aborted */
        }
      }
    }
  const explicit = new Map<number, HttpPublisher>()
  let own: HttpPublisher | null = null
  const retired = new Set<HttpPublisher>()

  app.get('/health', guard((res) => {
    const r = new Reply(res)
    const h = deps.health()
    if (h === null) r.json(503, { status: 'unavailable' })
    else if (h.ok) r.json(200, { status: 'ok', ...h.body })
    else r.json(503, { status: String(h.body.state), ...h.body })
  }))

  app.get('/metrics', guard((res) => {
    new Reply(res).send(200, deps.metrics(), 'text/plain; version=0.0.4; charset=utf-8')
  }))

  app.post('/publish', guard((res, req) => {
    const r = new Reply(res)
    const authorization = req.getHeader('authorization')
    const contentType = req.getHeader('content-type')
    if (ctx.draining) {
      r.error(ctx, ErrorCode.GOING_AWAY, 'server is shutting down: retry against the restarted server')
      return
    }
    let grants: Grants
    try {
      grants = ctx.auth.authenticate(authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '')
    } catch (err) {
      r.error(ctx, ErrorCode.BAD_TOKEN, err instanceof AuthError ? err.message : String(err))
      return
    }
    readBody(res, ctx.limits.maxFrameBytes, (body) => {
      if (r.aborted) return
      if (body === null) {
        r.error(ctx, ErrorCode.FRAME_TOO_LARGE, `request body too large: max=${ctx.limits.maxFrameBytes}`)
        return
      }
      try {
        if (contentType.startsWith('application/json') || contentType === '') publishJson(body, grants, r)
        else if (contentType.startsWith('application/octet-stream') || contentType.startsWith('application/x-flatbuffers')) publishBinary(body, grants, r)
        else r.error(ctx, ErrorCode.BAD_REQUEST, `unsupported content-type: ${contentType} (use application/json or application/octet-stream)`)
      } catch (err) {
        r.error(ctx, ErrorCode.INTERNAL, `publish failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    })
  }))

  app.any('/*', guard((res, req) => {
    const r = new Reply(res)
    r.error(ctx, ErrorCode.BAD_REQUEST, `no such endpoint: ${req.getMethod().toUpperCase()} ${req.getUrl()} (WebSocket at /, GET /health, GET /metrics, POST /publish)`, 404)
  }))

  function publisherFor(id: number | null, r: Reply): HttpPublisher | null {
    if (id === null) {
      if (own !== null && own.broken) {
        retired.add(own)
        own = null
      }
      own ??= new HttpPublisher(ctx, ctx.engine.newPublisherId())
      own.claim()
      return own
    }
    let p = explicit.get(id)
    if (p === undefined) {
      p = new HttpPublisher(ctx, id)
      if (!p.claim()) {
        r.error(ctx, ErrorCode.BAD_PUBLISHER, `publisher id is held by a WebSocket connection: publisher=${id}`)
        return null
      }
      explicit.set(id, p)
    }
    return p
  }

  function settle(p: HttpPublisher, id: number | null): void {
    if (retired.has(p) && p.idle) {
      p.release()
      retired.delete(p)
    }
    if (id !== null && p.idle) {
      p.release()
      explicit.delete(id)
    }
  }

  function publishJson(body: Uint8Array, grants: Grants, r: Reply): void {
    let j: Record<string, unknown>
    try {
      const v: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'))
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object')
      j = v as Record<string, unknown>
    } catch (err) {
      r.error(ctx, ErrorCode.BAD_REQUEST, `body is not a JSON object: ${(err as Error).message}; expected {"groups":["a"],"payload":"text"}`)
      return
    }
    const groups = j.groups
    if (!Array.isArray(groups) || groups.length === 0) {
      r.error(ctx, ErrorCode.EMPTY_GROUPS, 'groups must be a non-empty list of group names')
      return
    }
    if (groups.length > ctx.limits.maxGroups) {
      r.error(ctx, ErrorCode.TOO_MANY_GROUPS, `too many groups: groups=${groups.length}, max=${ctx.limits.maxGroups}`)
      return
    }
    if (new Set(groups).size !== groups.length) {
      r.error(ctx, ErrorCode.EMPTY_GROUPS, 'groups must be distinct')
      return
    }
    for (const g of groups) {
      const problem = groupNameProblemText(g)
      if (problem !== '') return r.error(ctx, ErrorCode.BAD_GROUP_NAME, problem)
      if (!grants.canPublish(g as string)) return r.error(ctx, ErrorCode.FORBIDDEN_GROUP, `forbidden group: group=${g as string}, token does not allow publishing to it`)
    }
    let payload: Uint8Array
    const p = j.payload
    if (typeof p === 'string') payload = new TextEncoder().encode(p)
    else if (typeof p === 'object' && p !== null && typeof (p as { base64?: unknown }).base64 === 'string') {
      payload = new Uint8Array(Buffer.from((p as { base64: string }).base64, 'base64'))
    } else if (p === undefined) payload = new Uint8Array(0)
    else return r.error(ctx, ErrorCode.BAD_REQUEST, 'payload must be a string or {"base64": "..."}')
    if (payload.length > ctx.limits.maxPayload) {
      return r.error(ctx, ErrorCode.PAYLOAD_TOO_LARGE, `payload too large: size=${payload.length}, max=${ctx.limits.maxPayload}`)
    }
    const hasIdentity = j.publisher !== undefined || j.pseq !== undefined
    const publisher = j.publisher
    const pseq = j.pseq
    if (hasIdentity && !(isId(publisher) && isId(pseq))) {
      return r.error(ctx, ErrorCode.BAD_REQUEST, 'publisher and pseq go together: both positive integers below 2^53')
    }
    let ids: number[]
    try {
      ids = ctx.engine.resolveGroupIds(groups as string[], true)
    } catch (err) {
      const refusal = groupResolveRefusal(err)
      return r.error(ctx, refusal.code, refusal.message)
    }
    const pub = publisherFor(hasIdentity ? (publisher as number) : null, r)
    if (pub === null) return
    const q = hasIdentity ? (pseq as number) : pub.nextPseq++
    const frame = new Uint8Array(256 + payload.length + 12 * ids.length)
    const w = new FrameWriter(frame)
    w.beginPublish(0, 1)
    w.addMessage(pub.publisher, q, ids, ids.length, payload, 0, payload.length)
    const length = w.finish()
    const pubId = hasIdentity ? (publisher as number) : null
    pub.publish(frame.subarray(0, length), [q], [
      {
        ok: (pseqDone, gsn) => {
          r.json(200, { gsn, publisher: pub.publisher, pseq: pseqDone })
          settle(pub, pubId)
        },
        refused: (code, message) => {
          r.error(ctx, code, message)
          settle(pub, pubId)
        },
      },
    ])
  }

  function publishBinary(body: Uint8Array, grants: Grants, r: Reply): void {
    const v = ctx.verdict
    if (verifyFrame(body, 0, body.length, ctx.verifierLimits, v) !== 0) return r.error(ctx, ErrorCode.BAD_FRAME, `bad frame: ${v.toString()}`)
    if (v.bodyType !== BodyType.Publish) return r.error(ctx, ErrorCode.UNEXPECTED_FRAME, `POST /publish takes a Publish frame: got body=${v.bodyTypeName}`)
    const access = new GroupAccessCache(grants, (id) => ctx.engine.groupName(id))
    const cursor = ctx.cursor
    if (cursor.reset(body, 0, body.length) <= 0) return r.json(200, { publisher: 0, pseqs: [], gsns: [] })
    let publisher = -1
    const pseqs: number[] = []
    while (cursor.next()) {
      if (publisher === -1) publisher = cursor.publisher
      if (cursor.publisher !== publisher || publisher === 0) return r.error(ctx, ErrorCode.BAD_PUBLISHER, 'every message needs the same non-zero publisher id')
      if (cursor.pseq === 0) return r.error(ctx, ErrorCode.PSEQ_GAP, 'pseqs count from 1')
      if (cursor.payloadLength > ctx.limits.maxPayload) return r.error(ctx, ErrorCode.PAYLOAD_TOO_LARGE, `payload too large: pseq=${cursor.pseq}, size=${cursor.payloadLength}, max=${ctx.limits.maxPayload}`)
      if (cursor.groupCount > ctx.limits.maxGroups) return r.error(ctx, ErrorCode.TOO_MANY_GROUPS, `too many groups: pseq=${cursor.pseq}, groups=${cursor.groupCount}, max=${ctx.limits.maxGroups}`)
      for (let i = 0; i < cursor.groupCount; i++) {
        const bits = access.get(cursor.group(i))
        if ((bits & GroupAccess.EXISTS) === 0) return r.error(ctx, ErrorCode.UNKNOWN_GROUP, `unknown group: pseq=${cursor.pseq}, group_id=${cursor.group(i)}`)
        if ((bits & GroupAccess.PUBLISH) === 0) return r.error(ctx, ErrorCode.FORBIDDEN_GROUP, `forbidden group: pseq=${cursor.pseq}, group_id=${cursor.group(i)}`)
      }
      pseqs.push(cursor.pseq)
    }
    const pub = publisherFor(publisher, r)
    if (pub === null) return
    const gsns: number[] = new Array(pseqs.length).fill(0)
    let left = pseqs.length
    let failed = false
    const answers: HttpAnswer[] = pseqs.map((_, i) => ({
      ok: (_p, gsn) => {
        gsns[i] = gsn
        if (--left === 0 && !failed) {
          r.json(200, { publisher, pseqs, gsns })
          settle(pub, publisher)
        }
      },
      refused: (code, message) => {
        left--
        if (!failed) r.error(ctx, code, message)
        failed = true
        if (left === 0) settle(pub, publisher)
      },
    }))
    pub.publish(body, pseqs, answers)
  }
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0
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
