// Route matching of the `ws` fallback, with uWS's precedence: a static path
// beats a `:parameter` segment, which beats a trailing `/*` wildcard; within
// one kind a route for the method beats an `any` route, and the first
// registered wins. Patterns: '/health', '/api/groups/:name', '/ui/*', '/*'.

export type Method = 'get' | 'post' | 'put' | 'del' | 'head' | 'options' | 'any'

const enum Kind {
  STATIC = 0,
  PARAM = 1,
  WILDCARD = 2,
}

interface Route<H> {
  readonly method: Method
  readonly kind: Kind
  /** Segments of the pattern ('' for a `:parameter`), without the trailing '*'. */
  readonly segments: readonly string[]
  readonly params: readonly boolean[]
  readonly handler: H
}

export interface RouteMatch<H> {
  readonly handler: H
  readonly parameters: readonly string[]
}

function split(path: string): string[] {
  return path.split('/').slice(1)
}

export class RouteTable<H> {
  private readonly routes: Route<H>[] = []

  add(method: Method, pattern: string, handler: H): void {
    if (!pattern.startsWith('/')) throw new Error(`route pattern must start with '/': pattern=${pattern}`)
    const wildcard = pattern.endsWith('/*')
    const segments = split(wildcard ? pattern.slice(0, -2) : pattern)
    if (wildcard && segments.length === 1 && segments[0] === '') segments.length = 0
    const params = segments.map((s) => s.startsWith(':'))
    const kind = wildcard ? Kind.WILDCARD : params.some((p) => p) ? Kind.PARAM : Kind.STATIC
    this.routes.push({ method, kind, segments: segments.map((s, i) => (params[i] ? '' : s)), params, handler })
  }

  /** The best route for a lower-case method and a path (no query string), or null. */
  match(method: string, path: string): RouteMatch<H> | null {
    const parts = split(path)
    let best: Route<H> | null = null
    let bestParams: string[] = []
    for (const r of this.routes) {
      if (r.method !== method && r.method !== 'any') continue
      const params = matchSegments(r, parts)
      if (params === null) continue
      if (best === null || better(r, best, method)) {
        best = r
        bestParams = params
      }
    }
    return best === null ? null : { handler: best.handler, parameters: bestParams }
  }
}

function better(a: Route<unknown>, b: Route<unknown>, method: string): boolean {
  if (a.kind !== b.kind) return a.kind < b.kind
  return a.method === method && b.method !== method
}

function matchSegments(r: Route<unknown>, parts: readonly string[]): string[] | null {
  const n = r.segments.length
  if (r.kind === Kind.WILDCARD ? parts.length <= n : parts.length !== n) return null
  const params: string[] = []
  for (let i = 0; i < n; i++) {
    if (r.params[i]) {
      // Raw, as uWS hands parameters over: the route decodes what it needs.
      params.push(parts[i]!)
      continue
    }
    if (r.segments[i] !== parts[i]) return null
  }
  return params
}
