// `ordo relay`: a gateway whose engine is another gateway. It serves its own
// clients with the same protocol and subscribes upstream with one connection,
// in the foreground until SIGTERM or SIGINT.

import { onStopSignals } from './stop-signals.js'
import { resolve } from 'node:path'
import { ORDO_VERSION } from '../../engine/version.js'
import { createLogger, isLogFormat, isLogLevel, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../../gateway/log/create-logger.js'
import { parseTransportChoice, TransportError, type TransportChoice } from '../../gateway/transport/select-transport.js'
import { startRelay, type RelayServer } from '../../gateway/relay/index.js'
import { RelayError } from '../../gateway/relay/relay-options.js'
import { CommandError, parseBytes, parseDuration, parseInteger, UsageError, type Command } from './common.js'
import { flagHelp, parseFlags, type FlagSpec } from './env-options.js'

const FLAGS = {
  upstream: { type: 'string', arg: 'URLS', help: 'upstream WebSocket URL(s), comma-separated, tried in turn: ordo start,\na cluster\'s nodes, or another relay (required)' },
  port: { type: 'string', arg: 'PORT', help: 'port (default 7071; 0 picks a free one)' },
  host: { type: 'string', arg: 'HOST', help: 'interface (default 127.0.0.1; 0.0.0.0 for all)' },
  secret: {
    type: 'string',
    arg: 'SECRET',
    help: "secret clients' tokens are checked with: the root's. Without one the relay\nruns open: it serves its clients what its own token may read, and only the\nupstream checks publishes",
  },
  'upstream-token': { type: 'string', arg: 'TOKEN', help: "the relay's own token for its upstream connection; it must allow\nsubscribing to every group the relay's clients may subscribe to" },
  data: { type: 'string', arg: 'DIR', help: "where the relay keeps its clients' durable subscriptions (default: none,\nkept in memory only)" },
  name: { type: 'string', arg: 'NAME', help: "the relay's name upstream: its durable subscriptions there are named\nrelay.NAME.<groups> (default: relay-PORT)" },
  'durable-idle-expiry': { type: 'string', arg: 'DUR', help: "a client's durable subscription with no consumer this long is deleted\n(default 7d)" },
  'cache-bytes': { type: 'string', arg: 'SIZE', help: 'Deliver frames kept for resumes (default 64MiB); older gsns are\nfetched upstream' },
  linger: { type: 'string', arg: 'DUR', help: 'keep an interest without clients this long (default 30s)' },
  'max-connections': { type: 'string', arg: 'N', help: 'most WebSocket connections (default 100000)' },
  'send-buffer-high': { type: 'string', arg: 'BYTES', help: 'slow consumer threshold (default 1048576)' },
  'slow-consumer-timeout': { type: 'string', arg: 'DUR', help: 'slow consumer: closed after this long paused (default 30s)' },
  transport: { type: 'string', arg: 'T', help: 'auto (default), uws or ws: as ordo start' },
  'log-level': { type: 'string', arg: 'LEVEL', help: `${LOG_LEVELS.join(', ')} (default info)` },
  'log-format': { type: 'string', arg: 'FORMAT', help: `${LOG_FORMATS.join(', ')} (default auto)` },
  quiet: { type: 'boolean', help: 'log errors only' },
} as const satisfies Record<string, FlagSpec>

const help = `Usage: ordo relay --upstream URL[,URL...] [options]

Serves clients on its own port with the same protocol as ordo start (WebSocket
at ws://HOST:PORT/, GET /health, GET /metrics) and takes what it serves from an
upstream server: one connection upstream carries every group its clients
subscribe to; publishes go upstream under each client's own token and publisher
id. Relays stack (a relay's upstream may be a relay). Logs "ready" once the
upstream welcomed it. SIGTERM or SIGINT stop it.

Every option can also be set in the environment (the command line wins):

${flagHelp(FLAGS)}`

export const relayCommand: Command = {
  name: 'relay',
  summary: 'serve clients from an upstream server (fan-out tree): same protocol, one upstream connection',
  help,
  async run(argv) {
    const flags = parseFlags('relay', argv, FLAGS, help)
    if (flags === null) return 0
    const { given, values, str } = flags
    const upstreamArg = str('upstream')
    if (upstreamArg === undefined || upstreamArg.trim() === '') throw new UsageError('ordo relay: --upstream URL is required (e.g. --upstream ws://127.0.0.1:7070/)')
    const upstream = upstreamArg.split(',').map((u) => u.trim()).filter((u) => u !== '')
    const port = parseInteger('--port', str('port'), 7071, 0, 65535)
    const host = str('host') ?? '127.0.0.1'
    const secret = str('secret')
    const token = str('upstream-token') ?? ''
    const dataDir = str('data') === undefined ? null : resolve(str('data')!)
    const name = str('name')
    if (name !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new UsageError(`ordo relay: bad --name ${JSON.stringify(name)}: 1-64 of [A-Za-z0-9_-]`)
    const cacheBytes = str('cache-bytes') === undefined ? 64 * 1024 * 1024 : parseBytes('--cache-bytes', str('cache-bytes')!)
    const durableIdleExpiryMs = str('durable-idle-expiry') === undefined ? 7 * 24 * 3600_000 : parseDuration('--durable-idle-expiry', str('durable-idle-expiry')!)
    const lingerMs = str('linger') === undefined ? 30_000 : parseDuration('--linger', str('linger')!)
    const maxConnections = parseInteger('--max-connections', str('max-connections'), 100_000, 1)
    const sendBufferHighBytes = parseInteger('--send-buffer-high', str('send-buffer-high'), 1024 * 1024, 1024)
    const slowConsumerTimeoutMs = str('slow-consumer-timeout') === undefined ? 30_000 : parseDuration('--slow-consumer-timeout', str('slow-consumer-timeout')!)
    const level = values.quiet === true ? 'error' : (str('log-level') ?? 'info')
    if (!isLogLevel(level)) throw new UsageError(`ordo relay: bad --log-level ${JSON.stringify(level)}: one of ${LOG_LEVELS.join(', ')}`)
    const format = str('log-format') ?? 'auto'
    if (!isLogFormat(format)) throw new UsageError(`ordo relay: bad --log-format ${JSON.stringify(format)}: one of ${LOG_FORMATS.join(', ')}`)
    let transport: TransportChoice
    try {
      transport = parseTransportChoice(str('transport'), given.transport !== undefined ? '--transport' : 'ORDO_TRANSPORT')
    } catch (err) {
      throw new UsageError(`ordo relay: ${(err as Error).message}`)
    }
    const log = createLogger({ level: level as LogLevel, format: format as LogFormat })
    log.info({ event: 'start', role: 'relay', version: ORDO_VERSION, node: process.version, upstream, host, port, cacheBytes, dataDir }, `ordo relay ${ORDO_VERSION} starting`)

    let relay: RelayServer
    try {
      relay = await startRelay({
        upstream,
        token,
        cacheBytes,
        lingerMs,
        dataDir,
        durableIdleExpiryMs,
        name: name ?? `relay-${port}`,
        logger: log,
        gateway: {
          host, port, secret, transport, logger: log, ui: false,
          limits: { maxConnections, sendBufferHighBytes, sendBufferLowBytes: Math.floor(sendBufferHighBytes / 4), slowConsumerTimeoutMs },
          warn: (text) => process.stderr.write(text.split('\n').map((l) => `ordo relay: ${l}\n`).join('')),
        },
      })
    } catch (err) {
      if (err instanceof RelayError) {
        log.fatal({ event: 'relay_failed', code: err.code, err: err.message }, 'relay cannot start')
        throw new CommandError(err.code, err.message)
      }
      if (err instanceof TransportError) throw new CommandError(err.code, err.message)
      throw new CommandError('LISTEN_FAILED', err instanceof Error ? err.message : String(err))
    }
    const g = relay.gateway
    log.info({ event: 'upstream', url: relay.engine.control.url, durableGsn: relay.engine.durableGsn }, `upstream ${relay.engine.control.url}`)
    log.info({ event: 'listening', url: g.url, port: g.port, host, transport: g.transportName }, `listening on ${g.url}`)
    if (g.authOpen) log.warn({ event: 'auth', mode: 'open' }, 'auth: OPEN MODE (no secret): clients are not checked here; publishes are checked upstream')
    else log.info({ event: 'auth', mode: 'token' }, 'auth: tokens required (checked here with the secret, and again upstream for publishes)')
    log.info({}, 'ready')

    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        log.info({ event: 'shutdown', signal }, `${signal}: shutting down`)
        relay.close().then(done, (err: unknown) => {
          log.error({ event: 'shutdown_failed', err: err instanceof Error ? err.message : String(err) }, 'shutdown failed')
          process.exitCode = 1
          done()
        })
      }
      onStopSignals(stop, () => process.exit(130))
    })
    setTimeout(() => process.exit(), 2000).unref()
    return 0
  },
}
