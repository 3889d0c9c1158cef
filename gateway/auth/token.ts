// Access tokens: JSON Web Tokens (RFC 7519) signed with HMAC-SHA256 (HS256) and
// the server's secret, so any JWT library can mint one too. The claims say which
// group name patterns (gateway/auth/group-pattern.ts) the holder may publish to
// and subscribe to:
//
//   { "sub": "billing-svc",           optional: who holds it (the identity that owns
//                                      publisher ids and idempotency keys: auth/identity.ts)
//     "publish": ["orders.*"],        patterns the holder may publish to
//     "subscribe": [">"],             patterns the holder may subscribe to
//     "monitor": true,                optional: may read the admin API and /ui (every
//                                      group, connection and subscriber)
//     "iat": 1790000000,              issued at, seconds since the epoch
//     "exp": 1790003600 }             optional expiry, seconds since the epoch
//
// Resolving a group name (ResolveGroups) is allowed when either list matches it.
// Checked once at Hello (and per HTTP request); a token that expires while a
// connection is open does not close it (like NATS: auth is per connection).

import { createHmac, timingSafeEqual } from 'node:crypto'
import { AuthError } from './auth-errors.js'
import { PatternSet } from './group-pattern.js'
import { OPEN_IDENTITY, tokenIdentity } from './identity.js'

export interface TokenClaims {
  sub?: string
  publish: string[]
  subscribe: string[]
  /** May read the admin API (/api/*) and the dashboard (/ui): every group, connection and subscriber. */
  monitor?: boolean
  iat?: number
  /** Seconds since the epoch. */
  exp?: number
}

export interface MintOptions {
  sub?: string
  publish?: readonly string[]
  subscribe?: readonly string[]
  /** Grant read access to the admin API and the dashboard. */
  monitor?: boolean
  /** Lifetime in milliseconds; omitted: no expiry. */
  ttlMs?: number
  /** Current time in ms (tests). Default Date.now(). */
  now?: number
}

const HEADER = base64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))

function base64url(b: Buffer): string {
  return b.toString('base64url')
}

function sign(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest()
}

/** Mints a token. Patterns are checked (AuthError BAD_PATTERN) so a typo fails here, not at the server. */
export function mintToken(secret: string, options: MintOptions): string {
  if (secret.length === 0) throw new AuthError('BAD_TOKEN', 'empty secret: a token needs a secret to be signed with')
  const publish = [...(options.publish ?? [])]
  const subscribe = [...(options.subscribe ?? [])]
  new PatternSet(publish)
  new PatternSet(subscribe)
  const nowMs = options.now ?? Date.now()
  const nowS = Math.floor(nowMs / 1000)
  const claims: TokenClaims = { publish, subscribe, iat: nowS }
  if (options.sub !== undefined) claims.sub = options.sub
  if (options.monitor === true) claims.monitor = true
  // exp is in whole seconds: rounded up, so the token lives at least ttlMs (at most 1 s more).
  if (options.ttlMs !== undefined) claims.exp = Math.ceil((nowMs + options.ttlMs) / 1000)
  const body = base64url(Buffer.from(JSON.stringify(claims)))
  const input = `${HEADER}.${body}`
  return `${input}.${base64url(sign(secret, input))}`
}

/** What a verified token allows, and who holds it. */
export class Grants {
  constructor(
    readonly subject: string,
    readonly publish: PatternSet,
    readonly subscribe: PatternSet,
    /** Open mode: the server has no secret and allows everything. */
    readonly open: boolean,
    /** Who owns what this client binds (publisher ids, idempotency keys): gateway/auth/identity.ts. */
    readonly identity: string = OPEN_IDENTITY,
    /** May read the admin API and the dashboard (claim `monitor`; always in open mode). */
    readonly monitor: boolean = open,
  ) {}

  static readonly OPEN = new Grants('anonymous', new PatternSet(['>']), new PatternSet(['>']), true, OPEN_IDENTITY, true)

  canPublish(name: string): boolean {
    return this.open || this.publish.matches(name)
  }

  canSubscribe(name: string): boolean {
    return this.open || this.subscribe.matches(name)
  }

  /** ResolveGroups: allowed when the holder could publish to or subscribe to the name. */
  canResolve(name: string): boolean {
    return this.open || this.publish.matches(name) || this.subscribe.matches(name)
  }
}

