// GET /api/stats, /api/groups, /api/subscribers, /api/connections: the JSON the
// dashboard (/ui) reads and scripts can too (gateway/README.md, "Admin API").
//
// Who may read: a token with the `monitor` claim (ordo token --monitor) reads
// everything, every group included; in open mode (no secret) everyone does.
// /api/groups is also open to any valid token, listing only the groups that token
// may publish or subscribe to, so a client can name the group ids it receives
// (ordo tail does) and learn nothing about the others: ids and names of groups a
// token may neither publish nor subscribe to are never in an answer, and a filter
// (?ids=, ?names=, ?prefix=) only narrows that list. The token comes in
// `Authorization: Bearer <token>` (scheme name in any case: auth/bearer.ts).
//
// Lists are paged: ?limit= (1..1000, default 100) and ?cursor= (the previous
// page's nextCursor); filters narrow them before paging.

import type * as uWS from '../transport/uws-api.js'
import { AuthError } from '../auth/auth-errors.js'
import { bearerToken } from '../auth/bearer.js'
import type { Grants } from '../auth/token.js'
import type { GatewayContext } from '../context.js'
import { writeCorsHeaders, type Cors } from '../http-cors.js'
import { ErrorCode, errorCodeName } from '../../codec/error-codes.js'
import type { AdminView } from './admin-view.js'
import { BadQueryError, idKey, paginate, parseLimit } from './pagination.js'

type Need = 'monitor' | 'token'

class Refusal extends Error {
  constructor(
    readonly status: string,
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'Refusal'
  }
}

function send(res: uWS.HttpResponse, status: string, body: unknown): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', 'application/json').writeHeader('cache-control', 'no-store')
    writeCorsHeaders(res)
    res.end(JSON.stringify(body) + '\n')
  })
}

function bool(q: URLSearchParams, name: string): boolean | null {
  const v = q.get(name)
  if (v === null || v === '') return null
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw new BadQueryError(`bad ${name}: ${name}=${JSON.stringify(v)} (true or false)`)
}

function list(q: URLSearchParams, name: string): string[] | null {
  const v = q.get(name)
  if (v === null || v === '') return null
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}

export function installAdminRoutes(app: uWS.TemplatedApp, ctx: GatewayContext, view: AdminView, cors: Cors): void {
  function authorize(req: uWS.HttpRequest, need: Need, path: string): Grants {
    const header = req.getHeader('authorization')
    let grants: Grants
    try {
      grants = ctx.auth.authenticate(bearerToken(header))
    } catch (err) {
      const why = err instanceof AuthError ? err.message : String(err)
      ctx.counters.authFailures++
      ctx.logger.warn({ event: 'auth_failed', where: 'http', path, code: err instanceof AuthError ? err.code : 'BAD_TOKEN', reason: why }, 'authentication failed')
      throw new Refusal('401 Unauthorized', ErrorCode.BAD_TOKEN, `${why} (send Authorization: Bearer <token>)`)
    }
    if (need === 'monitor' && !grants.monitor) {
      ctx.logger.warn({ event: 'forbidden', where: 'http', path, subject: grants.subject }, 'admin API refused: token lacks the monitor right')
      throw new Refusal('403 Forbidden', ErrorCode.BAD_TOKEN, 'this token may not read the admin API: it needs the monitor right (ordo token --monitor ...)')
    }
    return grants
  }

  function route(path: string, need: Need, answer: (q: URLSearchParams, grants: Grants) => unknown): void {
    app.get(path, (res, req) => {
      cors.mark(res, req)
      try {
        const grants = authorize(req, need, path)
        const q = new URLSearchParams(req.getQuery() ?? '')
        send(res, '200 OK', answer(q, grants))
      } catch (err) {
        if (err instanceof Refusal) {
          ctx.counters.countError(err.code)
          send(res, err.status, { error: { code: err.code, name: errorCodeName(err.code), message: err.message } })
        } else if (err instanceof BadQueryError) {
          ctx.counters.countError(ErrorCode.BAD_REQUEST)
          send(res, '400 Bad Request', { error: { code: ErrorCode.BAD_REQUEST, name: 'BAD_REQUEST', message: err.message } })
        } else {
          ctx.logger.error({ event: 'internal_error', where: 'http', path, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'internal error in the admin API')
          send(res, '500 Internal Server Error', { error: { code: ErrorCode.INTERNAL, name: 'INTERNAL', message: String(err) } })
        }
      }
    })
  }

  route('/api/stats', 'monitor', () => view.stats())

  route('/api/groups', 'token', (q, grants) => {
    let groups = view.groups(grants)
    const prefix = q.get('prefix')
    if (prefix !== null && prefix !== '') groups = groups.filter((g) => g.name.startsWith(prefix))
    const ids = list(q, 'ids')
    if (ids !== null) {
      const want = new Set(ids.map(Number))
      groups = groups.filter((g) => want.has(g.id))
    }
    const names = list(q, 'names')
    if (names !== null) {
      const want = new Set(names)
      groups = groups.filter((g) => want.has(g.name))
    }
    return paginate(groups, (g) => idKey(g.id), parseLimit(q.get('limit')), q.get('cursor'))
  })

  route('/api/subscribers', 'monitor', (q) => {
    let subs = view.subscribers()
    const group = q.get('group')
    if (group !== null && group !== '') subs = subs.filter((s) => s.groups.includes(group))
    const subject = q.get('subject')
    if (subject !== null && subject !== '') subs = subs.filter((s) => s.subject === subject)
    const slow = bool(q, 'slow')
    if (slow !== null) subs = subs.filter((s) => s.paused === slow)
    const tentative = bool(q, 'tentative')
    if (tentative !== null) subs = subs.filter((s) => s.tentative === tentative)
    const connection = q.get('connection')
    if (connection !== null && connection !== '') subs = subs.filter((s) => String(s.connection) === connection)
    const sort = q.get('sort')
    if (sort === 'lag') subs.sort((a, b) => b.lag - a.lag || a.connection - b.connection || a.subscription - b.subscription)
    else if (sort !== null && sort !== '') throw new BadQueryError(`bad sort: sort=${JSON.stringify(sort)} (lag, or omit for connection order)`)
    if (sort === 'lag') return { items: subs.slice(0, parseLimit(q.get('limit'))), nextCursor: null, total: subs.length }
    return paginate(subs, (s) => idKey(s.connection, s.subscription), parseLimit(q.get('limit')), q.get('cursor'))
  })

  route('/api/connections', 'monitor', (q) => {
    let conns = view.connections()
    const subject = q.get('subject')
    if (subject !== null && subject !== '') conns = conns.filter((c) => c.subject === subject)
    const slow = bool(q, 'slow')
    if (slow !== null) conns = conns.filter((c) => c.slow === slow)
    const group = q.get('group')
    if (group !== null && group !== '') {
      const holding = new Set(view.subscribers().filter((s) => s.groups.includes(group)).map((s) => s.connection))
      conns = conns.filter((c) => holding.has(c.id))
    }
    return paginate(conns, (c) => idKey(c.id), parseLimit(q.get('limit')), q.get('cursor'))
  })
}
