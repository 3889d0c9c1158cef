// The durable subscriptions in the admin API (gateway/README.md, "Durable subscriptions"):
//   GET    /api/durables            the caller's durable subscriptions
//   GET    /api/durables/:name      one of them (404 when the caller has none of that name)
//   DELETE /api/durables/:name      delete it (its consumer, if attached, gets an Error)
// Names are per identity (the token's subject): a token sees, inspects and deletes only
// its own identity's durable subscriptions; another identity's are answered exactly like
// names that do not exist. A token with the monitor right may list every identity's with
// ?all=true (identities are shown as the digests the server keeps, and a monitor may
// narrow the list with ?subject=NAME); it may not delete another identity's.

import type * as uWS from '../transport/uws-api.js'
import { AuthError } from '../auth/auth-errors.js'
import { bearerToken } from '../auth/bearer.js'
import { tokenIdentity } from '../auth/identity.js'
import type { Grants } from '../auth/token.js'
import type { GatewayContext } from '../context.js'
import { writeCorsHeaders, type Cors } from '../http-cors.js'
import { ErrorCode, errorCodeName } from '../../codec/error-codes.js'
import type { DurableInfo } from '../../engine/engine-port.js'

function send(res: uWS.HttpResponse, status: string, body: unknown): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('content-type', 'application/json').writeHeader('cache-control', 'no-store')
    writeCorsHeaders(res)
    res.end(JSON.stringify(body) + '\n')
  })
}

function refuse(res: uWS.HttpResponse, ctx: GatewayContext, status: string, code: number, message: string): void {
  ctx.counters.countError(code)
  send(res, status, { error: { code, name: errorCodeName(code), message } })
}

/** The JSON form of a durable subscription: gsns as numbers, times as ISO strings. */
function doc(d: DurableInfo, names: (id: number) => string | undefined): unknown {
  return {
    name: d.name, identity: d.identity, groups: d.groups.map((id) => names(id) ?? `#${id}`), ackPolicy: d.ackPolicy, ackWaitMs: d.ackWaitMs,
    ackedGsn: d.ackedGsn, savedGsn: d.savedGsn, deliveredGsn: d.deliveredGsn, attached: d.attached, redeliveries: d.redeliveries,
    created: new Date(d.createdMs).toISOString(), lastActive: new Date(d.lastActiveMs).toISOString(), expires: d.expiresMs === null ? null : new Date(d.expiresMs).toISOString(),
  }
}

export function installDurableRoutes(app: uWS.TemplatedApp, ctx: GatewayContext, cors: Cors): void {
  const engine = ctx.engine
  const names = (id: number): string | undefined => engine.groupName(id)

  function authorize(res: uWS.HttpResponse, req: uWS.HttpRequest, path: string): Grants | null {
    try {
      return ctx.auth.authenticate(bearerToken(req.getHeader('authorization')))
    } catch (err) {
      const why = err instanceof AuthError ? err.message : String(err)
      ctx.counters.authFailures++
      ctx.logger.warn({ event: 'auth_failed', where: 'http', path, code: err instanceof AuthError ? err.code : 'BAD_TOKEN', reason: why }, 'authentication failed')
      refuse(res, ctx, '401 Unauthorized', ErrorCode.BAD_TOKEN, `${why} (send Authorization: Bearer <token>)`)
      return null
    }
  }

  function unavailable(res: uWS.HttpResponse): boolean {
    if (engine.durables !== undefined) return false
    refuse(res, ctx, '404 Not Found', ErrorCode.BAD_REQUEST, 'this server keeps no durable subscriptions')
    return true
  }

  app.get('/api/durables', (res, req) => {
    cors.mark(res, req)
    const grants = authorize(res, req, '/api/durables')
    if (grants === null || unavailable(res)) return
    const q = new URLSearchParams(req.getQuery() ?? '')
    let identity: string | undefined = grants.identity
    if (q.get('all') === 'true' || q.get('subject') !== null) {
      if (!grants.monitor && !grants.open) {
        refuse(res, ctx, '403 Forbidden', ErrorCode.BAD_TOKEN, 'listing other identities\' durable subscriptions needs the monitor right (ordo token --monitor ...)')
        return
      }
      const subject = q.get('subject')
      identity = subject !== null && subject !== '' ? tokenIdentity(subject, '') : undefined
    }
    const items = engine.durables!.list(identity).map((d) => doc(d, names))
    send(res, '200 OK', { items, stableGsn: engine.stableGsn ?? engine.durableGsn })
  })

  app.get('/api/durables/:name', (res, req) => {
    cors.mark(res, req)
    const grants = authorize(res, req, '/api/durables/:name')
    if (grants === null || unavailable(res)) return
    const name = decodeURIComponent(req.getParameter(0) ?? '')
    const d = engine.durables!.inspect(grants.identity, name)
    if (d === null) refuse(res, ctx, '404 Not Found', ErrorCode.UNKNOWN_SUBSCRIPTION, `no durable subscription of this identity: name=${name}`)
    else send(res, '200 OK', doc(d, names))
  })

  app.del('/api/durables/:name', (res, req) => {
    cors.mark(res, req)
    const grants = authorize(res, req, '/api/durables/:name')
    if (grants === null || unavailable(res)) return
    const name = decodeURIComponent(req.getParameter(0) ?? '')
    if (!engine.durables!.delete(grants.identity, name)) {
      refuse(res, ctx, '404 Not Found', ErrorCode.UNKNOWN_SUBSCRIPTION, `no durable subscription of this identity: name=${name}`)
      return
    }
    ctx.logger.info({ event: 'durable_deleted', subject: grants.subject, name }, 'durable subscription deleted')
    send(res, '200 OK', { deleted: name })
  })
}
