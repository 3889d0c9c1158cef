// GET /ui: the live dashboard (gateway/ui/page-html.ts) and its scripts
// (gateway/ui/browser/*.ts, compiled by `npm run build` next to this module and
// read once at start). The page and scripts carry no data and need no token;
// everything they show comes from the admin API, which does (gateway/admin/).

import { readFileSync } from 'node:fs'
import type * as uWS from '../transport/uws-api.js'
import { writeCorsHeaders, type Cors } from '../http-cors.js'
import { DASHBOARD_HTML } from './page-html.js'

/** Browser modules served under /ui/ (compiled from gateway/ui/browser/). */
const SCRIPTS = ['dashboard.js', 'format.js', 'line-chart.js', 'quantiles.js'] as const

// Scripts may only come from this origin; the page talks only to it.
const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

function serve(res: uWS.HttpResponse, type: string, body: string, csp: boolean): void {
  res.cork(() => {
    res.writeStatus('200 OK').writeHeader('content-type', type).writeHeader('cache-control', 'no-cache').writeHeader('x-content-type-options', 'nosniff')
    if (csp) res.writeHeader('content-security-policy', CSP).writeHeader('referrer-policy', 'no-referrer')
    writeCorsHeaders(res)
    res.end(body)
  })
}

export function installUiRoutes(app: uWS.TemplatedApp, cors: Cors): void {
  const scripts = new Map<string, string>()
  for (const name of SCRIPTS) {
    try {
      scripts.set(name, readFileSync(new URL(`./browser/${name}`, import.meta.url), 'utf8'))
    } catch {
      // Not built (running from sources without `npm run build`): the page says so.
      scripts.set(name, `document.body.textContent = 'ordo dashboard: ${name} is missing; run npm run build'`)
    }
  }
  const page = (res: uWS.HttpResponse, req: uWS.HttpRequest): void => {
    cors.mark(res, req)
    serve(res, 'text/html; charset=utf-8', DASHBOARD_HTML, true)
  }
  app.get('/ui', page)
  app.get('/ui/', page)
  for (const [name, body] of scripts) {
    app.get(`/ui/${name}`, (res, req) => {
      cors.mark(res, req)
      serve(res, 'text/javascript; charset=utf-8', body, false)
    })
  }
}
