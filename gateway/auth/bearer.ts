// The token of an HTTP request: `Authorization: Bearer <token>`, the scheme name
// in any case (RFC 9110 section 11.1). One rule for every HTTP endpoint that takes
// a token (POST /publish, the admin API).

const BEARER = /^\s*bearer\s+(\S+)\s*$/i

/** The token an Authorization header carries, or '' (no header, another scheme, no token). */
export function bearerToken(authorization: string): string {
  const m = BEARER.exec(authorization)
  return m === null ? '' : m[1]!
}

/** A hint for a refusal: set when a header was sent but is not a bearer token. */
export function bearerHint(authorization: string): string {
  return authorization !== '' && !BEARER.test(authorization) ? ' (send Authorization: Bearer <token>)' : ''
}
