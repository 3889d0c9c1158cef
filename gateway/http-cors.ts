// Cross-origin requests (CORS) to the HTTP endpoints, for a browser page served
// from another origin (an operator's own dashboard, a web app publishing with
// POST /publish). Off by default: a browser then lets only same-origin pages
// read the answers. With origins configured, a request whose Origin is allowed
// gets Access-Control-Allow-Origin on its answer, and preflights (OPTIONS) are
// answered for any path. Tokens travel in the Authorization header, never in
// cookies, so credentials mode is not offered.
//
// A handler marks the response with the allowed origin while the request is
// still readable (uWS requests are valid only during the handler), and the code
// that writes the status line adds the header (writeCorsHeaders).

import type * as uWS from './transport/uws-api.js'

const ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS'
const ALLOWED_HEADERS = 'authorization, content-type, idempotency-key'
const PREFLIGHT_MAX_AGE_S = '600'

interface Marked {
  ordoCorsOrigin?: string
}

/** Adds the CORS headers a response was marked with (call between writeStatus and end). */
export function writeCorsHeaders(res: uWS.HttpResponse): void {
  const origin = (res as unknown as Marked).ordoCorsOrigin
  if (origin === undefined || origin === '') return
  res.writeHeader('access-control-allow-origin', origin)
  if (origin !== '*') res.writeHeader('vary', 'origin')
}

export class Cors {
  private readonly any: boolean
  private readonly origins: Set<string>

  constructor(origins: readonly string[]) {
    for (const o of origins) {
      if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) {
        throw new RangeError(`bad CORS origin: ${JSON.stringify(o)} (expected '*' or scheme://host[:port], e.g. https://ops.example.com)`)
      }
    }
    this.any = origins.includes('*')
    this.origins = new Set(origins)
  }

  get enabled(): boolean {
    return this.any || this.origins.size > 0
  }

  /** Value of Access-Control-Allow-Origin for a request's Origin header ('' = none). */
  allowOrigin(origin: string): string {
    if (this.any) return '*'
    return origin !== '' && this.origins.has(origin) ? origin : ''
  }

  /** Marks the response with the origin to allow; call in the handler, before any await. */
  mark(res: uWS.HttpResponse, req: uWS.HttpRequest): void {
    if (!this.enabled) return
    const allow = this.allowOrigin(req.getHeader('origin'))
    if (allow !== '') (res as unknown as Marked).ordoCorsOrigin = allow
  }

  /** Answers preflight requests on every path. */
  install(app: uWS.TemplatedApp): void {
    app.options('/*', (res, req) => {
      this.mark(res, req)
      const allowed = (res as unknown as Marked).ordoCorsOrigin !== undefined
      res.cork(() => {
        res.writeStatus('204 No Content').writeHeader('allow', ALLOWED_METHODS)
        if (allowed) {
          writeCorsHeaders(res)
          res.writeHeader('access-control-allow-methods', ALLOWED_METHODS)
          res.writeHeader('access-control-allow-headers', ALLOWED_HEADERS)
          res.writeHeader('access-control-max-age', PREFLIGHT_MAX_AGE_S)
        }
        res.end()
      })
    })
  }
}