/**
 * Verifies a token against the secret and returns its grants; throws AuthError
 * (BAD_TOKEN, BAD_SIGNATURE, TOKEN_EXPIRED, BAD_CLAIMS, BAD_PATTERN) otherwise.
 */
export function verifyToken(secret: string, token: string, now: number = Date.now()): Grants {
  if (typeof token !== 'string' || token.length === 0) throw new AuthError('BAD_TOKEN', 'no token: this server requires one (Hello.token)')
  if (token.length > 16384) throw new AuthError('BAD_TOKEN', `token too long: size=${token.length}, max=16384`)
  const parts = token.split('.')
  if (parts.length !== 3) throw new AuthError('BAD_TOKEN', `malformed token: parts=${parts.length}, expected=3`)
  const [h, b, s] = parts as [string, string, string]
  const headerBytes = decodeBase64urlStrict(h)
  const claimsBytes = decodeBase64urlStrict(b)
  const given = decodeBase64urlStrict(s)
  if (headerBytes === null || claimsBytes === null || given === null) {
    throw new AuthError('BAD_TOKEN', 'malformed token: a part is not base64url (RFC 7515: no padding, no other characters)')
  }
  let header: unknown
  let claims: unknown
  try {
    header = JSON.parse(headerBytes.toString('utf8'))
    claims = JSON.parse(claimsBytes.toString('utf8'))
  } catch {
    throw new AuthError('BAD_TOKEN', 'malformed token: header or claims are not base64url JSON')
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'HS256') {
    throw new AuthError('BAD_TOKEN', `unsupported token: alg=${String((header as { alg?: unknown } | null)?.alg)}, expected=HS256`)
  }
  const expected = sign(secret, `${h}.${b}`)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthError('BAD_SIGNATURE', 'bad token signature: it was not signed with this server\'s secret')
  }
  if (typeof claims !== 'object' || claims === null) throw new AuthError('BAD_CLAIMS', 'bad token claims: not an object')
  const c = claims as Record<string, unknown>
  const exp = c.exp
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) throw new AuthError('BAD_CLAIMS', `bad token claims: exp=${String(exp)}`)
  if (typeof exp === 'number' && exp * 1000 <= now) {
    throw new AuthError('TOKEN_EXPIRED', `token expired: exp=${new Date(exp * 1000).toISOString()}, now=${new Date(now).toISOString()}`)
  }
  const publish = stringList(c.publish, 'publish')
  const subscribe = stringList(c.subscribe, 'subscribe')
  if (c.sub !== undefined && (typeof c.sub !== 'string' || c.sub.length === 0)) throw new AuthError('BAD_CLAIMS', 'bad token claims: sub must be a non-empty string')
  if (c.monitor !== undefined && typeof c.monitor !== 'boolean') throw new AuthError('BAD_CLAIMS', `bad token claims: monitor must be true or false, got ${typeof c.monitor}`)
  const sub = c.sub as string | undefined
  return new Grants(sub ?? 'token', new PatternSet(publish), new PatternSet(subscribe), false, tokenIdentity(sub, s), c.monitor === true)
}

const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * Decodes one part of a JWT, or null when it is not canonical base64url. Node's
 * decoder skips characters outside the alphabet and ignores unused trailing
 * bits, so `sig`, `sig==` and `sig!!` would all decode to the same bytes: one
 * token would have many spellings. Only the one spelling an encoder writes is
 * accepted: the alphabet alone, no padding, a length that is not 1 mod 4, and
 * zero trailing bits (checked by encoding the bytes again).
 */
function decodeBase64urlStrict(part: string): Buffer | null {
  if (!BASE64URL.test(part) || part.length % 4 === 1) return null
  const bytes = Buffer.from(part, 'base64url')
  return bytes.toString('base64url') === part ? bytes : null
}

function stringList(v: unknown, name: string): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new AuthError('BAD_CLAIMS', `bad token claims: ${name} must be a list of strings`)
  return v as string[]
}

/** Token check of a server: open mode (no secret) grants everything. */
export class Authenticator {
  constructor(private readonly secret: string | undefined) {}

  get open(): boolean {
    return this.secret === undefined || this.secret.length === 0
  }

  /** Grants for a token (ignored in open mode); throws AuthError. */
  authenticate(token: string, now: number = Date.now()): Grants {
    if (this.open) return Grants.OPEN
    return verifyToken(this.secret!, token, now)
  }
}
