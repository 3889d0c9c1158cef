// `ordo token`: mints an access token signed with the server's secret.

import { mintToken } from '../../gateway/auth/token.js'
import { AuthError } from '../../gateway/auth/auth-errors.js'
import { parse, parseDuration, UsageError, type Command } from './common.js'

const help = `Usage: ordo token --secret SECRET [--publish PATTERN]... [--subscribe PATTERN]... [--monitor] [--ttl DURATION] [--sub NAME]

Mints an access token (a JWT signed with HMAC-SHA256) for a server started with
the same secret (ordo start --secret, or ORDO_SECRET). Prints the token.

Options:
  --secret SECRET       the server's secret (default: env ORDO_SECRET)
  --publish PATTERN     group pattern the holder may publish to; repeatable
  --subscribe PATTERN   group pattern the holder may subscribe to; repeatable
  --monitor             the holder may read the admin API (/api/*) and the
                        dashboard (/ui): every group, connection and subscriber
  --ttl DURATION        lifetime, e.g. 30m, 1h, 7d (default: no expiry)
  --sub NAME            who the token is for: its identity. Publisher ids and HTTP
                        idempotency keys belong to an identity, so every token
                        minted with one --sub shares them; a token without --sub
                        is an identity of its own

Patterns: dot-separated segments; '*' matches one segment, a final '>' one or
more: 'orders.*' matches orders.eu, 'orders.>' matches orders.eu.x, '>' matches
every name (names with an empty segment, like 'a..b', match no wildcard).

Examples:
  ordo token --secret s3cret --publish 'orders.*' --subscribe '>' --ttl 1h
  ordo token --monitor --sub ops --ttl 12h        # for the dashboard: /ui#token=<token>`

export const tokenCommand: Command = {
  name: 'token',
  summary: 'mint an access token (HMAC-signed) listing the groups a client may publish/subscribe to',
  help,
  async run(argv) {
    const { values, positionals } = parse('token', argv, {
      secret: { type: 'string' },
      publish: { type: 'string', multiple: true },
      subscribe: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      sub: { type: 'string' },
      monitor: { type: 'boolean' },
    }, false)
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    void positionals
    const secret = values.secret ?? process.env.ORDO_SECRET
    if (secret === undefined || secret.length === 0) throw new UsageError('ordo token: no secret: pass --secret SECRET or set ORDO_SECRET')
    const publish = values.publish ?? []
    const subscribe = values.subscribe ?? []
    const monitor = values.monitor === true
    if (publish.length === 0 && subscribe.length === 0 && !monitor) {
      throw new UsageError('ordo token: the token would allow nothing: pass --publish PATTERN, --subscribe PATTERN and/or --monitor')
    }
    const ttlMs = values.ttl === undefined ? undefined : parseDuration('--ttl', values.ttl)
    try {
      const token = mintToken(secret, { publish, subscribe, ttlMs, sub: values.sub, monitor })
      process.stdout.write(token + '\n')
    } catch (err) {
      if (err instanceof AuthError) throw new UsageError(`ordo token: ${err.message}`)
      throw err
    }
    return 0
  },
}
