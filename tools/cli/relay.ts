// `ordo relay`: a gateway whose engine is another gateway. It serves its own
// clients with the same protocol and subscribes upstream with one connection,
// in the foreground until SIGTERM or SIGINT.

import { startRelay, type RelayServer } from '../../relay/index.js'
import { RelayError } from '../../relay/relay-options.js'
import { CommandError, parse, parseDuration, parseInteger, UsageError, type Command } from './common.js'

const help = `Usage: ordo relay --upstream URL[,URL...] [options]

Serves clients on its own port with the same protocol as ordo start (WebSocket
at ws://HOST:PORT/, GET /health, GET /metrics) and takes what it serves from an
upstream server (ordo start, a cluster's nodes, or another relay): one
connection upstream carries every group its clients subscribe to; publishes are
forwarded upstream under each client's own token and publisher id. Relays stack
(a relay's upstream may be a relay). Prints "ready" once the upstream welcomed it.

Options:
  --upstream URLS        upstream WebSocket URL(s), comma-separated, tried in turn
  --port PORT            port (default 7071; 0 picks a free one)
  --host HOST            interface (default 127.0.0.1; 0.0.0.0 for all)
  --secret SECRET        secret that clients' tokens are checked with (default: env
                         ORDO_SECRET); use the root's secret. Without one the relay
                         runs open: every client may subscribe to all the relay's
                         token may read, and publishes are checked only upstream
  --token TOKEN          the relay's own token for its upstream connection (default:
                         env ORDO_RELAY_TOKEN); it must allow subscribing to every
                         group the relay's clients may subscribe to
  --cache-bytes BYTES    Deliver frames kept for resumes (default 67108864); older
                         gsns are fetched upstream
  --linger DUR           keep an interest without clients this long (default 30s)
  --max-connections N    most WebSocket connections (default 100000)
  --send-buffer-high BYTES      slow consumer threshold (default 1048576)
  --slow-consumer-timeout DUR   slow consumer close after (default 30s)
  --quiet                no log lines except errors`

export const relayCommand: Command = {
  name: 'relay',
  summary: 'serve clients from an upstream server (fan-out tree): same protocol, one upstream connection',
  help,
  async run(argv) {
    const { values } = parse(
      'relay',
      argv,
      {
        upstream: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        token: { type: 'string' },
        'cache-bytes': { type: 'string' },
        linger: { type: 'string' },
        'max-connections': { type: 'string' },
        'send-buffer-high': { type: 'string' },
        'slow-consumer-timeout': { type: 'string' },
        quiet: { type: 'boolean' },
      },
      false,
    )
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    if (values.upstream === undefined || values.upstream.trim() === '') throw new UsageError('ordo relay: --upstream URL is required (e.g. --upstream ws://127.0.0.1:7070/)')
    const upstream = values.upstream.split(',').map((u) => u.trim()).filter((u) => u !== '')
    const port = parseInteger('--port', values.port, 7071, 0, 65535)
    const host = values.host ?? '127.0.0.1'
    const secret = values.secret ?? process.env.ORDO_SECRET
    const token = values.token ?? process.env.ORDO_RELAY_TOKEN ?? ''
    const cacheBytes = parseInteger('--cache-bytes', values['cache-bytes'], 64 * 1024 * 1024, 0)
    const lingerMs = values.linger === undefined ? 30_000 : parseDuration('--linger', values.linger)
    const maxConnections = parseInteger('--max-connections', values['max-connections'], 100_000, 1)
    const sendBufferHighBytes = parseInteger('--send-buffer-high', values['send-buffer-high'], 1024 * 1024, 1024)
    const slowConsumerTimeoutMs = values['slow-consumer-timeout'] === undefined ? 30_000 : parseDuration('--slow-consumer-timeout', values['slow-consumer-timeout'])
    const quiet = values.quiet === true
    const log = (line: string) => {
      if (!quiet) process.stdout.write(`ordo relay: ${line}\n`)
    }

    let relay: RelayServer
    try {
      relay = await startRelay({
        upstream,
        token,
        cacheBytes,
        lingerMs,
        log,
        gateway: { host, port, secret, limits: { maxConnections, sendBufferHighBytes, sendBufferLowBytes: Math.floor(sendBufferHighBytes / 4), slowConsumerTimeoutMs }, log },
      })
    } catch (err) {
      if (err instanceof RelayError) throw new CommandError(err.code, err.message)
      throw new CommandError('LISTEN_FAILED', err instanceof Error ? err.message : String(err))
    }
    log(`upstream ${relay.engine.control.url} (durable_gsn=${relay.engine.durableGsn}); cache ${cacheBytes} bytes`)
    log(`listening on ${relay.gateway.url} (HTTP: /health /metrics on the same port)`)
    log(relay.gateway.authOpen ? 'auth: OPEN MODE (no secret): clients are not checked here; publishes are checked upstream' : 'auth: tokens required (checked here with --secret, and again upstream for publishes)')
    log('ready')

    await new Promise<void>((done) => {
      let stopping = false
      const stop = (signal: string) => {
        if (stopping) process.exit(130)
        stopping = true
        log(`${signal}: shutting down`)
        relay.close().then(done, (err: unknown) => {
          process.stderr.write(`ordo relay: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`)
          process.exitCode = 1
          done()
        })
      }
      process.on('SIGTERM', () => stop('SIGTERM'))
      process.on('SIGINT', () => stop('SIGINT'))
    })
    setTimeout(() => process.exit(), 2000).unref()
    return 0
  },
}
